// Unit testbench of hwgen_axi_host against a behavioural core: the read-only registers, loads
// through LD_ADDR/LD_DATA (address and data, auto-increment, byte strobes, a commit held back
// while the core is busy), write address before, after and with the write data, and the streams
// (inputs to the core, results sign-extended with TLAST on the last of each inference), and the
// DRAM_BASE register of a design with external weights (a 4 KB page: bits 11:0 read as 0).
// Prints "PASS <checks>" or the failures.
module hwgen_axi_host_tb;

  localparam int ActBits = 12;
  localparam int LdBits = 40;
  localparam int OutputSize = 3;
  localparam int StreamBits = 16;

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

  logic        awvalid = 1'b0, wvalid = 1'b0, bready = 1'b0, arvalid = 1'b0, rready = 1'b0;
  logic        awready, wready, bvalid, arready, rvalid;
  logic [11:0] awaddr = '0, araddr = '0;
  logic [31:0] wdata = '0, rdata;
  logic [3:0]  wstrb = '0;
  logic [1:0]  bresp, rresp;
  logic                  s_tvalid = 1'b0, s_tready, m_tvalid, m_tready = 1'b0, m_tlast;
  logic [StreamBits-1:0] s_tdata = '0, m_tdata;
  logic               in_valid, in_ready, out_valid, out_ready, busy, done, ld_valid, ld_ready;
  logic [ActBits-1:0] in_data, out_data;
  logic [31:0]        perf_cycles, ld_addr;
  logic [LdBits-1:0]  ld_data;
  logic [31:0]        dram_base;

  hwgen_axi_host #(
    .ActBits   (ActBits),
    .LdBits    (LdBits),
    .InputSize (4),
    .OutputSize(OutputSize),
    .NumPes    (5),
    .Signature (32'hc0de_f00d),
    .ExtWeights(1'b1)
  ) u_dut (
    .clk_i          (clk),
    .rst_ni         (rst_n),
    .s_axi_awvalid_i(awvalid),
    .s_axi_awready_o(awready),
    .s_axi_awaddr_i (awaddr),
    .s_axi_wvalid_i (wvalid),
    .s_axi_wready_o (wready),
    .s_axi_wdata_i  (wdata),
    .s_axi_wstrb_i  (wstrb),
    .s_axi_bvalid_o (bvalid),
    .s_axi_bready_i (bready),
    .s_axi_bresp_o  (bresp),
    .s_axi_arvalid_i(arvalid),
    .s_axi_arready_o(arready),
    .s_axi_araddr_i (araddr),
    .s_axi_rvalid_o (rvalid),
    .s_axi_rready_i (rready),
    .s_axi_rdata_o  (rdata),
    .s_axi_rresp_o  (rresp),
    .s_axis_tvalid_i(s_tvalid),
    .s_axis_tready_o(s_tready),
    .s_axis_tdata_i (s_tdata),
    .m_axis_tvalid_o(m_tvalid),
    .m_axis_tready_i(m_tready),
    .m_axis_tdata_o (m_tdata),
    .m_axis_tlast_o (m_tlast),
    .in_valid_o     (in_valid),
    .in_ready_i     (in_ready),
    .in_data_o      (in_data),
    .out_valid_i    (out_valid),
    .out_ready_o    (out_ready),
    .out_data_i     (out_data),
    .busy_i         (busy),
    .done_i         (done),
    .perf_cycles_i  (perf_cycles),
    .ld_valid_o     (ld_valid),
    .ld_ready_i     (ld_ready),
    .ld_addr_o      (ld_addr),
    .ld_data_o      (ld_data),
    .dram_base_o    (dram_base)
  );

  // ---------------------------------------------------------------------------------------------
  // Behavioural core: loads only while not held busy; results out[k] = in[k] - 100.
  // ---------------------------------------------------------------------------------------------
  logic [31:0]        wr_addr [$];
  logic [LdBits-1:0]  wr_data [$];
  logic [ActBits-1:0] got [16];
  int                 got_head = 0, got_tail = 0;
  int                 hold_busy = 0;

  assign busy        = hold_busy != 0;
  assign done        = 1'b1;
  assign perf_cycles = 32'd4321;
  assign ld_ready    = !busy;
  assign in_ready    = 1'b1;
  assign out_valid   = got_head != got_tail;
  assign out_data    = ActBits'(got[got_head % 16] - 100);

  always @(posedge clk) begin
    if (ld_valid && ld_ready) begin
      wr_addr.push_back(ld_addr);
      wr_data.push_back(ld_data);
    end
    if (in_valid && in_ready) begin
      got[got_tail % 16] <= in_data;
      got_tail <= got_tail + 1;
    end
    if (out_valid && out_ready) got_head <= got_head + 1;
  end

  // ---------------------------------------------------------------------------------------------
  // AXI4-Lite master. It drives and samples between clock edges: a channel whose VALID and READY
  // are both high then completes at the next rising edge (READY depends on registers only).
  // ---------------------------------------------------------------------------------------------
  task automatic send_aw(input logic [11:0] addr);
    awvalid = 1'b1;
    awaddr  = addr;
    while (!awready) @(negedge clk);
    @(negedge clk);
    awvalid = 1'b0;
  endtask

  task automatic send_w(input logic [31:0] data, input logic [3:0] strb);
    wvalid = 1'b1;
    wdata  = data;
    wstrb  = strb;
    while (!wready) @(negedge clk);
    @(negedge clk);
    wvalid = 1'b0;
  endtask

  // order: 0 address first, 1 data first, 2 both together.
  task automatic axi_write(input logic [11:0] addr, input logic [31:0] data, input logic [3:0] strb,
                           input int order);
    @(negedge clk);
    if (order == 0) begin
      send_aw(addr);
      send_w(data, strb);
    end else if (order == 1) begin
      send_w(data, strb);
      send_aw(addr);
    end else begin
      awvalid = 1'b1;
      awaddr  = addr;
      wvalid  = 1'b1;
      wdata   = data;
      wstrb   = strb;
      while (awvalid || wvalid) begin
        if (awready && wready) begin
          @(negedge clk);
          awvalid = 1'b0;
          wvalid  = 1'b0;
        end else begin
          @(negedge clk);
        end
      end
    end
    bready = 1'b1;
    while (!bvalid) @(negedge clk);
    check(bresp == 2'b00, "write response OKAY");
    @(negedge clk);
    bready = 1'b0;
  endtask

  task automatic axi_read(input logic [11:0] addr, output logic [31:0] data);
    @(negedge clk);
    arvalid = 1'b1;
    araddr  = addr;
    while (!arready) @(negedge clk);
    @(negedge clk);
    arvalid = 1'b0;
    rready  = 1'b1;
    while (!rvalid) @(negedge clk);
    data = rdata;
    check(rresp == 2'b00, "read response OKAY");
    @(negedge clk);
    rready = 1'b0;
  endtask

  task automatic expect_read(input logic [11:0] addr, input logic [31:0] expected,
                             input string what);
    logic [31:0] value;
    axi_read(addr, value);
    check(value == expected, $sformatf("%s: read %08h, expected %08h", what, value, expected));
  endtask

  logic [31:0] value;
  int          bwait;

  initial begin
    repeat (3) @(posedge clk);
    rst_n <= 1'b1;
    @(posedge clk);

    expect_read(12'h000, 32'h3147_5748, "ID");
    expect_read(12'h004, 32'hc0de_f00d, "SIGNATURE");
    expect_read(12'h008, 32'd4, "INPUT_SIZE");
    expect_read(12'h00c, 32'd3, "OUTPUT_SIZE");
    expect_read(12'h010, {8'd2, 8'd12, 16'd5}, "CONFIG");
    expect_read(12'h014, 32'b110, "STATUS: load-ready, done, not busy");
    expect_read(12'h018, 32'd4321, "CYCLES");
    expect_read(12'h0f0, 32'd0, "unmapped");

    // DRAM_BASE: reset 0; a write keeps bits 31:12; byte strobes apply.
    expect_read(12'h020, 32'd0, "DRAM_BASE after reset");
    check(dram_base == 32'd0, "dram_base_o after reset");
    axi_write(12'h020, 32'h1234_5fff, 4'hf, 0);
    expect_read(12'h020, 32'h1234_5000, "DRAM_BASE keeps a 4 KB page");
    check(dram_base == 32'h1234_5000, $sformatf("dram_base_o %08h", dram_base));
    axi_write(12'h020, 32'hab00_0000, 4'h8, 1);
    expect_read(12'h020, 32'hab00_0000, "DRAM_BASE with only the top byte strobed");

    // Two load words at 0x4000_0010, each orders of address and data; word 1 with strobes.
    axi_write(12'h01c, 32'h4000_0010, 4'hf, 0);
    axi_write(12'h100, 32'h89ab_cdef, 4'hf, 1);
    axi_write(12'h104, 32'h0000_0012, 4'hf, 2);
    axi_write(12'h100, 32'h1111_2222, 4'h3, 2);
    axi_write(12'h104, 32'hffff_ff34, 4'h1, 0);
    check(wr_addr.size() == 2, $sformatf("two load writes, got %0d", wr_addr.size()));
    if (wr_addr.size() == 2) begin
      check(wr_addr[0] == 32'h4000_0010 && wr_data[0] == 40'h12_89ab_cdef,
            $sformatf("load 0: %08h %010h", wr_addr[0], wr_data[0]));
      check(wr_addr[1] == 32'h4000_0011 && wr_data[1] == 40'h34_0000_2222,
            $sformatf("load 1: %08h %010h", wr_addr[1], wr_data[1]));
    end
    expect_read(12'h01c, 32'h4000_0012, "LD_ADDR after two loads");
    expect_read(12'h100, 32'h0000_2222, "LD_DATA[0] read back");

    // A commit while the core is busy waits for it.
    hold_busy = 1;
    fork
      axi_write(12'h104, 32'h0000_0056, 4'hf, 2);
      begin
        bwait = 0;
        repeat (20) begin
          @(posedge clk);
          if (bvalid) bwait++;
        end
        check(bwait == 0 && wr_addr.size() == 2, "commit held while busy");
        hold_busy = 0;
      end
    join
    check(wr_addr.size() == 3 && wr_addr[2] == 32'h4000_0012, "commit done once idle");

    // Streams: four inputs in, three results out, the last with TLAST.
    for (int i = 0; i < 4; i++) begin
      @(negedge clk);
      s_tvalid = 1'b1;
      s_tdata  = {4'hf, 12'(50 * i)};
      while (!s_tready) @(negedge clk);
    end
    @(negedge clk);
    s_tvalid = 1'b0;
    m_tready = 1'b1;
    for (int k = 0; k < OutputSize; k++) begin
      // Sampled between clock edges; the beat is taken at the next rising edge.
      if (k > 0) @(negedge clk);
      while (!m_tvalid) @(negedge clk);
      check(m_tdata == 16'($signed(12'(50 * k - 100))),
            $sformatf("result %0d is %04h", k, m_tdata));
      check(m_tlast == (k == OutputSize - 1), $sformatf("TLAST on result %0d", k));
    end
    @(negedge clk);
    m_tready = 1'b0;

    if (errors == 0) $display("PASS %0d", checks);
    else $display("FAIL %0d of %0d checks", errors, checks);
    $finish;
  end

endmodule
