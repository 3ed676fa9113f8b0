// hwgen_ram_1r1w's ports and read timing on iCE40UP single-port RAMs (SB_SPRAM256KA, 16K x 16).
//
// Reads are synchronous with one cycle of latency and the read data holds while `re_i` is low,
// exactly as in hwgen_ram_1r1w. The SPRAM has one address port, so a write and a read must never
// be requested in the same cycle; HwGen writes these memories only through the memory-load port,
// which the core accepts only while idle (no reads). SPRAM cannot be initialised by the
// bitstream: its contents must be loaded at run time. Example: Width = 16, Depth = 3000 uses one
// SB_SPRAM256KA; Width = 40, Depth = 20000 uses 3 columns x 2 rows = 6 (more than a UP5K has).
module hwgen_ram_ice40_spram #(
  /// Bits per word.
  parameter int Width = 16,
  /// Words.
  parameter int Depth = 16384,
  localparam int AddrBits = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int Cols = (Width + 15) / 16,
  localparam int Rows = (Depth + 16383) / 16384,
  localparam int RowBits = (Rows > 1) ? $clog2(Rows) : 1
) (
  input  logic                clk_i,
  // Write port (never in the same cycle as a read)
  input  logic                we_i,
  input  logic [AddrBits-1:0] waddr_i,
  input  logic [Width-1:0]    wdata_i,
  // Read port
  input  logic                re_i,
  input  logic [AddrBits-1:0] raddr_i,
  output logic [Width-1:0]    rdata_o
);

  logic [AddrBits-1:0]     addr;
  // The address widened so that the cell (13:0) and row fields can be sliced for any depth; the
  // bits above the row field are always zero.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0]             addr_wide;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [13:0]             cell_addr;
  logic [Cols*16-1:0]      wdata;
  logic [Rows*Cols*16-1:0] row_rdata;

  assign addr      = we_i ? waddr_i : raddr_i;
  assign addr_wide = 32'(addr);
  assign cell_addr = addr_wide[13:0];
  assign wdata     = (Cols * 16)'(wdata_i);

  for (genvar r = 0; r < Rows; r++) begin : gen_row
    logic select;

    if (Rows == 1) begin : gen_one_row
      assign select = we_i || re_i;
    end else begin : gen_rows
      assign select = (we_i || re_i) && (addr_wide[14 +: RowBits] == RowBits'(r));
    end

    for (genvar c = 0; c < Cols; c++) begin : gen_col
      SB_SPRAM256KA u_spram (
        .ADDRESS   (cell_addr),
        .DATAIN    (wdata[c*16 +: 16]),
        .MASKWREN  (4'b1111),
        .WREN      (we_i),
        .CHIPSELECT(select),
        .CLOCK     (clk_i),
        .STANDBY   (1'b0),
        .SLEEP     (1'b0),
        .POWEROFF  (1'b1),
        .DATAOUT   (row_rdata[(r*Cols + c)*16 +: 16])
      );
    end
  end

  if (Rows == 1) begin : gen_rdata_one_row
    assign rdata_o = row_rdata[Width-1:0];
  end else begin : gen_rdata_rows
    // The row that was read, kept with the data as the SPRAMs keep theirs.
    logic [RowBits-1:0] row_q;

    always_ff @(posedge clk_i) begin
      if (re_i) begin
        row_q <= addr_wide[14 +: RowBits];
      end
    end

    assign rdata_o = row_rdata[row_q*Cols*16 +: Width];
  end

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    assert (!(we_i && re_i)) else $error("hwgen_ram_ice40_spram: write and read in one cycle");
  end
`endif

endmodule
