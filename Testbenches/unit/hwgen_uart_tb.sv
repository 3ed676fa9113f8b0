// Unit testbench of hwgen_uart_tx and hwgen_uart_rx at 5 and 8 clocks per bit: random bytes
// sent back to back by the transmitter arrive unchanged at the receiver, each byte takes exactly
// 10 bit times, a receiver tolerates a sender 3 % fast or slow, a low stop bit is a framing error,
// and a low glitch shorter than half a bit starts no byte. Prints "PASS <checks>" or failures.
module hwgen_uart_tb;

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

  for (genvar g = 0; g < 2; g++) begin : gen_rate
    localparam int ClksPerBit = (g == 0) ? 5 : 8;
    localparam int Bytes = 200;

    // Loopback: transmitter into receiver.
    logic       tx_valid, tx_ready, line;
    logic [7:0] tx_data;
    logic       rx_valid, rx_error;
    logic [7:0] rx_data;
    // A second receiver on a bit-banged line (baud mismatch, framing errors, glitches).
    logic       bang, bang_valid, bang_error;
    logic [7:0] bang_data;

    hwgen_uart_tx #(.ClksPerBit(ClksPerBit)) u_tx (
      .clk_i  (clk),
      .rst_ni (rst_n),
      .valid_i(tx_valid),
      .ready_o(tx_ready),
      .data_i (tx_data),
      .tx_o   (line)
    );

    hwgen_uart_rx #(.ClksPerBit(ClksPerBit)) u_rx (
      .clk_i        (clk),
      .rst_ni       (rst_n),
      .rx_i         (line),
      .valid_o      (rx_valid),
      .data_o       (rx_data),
      .frame_error_o(rx_error)
    );

    hwgen_uart_rx #(.ClksPerBit(ClksPerBit)) u_bang_rx (
      .clk_i        (clk),
      .rst_ni       (rst_n),
      .rx_i         (bang),
      .valid_o      (bang_valid),
      .data_o       (bang_data),
      .frame_error_o(bang_error)
    );

    logic [7:0] sent [$];
    logic [7:0] banged [$];
    int         received = 0;
    int         bang_received = 0;
    int         bang_errors = 0;
    longint     first_start = -1;
    longint     cycle = 0;

    always @(posedge clk) begin
      cycle <= cycle + 1;
      if (rx_valid) begin
        check(sent.size() > 0 && rx_data == sent[0], $sformatf("%0d clk/bit: byte %0d", ClksPerBit,
                                                                received));
        if (sent.size() > 0) sent.delete(0);
        received++;
      end
      if (rx_error) begin
        check(1'b0, $sformatf("%0d clk/bit: framing error on the loopback", ClksPerBit));
      end
      if (bang_valid) begin
        check(banged.size() > 0 && bang_data == banged[0],
              $sformatf("%0d clk/bit: bit-banged byte %0d", ClksPerBit, bang_received));
        if (banged.size() > 0) banged.delete(0);
        bang_received++;
      end
      if (bang_error) bang_errors++;
      if (rst_n && first_start < 0 && !line) first_start <= cycle;
    end

    // Sends one byte on the bit-banged line with `ticks` cycles per bit and a chosen stop bit.
    task automatic send_bang(input logic [7:0] value, input int ticks, input logic stop);
      logic [9:0] frame;
      frame = {stop, value, 1'b0};
      for (int b = 0; b < 10; b++) begin
        bang = frame[b];
        repeat (ticks) @(posedge clk);
      end
      bang = 1'b1;
      repeat (2 * ClksPerBit) @(posedge clk);
    endtask

    // The byte source: a new random byte as soon as the previous one is taken, Bytes in all.
    int started = 0;
    always @(posedge clk or negedge rst_n) begin
      if (!rst_n) begin
        tx_valid <= 1'b0;
        tx_data  <= '0;
      end else if (!tx_valid || tx_ready) begin
        if (tx_valid) sent.push_back(tx_data);
        tx_valid <= started < Bytes;
        tx_data  <= 8'($urandom);
        started  <= started + 1;
      end
    end

    initial begin
      bang = 1'b1;
      @(posedge rst_n);
      while (received < Bytes) @(posedge clk);
      check(received == Bytes, $sformatf("%0d clk/bit: %0d of %0d bytes", ClksPerBit, received,
                                         Bytes));
      // Bytes at the exact bit time on the bit-banged line.
      for (int i = 0; i < 20; i++) begin
        logic [7:0] value;
        value = 8'($urandom);
        banged.push_back(value);
        send_bang(value, ClksPerBit, 1'b1);
      end
      // A low stop bit: no byte, one framing error.
      send_bang(8'h5a, ClksPerBit, 1'b0);
      // A glitch shorter than half a bit: no byte.
      bang = 1'b0;
      repeat (ClksPerBit / 2 - 1) @(posedge clk);
      bang = 1'b1;
      repeat (12 * ClksPerBit) @(posedge clk);
      check(bang_received == 20, $sformatf("%0d clk/bit: %0d of 20 bit-banged bytes", ClksPerBit,
                                           bang_received));
      check(bang_errors == 1, $sformatf("%0d clk/bit: %0d framing errors, expected 1", ClksPerBit,
                                        bang_errors));
    end

    // Exact byte time: byte k's start bit begins 10 * k bit times after the first one, and the
    // cycle before it is still the previous byte's stop bit.
    always @(posedge clk) begin
      if (first_start >= 0 && cycle - first_start < longint'(Bytes) * 10 * ClksPerBit) begin
        if ((cycle - first_start) % (10 * ClksPerBit) == 0) begin
          check(!line, $sformatf("%0d clk/bit: no start bit at cycle %0d", ClksPerBit,
                                 cycle - first_start));
        end
        if ((cycle - first_start) % (10 * ClksPerBit) == 10 * ClksPerBit - 1) begin
          check(line, $sformatf("%0d clk/bit: no stop bit at cycle %0d", ClksPerBit,
                                cycle - first_start));
        end
      end
    end
  end

  // Baud mismatch: a receiver at 100 clocks per bit fed bytes 3 % slow (103) and fast (97).
  logic       slow, slow_valid, slow_error;
  logic [7:0] slow_data;
  int         slow_received = 0;
  int         slow_bad = 0;

  hwgen_uart_rx #(.ClksPerBit(100)) u_slow_rx (
    .clk_i        (clk),
    .rst_ni       (rst_n),
    .rx_i         (slow),
    .valid_o      (slow_valid),
    .data_o       (slow_data),
    .frame_error_o(slow_error)
  );

  logic [7:0] slow_sent [$];
  always @(posedge clk) begin
    if (slow_valid) begin
      if (slow_sent.size() == 0 || slow_data != slow_sent[0]) slow_bad++;
      if (slow_sent.size() > 0) slow_sent.delete(0);
      slow_received++;
    end
    if (slow_error) slow_bad++;
  end

  initial begin
    slow = 1'b1;
    @(posedge rst_n);
    for (int i = 0; i < 16; i++) begin
      logic [9:0] frame;
      int         ticks;
      ticks = (i % 2 == 0) ? 103 : 97;
      frame = {1'b1, 8'($urandom), 1'b0};
      slow_sent.push_back(frame[8:1]);
      for (int b = 0; b < 10; b++) begin
        slow = frame[b];
        repeat (ticks) @(posedge clk);
      end
    end
    slow = 1'b1;
    repeat (200) @(posedge clk);
    check(slow_received == 16 && slow_bad == 0,
          $sformatf("3 %% baud mismatch: %0d of 16 bytes, %0d bad", slow_received, slow_bad));
  end

  initial begin
    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    repeat (40000) @(posedge clk);
    if (errors == 0) $display("PASS %0d", checks);
    else $display("FAIL %0d of %0d checks", errors, checks);
    $finish;
  end

endmodule
