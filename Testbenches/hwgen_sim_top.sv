// Simulation wrapper of a generated design: passes the core's ports through and, given
// +layers=<file>, writes every writeback of every layer as "<layer> <word> <pe> <value> <step>": the
// word of the destination bank (a fully connected layer's local row; an LSTM layer's h_t word) and
// the LSTM step (0 for a fully connected layer).
// With -DHWGEN_GATE_LEVEL (a synthesized netlist has no hierarchy to watch) it only passes through.
//
// Compile with -DHWGEN_TOP=<design>_top -DHWGEN_PKG=<design>_pkg.
module hwgen_sim_top
  import `HWGEN_PKG::*;
(
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic [ActBits-1:0] in_data_i,
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [ActBits-1:0] out_data_o,
  output logic               busy_o,
  output logic               done_o,
  output logic [31:0]        perf_cycles_o,
  input  logic               ld_valid_i,
  output logic               ld_ready_o,
  input  logic [31:0]        ld_addr_i,
  input  logic [LdBits-1:0]  ld_data_i
);

`ifdef HWGEN_EXT_WEIGHTS
  // External weights (-DHWGEN_EXT_WEIGHTS): the DRAM is hwgen_axi_mem with the design's image and
  // the memory the config describes (+dram_stall=<percent> +dram_seed=<n>: random back-pressure).
  logic                    arvalid, arready, rvalid, rready, rlast;
  logic [31:0]             araddr;
  logic [7:0]              arlen;
  logic [2:0]              arsize;
  logic [1:0]              arburst, rresp;
  logic [8*XDataBytes-1:0] rdata;

  hwgen_axi_mem #(
    .DataBytes    (XDataBytes),
    .BytesPerCycle(DramBytesPerCycle),
    .LatencyCycles(DramLatencyCycles),
    .MaxBurstBytes(DramMaxBurstBytes),
    .Words        (DramWords),
    .MemFile      (DramFile)
  ) u_dram (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .s_arvalid_i(arvalid),
    .s_arready_o(arready),
    .s_araddr_i (araddr),
    .s_arlen_i  (arlen),
    .s_arsize_i (arsize),
    .s_arburst_i(arburst),
    .s_rvalid_o (rvalid),
    .s_rready_i (rready),
    .s_rdata_o  (rdata),
    .s_rresp_o  (rresp),
    .s_rlast_o  (rlast)
  );
`endif

  `HWGEN_TOP u_top (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .in_valid_i   (in_valid_i),
    .in_ready_o   (in_ready_o),
    .in_data_i    (in_data_i),
    .out_valid_o  (out_valid_o),
    .out_ready_i  (out_ready_i),
    .out_data_o   (out_data_o),
    .busy_o       (busy_o),
    .done_o       (done_o),
    .perf_cycles_o(perf_cycles_o),
    .ld_valid_i   (ld_valid_i),
    .ld_ready_o   (ld_ready_o),
    .ld_addr_i    (ld_addr_i),
`ifdef HWGEN_EXT_WEIGHTS
    .ld_data_i    (ld_data_i),
    .m_arvalid_o  (arvalid),
    .m_arready_i  (arready),
    .m_araddr_o   (araddr),
    .m_arlen_o    (arlen),
    .m_arsize_o   (arsize),
    .m_arburst_o  (arburst),
    .m_rvalid_i   (rvalid),
    .m_rready_o   (rready),
    .m_rdata_i    (rdata),
    .m_rresp_i    (rresp),
    .m_rlast_i    (rlast)
`else
    .ld_data_i    (ld_data_i)
`endif
  );

`ifndef HWGEN_GATE_LEVEL
  // verilator lint_off UNUSEDSIGNAL
  integer layer_fd;
  string  layer_path;
  // verilator lint_on UNUSEDSIGNAL

  initial begin
    layer_fd = 0;
    if ($value$plusargs("layers=%s", layer_path)) begin
      layer_fd = $fopen(layer_path, "w");
    end
  end

  // Closed when the simulation ends: a harness that runs several models gathers their files then.
  final begin
    if (layer_fd != 0) $fclose(layer_fd);
  end

  for (genvar p = 0; p < NumPes; p++) begin : gen_monitor
    always @(posedge clk_i) begin
      // The writeback's layer (the current one, or the one whose writeback runs behind the next
      // layer's compute phase) and step hold until their last activation write. An LSTM layer's
      // gate values are not written; its h_t are.
      if (layer_fd != 0 && u_top.u_core.gen_pe[p].u_pe.wb_we_q && !u_top.u_core.wb_lstm) begin
        $fwrite(layer_fd, "%0d %0d %0d %0d %0d\n", u_top.u_core.wb_layer,
                u_top.u_core.gen_pe[p].u_pe.wb_addr_q - u_top.u_core.wb_dst_base,
                p, $signed(u_top.u_core.gen_pe[p].u_pe.y_q), u_top.u_core.step_q);
      end
      if (layer_fd != 0 && u_top.u_core.gen_pe[p].u_pe.h_we) begin
        $fwrite(layer_fd, "%0d %0d %0d %0d %0d\n", u_top.u_core.wb_layer,
                u_top.u_core.gen_pe[p].u_pe.h_addr - u_top.u_core.wb_dst_base,
                p, $signed(u_top.u_core.gen_pe[p].u_pe.h_data), u_top.u_core.wb_step_q);
      end
    end
  end
`endif

endmodule
