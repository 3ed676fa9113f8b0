// Leading non-zero detector: the lowest set bit of `valid_i`, found by a tree of 4-input nodes.
//
// Example: Width = 6, valid_i = 6'b10_1000 gives valid_o = 1, index_o = 3.
module hwgen_lnzd #(
  /// Inputs (>= 1; any count, the tree is padded to a power of four).
  parameter int Width = 4,
  localparam int IndexBits = (Width > 1) ? $clog2(Width) : 1
) (
  input  logic [Width-1:0]     valid_i,
  output logic                 valid_o,
  output logic [IndexBits-1:0] index_o
);

  if (Width == 1) begin : gen_single
    assign valid_o = valid_i[0];
    assign index_o = '0;
  end else begin : gen_tree
    // A complete 4-ary tree stored as a heap: node n has children 4n+1 .. 4n+4.
    localparam int Levels = ($clog2(Width) + 1) / 2;
    localparam int Leaves = 1 << (2 * Levels);
    localparam int Inner = (Leaves - 1) / 3;
    localparam int Nodes = Inner + Leaves;
    localparam int TreeBits = 2 * Levels;

    logic [Nodes-1:0]          node_valid;
    // When Width is not a power of four the root's upper index bits are always zero (padding
    // leaves are never valid), so only IndexBits of them are used.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [Nodes*TreeBits-1:0] node_index;
    /* verilator lint_on UNUSEDSIGNAL */

    for (genvar i = 0; i < Leaves; i++) begin : gen_leaf
      if (i < Width) begin : gen_used
        assign node_valid[Inner + i] = valid_i[i];
      end else begin : gen_pad
        assign node_valid[Inner + i] = 1'b0;
      end
      assign node_index[(Inner + i)*TreeBits +: TreeBits] = i;
    end

    for (genvar n = 0; n < Inner; n++) begin : gen_node
      hwgen_lnzd_node #(
        .IndexBits(TreeBits)
      ) u_node (
        .valid_i(node_valid[4*n + 1 +: 4]),
        .index_i(node_index[(4*n + 1)*TreeBits +: 4*TreeBits]),
        .valid_o(node_valid[n]),
        .index_o(node_index[n*TreeBits +: TreeBits])
      );
    end

    assign valid_o = node_valid[0];
    assign index_o = node_index[IndexBits-1:0];
  end

endmodule
