// Byte-level host protocol of a HwGen core behind a UART (docs/boards.md, "UART protocol").
//
// Commands (host to board), all multi-byte fields little-endian:
//   'I'                                      info: replies 20 bytes, "HWG1", then Signature (4),
//                                            InputSize (4), OutputSize (4), NumPes (2),
//                                            ActBits (1), LdBytes (1)
//   'L' addr(4) count(4) count x LdBytes     load: word k is written through the memory-load
//                                            port at addr + k; replies 'K' after the last one
//   'R' InputSize x ActBytes                 run: the inputs (two's complement) go to the core;
//                                            replies 'D', OutputSize x ActBytes results (hardware
//                                            row order, sign-extended), then the cycle count (4)
//   any other byte                           replies '?'
// ActBytes = ceil(ActBits / 8), LdBytes = ceil(LdBits / 8); bits above ActBits / LdBits are
// ignored. A command whose bytes stop for TimeoutCycles is abandoned (no reply) and the core is
// reset (its memories keep their contents), so a host can always resynchronise by waiting.
// Example: a design with ActBits = 16 and InputSize = 3 runs x = (1.0, -0.5, 0) at Fa = 8 with
// the bytes 52 00 01 80 ff 00 00.
module hwgen_uart_host #(
  parameter int ActBits = 16,
  parameter int LdBits = 40,
  parameter int InputSize = 1,
  parameter int OutputSize = 1,
  parameter int NumPes = 1,
  /// Identifies the design (its layout and weights); the host checks it before loading.
  parameter logic [31:0] Signature = 32'h0,
  /// Clock cycles a command may wait for its next byte; 0 waits forever.
  parameter int TimeoutCycles = 0,
  localparam int ActBytes = (ActBits + 7) / 8,
  localparam int LdBytes = (LdBits + 7) / 8,
  // The word register holds a load word, an activation or the cycle count (4 bytes).
  localparam int WordBytes = (LdBytes > ActBytes) ? ((LdBytes > 4) ? LdBytes : 4)
                                                  : ((ActBytes > 4) ? ActBytes : 4),
  localparam int InfoBytes = 20,
  localparam int TimeoutBits = (TimeoutCycles > 1) ? $clog2(TimeoutCycles + 1) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Bytes from the UART receiver
  input  logic               rx_valid_i,
  input  logic [7:0]         rx_data_i,
  // Bytes to the UART transmitter
  output logic               tx_valid_o,
  input  logic               tx_ready_i,
  output logic [7:0]         tx_data_o,
  // Core: input activation stream
  output logic               in_valid_o,
  input  logic               in_ready_i,
  output logic [ActBits-1:0] in_data_o,
  // Core: output stream
  input  logic               out_valid_i,
  output logic               out_ready_o,
  input  logic [ActBits-1:0] out_data_i,
  // Core: cycle count of the last inference
  input  logic [31:0]        perf_cycles_i,
  // Core: memory-load port
  output logic               ld_valid_o,
  input  logic               ld_ready_i,
  output logic [31:0]        ld_addr_o,
  output logic [LdBits-1:0]  ld_data_o,
  // Core reset request (low for one cycle when a command times out)
  output logic               core_rst_no
);

  typedef enum logic [3:0] {
    StOpcode   = 4'd0,
    StInfo     = 4'd1,
    StNack     = 4'd2,
    StLdHeader = 4'd3,
    StLdData   = 4'd4,
    StLdWrite  = 4'd5,
    StLdAck    = 4'd6,
    StRunData  = 4'd7,
    StRunPush  = 4'd8,
    StRunAck   = 4'd9,
    StRunOut   = 4'd10,
    StRunCycles = 4'd11
  } state_e;

  localparam logic [7:0] OpInfo = 8'h49;   // 'I'
  localparam logic [7:0] OpLoad = 8'h4c;   // 'L'
  localparam logic [7:0] OpRun = 8'h52;    // 'R'
  localparam logic [7:0] RespLoaded = 8'h4b;  // 'K'
  localparam logic [7:0] RespDone = 8'h44;    // 'D'
  localparam logic [7:0] RespUnknown = 8'h3f; // '?'

  localparam logic [31:0] InputSize32 = 32'(InputSize);
  localparam logic [31:0] OutputSize32 = 32'(OutputSize);

  state_e               state_q, state_d;
  logic [7:0]           index_q, index_d;
  // A load's header (address, then count) is shifted into {count, addr}.
  logic [31:0]          count_q, count_d;
  logic [31:0]          addr_q, addr_d;
  logic [WordBytes*8-1:0] word_q, word_d;
  logic                 have_q, have_d;
  logic                 timeout;

  // The info reply, first byte in the low bits ("HWG1" = 48 57 47 31).
  logic [InfoBytes*8-1:0] info;

  assign info[31:0]    = 32'h3147_5748;
  assign info[63:32]   = Signature;
  assign info[95:64]   = InputSize32;
  assign info[127:96]  = OutputSize32;
  assign info[143:128] = 16'(NumPes);
  assign info[151:144] = 8'(ActBits);
  assign info[159:152] = 8'(LdBytes);

  // ---------------------------------------------------------------------------------------------
  // Timeout of a command waiting for its next byte
  // ---------------------------------------------------------------------------------------------
  if (TimeoutCycles == 0) begin : gen_no_timeout
    assign timeout = 1'b0;
  end else begin : gen_timeout
    logic                   waiting;
    logic [TimeoutBits-1:0] wait_q, wait_d;

    assign waiting = (state_q == StLdHeader) || (state_q == StLdData) || (state_q == StRunData);
    assign timeout = waiting && !rx_valid_i && (wait_q == TimeoutBits'(TimeoutCycles));
    assign wait_d  = (!waiting || rx_valid_i) ? '0 : wait_q + 1'b1;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wait_q <= '0;
      end else begin
        wait_q <= wait_d;
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Command sequencer
  // ---------------------------------------------------------------------------------------------
  // Received bytes enter `word` at the top (the first byte ends lowest); results leave at the
  // bottom.
  logic                   tx_fire;
  logic [WordBytes*8-1:0] word_shifted;
  logic [ActBytes*8-1:0]  out_extended;

  assign tx_fire      = tx_valid_o && tx_ready_i;
  assign word_shifted = {rx_data_i, word_q[WordBytes*8-1:8]};
  assign out_extended = (ActBytes * 8)'($signed(out_data_i));

  always_comb begin
    state_d     = state_q;
    index_d     = index_q;
    count_d     = count_q;
    addr_d      = addr_q;
    word_d      = word_q;
    have_d      = have_q;
    tx_valid_o  = 1'b0;
    tx_data_o   = RespUnknown;
    in_valid_o  = 1'b0;
    out_ready_o = 1'b0;
    ld_valid_o  = 1'b0;

    unique case (state_q)
      StOpcode: begin
        index_d = '0;
        count_d = '0;
        if (rx_valid_i) begin
          unique case (rx_data_i)
            OpInfo: state_d = StInfo;
            OpLoad: state_d = StLdHeader;
            OpRun:  state_d = StRunData;
            default: state_d = StNack;
          endcase
        end
      end
      StInfo: begin
        tx_valid_o = 1'b1;
        tx_data_o  = info[index_q*8 +: 8];
        if (tx_fire) begin
          index_d = index_q + 1'b1;
          if (index_q == 8'(InfoBytes - 1)) begin
            state_d = StOpcode;
          end
        end
      end
      StNack: begin
        tx_valid_o = 1'b1;
        tx_data_o  = RespUnknown;
        if (tx_fire) begin
          state_d = StOpcode;
        end
      end
      StLdHeader: begin
        if (rx_valid_i) begin
          {count_d, addr_d} = {rx_data_i, count_q, addr_q[31:8]};
          index_d = index_q + 1'b1;
          if (index_q == 8'd7) begin
            index_d = '0;
            state_d = StLdData;
            if (count_d == '0) begin
              state_d = StLdAck;
            end
          end
        end
      end
      StLdData: begin
        if (rx_valid_i) begin
          word_d  = word_shifted;
          index_d = index_q + 1'b1;
          if (index_q == 8'(LdBytes - 1)) begin
            index_d = '0;
            state_d = StLdWrite;
          end
        end
      end
      StLdWrite: begin
        ld_valid_o = 1'b1;
        if (ld_ready_i) begin
          addr_d  = addr_q + 1;
          count_d = count_q - 1;
          state_d = StLdData;
          if (count_q == 32'd1) begin
            state_d = StLdAck;
          end
        end
      end
      StLdAck: begin
        tx_valid_o = 1'b1;
        tx_data_o  = RespLoaded;
        if (tx_fire) begin
          state_d = StOpcode;
        end
      end
      StRunData: begin
        if (rx_valid_i) begin
          word_d  = word_shifted;
          index_d = index_q + 1'b1;
          if (index_q == 8'(ActBytes - 1)) begin
            index_d = '0;
            state_d = StRunPush;
          end
        end
      end
      StRunPush: begin
        in_valid_o = 1'b1;
        if (in_ready_i) begin
          count_d = count_q + 1;
          state_d = StRunData;
          if (count_q == InputSize32 - 1) begin
            state_d = StRunAck;
          end
        end
      end
      StRunAck: begin
        tx_valid_o = 1'b1;
        tx_data_o  = RespDone;
        if (tx_fire) begin
          count_d = '0;
          have_d  = 1'b0;
          state_d = StRunOut;
        end
      end
      StRunOut: begin
        if (!have_q) begin
          out_ready_o = 1'b1;
          if (out_valid_i) begin
            word_d  = (WordBytes * 8)'(out_extended);
            have_d  = 1'b1;
            index_d = '0;
          end
        end else begin
          tx_valid_o = 1'b1;
          tx_data_o  = word_q[7:0];
          if (tx_fire) begin
            word_d  = {8'h00, word_q[WordBytes*8-1:8]};
            index_d = index_q + 1'b1;
            if (index_q == 8'(ActBytes - 1)) begin
              have_d  = 1'b0;
              count_d = count_q + 1;
              if (count_q == OutputSize32 - 1) begin
                word_d  = (WordBytes * 8)'(perf_cycles_i);
                index_d = '0;
                state_d = StRunCycles;
              end
            end
          end
        end
      end
      StRunCycles: begin
        tx_valid_o = 1'b1;
        tx_data_o  = word_q[7:0];
        if (tx_fire) begin
          word_d  = {8'h00, word_q[WordBytes*8-1:8]};
          index_d  = index_q + 1'b1;
          if (index_q == 8'd3) begin
            state_d = StOpcode;
          end
        end
      end
      default: begin
        state_d = StOpcode;
      end
    endcase

    if (timeout) begin
      state_d = StOpcode;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= StOpcode;
      index_q  <= '0;
      count_q  <= '0;
      addr_q   <= '0;
      word_q   <= '0;
      have_q   <= 1'b0;
      core_rst_no <= 1'b1;
    end else begin
      state_q  <= state_d;
      index_q  <= index_d;
      count_q  <= count_d;
      addr_q   <= addr_d;
      word_q   <= word_d;
      have_q   <= have_d;
      core_rst_no <= !timeout;
    end
  end

  assign in_data_o = word_q[(WordBytes - ActBytes)*8 +: ActBits];
  assign ld_addr_o = addr_q;
  assign ld_data_o = word_q[(WordBytes - LdBytes)*8 +: LdBits];

endmodule
