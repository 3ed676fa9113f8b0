// Activation function of the output stage: identity, ReLU, tanh or sigmoid on an A-bit value.
//
// Input and output are signed A-bit activations with Fa fractional bits. tanh interpolates
// linearly in a table of tanh on [0, 8] sampled every 2^-G (G = min(ceil(Fa/2), 6)) at
// P = Fa + 3 fractional bits; sigmoid reads the same table at x/2, since
// sigmoid(x) = (1 + tanh(x/2)) / 2. HwGen's golden model computes exactly the same integers
// (Compression/FixedActivation.cs) and writes the table image this module loads
// (ActivationTable.HexImage: one word per segment, {step, sample}).
//
// tanh, u = |x|, S = Fa - G:
//   k = u >> S, f = u mod 2^S        (u >= 2^(Fa+3): k = N-1, f = 2^S, the end of the table)
//   y = t[k] + ((step[k] * f + 2^(S-1)) >> S)
//   m = (y + 4) >> 3,  result = sat_A(x < 0 ? -m : m)
// sigmoid: S = Fa + 1 - G and the end at u >= 2^(Fa+4); z = 2^P +/- y; result = sat_A((z + 8) >> 4).
// Worked example (A = 16, Fa = 8): tanh(0.5) = x 128 -> 118 (0.4609), sigmoid(2) = x 512 -> 226.
//
// Latency 0: combinational (the table is a LUT ROM). Latency 1: the table read is registered
// (it maps to block RAM) and the result follows one cycle after `valid_i`; `y_o` holds its value
// until the next valid input.
module hwgen_act_fn #(
  /// A: activation bits.
  parameter int ActBits = 16,
  /// Fa: fractional bits of activations (0..40).
  parameter int ActFrac = 8,
  /// $readmemh image of the table (ActivationTable.HexImage for this Fa); "" when only identity
  /// and ReLU are used.
  parameter TableFile = "",
  /// 0: combinational; 1: registered table read, result one cycle later.
  parameter int Latency = 0,
  localparam int SegBits = ((ActFrac + 1) / 2 < 6) ? (ActFrac + 1) / 2 : 6,
  localparam int TabFrac = ActFrac + 3,
  localparam int IdxBits = 3 + SegBits,
  localparam int Entries = 1 << IdxBits,
  localparam int ValueBits = TabFrac + 1,
  localparam int DeltaBits = TabFrac - SegBits + 1,
  localparam int WordBits = ValueBits + DeltaBits
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Function: 0 identity, 1 ReLU, 2 tanh, 3 sigmoid.
  input  logic [1:0]         fn_i,
  // Input value (signed, A bits, Fa fractional bits); with Latency 1, sampled when valid_i.
  input  logic               valid_i,
  input  logic [ActBits-1:0] x_i,
  // Result (signed, A bits, Fa fractional bits).
  output logic [ActBits-1:0] y_o
);

  // -----------------------------------------------------------------------------------------------
  // Sizes
  // -----------------------------------------------------------------------------------------------
  localparam int ShiftT = ActFrac - SegBits;      // tanh: fraction bits below the segment index
  localparam int ShiftS = ActFrac + 1 - SegBits;  // sigmoid: the table is read at x / 2
  localparam int FracBits = ShiftS + 1;            // f < 2^S, or 2^S at the end of the table
  localparam int ProdBits = DeltaBits + FracBits;
  localparam int WideBits = ((ActBits > ValueBits) ? ActBits : ValueBits) + 3;
  localparam logic signed [WideBits-1:0] ActMax = WideBits'((64'sd1 <<< (ActBits - 1)) - 1);
  localparam logic signed [WideBits-1:0] ActMin = -ActMax - 1;

  localparam logic [1:0] FnNone = 2'd0;
  localparam logic [1:0] FnRelu = 2'd1;
  localparam logic [1:0] FnTanh = 2'd2;
  localparam logic [1:0] FnSigmoid = 2'd3;

  logic [WordBits-1:0] table_q [Entries];

  initial begin
    if (TableFile != "") begin
      $readmemh(TableFile, table_q);
    end
  end

  // -----------------------------------------------------------------------------------------------
  // Stage 1: magnitude, segment index and position in the segment
  // -----------------------------------------------------------------------------------------------
  // Every variable below is assigned once (event-driven simulators re-run a block whose own
  // outputs change while it runs).
  logic [ActBits-1:0]  mag;
  logic                sigmoid;
  logic                beyond;
  logic [IdxBits-1:0]  index;
  logic [FracBits-1:0] frac;

  always_comb begin
    mag = x_i[ActBits-1] ? ActBits'(-x_i) : x_i;
    sigmoid = (fn_i == FnSigmoid);
    beyond = sigmoid ? (((ActBits + 1)'(mag) >> (ActFrac + 4)) != '0)
                     : (((ActBits + 1)'(mag) >> (ActFrac + 3)) != '0);
    index = beyond ? IdxBits'(Entries - 1)
          : sigmoid ? IdxBits'(mag >> ShiftS)
          : IdxBits'(mag >> ShiftT);
    frac = beyond ? (sigmoid ? FracBits'(64'd1 << ShiftS) : FracBits'(64'd1 << ShiftT))
         : sigmoid ? FracBits'(mag & ActBits'((64'd1 << ShiftS) - 1))
         : FracBits'(mag & ActBits'((64'd1 << ShiftT) - 1));
  end

  // -----------------------------------------------------------------------------------------------
  // Table read (combinational or registered) and the operands that travel with it
  // -----------------------------------------------------------------------------------------------
  logic [WordBits-1:0] word;
  logic [1:0]          fn_r;
  logic [ActBits-1:0]  x_r;
  logic [FracBits-1:0] frac_r;

  if (Latency == 0) begin : gen_comb
    // The clock, reset and valid serve only the registered variant.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_ok;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_ok = ^{clk_i, rst_ni, valid_i};
    assign word   = table_q[index];
    assign fn_r   = fn_i;
    assign x_r    = x_i;
    assign frac_r = frac;
  end else begin : gen_reg
    logic [WordBits-1:0] word_q;
    logic [1:0]          fn_q;
    logic [ActBits-1:0]  x_q;
    logic [FracBits-1:0] frac_q;

    always_ff @(posedge clk_i) begin
      if (valid_i) begin
        word_q <= table_q[index];
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fn_q   <= FnNone;
        x_q    <= '0;
        frac_q <= '0;
      end else if (valid_i) begin
        fn_q   <= fn_i;
        x_q    <= x_i;
        frac_q <= frac;
      end
    end

    assign word   = word_q;
    assign fn_r   = fn_q;
    assign x_r    = x_q;
    assign frac_r = frac_q;
  end

  // -----------------------------------------------------------------------------------------------
  // Stage 2: interpolation, rounding, sign and saturation
  // -----------------------------------------------------------------------------------------------
  localparam logic [ProdBits-1:0] RoundT = (ShiftT > 0) ? ProdBits'(64'd1 << (ShiftT - 1)) : '0;
  localparam logic [ProdBits-1:0] RoundS = (ShiftS > 0) ? ProdBits'(64'd1 << (ShiftS - 1)) : '0;
  localparam logic [WideBits-1:0] One = WideBits'(64'd1 << TabFrac);

  logic [ValueBits-1:0]        sample;
  logic [DeltaBits-1:0]        step;
  logic [ProdBits-1:0]         prod;
  // The interpolated step is at most one table step: its top bits are always zero.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [ProdBits-1:0]         interp;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [ValueBits-1:0]        y_tab;
  logic signed [WideBits-1:0]  x_wide, tanh_mag, sigmoid_z, m;
  logic                        negative;

  always_comb begin
    sample = word[ValueBits-1:0];
    step = word[WordBits-1:ValueBits];
    prod = ProdBits'(step) * ProdBits'(frac_r);
    interp = (fn_r == FnSigmoid) ? (prod + RoundS) >> ShiftS : (prod + RoundT) >> ShiftT;
    y_tab = sample + ValueBits'(interp);
    negative = x_r[ActBits-1];
    x_wide = WideBits'($signed(x_r));
    tanh_mag = (WideBits'(y_tab) + WideBits'(4)) >>> 3;
    sigmoid_z = negative ? One - WideBits'(y_tab) : One + WideBits'(y_tab);
    unique case (fn_r)
      FnTanh:    m = negative ? -tanh_mag : tanh_mag;
      FnSigmoid: m = (sigmoid_z + WideBits'(8)) >>> 4;
      FnRelu:    m = negative ? '0 : x_wide;
      default:   m = x_wide;
    endcase
  end

  assign y_o = (m > ActMax) ? ActMax[ActBits-1:0]
             : (m < ActMin) ? ActMin[ActBits-1:0]
             : m[ActBits-1:0];

`ifndef SYNTHESIS
  initial begin
    assert (ActBits >= 2 && ActBits <= 32) else $error("hwgen_act_fn: ActBits must be 2..32");
    assert (ActFrac >= 0 && ActFrac <= 40) else $error("hwgen_act_fn: ActFrac must be 0..40");
    assert (Latency == 0 || Latency == 1) else $error("hwgen_act_fn: Latency must be 0 or 1");
  end
`endif

endmodule
