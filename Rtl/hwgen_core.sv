// EIE-style sparse accelerator core: N PEs, the LNZD broadcast, the layer sequencer and the host
// interface (input stream, output stream, busy/done, memory-load port).
//
// One inference: the host streams InputSize activations in (x[j] goes to PE j mod N, word
// j div N of bank 0); every layer then runs a compute phase (broadcast of each non-zero source
// activation to all PEs, accumulate) and a writeback phase (add the bias, round, saturate, then
// the layer's activation — identity, ReLU, tanh or sigmoid — into the destination bank, clear the accumulators); the banks swap; finally OutputSize results
// stream out in hardware row order. `perf_cycles_o` counts the cycles of all compute and
// writeback phases. After reset the accumulators are cleared (AccDepth cycles) before the first
// input is accepted.
module hwgen_core #(
  parameter int NumPes = 4,
  parameter int ActBits = 16,
  /// Fa: fractional bits of activations (scale of the tanh/sigmoid table).
  parameter int ActFrac = 8,
  parameter int WeightBits = 16,
  parameter int AccBits = 40,
  /// Bits of an entry's weight field: the codebook index b, or W with LinearWeights.
  parameter int CodeBits = 4,
  /// 1: entries hold the weight itself (signed, CodeBits = WeightBits) and there is no codebook;
  /// 0: entries hold a code into the per-layer codebook.
  parameter bit LinearWeights = 1'b0,
  parameter int IndexBits = 4,
  parameter int LineEntries = 8,
  parameter int FifoDepth = 8,
  parameter int PtrDepth = 2,
  parameter int SpmatDepth = 1,
  parameter int BiasDepth = 1,
  parameter int AccDepth = 1,
  parameter int ActDepth = 1,
  parameter int NumLayers = 1,
  parameter int InputSize = 1,
  parameter int OutputSize = 1,
  /// Layer table, 32 bits per layer, layer 0 in the low bits.
  parameter logic [NumLayers*32-1:0] LayerGroups = '0,
  parameter logic [NumLayers*32-1:0] LayerLastPes = '0,
  parameter logic [NumLayers*32-1:0] LayerLocalRows = '0,
  parameter logic [NumLayers*32-1:0] LayerPtrBase = '0,
  parameter logic [NumLayers*32-1:0] LayerBiasBase = '0,
  parameter logic [NumLayers*32-1:0] LayerShift = '0,
  parameter logic [NumLayers-1:0]    LayerRelu = '0,
  /// Each layer's activation, 2 bits per layer (0 identity, 1 ReLU, 2 tanh, 3 sigmoid).
  parameter logic [NumLayers*2-1:0]  LayerFn = '0,
  /// Image of the tanh/sigmoid table (see hwgen_act_fn); "" when no layer uses tanh or sigmoid,
  /// and then the PEs have no table.
  parameter ActTableFile = "",
  /// Prefix of the memory images, e.g. "mem/tiny_"; "" for none.
  parameter MemPrefix = "",
  /// Per-PE memory styles (see hwgen_pe): 0 = inferred RAM, 1 = iCE40 SPRAM.
  parameter int SpmatStyle = 0,
  parameter int ActStyle = 0,
  /// LSTM layers (docs/microarchitecture.md, "LSTM layers"): whether there are any (only then do
  /// the PEs have the element-wise unit and the sequencer its step loop), the cell-state bits C and
  /// the cell memory's words (the most hidden units of any LSTM layer on one PE), and per layer:
  /// LSTM or not, whether it gives its whole sequence, its steps T, and its input groups Gx per
  /// step (ceil(F / N); a fully connected layer's is its Groups). An LSTM layer's LayerGroups is
  /// Gx + U and its LayerLocalRows 4U (U = ceil(H / N) units per PE).
  parameter bit HasLstm = 1'b0,
  parameter int CellBits = 2,
  parameter int CellDepth = 1,
  parameter logic [NumLayers-1:0]    LayerLstm = '0,
  parameter logic [NumLayers-1:0]    LayerSeqOut = '0,
  parameter logic [NumLayers*32-1:0] LayerSteps = '0,
  parameter logic [NumLayers*32-1:0] LayerXGroups = '0,
  /// Overlapped writeback (docs/microarchitecture.md, "Overlapped writeback"): whether the PEs
  /// have a second accumulator bank for it, and per layer whether its writeback runs behind the
  /// next layer's compute phase (a fully connected layer followed by a fully connected layer).
  parameter bit OverlapWb = 1'b0,
  parameter logic [NumLayers-1:0]    LayerOverlap = '0,
  /// Column pairs (docs/microarchitecture.md, "Column pairs"): each broadcast carries hardware
  /// columns 2k and 2k + 1, the words of PEs 2m and 2m + 1 of a group (NumPes even, fully
  /// connected layers, on-chip weights); the layer table's pointer bases count pairs.
  parameter bit ColPairs = 1'b0,
  /// Memory-load address map, addr = {region, pe, word}: each field's lowest bit and width, and
  /// each memory's region code. Every design passes its package's (generated from HwGen's
  /// MemoryMap, which also writes the load script and the host code); these defaults are that map.
  parameter int LdRegionLsb = 29,
  parameter int LdRegionBits = 3,
  parameter int LdPeLsb = 18,
  parameter int LdPeBits = 11,
  parameter int LdWordLsb = 0,
  parameter int LdWordBits = 18,
  parameter int RegionPtrEven = 0,
  parameter int RegionPtrOdd = 1,
  parameter int RegionSpmat = 2,
  parameter int RegionBias = 3,
  parameter int RegionCodebook = 4,
  /// External weights (docs/microarchitecture.md, "Weights in external DRAM"): the entries are
  /// read from DRAM through the AXI4 master m_* (hwgen_ext_fetch) instead of the PEs'
  /// sparse-matrix memories. The X* parameters size it (see hwgen_ext_fetch and hwgen_pe);
  /// LayerRegion is each layer's first beat in DRAM (32 bits per layer). Unused otherwise.
  parameter bit ExtWeights = 1'b0,
  // (Used only with ExtWeights.)
  // verilator lint_off UNUSEDPARAM
  parameter int XDataBytes = 4,
  parameter int XAddrBits = 32,
  parameter int XColQueue = 2,
  parameter int XBeatBuffer = 2,
  parameter int XMaxBurstBeats = 1,
  parameter int XOutstanding = 1,
  parameter int XPtrDepth = 2,
  parameter int XCntBits = 1,
  parameter int XOffBeatBits = 1,
  parameter int XLaneBits = 1,
  parameter int XLanes = 1,
  parameter int XRows = 2,
  parameter int XBeatIdxBits = 1,
  parameter XBaseFile = "",
  parameter logic [NumLayers*32-1:0] LayerRegion = '0,
  // verilator lint_on UNUSEDPARAM
  localparam int EntryBits = CodeBits + IndexBits,
  localparam int LineBits = LineEntries * EntryBits,
  localparam int PtrAddrBits = (PtrDepth > 1) ? $clog2(PtrDepth) : 1,
  localparam int PtrIndexBits = PtrAddrBits + 1,
  localparam int BiasAddrBits = (BiasDepth > 1) ? $clog2(BiasDepth) : 1,
  localparam int AccAddrBits = (AccDepth > 1) ? $clog2(AccDepth) : 1,
  localparam int ActAddrBits = $clog2(2 * ActDepth),
  localparam int PeBits = (NumPes > 1) ? $clog2(NumPes) : 1,
  // What the LNZD picks from: the PEs' words, or with ColPairs pairs of them.
  localparam int ScanLanes = ColPairs ? NumPes / 2 : NumPes,
  localparam int ScanBits = (ScanLanes > 1) ? $clog2(ScanLanes) : 1,
  // A broadcast's activations: one, or with ColPairs {column 2k + 1's, column 2k's}.
  localparam int BcBits = ColPairs ? 2 * ActBits : ActBits,
  localparam int LayerBits = (NumLayers > 1) ? $clog2(NumLayers) : 1,
  localparam int CbEntries = LinearWeights ? 2 : NumLayers << CodeBits,
  localparam int CbAddrBits = $clog2(CbEntries),
  // A pointer-bank word (see hwgen_pe): {two flags, line, offset}.
  localparam int PtrWordBits = $clog2(SpmatDepth + 1) + ((LineEntries > 1) ? $clog2(LineEntries) : 1)
                             + 2,
  localparam int LdBits0 = (LineBits > AccBits) ? LineBits : AccBits,
  // With ColPairs a pointer-bank word holds a pair's two words.
  localparam int PtrBankBits = ColPairs ? 2 * PtrWordBits : PtrWordBits,
  localparam int LdBits1 = (LdBits0 > PtrBankBits) ? LdBits0 : PtrBankBits,
  localparam int XPtrWordBits = XCntBits + XOffBeatBits + XLaneBits,
  localparam int LdBits = (ExtWeights && XPtrWordBits > LdBits1) ? XPtrWordBits : LdBits1,
  // Counts rows during the reset clear and the writeback (LocalRows + 4 cycles, LSTM + 9).
  localparam int RowCntBits = $clog2(AccDepth + (HasLstm ? 10 : 5)),
  // Counts the host's input or output words of one inference.
  localparam int IoCountBits = $clog2(((InputSize > OutputSize) ? InputSize : OutputSize) + 1),
  // Counts the scanner's groups (a group is one activation word of every PE); an LSTM step scans
  // its input's and its state's words.
  localparam int GroupBits = $clog2((HasLstm ? 2 : 1) * ActDepth + 1),
  localparam int StepBits = 16
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  // Input activation stream (InputSize words per inference)
  input  logic               in_valid_i,
  output logic               in_ready_o,
  input  logic [ActBits-1:0] in_data_i,
  // Output stream (OutputSize words per inference, hardware row order)
  output logic               out_valid_o,
  input  logic               out_ready_i,
  output logic [ActBits-1:0] out_data_o,
  // Status
  output logic               busy_o,
  output logic               done_o,
  output logic [31:0]        perf_cycles_o,
  // Memory-load port: addr = {region, pe, word} (see LdRegionLsb ...); accepted while idle.
  //   regions RegionPtrEven/RegionPtrOdd: pointer banks ({flags, pointer} words), RegionSpmat:
  //   sparse-matrix lines,
  //   RegionBias: biases, RegionCodebook: codebook (pe ignored, word = layer * 2^CodeBits + code)
  input  logic               ld_valid_i,
  output logic               ld_ready_o,
  input  logic [31:0]        ld_addr_i,
  input  logic [LdBits-1:0]  ld_data_i,
  // AXI4 read master to the weights in DRAM (ExtWeights; idle otherwise).
  output logic                    m_arvalid_o,
  input  logic                    m_arready_i,
  output logic [XAddrBits-1:0]    m_araddr_o,
  output logic [7:0]              m_arlen_o,
  output logic [2:0]              m_arsize_o,
  output logic [1:0]              m_arburst_o,
  input  logic                    m_rvalid_i,
  output logic                    m_rready_o,
  input  logic [8*XDataBytes-1:0] m_rdata_i,
  input  logic [1:0]              m_rresp_i,
  input  logic                    m_rlast_i
);

  // ---------------------------------------------------------------------------------------------
  // Sequencer
  // ---------------------------------------------------------------------------------------------
  typedef enum logic [2:0] {
    StIdle    = 3'd0,
    StCompute = 3'd1,
    StWrite   = 3'd2,
    StOutput  = 3'd3,
    StClear   = 3'd4
  } state_e;

  // Writeback: accumulator r is read in cycle r (row 0 in the compute phase's last cycle, the bias
  // one cycle earlier), its activation is written in cycle r + WbLatency; the phase ends with the
  // last write.
  localparam int WbLatency = 3;
  // An LSTM layer's writeback: the h_t of the unit whose row 4u is read in cycle 4u is written in
  // cycle 4u + 12 (hwgen_pe's element-wise unit); the phase ends with the last unit's.
  localparam int LstmWbLatency = 9;

  state_e                 state_q, state_d;
  logic [LayerBits-1:0]   layer_q, layer_d;
  logic                   start_q, start_d;
  logic [RowCntBits-1:0] rowcnt_q, rowcnt_d;
  logic                   done_q, done_d;
  logic [31:0]            perf_q, perf_d;

  // Host input / output counters: element j is word `word` of PE `pe`.
  logic [PeBits-1:0]      io_pe_q, io_pe_d;
  logic [ActAddrBits-1:0] io_word_q, io_word_d;
  logic [IoCountBits-1:0] io_count_q, io_count_d;
  logic                   out_valid_q, out_valid_d;

  // Current layer's table entries.
  logic [31:0]             cur_groups, cur_last_pes;
  logic [RowCntBits-1:0]   cur_rows;
  logic [PtrIndexBits-1:0] cur_ptr_base;
  logic [BiasAddrBits-1:0] cur_bias_base;
  logic                   cur_relu, src_bank;
  logic [1:0]             cur_fn;
  logic [ActAddrBits-1:0] src_base, dst_base;
  // LSTM: the layer, its whole-sequence output, its steps and input groups; the step, the source
  // words of x_t (xbase), where h_t is written (hwr) and where h_(t-1) was (hrd), all relative to
  // the banks.
  logic                   cur_lstm, cur_seq, first_step;
  logic [StepBits-1:0]    cur_steps;
  logic [GroupBits-1:0]   cur_xgroups;
  logic [StepBits-1:0]    step_q, step_d;
  logic [ActAddrBits-1:0] xbase_q, xbase_d, hwr_q, hwr_d, hrd_q, hrd_d;
  logic [ActAddrBits-1:0] wb_word;
  // The writeback of an LSTM step runs behind the next step's compute phase (bg_q, "background"):
  // the step's accumulator bank, first-step flag, h_t words and step number are latched when its
  // compute phase ends. c_bank: the bank the compute phase accumulates into.
  logic                   bg_q, bg_d, wb_first_q, wb_first_d, wb_bank_q, wb_bank_d, c_bank, w_bank;
  logic [ActAddrBits-1:0] wb_hwr_q, wb_hwr_d;
  logic [StepBits-1:0]    wb_step_q, wb_step_d;
  logic                   wb_fg;
  // The writeback (output stage) of the layer wb_layer: with OverlapWb, the background one's while
  // it runs (gen_overlap), else the current layer's. Its local rows, activation and destination
  // bank; the bias RAM's address; the hand-over to the next layer (StWrite) and its cycle.
  logic [LayerBits-1:0]    wb_layer;
  logic [RowCntBits-1:0]   wb_rows, wb_end;
  logic                    wb_lstm, wb_relu;
  logic [1:0]              wb_fn;
  logic [ActAddrBits-1:0]  wb_dst_base;
  logic [BiasAddrBits-1:0] bias_base;
  logic [AccAddrBits-1:0]  bias_addr_row;
  logic                    handover;

  assign cur_groups    = LayerGroups[layer_q*32 +: 32];
  assign cur_last_pes  = LayerLastPes[layer_q*32 +: 32];
  assign cur_rows      = LayerLocalRows[layer_q*32 +: RowCntBits];
  assign cur_ptr_base  = LayerPtrBase[layer_q*32 +: PtrIndexBits];
  assign cur_bias_base = LayerBiasBase[layer_q*32 +: BiasAddrBits];
  assign cur_relu      = LayerRelu[layer_q];
  assign cur_fn        = LayerFn[layer_q*2 +: 2];
  assign src_bank      = layer_q[0];
  assign src_base      = src_bank ? ActAddrBits'(ActDepth) : '0;
  assign dst_base      = src_bank ? '0 : ActAddrBits'(ActDepth);
  assign cur_lstm      = HasLstm && LayerLstm[layer_q];
  assign cur_seq       = LayerSeqOut[layer_q];
  assign cur_steps     = LayerSteps[layer_q*32 +: StepBits];
  assign cur_xgroups   = LayerXGroups[layer_q*32 +: GroupBits];
  assign first_step    = (step_q == '0);
  // The writeback's step: in a compute phase without a background writeback only its last cycle
  // reads (row 0 of the step that ends), otherwise the latched one's.
  assign wb_fg         = (state_q == StCompute) && !bg_q;
  // The writeback's destination word: local row r, or for an LSTM layer unit r div 4 of h_t.
  assign wb_word       = (OverlapWb ? wb_lstm : cur_lstm) ? (wb_fg ? hwr_q : wb_hwr_q) + ActAddrBits'(rowcnt_q[RowCntBits-1:2])
                                  : ActAddrBits'(rowcnt_q);
  // With OverlapWb, a fully connected layer l accumulates into bank l mod 2 (else bank 0).
  assign c_bank        = OverlapWb ? (cur_lstm ? step_q[0] : layer_q[0]) : cur_lstm && step_q[0];
  assign w_bank        = wb_fg ? c_bank : wb_bank_q;

  // ---------------------------------------------------------------------------------------------
  // PE array wiring
  // ---------------------------------------------------------------------------------------------
  logic [NumPes-1:0]         pe_ready, pe_idle;
  logic [NumPes*ActBits-1:0] pe_act_rdata;
  logic [NumPes*CodeBits-1:0]   pe_code;
  logic [NumPes*WeightBits-1:0] pe_weight;
  logic                      all_ready, all_idle;
  logic                      act_re;
  logic [ActAddrBits-1:0]    act_raddr;
  logic                      clr, issue_en, wb_re, compute_end;
  logic [AccAddrBits-1:0]    bias_row;

  assign all_ready = &pe_ready;
  assign all_idle  = &pe_idle;

  // ---------------------------------------------------------------------------------------------
  // LNZD scanner: walks the source bank one group (one word of every PE) at a time and
  // broadcasts its non-zero activations in column order, one per cycle.
  //
  // Everything between the activation memories' read data and the PEs' pointer-read addresses is
  // one combinational path (zero test, mask, LNZD, address add), so the scanner keeps what it can
  // in registers: the groups left (`scan_left_q`, so the last group is a zero test rather than a
  // compare with the layer table) and the pointer index of the group's first column for the odd
  // and the even bank (`scan_ptr_q` = layer pointer base + group × N, and that + 1), so the
  // broadcast's two bank addresses are one add each of the LNZD's index, computed once for all PEs.
  // ---------------------------------------------------------------------------------------------
  logic [GroupBits-1:0]    scan_group_q, scan_group_d;
  logic [GroupBits-1:0]    scan_left_q, scan_left_d;
  logic [PtrIndexBits-1:0] scan_ptr_q, scan_ptr_d;
  logic [PtrIndexBits-1:0] scan_ptr1_q, scan_ptr1_d;
  logic [PtrIndexBits-1:0] bc_ptr_odd;
  // Index j + 1, of which the even bank takes the word address (bit 0 is j's parity, inverted).
  /* verilator lint_off UNUSEDSIGNAL */
  logic [PtrIndexBits-1:0] bc_ptr_next;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [PtrAddrBits-1:0]  bc_ptr_even;
  logic [NumPes-1:0]       last_group_pes;
  logic                   scan_fresh_q, scan_fresh_d;
  logic                   scan_active_q, scan_active_d;
  logic                   scan_done_q, scan_done_d;
  logic [ScanLanes-1:0]   scan_mask_q, scan_mask_d;
  logic [ScanLanes-1:0]   fresh_mask, mask, mask_after, pick;
  logic [NumPes-1:0]      act_nz;
  logic                   lnzd_valid;
  logic [ScanBits-1:0]    lnzd_index;
  logic                   bc_fire;
  logic [BcBits-1:0]      bc_act;
  logic                   scan_re;
  logic [ActAddrBits-1:0] scan_raddr;

  // An LSTM layer's first step has h_0 = 0: its state groups broadcast nothing.
  logic h_zero, scan_hold;
  logic [ActAddrBits-1:0] scan_next_addr, scan_first_addr;

  if (HasLstm) begin : gen_scan_lstm
    logic [GroupBits-1:0] next_group;
    assign next_group      = scan_group_q + 1'b1;
    assign h_zero          = cur_lstm && first_step && (scan_group_q >= cur_xgroups);
    // h_(t-1) is complete when the previous step's writeback has written its last unit: the
    // scanner reads the first state group only after that.
    assign scan_hold       = bg_q && (next_group == cur_xgroups);
    assign scan_first_addr = src_base + xbase_q;
    // Groups below Gx are x_t in the source bank, the others h_(t-1) in the destination bank.
    assign scan_next_addr  = (next_group < cur_xgroups)
                           ? src_base + xbase_q + ActAddrBits'(next_group)
                           : dst_base + hrd_q + ActAddrBits'(next_group - cur_xgroups);
  end else begin : gen_scan_fc
    assign h_zero          = 1'b0;
    assign scan_hold       = 1'b0;
    assign scan_first_addr = src_base;
    assign scan_next_addr  = src_base + ActAddrBits'(scan_group_q) + 1'b1;
  end

  for (genvar p = 0; p < NumPes; p++) begin : gen_mask
    // PEs whose word takes part in the layer's last group (a function of the layer alone).
    assign last_group_pes[p] = (p < cur_last_pes);
    assign act_nz[p] = (pe_act_rdata[p*ActBits +: ActBits] != '0)
                    && ((scan_left_q != '0) || last_group_pes[p]) && !h_zero;
  end

  if (ColPairs) begin : gen_pair_mask
    // Pair m (PEs 2m and 2m + 1) is broadcast when either word is non-zero; a word outside the
    // layer is broadcast as zero.
    for (genvar m = 0; m < ScanLanes; m++) begin : gen_pair
      assign fresh_mask[m] = act_nz[2*m] || act_nz[2*m+1];
      assign pick[m] = (lnzd_index == ScanBits'(m));
    end
  end else begin : gen_lane_mask
    for (genvar p = 0; p < NumPes; p++) begin : gen_lane
      assign fresh_mask[p] = act_nz[p];
      assign pick[p] = (lnzd_index == PeBits'(p));
    end
  end

  assign mask = scan_fresh_q ? fresh_mask : scan_mask_q;

  hwgen_lnzd #(
    .Width(ScanLanes)
  ) u_lnzd (
    .valid_i(mask),
    .valid_o(lnzd_valid),
    .index_o(lnzd_index)
  );

  // On chip the scanner broadcasts; with external weights it announces into hwgen_ext_fetch's
  // column queue, from which the broadcast takes the oldest column.
  logic scan_fire, ann_room, col_valid, fetch_idle, base_valid, beat_valid, beat_need;
  logic [ActBits-1:0]      col_act;
  logic [XBeatIdxBits-1:0] base_beat, beat_index;
  logic [XLaneBits-1:0]    base_lane;
  logic [8*XDataBytes-1:0] beat_data;
  logic [NumPes-1:0]       pe_need;

  assign scan_fire  = scan_active_q && lnzd_valid && (ExtWeights ? ann_room : all_ready);
  assign bc_fire    = ExtWeights ? (col_valid && all_ready) : scan_fire;
  if (ColPairs) begin : gen_bc_pair
    logic [2*ActBits-1:0] words;
    assign words  = pe_act_rdata[2*lnzd_index*ActBits +: 2*ActBits];
    assign bc_act = {act_nz[2*lnzd_index+1] ? words[ActBits +: ActBits] : ActBits'(0),
                     act_nz[2*lnzd_index] ? words[0 +: ActBits] : ActBits'(0)};
    // External weights' column activation (no such column with pairs).
    /* verilator lint_off UNUSEDSIGNAL */
    logic [ActBits-1:0] unused_col_act;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_col_act = col_act;
  end else begin : gen_bc_single
    assign bc_act = ExtWeights ? col_act : pe_act_rdata[lnzd_index*ActBits +: ActBits];
  end
  // Column j = group × N + index reads p[j] from bank j mod 2 at word j div 2 and p[j+1] from
  // the other bank at word (j + 1) div 2 (with ColPairs: pair k = group × N/2 + index, its word
  // and pair k + 1's).
  assign bc_ptr_odd  = scan_ptr_q + PtrIndexBits'(lnzd_index);
  assign bc_ptr_next = scan_ptr1_q + PtrIndexBits'(lnzd_index);
  assign bc_ptr_even = bc_ptr_next[PtrIndexBits-1:1];
  assign mask_after = scan_fire ? (mask & ~pick) : mask;

  always_comb begin
    scan_group_d  = scan_group_q;
    scan_left_d   = scan_left_q;
    scan_ptr_d    = scan_ptr_q;
    scan_ptr1_d   = scan_ptr1_q;
    scan_fresh_d  = 1'b0;
    scan_active_d = scan_active_q;
    scan_done_d   = scan_done_q;
    scan_mask_d   = mask_after;
    scan_re       = 1'b0;
    scan_raddr    = scan_next_addr;
    if (start_q) begin
      scan_group_d  = '0;
      scan_left_d   = GroupBits'(cur_groups - 1);
      scan_ptr_d    = cur_ptr_base;
      scan_ptr1_d   = cur_ptr_base + 1'b1;
      scan_fresh_d  = 1'b1;
      scan_active_d = 1'b1;
      scan_done_d   = 1'b0;
      scan_re       = 1'b1;
      scan_raddr    = scan_first_addr;
    end else if (scan_active_q && mask_after == '0) begin
      if (scan_left_q == '0) begin
        scan_active_d = 1'b0;
        scan_done_d   = 1'b1;
      end else if (!scan_hold) begin
        scan_group_d = scan_group_q + 1'b1;
        scan_left_d  = scan_left_q - 1'b1;
        scan_ptr_d   = scan_ptr_q + PtrIndexBits'(ScanLanes);
        scan_ptr1_d  = scan_ptr1_q + PtrIndexBits'(ScanLanes);
        scan_fresh_d = 1'b1;
        scan_re      = 1'b1;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      scan_group_q  <= '0;
      scan_left_q   <= '0;
      scan_ptr_q    <= '0;
      scan_ptr1_q   <= '0;
      scan_fresh_q  <= 1'b0;
      scan_active_q <= 1'b0;
      scan_done_q   <= 1'b0;
      scan_mask_q   <= '0;
    end else begin
      scan_group_q  <= scan_group_d;
      scan_left_q   <= scan_left_d;
      scan_ptr_q    <= scan_ptr_d;
      scan_ptr1_q   <= scan_ptr1_d;
      scan_fresh_q  <= scan_fresh_d;
      scan_active_q <= scan_active_d;
      scan_done_q   <= scan_done_d;
      scan_mask_q   <= scan_mask_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Sequencer next state
  // ---------------------------------------------------------------------------------------------
  logic in_fire, out_fire;

  assign in_fire  = (state_q == StIdle) && in_valid_i;
  assign out_fire = out_valid_q && out_ready_i;

  // scan_done_q still holds the previous layer's value in a layer's first cycle (start_q).
  // With OverlapWb a phase also waits for the background writeback of the layer before it (an LSTM
  // step's never runs that long: the scanner holds before h_(t-1) until it has ended).
  assign compute_end = OverlapWb ? !start_q && scan_done_q && all_idle && fetch_idle && !bg_q
                                 : !start_q && scan_done_q && all_idle && fetch_idle;

  if (OverlapWb) begin : gen_overlap
    // The layer whose writeback runs is latched when its compute phase ends; it is the background
    // one while bg_q, else the current one.
    logic [LayerBits-1:0] wb_layer_q;
    logic                 bias_wb;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        wb_layer_q <= '0;
      end else if (state_q == StCompute && compute_end) begin
        wb_layer_q <= layer_q;
      end
    end

    assign wb_layer    = bg_q ? wb_layer_q : layer_q;
    assign wb_rows     = LayerLocalRows[wb_layer*32 +: RowCntBits];
    assign wb_lstm     = HasLstm && LayerLstm[wb_layer];
    assign wb_relu     = LayerRelu[wb_layer];
    assign wb_fn       = LayerFn[wb_layer*2 +: 2];
    assign wb_dst_base = wb_layer[0] ? '0 : ActAddrBits'(ActDepth);
    assign wb_end      = wb_rows + RowCntBits'(wb_lstm ? LstmWbLatency - 1 : WbLatency - 1);
    // The bias RAM serves the background writeback until its last row's bias is read, then reads
    // the current layer's row 0, which its own writeback reads a cycle before it starts.
    assign bias_wb       = bg_q && ((rowcnt_q + 1'b1) < wb_rows);
    assign bias_base     = bias_wb ? BiasAddrBits'(LayerBiasBase[wb_layer_q*32 +: 32]) : cur_bias_base;
    assign bias_addr_row = (bg_q && !bias_wb) ? '0 : bias_row;
    // Row 0 has just been written (writeback cycle 3): the next layer starts, its scanner at most a
    // group a cycle behind this writeback's word a cycle, and the writeback goes on behind it on
    // the other accumulator bank, as an LSTM step's does.
    assign handover    = (state_q == StWrite) && LayerOverlap[layer_q]
                      && (rowcnt_q == RowCntBits'(WbLatency))
                      && (rowcnt_q != cur_rows + RowCntBits'(WbLatency - 1));
  end else begin : gen_no_overlap
    assign wb_layer      = layer_q;
    assign wb_rows       = cur_rows;
    assign wb_lstm       = cur_lstm;
    assign wb_relu       = cur_relu;
    assign wb_fn         = cur_fn;
    assign wb_dst_base   = dst_base;
    assign wb_end        = '0;
    assign bias_base     = cur_bias_base;
    assign bias_addr_row = bias_row;
    assign handover      = 1'b0;
  end

  // The writeback's last row count, registered from the layer (valid from the layer's second
  // compute cycle on, long before its writeback reads it): the layer table's lookup and adder stay
  // off the path from the row count to the sequencer's next state.
  logic [RowCntBits-1:0] wr_end_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_end_q <= '0;
    end else begin
      wr_end_q <= cur_rows + RowCntBits'((cur_lstm ? LstmWbLatency : WbLatency) - 1);
    end
  end

  always_comb begin
    state_d     = state_q;
    layer_d     = layer_q;
    start_d     = 1'b0;
    rowcnt_d    = rowcnt_q;
    done_d      = done_q;
    perf_d      = perf_q;
    step_d      = step_q;
    bg_d        = bg_q;
    wb_first_d  = wb_first_q;
    wb_bank_d   = wb_bank_q;
    wb_hwr_d    = wb_hwr_q;
    wb_step_d   = wb_step_q;
    xbase_d     = xbase_q;
    hwr_d       = hwr_q;
    hrd_d       = hrd_q;
    io_pe_d     = io_pe_q;
    io_word_d   = io_word_q;
    io_count_d  = io_count_q;
    out_valid_d = out_valid_q;
    clr         = 1'b0;
    issue_en    = 1'b0;
    bias_row    = rowcnt_q[AccAddrBits-1:0] + 1'b1;
    wb_re       = 1'b0;
    act_re      = scan_re;
    act_raddr   = scan_raddr;

    unique case (state_q)
      StClear: begin
        clr      = 1'b1;
        rowcnt_d = rowcnt_q + 1'b1;
        if (rowcnt_q == RowCntBits'(AccDepth - 1)) begin
          state_d  = StIdle;
          rowcnt_d = '0;
        end
      end
      StIdle: begin
        if (in_fire) begin
          done_d     = 1'b0;
          io_count_d = io_count_q + 1'b1;
          if (io_pe_q == PeBits'(NumPes - 1)) begin
            io_pe_d   = '0;
            io_word_d = io_word_q + 1'b1;
          end else begin
            io_pe_d = io_pe_q + 1'b1;
          end
          if (io_count_q == IoCountBits'(InputSize - 1)) begin
            state_d  = StCompute;
            layer_d  = '0;
            start_d  = 1'b1;
            rowcnt_d = '0;
            perf_d   = '0;
          end
        end
      end
      StCompute: begin
        // The last cycle reads accumulator 0 (the pipelines are empty: its last write has landed)
        // and bias 1; the others read bias 0 — or, behind an LSTM step, the previous step's
        // writeback runs as in StWrite (it ends before this step's state groups are read, so
        // before this phase ends).
        perf_d   = perf_q + 1;
        issue_en = 1'b1;
        if (bg_q) begin
          rowcnt_d = rowcnt_q + 1'b1;
          wb_re    = rowcnt_q < (OverlapWb ? wb_rows : cur_rows);
          if (rowcnt_q == (OverlapWb ? wb_end : cur_rows + RowCntBits'(LstmWbLatency - 1))) begin
            rowcnt_d = '0;
            bg_d     = 1'b0;
          end
        end else begin
          bias_row = AccAddrBits'(compute_end);
        end
        if (compute_end) begin
          rowcnt_d   = RowCntBits'(1);
          wb_re      = 1'b1;
          wb_first_d = first_step;
          wb_bank_d  = c_bank;
          wb_hwr_d   = hwr_q;
          wb_step_d  = step_q;
          if (cur_lstm && step_q != cur_steps - 1'b1) begin
            // The next step starts now, its writeback behind it: x_(t+1) follows x_t; h_t is
            // where this writeback writes it, and h_(t+1) goes after it (whole sequence) or over it.
            bg_d    = 1'b1;
            start_d = 1'b1;
            step_d  = step_q + 1'b1;
            xbase_d = xbase_q + ActAddrBits'(cur_xgroups);
            hrd_d   = hwr_q;
            hwr_d   = cur_seq ? hwr_q + ActAddrBits'(cur_rows[RowCntBits-1:2]) : '0;
          end else begin
            state_d = StWrite;
          end
        end
      end
      StWrite: begin
        // Cycle r reads accumulator r and bias r + 1; the phase ends with the last activation
        // write, WbLatency cycles after the last read.
        perf_d   = perf_q + 1;
        rowcnt_d = rowcnt_q + 1'b1;
        wb_re    = rowcnt_q < cur_rows;
        // With OverlapWb the hand-over starts the next layer as the end does; the writeback goes on
        // behind it (bg_q), so the row count goes on too.
        if (OverlapWb ? (rowcnt_q == wr_end_q) || handover : (rowcnt_q == wr_end_q)) begin
          rowcnt_d = OverlapWb ? (handover ? rowcnt_q + 1'b1 : '0) : '0;
          step_d   = '0;
          xbase_d  = '0;
          hwr_d    = '0;
          if (layer_q == LayerBits'(NumLayers - 1)) begin
            state_d    = StOutput;
            io_pe_d    = '0;
            io_word_d  = '0;
            io_count_d = '0;
          end else begin
            state_d = StCompute;
            layer_d = layer_q + 1'b1;
            start_d = 1'b1;
          end
        end
      end
      StOutput: begin
        if (!out_valid_q) begin
          // First word: read it one cycle after the last writeback write has landed.
          act_re      = 1'b1;
          act_raddr   = dst_base + io_word_q;
          out_valid_d = 1'b1;
        end else if (out_fire) begin
          io_count_d = io_count_q + 1'b1;
          if (io_count_q == IoCountBits'(OutputSize - 1)) begin
            state_d     = StIdle;
            out_valid_d = 1'b0;
            done_d      = 1'b1;
            io_pe_d     = '0;
            io_word_d   = '0;
            io_count_d  = '0;
          end else begin
            if (io_pe_q == PeBits'(NumPes - 1)) begin
              io_pe_d   = '0;
              io_word_d = io_word_q + 1'b1;
            end else begin
              io_pe_d = io_pe_q + 1'b1;
            end
            act_re    = 1'b1;
            act_raddr = dst_base
                      + ((io_pe_q == PeBits'(NumPes - 1)) ? io_word_q + 1'b1 : io_word_q);
          end
        end
      end
      default: begin
        state_d = StIdle;
      end
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StClear;
      layer_q     <= '0;
      start_q     <= 1'b0;
      rowcnt_q    <= '0;
      done_q      <= 1'b0;
      perf_q      <= '0;
      step_q      <= '0;
      bg_q        <= 1'b0;
      wb_first_q  <= 1'b0;
      wb_bank_q   <= 1'b0;
      wb_hwr_q    <= '0;
      wb_step_q   <= '0;
      xbase_q     <= '0;
      hwr_q       <= '0;
      hrd_q       <= '0;
      io_pe_q     <= '0;
      io_word_q   <= '0;
      io_count_q  <= '0;
      out_valid_q <= 1'b0;
    end else begin
      state_q     <= state_d;
      layer_q     <= layer_d;
      start_q     <= start_d;
      rowcnt_q    <= rowcnt_d;
      done_q      <= done_d;
      perf_q      <= perf_d;
      step_q      <= step_d;
      bg_q        <= OverlapWb ? bg_d || handover : HasLstm && bg_d;
      wb_first_q  <= wb_first_d;
      wb_bank_q   <= wb_bank_d;
      wb_hwr_q    <= wb_hwr_d;
      wb_step_q   <= wb_step_d;
      xbase_q     <= xbase_d;
      hwr_q       <= hwr_d;
      hrd_q       <= hrd_d;
      io_pe_q     <= io_pe_d;
      io_word_q   <= io_word_d;
      io_count_q  <= io_count_d;
      out_valid_q <= out_valid_d;
    end
  end

  assign in_ready_o    = (state_q == StIdle);
  assign out_valid_o   = out_valid_q;
  assign out_data_o    = pe_act_rdata[io_pe_q*ActBits +: ActBits];
  assign busy_o        = (state_q != StIdle);
  assign done_o        = done_q;
  assign perf_cycles_o = perf_q;
  assign ld_ready_o    = (state_q == StIdle) || (state_q == StClear);

  // ---------------------------------------------------------------------------------------------
  // Codebook: one table of 2^CodeBits values per layer, shared by all PEs. With linear weights an
  // entry's weight field is the weight itself: the table is never read (a 2-entry stub that
  // synthesis removes) and no image is loaded.
  // ---------------------------------------------------------------------------------------------
  // Linear weights: the stub table is written by the load port but never read.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [WeightBits-1:0]   codebook_q [CbEntries];
  /* verilator lint_on UNUSEDSIGNAL */
  logic                    ld_fire;
  logic [LdRegionBits-1:0] ld_region;
  logic [LdPeBits-1:0]     ld_pe;

  assign ld_fire   = ld_valid_i && ld_ready_o;
  assign ld_region = ld_addr_i[LdRegionLsb +: LdRegionBits];
  assign ld_pe     = ld_addr_i[LdPeLsb +: LdPeBits];

  initial begin
    if (MemPrefix != "" && !LinearWeights) begin
      $readmemh({MemPrefix, "codebook.mem"}, codebook_q);
    end
  end

  always_ff @(posedge clk_i) begin
    if (ld_fire && ld_region == LdRegionBits'(RegionCodebook)) begin
      codebook_q[ld_addr_i[LdWordLsb +: CbAddrBits]] <= ld_data_i[WeightBits-1:0];
    end
  end

  // With several layers and several PEs, the current layer's 2^CodeBits entries are copied every
  // cycle into `layer_cb_q` (one layer-select multiplexer for all PEs), so each PE selects among
  // 2^CodeBits values rather than among every layer's. The copy lags the layer and the load port
  // by one cycle, and neither matters: a layer's first weight is read several cycles after it
  // starts (activation read, broadcast, pointer read, issue, line read), and the codebook is
  // loaded only while the core is idle. One PE selects from the whole table directly (a copy
  // would cost its registers and save nothing).
  if (LinearWeights) begin : gen_cb_linear
    for (genvar p = 0; p < NumPes; p++) begin : gen_pe_weight
      assign pe_weight[p*WeightBits +: WeightBits] = pe_code[p*CodeBits +: CodeBits];
    end
  end else if (NumLayers == 1) begin : gen_cb_one_layer
    for (genvar p = 0; p < NumPes; p++) begin : gen_pe_weight
      assign pe_weight[p*WeightBits +: WeightBits] = codebook_q[pe_code[p*CodeBits +: CodeBits]];
    end
  end else if (NumPes == 1) begin : gen_cb_one_pe
    assign pe_weight = codebook_q[{layer_q, pe_code}];
  end else begin : gen_cb_layers
    logic [WeightBits-1:0] layer_cb_q [1 << CodeBits];

    always_ff @(posedge clk_i) begin
      for (int k = 0; k < (1 << CodeBits); k++) begin
        layer_cb_q[k] <= codebook_q[{layer_q, CodeBits'(k)}];
      end
    end

    for (genvar p = 0; p < NumPes; p++) begin : gen_pe_weight
      assign pe_weight[p*WeightBits +: WeightBits] = layer_cb_q[pe_code[p*CodeBits +: CodeBits]];
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Processing elements
  // ---------------------------------------------------------------------------------------------
  for (genvar p = 0; p < NumPes; p++) begin : gen_pe
    logic sel_ld, sel_in;

    assign sel_ld = ld_fire && (ld_pe == LdPeBits'(p));
    assign sel_in = in_fire && (io_pe_q == PeBits'(p));

    hwgen_pe #(
      .Pe         (p),
      .ActBits    (ActBits),
      .ActFrac    (ActFrac),
      .WeightBits (WeightBits),
      .AccBits    (AccBits),
      .CodeBits   (CodeBits),
      .IndexBits  (IndexBits),
      .LineEntries(LineEntries),
      .FifoDepth  (FifoDepth),
      .PtrDepth   (PtrDepth),
      .SpmatDepth (SpmatDepth),
      .BiasDepth  (BiasDepth),
      .AccDepth   (AccDepth),
      .ActDepth   (ActDepth),
      .NumLayers  (NumLayers),
      .LayerShift (LayerShift),
      .ActTableFile(ActTableFile),
      .MemPrefix  (MemPrefix),
      .SpmatStyle (SpmatStyle),
      .ActStyle   (ActStyle),
      .HasLstm    (HasLstm),
      .OverlapWb  (OverlapWb),
      .ColPairs   (ColPairs),
      .CellBits   (CellBits),
      .CellDepth  (CellDepth),
      .ExtWeights (ExtWeights),
      .XPtrDepth  (XPtrDepth),
      .XCntBits   (XCntBits),
      .XOffBeatBits(XOffBeatBits),
      .XLaneBits  (XLaneBits),
      .XLanes     (XLanes),
      .XDataBytes (XDataBytes),
      .XColQueue  (XColQueue),
      .XRows      (XRows),
      .XBeatIdxBits(XBeatIdxBits)
    ) u_pe (
      .clk_i        (clk_i),
      .rst_ni       (rst_ni),
      .bias_base_i  (OverlapWb ? bias_base : cur_bias_base),
      .layer_i      (OverlapWb ? wb_layer : layer_q),
      .row_i        (rowcnt_q[AccAddrBits-1:0]),
      .clr_i        (clr),
      .issue_en_i   (issue_en),
      .wb_re_i      (wb_re),
      .wb_addr_i    ((OverlapWb ? wb_dst_base : dst_base) + wb_word),
      .bias_row_i   (OverlapWb ? bias_addr_row : bias_row),
      .relu_i       (OverlapWb ? wb_relu : cur_relu),
      .fn_i         (OverlapWb ? wb_fn : cur_fn),
      .lstm_i       (OverlapWb ? wb_lstm : cur_lstm),
      .first_step_i (wb_first_q),
      .c_bank_i     (c_bank),
      .w_bank_i     (w_bank),
      .code_o       (pe_code[p*CodeBits +: CodeBits]),
      .weight_i     (pe_weight[p*WeightBits +: WeightBits]),
      .bc_fire_i    (bc_fire),
      .bc_act_i     (bc_act),
      .bc_ptr_odd_i (bc_ptr_odd),
      .bc_ptr_even_i(bc_ptr_even),
      .ready_o      (pe_ready[p]),
      .idle_o       (pe_idle[p]),
      .ann_i        (ExtWeights && scan_fire),
      .base_valid_i (base_valid),
      .base_beat_i  (base_beat),
      .base_lane_i  (base_lane),
      .beat_valid_i (beat_valid),
      .beat_index_i (beat_index),
      .beat_data_i  (beat_data),
      .need_o       (pe_need[p]),
      .act_re_i     (act_re),
      .act_raddr_i  (act_raddr),
      .act_rdata_o  (pe_act_rdata[p*ActBits +: ActBits]),
      .act_we_i     (sel_in),
      .act_waddr_i  (io_word_q),
      .act_wdata_i  (in_data_i),
      .ld_ptr_even_i(sel_ld && ld_region == LdRegionBits'(RegionPtrEven)),
      .ld_ptr_odd_i (sel_ld && ld_region == LdRegionBits'(RegionPtrOdd)),
      .ld_spmat_i   (sel_ld && ld_region == LdRegionBits'(RegionSpmat)),
      .ld_bias_i    (sel_ld && ld_region == LdRegionBits'(RegionBias)),
      .ld_addr_i    (ld_addr_i[LdWordLsb +: LdWordBits]),
      .ld_data_i    (ld_data_i)
    );
  end

  // ---------------------------------------------------------------------------------------------
  // External weights: the memory system
  // ---------------------------------------------------------------------------------------------
  assign beat_need = |pe_need;

  if (ExtWeights) begin : gen_ext
    hwgen_ext_fetch #(
      .ActBits      (ActBits),
      .DataBytes    (XDataBytes),
      .AddrBits     (XAddrBits),
      .ColQueue     (XColQueue),
      .BeatBuffer   (XBeatBuffer),
      .MaxBurstBeats(XMaxBurstBeats),
      .Outstanding  (XOutstanding),
      .BaseDepth    (XPtrDepth),
      .BaseFile     (XBaseFile),
      .PtrIndexBits (PtrIndexBits),
      .BeatIdxBits  (XBeatIdxBits),
      .LaneBits     (XLaneBits)
    ) u_fetch (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .start_i     (start_q),
      .region_i    (XAddrBits'(LayerRegion[layer_q*32 +: 32])),
      .ann_room_o  (ann_room),
      .ann_i       (scan_fire),
      .ann_ptr_i   (bc_ptr_odd),
      .ann_act_i   (pe_act_rdata[lnzd_index*ActBits +: ActBits]),
      .base_valid_o(base_valid),
      .base_beat_o (base_beat),
      .base_lane_o (base_lane),
      .col_valid_o (col_valid),
      .col_act_o   (col_act),
      .col_pop_i   (bc_fire),
      .beat_valid_o(beat_valid),
      .beat_index_o(beat_index),
      .beat_data_o (beat_data),
      .beat_need_i (beat_need),
      .scan_done_i (scan_done_q),
      .idle_o      (fetch_idle),
      .m_arvalid_o (m_arvalid_o),
      .m_arready_i (m_arready_i),
      .m_araddr_o  (m_araddr_o),
      .m_arlen_o   (m_arlen_o),
      .m_arsize_o  (m_arsize_o),
      .m_arburst_o (m_arburst_o),
      .m_rvalid_i  (m_rvalid_i),
      .m_rready_o  (m_rready_o),
      .m_rdata_i   (m_rdata_i),
      .m_rresp_i   (m_rresp_i),
      .m_rlast_i   (m_rlast_i)
    );
  end else begin : gen_no_ext
    assign ann_room    = 1'b0;
    assign col_valid   = 1'b0;
    assign col_act     = '0;
    assign fetch_idle  = 1'b1;
    assign base_valid  = 1'b0;
    assign base_beat   = '0;
    assign base_lane   = '0;
    assign beat_valid  = 1'b0;
    assign beat_index  = '0;
    assign beat_data   = '0;
    assign m_arvalid_o = 1'b0;
    assign m_araddr_o  = '0;
    assign m_arlen_o   = '0;
    assign m_arsize_o  = '0;
    assign m_arburst_o = '0;
    assign m_rready_o  = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_axi;
    assign unused_axi = ^{m_arready_i, m_rvalid_i, m_rdata_i, m_rresp_i, m_rlast_i, beat_need};
    /* verilator lint_on UNUSEDSIGNAL */
  end

`ifndef SYNTHESIS
  initial begin
    assert (NumPes >= 1 && NumPes <= (1 << LdPeBits)) else $fatal(1, "hwgen_core: NumPes out of range");
    assert (FifoDepth >= 1) else $fatal(1, "hwgen_core: FifoDepth must be at least 1");
    assert (!LinearWeights || CodeBits == WeightBits)
      else $fatal(1, "hwgen_core: linear weights need CodeBits == WeightBits");
    assert (!HasLstm || ActTableFile != "")
      else $fatal(1, "hwgen_core: LSTM layers need the tanh/sigmoid table");
  end
`endif

endmodule
