// Unit testbench of hwgen_act_fn: every A-bit input, all four functions, both latencies, at five
// (A, Fa) settings, against HwGen's C# FixedActivation. The test writes, per setting, the table
// image act_AA_FF.mem (ActivationTable.HexImage; two digits each, so that every file name has the
// same length) and act_AA_FF_expected.mem: for each input
// x (as an unsigned A-bit index) the word {tanh(x), sigmoid(x)} the C# code computes. Identity and
// ReLU are checked against their definitions. Prints "PASS <checks>" or the first failures.
module hwgen_act_fn_tb;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  localparam int Cases = 5;
  int checks = 0;
  int errors = 0;
  int finished = 0;

  for (genvar c = 0; c < Cases; c++) begin : gen_case
    localparam int A = (c == 0) ? 16 : (c == 1) ? 10 : (c == 2) ? 8 : (c == 3) ? 12 : 6;
    localparam int F = (c == 0) ? 8 : (c == 1) ? 6 : (c == 2) ? 0 : (c == 3) ? 11 : 2;
    localparam TableFile = (c == 0) ? "act_16_08.mem" : (c == 1) ? "act_10_06.mem"
                         : (c == 2) ? "act_08_00.mem" : (c == 3) ? "act_12_11.mem" : "act_06_02.mem";
    localparam ExpectedFile = (c == 0) ? "act_16_08_expected.mem" : (c == 1) ? "act_10_06_expected.mem"
                            : (c == 2) ? "act_08_00_expected.mem" : (c == 3) ? "act_12_11_expected.mem"
                            : "act_06_02_expected.mem";

    logic [1:0]     fn;
    logic           valid;
    logic [A-1:0]   x;
    logic [A-1:0]   y_comb, y_reg, want, want_q;
    logic [1:0]     fn_q;
    logic [A-1:0]   x_q;
    logic [2*A-1:0] expected [1 << A];

    hwgen_act_fn #(.ActBits(A), .ActFrac(F), .TableFile(TableFile), .Latency(0)) u_comb (
      .clk_i  (clk),
      .rst_ni (rst_n),
      .fn_i   (fn),
      .valid_i(valid),
      .x_i    (x),
      .y_o    (y_comb)
    );

    hwgen_act_fn #(.ActBits(A), .ActFrac(F), .TableFile(TableFile), .Latency(1)) u_reg (
      .clk_i  (clk),
      .rst_ni (rst_n),
      .fn_i   (fn),
      .valid_i(valid),
      .x_i    (x),
      .y_o    (y_reg)
    );

    task automatic check(input logic registered, input logic [1:0] f, input logic [A-1:0] in,
                         input logic [A-1:0] expect_y, input logic [A-1:0] got);
      checks++;
      if (got !== expect_y) begin
        if (errors < 5) $display("FAIL A=%0d Fa=%0d fn=%0d x=%0d: %s %0d, expected %0d", A, F, f,
                                 $signed(in), registered ? "registered" : "combinational",
                                 $signed(got), $signed(expect_y));
        errors++;
      end
    endtask

    initial begin
      $readmemh(ExpectedFile, expected);
      fn = 2'd0;
      valid = 1'b0;
      x = '0;
      @(posedge rst_n);
      // One input per cycle: at each falling edge the registered variant shows the result of the
      // input applied one cycle before, then the next input goes in and the combinational one is checked.
      for (int f = 0; f < 4; f++) begin
        for (int i = 0; i < (1 << A); i++) begin
          @(negedge clk);
          if (f != 0 || i != 0) begin
            check(1'b1, fn_q, x_q, want_q, y_reg);
          end
          fn = 2'(f);
          x = A'(i);
          valid = 1'b1;
          unique case (f)
            0: want = x;
            1: want = x[A-1] ? '0 : x;
            2: want = expected[i][2*A-1:A];
            default: want = expected[i][A-1:0];
          endcase
          #1;
          check(1'b0, fn, x, want, y_comb);
          fn_q = fn;
          x_q = x;
          want_q = want;
        end
      end
      @(negedge clk);
      valid = 1'b0;
      check(1'b1, fn_q, x_q, want_q, y_reg);
      finished++;
    end
  end

  initial begin
    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    wait (finished == Cases);
    if (errors == 0) begin
      $display("PASS %0d", checks);
    end else begin
      $display("FAIL %0d of %0d checks", errors, checks);
    end
    $finish;
  end

endmodule
