// Unit testbench of hwgen_uart_host against a behavioural core: the info reply byte for byte,
// loads (words land at the right addresses, bits above LdBits ignored, count 0), a run (inputs
// reach the core, results come back sign-extended with the cycle count), an unknown opcode, and
// a command abandoned by the timeout (no reply, one core reset, then normal service). Bytes are
// offered at random gaps of 2 or more cycles and taken with a random ready. Prints
// "PASS <checks>" or the failures.
module hwgen_uart_host_tb;

  localparam int ActBits = 12;
  localparam int LdBits = 20;
  localparam int InputSize = 5;
  localparam int OutputSize = 3;
  localparam int Timeout = 60;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  int checks = 0;
  int errors = 0;

  task automatic check(input bit ok, input string what);
    checks++;
    if (!ok) begin
      if (errors < 10) $display("FAIL %s", what);
      errors++;
    end
  endtask

  logic               rx_valid = 1'b0;
  logic [7:0]         rx_data = '0;
  logic               tx_valid, tx_ready;
  logic [7:0]         tx_data;
  logic               in_valid, in_ready, out_valid, out_ready;
  logic [ActBits-1:0] in_data, out_data;
  logic [31:0]        perf_cycles;
  logic               ld_valid, ld_ready;
  logic [31:0]        ld_addr;
  logic [LdBits-1:0]  ld_data;
  logic               core_rst_n;

  hwgen_uart_host #(
    .ActBits      (ActBits),
    .LdBits       (LdBits),
    .InputSize    (InputSize),
    .OutputSize   (OutputSize),
    .NumPes       (7),
    .Signature    (32'hdead_beef),
    .TimeoutCycles(Timeout)
  ) u_host (
    .clk_i        (clk),
    .rst_ni       (rst_n),
    .rx_valid_i   (rx_valid),
    .rx_data_i    (rx_data),
    .tx_valid_o   (tx_valid),
    .tx_ready_i   (tx_ready),
    .tx_data_o    (tx_data),
    .in_valid_o   (in_valid),
    .in_ready_i   (in_ready),
    .in_data_o    (in_data),
    .out_valid_i  (out_valid),
    .out_ready_o  (out_ready),
    .out_data_i   (out_data),
    .perf_cycles_i(perf_cycles),
    .ld_valid_o   (ld_valid),
    .ld_ready_i   (ld_ready),
    .ld_addr_o    (ld_addr),
    .ld_data_o    (ld_data),
    .core_rst_no  (core_rst_n)
  );

  // ---------------------------------------------------------------------------------------------
  // Behavioural core: takes InputSize inputs, is busy for a while, then offers
  // out[k] = 3 * in[k] - 1000 (wrapping at ActBits); the cycle count is 1000 + 7 * runs.
  // ---------------------------------------------------------------------------------------------
  logic [31:0]       wr_addr [$];
  logic [LdBits-1:0] wr_data [$];
  logic [ActBits-1:0] inputs [InputSize];
  int                 n_in = 0, n_out = 0, busy = 0, runs = 0, core_resets = 0;

  assign ld_ready    = (n_in == 0) && (busy == 0) && (n_out == 0);
  assign in_ready    = (busy == 0) && (n_out == 0);
  assign out_valid   = (busy == 0) && (n_out > 0);
  assign out_data    = ActBits'(3 * inputs[OutputSize - n_out] - 1000);
  assign perf_cycles = 32'(1000 + 7 * runs);

  always @(posedge clk) begin
    if (!rst_n || !core_rst_n) begin
      n_in  <= 0;
      n_out <= 0;
      busy  <= 0;
      if (rst_n) core_resets <= core_resets + 1;
    end else begin
      if (ld_valid && ld_ready) begin
        wr_addr.push_back(ld_addr);
        wr_data.push_back(ld_data);
      end
      if (in_valid && in_ready) begin
        inputs[n_in] <= in_data;
        n_in <= (n_in + 1 == InputSize) ? 0 : n_in + 1;
        if (n_in + 1 == InputSize) begin
          busy <= 25;
          runs <= runs + 1;
        end
      end
      if (busy > 0) begin
        busy <= busy - 1;
        if (busy == 1) n_out <= OutputSize;
      end
      if (out_valid && out_ready) n_out <= n_out - 1;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Host side: bytes to the board with random gaps, replies collected with a random ready
  // ---------------------------------------------------------------------------------------------
  logic [7:0] replies [$];

  always @(posedge clk) begin
    tx_ready <= ($urandom % 3) != 0;
    if (tx_valid && tx_ready) replies.push_back(tx_data);
  end

  task automatic send(input logic [7:0] value);
    repeat (2 + $urandom % 4) @(posedge clk);
    rx_valid <= 1'b1;
    rx_data  <= value;
    @(posedge clk);
    rx_valid <= 1'b0;
  endtask

  task automatic send_word(input logic [31:0] value, input int bytes);
    for (int b = 0; b < bytes; b++) send(value[b*8 +: 8]);
  endtask

  // Waits for as many reply bytes as `expected` holds and compares them.
  logic [7:0] expected [$];

  // Sets `expected` to the `count` low bytes of `bytes`, lowest first.
  task automatic expect_hex(input logic [159:0] bytes, input int count);
    expected.delete();
    for (int i = 0; i < count; i++) expected.push_back(bytes[i*8 +: 8]);
  endtask

  task automatic expect_bytes(input string what);
    int waited;
    waited = 0;
    while (replies.size() < expected.size() && waited < 2000) begin
      @(posedge clk);
      waited++;
    end
    check(replies.size() == expected.size(), $sformatf("%s: %0d reply bytes, expected %0d", what,
                                                        replies.size(), expected.size()));
    for (int i = 0; i < expected.size() && i < replies.size(); i++) begin
      check(replies[i] == expected[i], $sformatf("%s: byte %0d is %02h, expected %02h", what, i,
                                                 replies[i], expected[i]));
    end
    replies.delete();
  endtask

  logic [31:0] words [3];
  logic [ActBits-1:0] x [InputSize];

  initial begin
    repeat (3) @(posedge clk);
    rst_n <= 1'b1;
    repeat (2) @(posedge clk);

    // Info: "HWG1", signature, input size, output size, PEs, ActBits, LdBytes.
    send(8'h49);
    expect_hex(160'h030c_0007_0000_0003_0000_0005_dead_beef_3147_5748, 20);
    expect_bytes("info");

    // Load three words at 0x4000_0005; the 4 bits above LdBits are junk and must be ignored.
    words[0] = 32'h00f1_2345;
    words[1] = 32'h00ab_cdef;
    words[2] = 32'h0060_0001;
    send(8'h4c);
    send_word(32'h4000_0005, 4);
    send_word(32'd3, 4);
    for (int i = 0; i < 3; i++) send_word(words[i], 3);
    expect_hex(8'h4b, 1);
    expect_bytes("load");
    check(wr_addr.size() == 3, $sformatf("load: %0d writes, expected 3", wr_addr.size()));
    for (int i = 0; i < 3 && i < wr_addr.size(); i++) begin
      check(wr_addr[i] == 32'h4000_0005 + i && wr_data[i] == words[i][LdBits-1:0],
            $sformatf("load: write %0d is %08h %05h", i, wr_addr[i], wr_data[i]));
    end

    // A load of zero words is acknowledged at once.
    send(8'h4c);
    send_word(32'h6000_0000, 4);
    send_word(32'd0, 4);
    expect_hex(8'h4b, 1);
    expect_bytes("empty load");
    check(wr_addr.size() == 3, "empty load: nothing written");

    // Run: inputs with junk above ActBits, negative values; results sign-extended.
    x[0] = 12'h001;
    x[1] = 12'hfff;
    x[2] = 12'h400;
    x[3] = 12'h7ff;
    x[4] = 12'h800;
    send(8'h52);
    for (int i = 0; i < InputSize; i++) send_word({16'h0, 4'ha, x[i]}, 2);
    expect_hex(8'h44, 1);
    for (int k = 0; k < OutputSize; k++) begin
      logic [15:0] y;
      y = 16'($signed(ActBits'(3 * x[k] - 1000)));
      expected.push_back(y[7:0]);
      expected.push_back(y[15:8]);
    end
    expected.push_back(8'hef);  // 1007 cycles
    expected.push_back(8'h03);
    expected.push_back(8'h00);
    expected.push_back(8'h00);
    expect_bytes("run");
    check(runs == 1, "run: one inference");

    // Unknown opcode.
    send(8'h78);
    expect_hex(8'h3f, 1);
    expect_bytes("unknown opcode");

    // An abandoned run: two inputs, then silence; no reply, the core is reset once.
    check(core_resets == 0, "no core reset before the timeout");
    send(8'h52);
    send_word(32'h0000_0123, 2);
    send_word(32'h0000_0456, 2);
    repeat (3 * Timeout) @(posedge clk);
    check(replies.size() == 0, "timeout: no reply");
    check(core_resets == 1, $sformatf("timeout: %0d core resets, expected 1", core_resets));
    check(n_in == 0, "timeout: the core's partial input was discarded");

    // Normal service afterwards.
    send(8'h52);
    for (int i = 0; i < InputSize; i++) send_word({20'h0, x[InputSize - 1 - i]}, 2);
    expect_hex(8'h44, 1);
    for (int k = 0; k < OutputSize; k++) begin
      logic [15:0] y;
      y = 16'($signed(ActBits'(3 * x[InputSize - 1 - k] - 1000)));
      expected.push_back(y[7:0]);
      expected.push_back(y[15:8]);
    end
    expected.push_back(8'hf6);  // 1014 cycles
    expected.push_back(8'h03);
    expected.push_back(8'h00);
    expected.push_back(8'h00);
    expect_bytes("run after the timeout");

    if (errors == 0) $display("PASS %0d", checks);
    else $display("FAIL %0d of %0d checks", errors, checks);
    $finish;
  end

endmodule
