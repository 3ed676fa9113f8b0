// AXI bridge of a HwGen core: AXI4-Lite control and status registers, the input activations as an
// AXI4-Stream in and the results as an AXI4-Stream out (docs/boards.md, "AXI register map").
//
// Registers (32 bits, byte address):
//   0x000 ID          "HWG1" = 0x3147_5748                                  read-only
//   0x004 SIGNATURE   the design's signature                                 read-only
//   0x008 INPUT_SIZE  activations per inference                              read-only
//   0x00c OUTPUT_SIZE results per inference                                  read-only
//   0x010 CONFIG      {LdWords[31:24], ActBits[23:16], NumPes[15:0]}          read-only
//   0x014 STATUS      {ld_ready[2], done[1], busy[0]}                         read-only
//   0x018 CYCLES      compute + writeback cycles of the last inference        read-only
//   0x01c LD_ADDR     memory-load address of the next load word               read-write
//   0x020 DRAM_BASE   where the weights' DRAM image starts (ExtWeights only;  read-write
//                     bits 11:0 read as 0: the image starts on a 4 KB page)
//   0x100 + 4k        LD_DATA[k], bits [32k+31:32k] of the load word         read-write
// Writing LD_DATA[LdWords-1] writes {LD_DATA} to LD_ADDR through the core's memory-load port
// (the write response waits until the core accepts it) and then adds one to LD_ADDR, so a memory
// is loaded by setting LD_ADDR once and writing its words low part first. Stream beats are
// StreamBits = 8 * ceil(ActBits / 8) wide: inputs use the low ActBits bits, results are
// sign-extended, and the last result of an inference carries TLAST. Reads of unmapped addresses
// return 0; every response is OKAY.
module hwgen_axi_host #(
  parameter int ActBits = 16,
  parameter int LdBits = 40,
  parameter int InputSize = 1,
  parameter int OutputSize = 1,
  parameter int NumPes = 1,
  /// Identifies the design (its layout and weights); the host checks it before loading.
  parameter logic [31:0] Signature = 32'h0,
  /// Weights in external DRAM: the DRAM_BASE register exists and drives dram_base_o.
  parameter bit ExtWeights = 1'b0,
  localparam int LdWords = (LdBits + 31) / 32,
  localparam int StreamBits = 8 * ((ActBits + 7) / 8)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // AXI4-Lite slave: write address, write data, write response
  input  logic                  s_axi_awvalid_i,
  output logic                  s_axi_awready_o,
  input  logic [11:0]           s_axi_awaddr_i,
  input  logic                  s_axi_wvalid_i,
  output logic                  s_axi_wready_o,
  input  logic [31:0]           s_axi_wdata_i,
  input  logic [3:0]            s_axi_wstrb_i,
  output logic                  s_axi_bvalid_o,
  input  logic                  s_axi_bready_i,
  output logic [1:0]            s_axi_bresp_o,
  // AXI4-Lite slave: read address, read data
  input  logic                  s_axi_arvalid_i,
  output logic                  s_axi_arready_o,
  input  logic [11:0]           s_axi_araddr_i,
  output logic                  s_axi_rvalid_o,
  input  logic                  s_axi_rready_i,
  output logic [31:0]           s_axi_rdata_o,
  output logic [1:0]            s_axi_rresp_o,
  // AXI4-Stream slave: input activations (bits above ActBits are ignored)
  input  logic                  s_axis_tvalid_i,
  output logic                  s_axis_tready_o,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [StreamBits-1:0] s_axis_tdata_i,
  /* verilator lint_on UNUSEDSIGNAL */
  // AXI4-Stream master: results
  output logic                  m_axis_tvalid_o,
  input  logic                  m_axis_tready_i,
  output logic [StreamBits-1:0] m_axis_tdata_o,
  output logic                  m_axis_tlast_o,
  // Core: input activation stream
  output logic                  in_valid_o,
  input  logic                  in_ready_i,
  output logic [ActBits-1:0]    in_data_o,
  // Core: output stream
  input  logic                  out_valid_i,
  output logic                  out_ready_o,
  input  logic [ActBits-1:0]    out_data_i,
  // Core: status
  input  logic                  busy_i,
  input  logic                  done_i,
  input  logic [31:0]           perf_cycles_i,
  // Core: memory-load port
  output logic                  ld_valid_o,
  input  logic                  ld_ready_i,
  output logic [31:0]           ld_addr_o,
  output logic [LdBits-1:0]     ld_data_o,
  // Core: where the weights' DRAM image starts (0 unless ExtWeights)
  output logic [31:0]           dram_base_o
);

  localparam logic [11:0] AddrId = 12'h000;
  localparam logic [11:0] AddrSignature = 12'h004;
  localparam logic [11:0] AddrInputSize = 12'h008;
  localparam logic [11:0] AddrOutputSize = 12'h00c;
  localparam logic [11:0] AddrConfig = 12'h010;
  localparam logic [11:0] AddrStatus = 12'h014;
  localparam logic [11:0] AddrCycles = 12'h018;
  localparam logic [11:0] AddrLdAddr = 12'h01c;
  localparam logic [11:0] AddrDramBase = 12'h020;
  localparam logic [11:0] AddrLdData = 12'h100;

  // ---------------------------------------------------------------------------------------------
  // Streams: straight through, with TLAST counted over the results of one inference
  // ---------------------------------------------------------------------------------------------
  logic [31:0] out_count_q, out_count_d;

  assign in_valid_o      = s_axis_tvalid_i;
  assign s_axis_tready_o = in_ready_i;
  assign in_data_o       = s_axis_tdata_i[ActBits-1:0];
  assign m_axis_tvalid_o = out_valid_i;
  assign out_ready_o     = m_axis_tready_i;
  assign m_axis_tdata_o  = StreamBits'($signed(out_data_i));
  assign m_axis_tlast_o  = (out_count_q == 32'(OutputSize - 1));

  always_comb begin
    out_count_d = out_count_q;
    if (out_valid_i && m_axis_tready_i) begin
      out_count_d = m_axis_tlast_o ? '0 : out_count_q + 1;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Register writes: one at a time; a write to the last LD_DATA word waits for the load port
  // ---------------------------------------------------------------------------------------------
  logic                    aw_q, aw_d, w_q, w_d, b_q, b_d;
  logic [11:0]             awaddr_q, awaddr_d;
  logic [31:0]             wdata_q, wdata_d;
  logic [3:0]              wstrb_q, wstrb_d;
  logic [31:0]             ld_addr_q, ld_addr_d;
  logic [LdWords*32-1:0]   ld_data_q, ld_data_d;
  logic                    write, commit;
  logic [31:0]             strobed;

  assign s_axi_awready_o = !aw_q && !b_q;
  assign s_axi_wready_o  = !w_q && !b_q;
  assign s_axi_bvalid_o  = b_q;
  assign s_axi_bresp_o   = 2'b00;

  // A complete write (address and data held) is performed in one cycle, except a commit, which
  // is performed in the cycle the core accepts it.
  assign write  = aw_q && w_q && !b_q;
  assign commit = write && (awaddr_q == AddrLdData + 12'((LdWords - 1) * 4));

  for (genvar b = 0; b < 4; b++) begin : gen_strobe
    assign strobed[8*b +: 8] = wstrb_q[b] ? wdata_q[8*b +: 8] : 8'h00;
  end

  always_comb begin
    aw_d      = aw_q;
    w_d       = w_q;
    b_d       = b_q;
    awaddr_d  = awaddr_q;
    wdata_d   = wdata_q;
    wstrb_d   = wstrb_q;
    ld_addr_d = ld_addr_q;
    ld_data_d = ld_data_q;
    if (s_axi_awvalid_i && s_axi_awready_o) begin
      aw_d     = 1'b1;
      awaddr_d = s_axi_awaddr_i;
    end
    if (s_axi_wvalid_i && s_axi_wready_o) begin
      w_d     = 1'b1;
      wdata_d = s_axi_wdata_i;
      wstrb_d = s_axi_wstrb_i;
    end
    if (write && (!commit || ld_ready_i)) begin
      aw_d = 1'b0;
      w_d  = 1'b0;
      b_d  = 1'b1;
      if (awaddr_q == AddrLdAddr) begin
        ld_addr_d = strobed;
      end
      for (int k = 0; k < LdWords; k++) begin
        if (awaddr_q == AddrLdData + 12'(4 * k)) begin
          ld_data_d[32*k +: 32] = strobed;
        end
      end
      if (commit) begin
        ld_addr_d = ld_addr_q + 1;
      end
    end
    if (b_q && s_axi_bready_i) begin
      b_d = 1'b0;
    end
  end

  // The load word: the held words with the last one taken straight from the write; the bits of
  // the last 32-bit word above LdBits are ignored.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [LdWords*32-1:0] ld_word;
  /* verilator lint_on UNUSEDSIGNAL */

  always_comb begin
    ld_word = ld_data_q;
    ld_word[32*(LdWords-1) +: 32] = strobed;
  end

  // DRAM_BASE: a 4 KB page number, so that no burst of the core crosses a 4 KB boundary.
  logic [19:0] dram_page_q;

  if (ExtWeights) begin : gen_dram_base
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        dram_page_q <= '0;
      end else if (write && awaddr_q == AddrDramBase) begin
        dram_page_q <= strobed[31:12];
      end
    end
  end else begin : gen_no_dram_base
    assign dram_page_q = '0;
  end

  assign dram_base_o = {dram_page_q, 12'h000};

  assign ld_valid_o = commit;
  assign ld_addr_o  = ld_addr_q;
  assign ld_data_o  = ld_word[LdBits-1:0];

  // ---------------------------------------------------------------------------------------------
  // Register reads: one at a time
  // ---------------------------------------------------------------------------------------------
  logic        r_q, r_d;
  logic [31:0] rdata_q, rdata_d, value;

  assign s_axi_arready_o = !r_q;
  assign s_axi_rvalid_o  = r_q;
  assign s_axi_rdata_o   = rdata_q;
  assign s_axi_rresp_o   = 2'b00;

  always_comb begin
    value = '0;
    unique case (s_axi_araddr_i)
      AddrId:         value = 32'h3147_5748;
      AddrSignature:  value = Signature;
      AddrInputSize:  value = 32'(InputSize);
      AddrOutputSize: value = 32'(OutputSize);
      AddrConfig:     value = {8'(LdWords), 8'(ActBits), 16'(NumPes)};
      AddrStatus:     value = {29'h0, ld_ready_i, done_i, busy_i};
      AddrCycles:     value = perf_cycles_i;
      AddrLdAddr:     value = ld_addr_q;
      AddrDramBase:   value = dram_base_o;
      default: begin
        for (int k = 0; k < LdWords; k++) begin
          if (s_axi_araddr_i == AddrLdData + 12'(4 * k)) begin
            value = ld_data_q[32*k +: 32];
          end
        end
      end
    endcase
  end

  always_comb begin
    r_d     = r_q;
    rdata_d = rdata_q;
    if (s_axi_arvalid_i && s_axi_arready_o) begin
      r_d     = 1'b1;
      rdata_d = value;
    end else if (r_q && s_axi_rready_i) begin
      r_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      aw_q        <= 1'b0;
      w_q         <= 1'b0;
      b_q         <= 1'b0;
      awaddr_q    <= '0;
      wdata_q     <= '0;
      wstrb_q     <= '0;
      ld_addr_q   <= '0;
      ld_data_q   <= '0;
      r_q         <= 1'b0;
      rdata_q     <= '0;
      out_count_q <= '0;
    end else begin
      aw_q        <= aw_d;
      w_q         <= w_d;
      b_q         <= b_d;
      awaddr_q    <= awaddr_d;
      wdata_q     <= wdata_d;
      wstrb_q     <= wstrb_d;
      ld_addr_q   <= ld_addr_d;
      ld_data_q   <= ld_data_d;
      r_q         <= r_d;
      rdata_q     <= rdata_d;
      out_count_q <= out_count_d;
    end
  end

`ifndef SYNTHESIS
  initial begin
    assert (LdWords <= 64) else $fatal(1, "hwgen_axi_host: load words of more than 2048 bits");
  end
`endif

endmodule
