// One 4-input leading-non-zero-detection node (EIE): the lowest valid child and its index.
module hwgen_lnzd_node #(
  /// Bits of each child's index.
  parameter int IndexBits = 2
) (
  // Children, child 0 has priority.
  input  logic [3:0]             valid_i,
  input  logic [4*IndexBits-1:0] index_i,
  // The first valid child's index.
  output logic                   valid_o,
  output logic [IndexBits-1:0]   index_o
);

  always_comb begin
    valid_o = |valid_i;
    index_o = index_i[3*IndexBits +: IndexBits];
    if (valid_i[0]) begin
      index_o = index_i[0 +: IndexBits];
    end else if (valid_i[1]) begin
      index_o = index_i[IndexBits +: IndexBits];
    end else if (valid_i[2]) begin
      index_o = index_i[2*IndexBits +: IndexBits];
    end
  end

endmodule
