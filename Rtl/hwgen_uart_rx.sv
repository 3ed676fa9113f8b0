// UART receiver, 8 data bits, no parity, 1 stop bit (8N1), LSB first, at a fixed bit time.
//
// The line is synchronised (two flip-flops), a start bit is recognised on a low level that is
// still low half a bit later, and every data bit and the stop bit are sampled in the middle of
// their bit time. Example: ClksPerBit = 260 is 115,384 baud at 30 MHz (0.16 % fast of 115,200,
// well inside the ±2 % a UART tolerates). A byte whose stop bit is low is reported as a framing
// error instead of being delivered, and the receiver then waits for the line to go idle (high).
module hwgen_uart_rx #(
  /// Clock cycles per bit (clock frequency / baud rate), at least 4.
  parameter int ClksPerBit = 16,
  localparam int CntBits = $clog2(ClksPerBit)
) (
  input  logic       clk_i,
  input  logic       rst_ni,
  // Serial line (asynchronous to clk_i, idle high)
  input  logic       rx_i,
  // Received bytes: `valid_o` is high for one cycle per byte
  output logic       valid_o,
  output logic [7:0] data_o,
  // One-cycle pulse when a stop bit was low (the byte is dropped)
  output logic       frame_error_o
);

  typedef enum logic [2:0] {
    StIdle  = 3'd0,
    StStart = 3'd1,
    StData  = 3'd2,
    StStop  = 3'd3,
    StBreak = 3'd4
  } state_e;

  localparam logic [CntBits-1:0] FullBit = CntBits'(ClksPerBit - 1);
  localparam logic [CntBits-1:0] HalfBit = CntBits'(ClksPerBit / 2 - 1);

  logic [1:0]         sync_q;
  logic               rx;
  state_e             state_q, state_d;
  logic [CntBits-1:0] cnt_q, cnt_d;
  logic [2:0]         bit_q, bit_d;
  logic [7:0]         shift_q, shift_d;
  logic               valid_q, valid_d;
  logic               error_q, error_d;

  assign rx = sync_q[1];

  always_comb begin
    state_d = state_q;
    cnt_d   = cnt_q;
    bit_d   = bit_q;
    shift_d = shift_q;
    valid_d = 1'b0;
    error_d = 1'b0;
    if (cnt_q != '0) begin
      cnt_d = cnt_q - 1'b1;
    end
    unique case (state_q)
      StIdle: begin
        if (!rx) begin
          state_d = StStart;
          cnt_d   = HalfBit;
        end
      end
      StStart: begin
        if (cnt_q == '0) begin
          // Still low in the middle of the start bit: a real start, not a glitch.
          state_d = StIdle;
          if (!rx) begin
            state_d = StData;
          end
          cnt_d = FullBit;
          bit_d = '0;
        end
      end
      StData: begin
        if (cnt_q == '0) begin
          shift_d = {rx, shift_q[7:1]};
          cnt_d   = FullBit;
          bit_d   = bit_q + 1'b1;
          if (bit_q == 3'd7) begin
            state_d = StStop;
          end
        end
      end
      StStop: begin
        if (cnt_q == '0) begin
          valid_d = rx;
          error_d = !rx;
          state_d = StIdle;
          if (!rx) begin
            state_d = StBreak;
          end
        end
      end
      StBreak: begin
        if (rx) begin
          state_d = StIdle;
        end
      end
      default: begin
        state_d = StIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      sync_q  <= 2'b11;
      state_q <= StIdle;
      cnt_q   <= '0;
      bit_q   <= '0;
      shift_q <= '0;
      valid_q <= 1'b0;
      error_q <= 1'b0;
    end else begin
      sync_q  <= {sync_q[0], rx_i};
      state_q <= state_d;
      cnt_q   <= cnt_d;
      bit_q   <= bit_d;
      shift_q <= shift_d;
      valid_q <= valid_d;
      error_q <= error_d;
    end
  end

  assign valid_o       = valid_q;
  assign data_o        = shift_q;
  assign frame_error_o = error_q;

`ifndef SYNTHESIS
  initial begin
    assert (ClksPerBit >= 4) else $fatal(1, "hwgen_uart_rx: ClksPerBit must be at least 4");
  end
`endif

endmodule
