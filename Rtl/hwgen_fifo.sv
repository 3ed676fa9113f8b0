// Synchronous FIFO of any depth >= 1 with an occupancy count; push and pop may share a cycle.
module hwgen_fifo #(
  /// Bits per entry.
  parameter int Width = 8,
  /// Entries (>= 1; need not be a power of two).
  parameter int Depth = 8,
  localparam int PtrBits = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int CountBits = $clog2(Depth + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Push side: `push_i` must not be raised when full (unless popping in the same cycle).
  input  logic                 push_i,
  input  logic [Width-1:0]     push_data_i,
  // Pop side: `head_o` is valid while `empty_o` is low.
  input  logic                 pop_i,
  output logic [Width-1:0]     head_o,
  // Status
  output logic                 empty_o,
  output logic [CountBits-1:0] count_o
);

  logic [Width-1:0]     mem_q [Depth];
  logic [PtrBits-1:0]   wptr_q, wptr_d, rptr_q, rptr_d;
  logic [CountBits-1:0] count_q, count_d;

  function automatic logic [PtrBits-1:0] next_ptr(input logic [PtrBits-1:0] ptr);
    logic [PtrBits-1:0] n;
    n = ptr + 1'b1;
    if (ptr == PtrBits'(Depth - 1)) begin
      n = '0;
    end
    next_ptr = n;
  endfunction

  always_comb begin
    wptr_d  = wptr_q;
    rptr_d  = rptr_q;
    count_d = count_q;
    if (push_i) begin
      wptr_d = next_ptr(wptr_q);
    end
    if (pop_i) begin
      rptr_d = next_ptr(rptr_q);
    end
    if (push_i && !pop_i) begin
      count_d = count_q + 1'b1;
    end else if (pop_i && !push_i) begin
      count_d = count_q - 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wptr_q  <= '0;
      rptr_q  <= '0;
      count_q <= '0;
    end else begin
      wptr_q  <= wptr_d;
      rptr_q  <= rptr_d;
      count_q <= count_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (push_i) begin
      mem_q[wptr_q] <= push_data_i;
    end
  end

  assign head_o  = mem_q[rptr_q];
  assign empty_o = (count_q == '0);
  assign count_o = count_q;

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(push_i && !pop_i && count_q == CountBits'(Depth)))
        else $error("hwgen_fifo: push into a full FIFO");
      assert (!(pop_i && count_q == '0))
        else $error("hwgen_fifo: pop from an empty FIFO");
    end
  end
`endif

endmodule
