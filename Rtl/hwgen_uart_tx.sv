// UART transmitter, 8N1, LSB first, at a fixed bit time; a valid/ready byte stream in.
//
// A byte is taken when `valid_i && ready_o` and sent as a start bit (low), 8 data bits and a
// stop bit (high), each ClksPerBit cycles long. `ready_o` is high when idle and in the last cycle
// of a stop bit, so back-to-back bytes are sent without gaps: exactly 10 bit times per byte.
module hwgen_uart_tx #(
  /// Clock cycles per bit (clock frequency / baud rate), at least 1.
  parameter int ClksPerBit = 16,
  localparam int CntBits = (ClksPerBit > 1) ? $clog2(ClksPerBit) : 1
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  // Bytes to send
  input  logic       valid_i,
  output logic       ready_o,
  input  logic [7:0] data_i,
  // Serial line (idle high)
  output logic       tx_o
);

  localparam logic [CntBits-1:0] FullBit = CntBits'(ClksPerBit - 1);

  logic               busy_q, busy_d;
  logic [CntBits-1:0] cnt_q, cnt_d;
  logic [3:0]         bits_q, bits_d;
  // {stop, data[7:0], start}, sent from bit 0; shifted in with ones (the idle level).
  logic [9:0]         shift_q, shift_d;

  logic last;

  // The last cycle of the stop bit: a new byte may start in the next cycle.
  assign last = busy_q && cnt_q == '0 && bits_q == 4'd0;

  always_comb begin
    busy_d  = busy_q;
    cnt_d   = cnt_q;
    bits_d  = bits_q;
    shift_d = shift_q;
    if ((!busy_q || last) && valid_i) begin
      busy_d  = 1'b1;
      cnt_d   = FullBit;
      bits_d  = 4'd9;
      shift_d = {1'b1, data_i, 1'b0};
    end else if (last) begin
      busy_d = 1'b0;
    end else if (busy_q) begin
      if (cnt_q != '0) begin
        cnt_d = cnt_q - 1'b1;
      end else begin
        cnt_d   = FullBit;
        bits_d  = bits_q - 1'b1;
        shift_d = {1'b1, shift_q[9:1]};
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      cnt_q   <= '0;
      bits_q  <= '0;
      shift_q <= '1;
    end else begin
      busy_q  <= busy_d;
      cnt_q   <= cnt_d;
      bits_q  <= bits_d;
      shift_q <= shift_d;
    end
  end

  assign ready_o = !busy_q || last;
  assign tx_o    = shift_q[0];

`ifndef SYNTHESIS
  initial begin
    assert (ClksPerBit >= 1) else $fatal(1, "hwgen_uart_tx: ClksPerBit must be at least 1");
  end
`endif

endmodule
