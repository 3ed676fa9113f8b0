// Simple dual-port RAM: one synchronous read port, one write port, optional $readmemh image.
//
// Read data is registered and holds its value while `re_i` is low. A read and a write of the
// same address in one cycle return undefined data in hardware (simulation returns the old data):
// synthesis is told to ignore the collision (`no_rw_check`), so block RAMs need no bypass logic.
// Callers never use such a read: hwgen_pe forwards the accumulator that is written in the cycle it
// is read, and its other memories are never written and read in the same cycle.
module hwgen_ram_1r1w #(
  /// Bits per word.
  parameter int Width = 8,
  /// Words.
  parameter int Depth = 2,
  /// Hex image loaded with $readmemh at time zero; "" leaves the memory uninitialised.
  parameter MemFile = "",
  localparam int AddrBits = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic                clk_i,
  // Write port
  input  logic                we_i,
  input  logic [AddrBits-1:0] waddr_i,
  input  logic [Width-1:0]    wdata_i,
  // Read port
  input  logic                re_i,
  input  logic [AddrBits-1:0] raddr_i,
  output logic [Width-1:0]    rdata_o
);

  (* no_rw_check *) logic [Width-1:0] mem_q [Depth];
  logic [Width-1:0] rdata_q;

  initial begin
    rdata_q = '0;
    if (MemFile != "") begin
      $readmemh(MemFile, mem_q);
    end
  end

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem_q[waddr_i] <= wdata_i;
    end
    if (re_i) begin
      rdata_q <= mem_q[raddr_i];
    end
  end

  assign rdata_o = rdata_q;

endmodule
