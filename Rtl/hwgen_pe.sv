// One EIE processing element: pointer read, activation queue, sparse-matrix read, arithmetic.
//
// Pipeline of one entry (cycle t = issue):
//   t    sparse-matrix line read at the entry's line
//   t+1  entry (code, z) selected, row = prev + z + 1, accumulator read, codebook decode, a x c
//   t+2  accumulate (with a bypass of the write of t+1) and accumulator write
// A broadcast column j fired at cycle b reads p[j] and p[j+1] at b (even/odd banks) and, when the
// PE has entries in column j (a flag stored beside p[j], as is whether it has exactly one), enters
// the activation queue at b+1 — or, when the queue is empty and the issue stage takes a column in
// that cycle, goes straight to the issue stage. `ready_o` counts that pending column, so it
// depends on registers only. The issue stage takes the next column in
// the cycle that issues the current column's last entry, so columns run back to back.
//
// Accumulators hold only the sum of products: they are zero when a layer starts (cleared after
// reset and by every writeback), and the bias is added in the output stage. Writeback of local
// row r (cycle c = the read of accumulator r; bias r was read at c-1 and the layer's rounding term
// added to it at c):
//   c+1  s = acc + (bias + 2^(Fw-1)), and accumulator r is cleared
//   c+2  >>> Fw, saturation to A bits, ReLU; with tanh/sigmoid (ActTableFile set), also the
//        activation table read (hwgen_act_fn, Latency 1, whose registers replace the result's)
//   c+3  activation write (after the table interpolation, when there is a table)
//
// LSTM layers (HasLstm): the PE holds hidden units k = Pe, Pe + N, ... at local unit u = k div N,
// whose gate rows i, f, g, o are local rows 4u .. 4u + 3. Their writeback runs the same output
// stage with sigmoid (tanh for g) and no memory write; the element-wise unit takes the four gate
// values and, for the unit whose row 4u is read at cycle a (see docs/microarchitecture.md):
//   a+3 .. a+6  capture i, f, g, o (the cell state c_(t-1) of unit u is read at a+4)
//   a+6  f·c_(t-1) and i·g
//   a+7  c_t = (f·c_(t-1) + i·g + 2^(Fa-1)) >>> Fa, written back to the cell memory
//   a+8  tanh(sat_A(c_t)) (a second hwgen_act_fn, registered table read)
//   a+9  its result registered;  a+10  o·tanh(c_t);  a+11  h_t = sat_A((o·tanh + 2^(Fa-1)) >>> Fa)
//   a+12 h_t written to the activation word that came with the unit's rows
module hwgen_pe #(
  /// This PE's index (names its memory images).
  parameter int Pe = 0,
  /// A: activation bits.
  parameter int ActBits = 16,
  /// Fa: fractional bits of activations (the tanh/sigmoid table's scale).
  parameter int ActFrac = 8,
  /// W: codebook value bits.
  parameter int WeightBits = 16,
  /// Accumulator bits.
  parameter int AccBits = 40,
  /// b: codebook index bits per entry.
  parameter int CodeBits = 4,
  /// Z: relative row index bits per entry.
  parameter int IndexBits = 4,
  /// Entries per sparse-matrix memory word.
  parameter int LineEntries = 8,
  /// Activation queue depth.
  parameter int FifoDepth = 8,
  /// Words of each pointer bank (even and odd).
  parameter int PtrDepth = 2,
  /// Words (lines) of the sparse-matrix memory.
  parameter int SpmatDepth = 1,
  /// Words of the bias memory (all layers' local rows).
  parameter int BiasDepth = 1,
  /// Accumulators (the most local rows of any layer).
  parameter int AccDepth = 1,
  /// Words of one activation bank (two banks: source and destination).
  parameter int ActDepth = 1,
  /// Layers, and each layer's output shift Fw (32 bits per layer, layer 0 in the low bits).
  parameter int NumLayers = 1,
  parameter logic [NumLayers*32-1:0] LayerShift = '0,
  /// $readmemh image of the tanh/sigmoid table (ActivationTable.HexImage); "" when every layer's
  /// activation is ReLU or the identity, and then the output stage has no table and ignores fn_i.
  parameter ActTableFile = "",
  /// Prefix of the memory images, e.g. "mem/tiny_"; "" for none.
  parameter MemPrefix = "",
  /// Sparse-matrix memory: 0 = inferred RAM (hwgen_ram_1r1w, initialised from its image),
  /// 1 = iCE40 SPRAM (hwgen_ram_ice40_spram, loaded at run time). Same timing either way.
  parameter int SpmatStyle = 0,
  /// Activation memory: 0 = inferred RAM, 1 = iCE40 SPRAM. It is never read and written in the
  /// same cycle, so a single-port RAM serves it.
  parameter int ActStyle = 0,
  /// Whether some layer is an LSTM layer: only then does the PE have the element-wise unit.
  parameter bit HasLstm = 1'b0,
  /// Whether a fully connected layer's writeback may run behind the next layer's compute phase
  /// (hwgen_core's OverlapWb): the PE then has the second accumulator bank too.
  parameter bit OverlapWb = 1'b0,
  /// Column pairs (hwgen_core's ColPairs): a broadcast carries two columns' activations, each
  /// pointer-bank word a pair's two words, and the PE queues and issues the pair as one column.
  parameter bit ColPairs = 1'b0,
  /// C: cell-state bits (the widest LSTM layer's); words of the cell memory (the most hidden units
  /// of any LSTM layer on one PE).
  parameter int CellBits = 2,
  parameter int CellDepth = 1,
  /// External weights (docs/microarchitecture.md, "Weights in external DRAM"): the entries come
  /// in beats from hwgen_ext_fetch instead of the sparse-matrix memory. Only then are the
  /// following used: the pointer memory's words (one per column of every layer) and its word
  /// {count, offset beat, offset lane}; the entries per beat (Lanes), the beat's bytes; the column
  /// queue's depth, the capture rows, and the widths of a beat index and of a count.
  parameter bit ExtWeights = 1'b0,
  // verilator lint_off UNUSEDPARAM
  parameter int XPtrDepth = 2,
  parameter int XCntBits = 1,
  parameter int XOffBeatBits = 1,
  parameter int XLaneBits = 1,
  parameter int XLanes = 1,
  parameter int XDataBytes = 4,
  parameter int XColQueue = 2,
  parameter int XRows = 2,
  parameter int XBeatIdxBits = 1,
  // verilator lint_on UNUSEDPARAM
  localparam int XPtrWordBits = XCntBits + XOffBeatBits + XLaneBits,
  localparam int XPtrAddrBits = (XPtrDepth > 1) ? $clog2(XPtrDepth) : 1,
  localparam int EntryBits = CodeBits + IndexBits,
  localparam int LineBits = LineEntries * EntryBits,
  localparam int OffBits = (LineEntries > 1) ? $clog2(LineEntries) : 1,
  localparam int LineAddrBits = $clog2(SpmatDepth + 1),
  localparam int PtrBits = LineAddrBits + OffBits,
  // A pointer-bank word: {column j has one entry, column j has entries, p[j]}.
  localparam int PtrWordBits = PtrBits + 2,
  // With ColPairs a bank word is {pair's column 2k + 1 word, column 2k word}, and a broadcast
  // {a[2k + 1], a[2k]}.
  localparam int PtrBankBits = ColPairs ? 2 * PtrWordBits : PtrWordBits,
  localparam int BcBits = ColPairs ? 2 * ActBits : ActBits,
  localparam int PtrAddrBits = (PtrDepth > 1) ? $clog2(PtrDepth) : 1,
  localparam int PtrIndexBits = PtrAddrBits + 1,
  localparam int SpmatAddrBits = (SpmatDepth > 1) ? $clog2(SpmatDepth) : 1,
  localparam int BiasAddrBits = (BiasDepth > 1) ? $clog2(BiasDepth) : 1,
  localparam int AccAddrBits = (AccDepth > 1) ? $clog2(AccDepth) : 1,
  localparam int ActAddrBits = $clog2(2 * ActDepth),
  localparam int ProdBits = ActBits + WeightBits,
  // Every product fits the accumulator by construction (its width covers the worst-case row).
  localparam int ProdRegBits = (ProdBits < AccBits) ? ProdBits : AccBits,
  localparam int LdBits0 = (LineBits > AccBits) ? LineBits : AccBits,
  localparam int LdBits1 = (LdBits0 > PtrBankBits) ? LdBits0 : PtrBankBits,
  localparam int LdBits = (ExtWeights && XPtrWordBits > LdBits1) ? XPtrWordBits : LdBits1,
  localparam int LayerBits = (NumLayers > 1) ? $clog2(NumLayers) : 1,
  localparam int CellAddrBits = (CellDepth > 1) ? $clog2(CellDepth) : 1
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Layer control (from the sequencer)
  input  logic [BiasAddrBits-1:0]  bias_base_i,
  input  logic [LayerBits-1:0]     layer_i,
  input  logic [AccAddrBits-1:0]   row_i,
  // Clear accumulator row_i (after reset)
  input  logic                     clr_i,
  input  logic                     issue_en_i,
  // Writeback of row_i into activation word wb_addr_i (clears the accumulator too); the bias of
  // bias_row_i is read every cycle, one row ahead of the accumulator.
  input  logic                     wb_re_i,
  input  logic [ActAddrBits-1:0]   wb_addr_i,
  input  logic [AccAddrBits-1:0]   bias_row_i,
  input  logic                     relu_i,
  // The layer's activation (hwgen_act_fn's fn_i: 0 identity, 1 ReLU, 2 tanh, 3 sigmoid); used only
  // with a table.
  input  logic [1:0]               fn_i,
  // The current layer is an LSTM layer, and its step is the first (c_(t-1) = 0); unused without
  // HasLstm.
  input  logic                     lstm_i,
  input  logic                     first_step_i,
  // Accumulator banks (HasLstm or OverlapWb): the one the compute phase accumulates into and the
  // one the writeback reads and clears; unused with one bank.
  input  logic                     c_bank_i,
  input  logic                     w_bank_i,
  // Codebook lookup (the table is shared by all PEs)
  output logic [CodeBits-1:0]      code_o,
  input  logic [WeightBits-1:0]    weight_i,
  // Broadcast of the next non-zero activation
  input  logic                     bc_fire_i,
  input  logic [BcBits-1:0]        bc_act_i,
  // Pointer index of the broadcast column j (layer pointer base + j): p[j] is in bank j mod 2 at
  // word j div 2, p[j+1] in the other bank at word (j + 1) div 2 (`bc_ptr_even_i`).
  input  logic [PtrIndexBits-1:0]  bc_ptr_odd_i,
  input  logic [PtrAddrBits-1:0]   bc_ptr_even_i,
  output logic                     ready_o,
  output logic                     idle_o,
  // External weights: the announce of a column (its pointer word is read at bc_ptr_odd_i), the
  // column's base a cycle later, and the head beat of hwgen_ext_fetch; need_o: this PE still needs
  // that beat after this cycle.
  input  logic                     ann_i,
  input  logic                     base_valid_i,
  input  logic [XBeatIdxBits-1:0]  base_beat_i,
  input  logic [XLaneBits-1:0]     base_lane_i,
  input  logic                     beat_valid_i,
  input  logic [XBeatIdxBits-1:0]  beat_index_i,
  input  logic [8*XDataBytes-1:0]  beat_data_i,
  output logic                     need_o,
  // Activation memory: host/scanner read, host write
  input  logic                     act_re_i,
  input  logic [ActAddrBits-1:0]   act_raddr_i,
  output logic [ActBits-1:0]       act_rdata_o,
  input  logic                     act_we_i,
  input  logic [ActAddrBits-1:0]   act_waddr_i,
  input  logic [ActBits-1:0]       act_wdata_i,
  // Memory-load port
  input  logic                     ld_ptr_even_i,
  input  logic                     ld_ptr_odd_i,
  input  logic                     ld_spmat_i,
  input  logic                     ld_bias_i,
  // The word address is 18 bits for every memory; each uses the bits its depth needs.
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [17:0]              ld_addr_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [LdBits-1:0]        ld_data_i
);

  // Memory images are "<MemPrefix><kind>_pe<Pe as 4 digits>.mem", built without $sformatf so
  // that Verilator, Icarus and yosys all accept the constant.
  localparam int Digit3 = 48 + (Pe / 1000) % 10;
  localparam int Digit2 = 48 + (Pe / 100) % 10;
  localparam int Digit1 = 48 + (Pe / 10) % 10;
  localparam int Digit0 = 48 + Pe % 10;
  localparam logic [31:0] PeDigits = {Digit3[7:0], Digit2[7:0], Digit1[7:0], Digit0[7:0]};
  localparam PtrEvenFile = {MemPrefix, "ptr_even_pe", PeDigits, ".mem"};
  localparam PtrOddFile = {MemPrefix, "ptr_odd_pe", PeDigits, ".mem"};
  localparam SpmatFile = {MemPrefix, "spmat_pe", PeDigits, ".mem"};
  localparam BiasFile = {MemPrefix, "bias_pe", PeDigits, ".mem"};

  localparam bit HasImages = (MemPrefix != "");

  // ---------------------------------------------------------------------------------------------
  // Pointer read: p[j] and p[j+1] in one cycle from the even and odd banks. Each word also holds
  // two flags of the column it starts (both 0 for a layer's end pointer), so that whether column j
  // enters the queue, and whether its first entry is its last, need no compare of the two
  // pointers: the read data go through a multiplexer, not an adder, to the issue stage.
  // ---------------------------------------------------------------------------------------------
  logic [PtrAddrBits-1:0]  even_raddr, odd_raddr;
  logic [PtrBankBits-1:0]  even_rdata, odd_rdata, start_word, end_word;
  logic                    pend_q, pend_odd_q;
  logic [BcBits-1:0]       pend_act_q;
  logic [PtrBits-1:0]      col_start, col_end;
  logic                    col_has_entries, col_single;
  // The column (or pair) as it enters the queue: its first activation, and with ColPairs
  // {second activation, the middle pointer p[2k + 1], whether it switches there, whether its
  // first entry's successor is that switch}.
  localparam int PairBits = ActBits + PtrBits + 2;
  logic [ActBits-1:0]      col_act;
  /* verilator lint_off UNUSEDSIGNAL */ logic [PairBits-1:0] col_pair; /* verilator lint_on UNUSEDSIGNAL */

  // With external weights this front end is unused (hwgen_ext_fetch and gen_ext below).
  logic bc_fire_on;
  if (ExtWeights) begin : gen_fire_off
    assign bc_fire_on = 1'b0;
  end else begin : gen_fire_on
    assign bc_fire_on = bc_fire_i;
  end

  assign odd_raddr  = bc_ptr_odd_i[PtrIndexBits-1:1];
  assign even_raddr = bc_ptr_even_i;

  hwgen_ram_1r1w #(
    .Width  (PtrBankBits),
    .Depth  (PtrDepth),
    .MemFile((HasImages && !ExtWeights) ? PtrEvenFile : "")
  ) u_ptr_even (
    .clk_i  (clk_i),
    .we_i   (ld_ptr_even_i),
    .waddr_i(ld_addr_i[PtrAddrBits-1:0]),
    .wdata_i(ld_data_i[PtrBankBits-1:0]),
    .re_i   (bc_fire_on),
    .raddr_i(even_raddr),
    .rdata_o(even_rdata)
  );

  hwgen_ram_1r1w #(
    .Width  (PtrBankBits),
    .Depth  (PtrDepth),
    .MemFile((HasImages && !ExtWeights) ? PtrOddFile : "")
  ) u_ptr_odd (
    .clk_i  (clk_i),
    .we_i   (ld_ptr_odd_i),
    .waddr_i(ld_addr_i[PtrAddrBits-1:0]),
    .wdata_i(ld_data_i[PtrBankBits-1:0]),
    .re_i   (bc_fire_on),
    .raddr_i(odd_raddr),
    .rdata_o(odd_rdata)
  );

  assign start_word      = pend_odd_q ? odd_rdata : even_rdata;
  assign end_word        = pend_odd_q ? even_rdata : odd_rdata;

  if (ColPairs) begin : gen_col_pair
    // Pair k: its columns' words {one entry, has entries, p} and p[2k + 2] from pair k + 1's word.
    // A column takes part when it has entries here and its activation is non-zero; the pair
    // issues the first such column's entries, then the second's, from p[2k + 1] on.
    logic [PtrBits-1:0] p_a, p_b, p_e;
    logic               has_a, has_b, single_a, single_b, on_a, on_b;
    logic [ActBits-1:0] act_a, act_b;
    assign {single_a, has_a, p_a} = start_word[PtrWordBits-1:0];
    assign {single_b, has_b, p_b} = start_word[PtrBankBits-1:PtrWordBits];
    assign p_e             = end_word[PtrBits-1:0];
    assign {act_b, act_a}  = pend_act_q;
    assign on_a            = has_a && (act_a != '0);
    assign on_b            = has_b && (act_b != '0);
    assign col_has_entries = on_a || on_b;
    assign col_start       = on_a ? p_a : p_b;
    assign col_end         = on_b ? p_e : p_b;
    assign col_single      = on_a ? (single_a && !on_b) : single_b;
    assign col_act         = on_a ? act_a : act_b;
    assign col_pair        = {act_b, p_b, on_a && on_b, on_a && on_b && single_a};

    // The flags of pair k + 1's words, and its second pointer, belong to the next pair.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [PtrBankBits-PtrBits-1:0] unused_end;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_end = end_word[PtrBankBits-1:PtrBits];
  end else begin : gen_col_single
    assign col_start       = start_word[PtrBits-1:0];
    assign col_end         = end_word[PtrBits-1:0];
    assign col_has_entries = start_word[PtrBits];
    assign col_single      = start_word[PtrBits+1];
    assign col_act         = pend_act_q;
    assign col_pair        = '0;

    // The flags of the other bank's word belong to column j + 1.
    /* verilator lint_off UNUSEDSIGNAL */
    logic [1:0] unused_end_flags;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_end_flags = end_word[PtrWordBits-1:PtrBits];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pend_q     <= 1'b0;
      pend_odd_q <= 1'b0;
      pend_act_q <= '0;
    end else begin
      pend_q     <= bc_fire_on;
      pend_odd_q <= bc_ptr_odd_i[0];
      pend_act_q <= bc_act_i;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Activation queue of non-empty columns: {a, first entry, end p[j+1], one entry only}
  // ---------------------------------------------------------------------------------------------
  localparam int RecBits = ActBits + 2 * PtrBits + 1;
  localparam int QueueBits = ColPairs ? PairBits + RecBits : RecBits;
  localparam int CountBits = $clog2(FifoDepth + 1);

  logic                 col_push, q_push, q_pop, q_empty, take;
  logic [QueueBits-1:0] q_head, col_next, col_rec;
  logic [PairBits-1:0]  next_pair;
  /* verilator lint_off UNUSEDSIGNAL */ logic [CountBits-1:0] q_count; /* verilator lint_on UNUSEDSIGNAL */

  // The column whose pointers were read last cycle, if the PE has entries in it; it bypasses an
  // empty queue when the issue stage takes a column now.
  assign col_push = pend_q && col_has_entries;
  assign q_push   = col_push && !(take && q_empty);
  assign q_pop    = take && !q_empty;
  assign col_next = q_empty ? col_rec : q_head;

  if (ColPairs) begin : gen_rec_pair
    assign col_rec   = {col_pair, col_act, col_start, col_end, col_single};
    assign next_pair = col_next[QueueBits-1:RecBits];
  end else begin : gen_rec_single
    assign col_rec   = {col_act, col_start, col_end, col_single};
    assign next_pair = '0;
  end

  hwgen_fifo #(
    .Width(QueueBits),
    .Depth(FifoDepth)
  ) u_queue (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .push_i     (q_push),
    .push_data_i(col_rec),
    .pop_i      (q_pop),
    .head_o     (q_head),
    .empty_o    (q_empty),
    .count_o    (q_count)
  );

  // Room for one more column, counting the one whose pointers are being read.
  /* verilator lint_off UNUSEDSIGNAL */ logic x_ready, x_idle; /* verilator lint_on UNUSEDSIGNAL */
  if (ExtWeights) begin : gen_ready_ext
    assign ready_o = x_ready;
  end else begin : gen_ready
    assign ready_o = ({1'b0, q_count} + {{CountBits{1'b0}}, pend_q}) < (CountBits + 1)'(FifoDepth);
  end

  // ---------------------------------------------------------------------------------------------
  // Issue: one entry per cycle, columns back to back
  // ---------------------------------------------------------------------------------------------
  /* verilator lint_off UNUSEDSIGNAL */ logic busy_q, busy_d, first_q, first_d; /* verilator lint_on UNUSEDSIGNAL */
  logic [LineAddrBits-1:0] line_q, line_d, line_next;
  logic [OffBits-1:0]      off_q, off_d, off_next;
  logic [PtrBits-1:0]      end_q, end_d;  // p[j+1], the entry after the column's last
  logic [ActBits-1:0]      act_q, act_d;
  logic                    last, last_q, last_d, single;
  logic [LineAddrBits-1:0] line_next2;
  logic [OffBits-1:0]      off_next2;
  // ColPairs: the pair's second activation and middle pointer, whether it switches there, and
  // `sw_q`: the entry after the one being issued is the middle (registered, like `last_q`).
  /* verilator lint_off UNUSEDSIGNAL */
  logic [ActBits-1:0]      act2_q, act2_d;
  logic [PtrBits-1:0]      mid_q, mid_d;
  logic                    split_q, split_d, sw_q, sw_d;
  /* verilator lint_on UNUSEDSIGNAL */

  // The entries after {line, off} and after that one, in the sparse matrix's order.
  always_comb begin
    line_next  = line_q;
    off_next   = off_q + 1'b1;
    line_next2 = line_q;
    off_next2  = off_q + OffBits'(2);
    if (LineEntries == 1) begin
      off_next   = '0;
      line_next  = line_q + 1'b1;
      off_next2  = '0;
      line_next2 = line_q + LineAddrBits'(2);
    end else begin
      if (off_q == OffBits'(LineEntries - 1)) begin
        off_next  = '0;
        line_next = line_q + 1'b1;
      end
      if (off_q == OffBits'(LineEntries - 2)) begin
        off_next2  = '0;
        line_next2 = line_q + 1'b1;
      end else if (off_q == OffBits'(LineEntries - 1)) begin
        off_next2  = OffBits'(1);
        line_next2 = line_q + 1'b1;
      end
    end
  end

  // `last_q`: the entry being issued is its column's last (the entry after it is p[j+1]). It is
  // registered so that the take decision, which drives the queue, does not wait for a compare:
  // when a column is taken it is the column's one-entry flag, and while the column issues it
  // compares the entry after next with p[j+1], from registers only.
  assign last = busy_q && last_q;
  assign take = issue_en_i && (!q_empty || col_push) && (!busy_q || last);

  always_comb begin
    busy_d  = busy_q;
    first_d = 1'b0;
    line_d  = line_q;
    off_d   = off_q;
    end_d   = end_q;
    act_d   = act_q;
    last_d  = last_q;
    single  = 1'b0;
    {act2_d, mid_d, split_d, sw_d} = {act2_q, mid_q, split_q, sw_q};
    if (take) begin
      busy_d  = 1'b1;
      first_d = 1'b1;
      {act_d, line_d, off_d, end_d, single} = col_next[RecBits-1:0];
      last_d  = single;
      {act2_d, mid_d, split_d, sw_d} = next_pair;
    end else if (busy_q) begin
      busy_d = !last;
      line_d = line_next;
      off_d  = off_next;
      last_d = {line_next2, off_next2} == end_q;
      if (ColPairs) begin
        // The pair's second column starts at its middle pointer: its activation, and its first
        // entry's row is relative to row 0 again.
        sw_d = split_q && ({line_next2, off_next2} == mid_q);
        if (sw_q) begin
          first_d = 1'b1;
          act_d   = act2_q;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      first_q <= 1'b0;
      line_q  <= '0;
      off_q   <= '0;
      end_q   <= '0;
      act_q   <= '0;
      last_q  <= 1'b0;
    end else begin
      busy_q  <= busy_d;
      first_q <= first_d;
      line_q  <= line_d;
      off_q   <= off_d;
      end_q   <= end_d;
      act_q   <= act_d;
      last_q  <= last_d;
    end
  end

  if (ColPairs) begin : gen_pair_regs
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        {act2_q, mid_q, split_q, sw_q} <= '0;
      end else begin
        {act2_q, mid_q, split_q, sw_q} <= {act2_d, mid_d, split_d, sw_d};
      end
    end
  end else begin : gen_no_pair_regs
    assign {act2_q, mid_q, split_q, sw_q} = '0;
  end

  // ---------------------------------------------------------------------------------------------
  // Sparse-matrix read (stage 1) and decode (stage 2)
  // ---------------------------------------------------------------------------------------------
  /* verilator lint_off UNUSEDSIGNAL */ logic [LineBits-1:0] line_rdata; /* verilator lint_on UNUSEDSIGNAL */
  logic                s1_valid_q, s1_first_q;
  // The issue stage's outputs: the on-chip front end's, or with external weights gen_ext's.
  logic                s1_valid_d, s1_first_d;
  logic [ActBits-1:0]  s1_act_d;
  /* verilator lint_off UNUSEDSIGNAL */ logic [OffBits-1:0]  s1_off_q; /* verilator lint_on UNUSEDSIGNAL */
  logic [ActBits-1:0]  s1_act_q;

  if (SpmatStyle == 1) begin : gen_spmat_spram
    hwgen_ram_ice40_spram #(
      .Width(LineBits),
      .Depth(SpmatDepth)
    ) u_spmat (
      .clk_i  (clk_i),
      .we_i   (ld_spmat_i),
      .waddr_i(ld_addr_i[SpmatAddrBits-1:0]),
      .wdata_i(ld_data_i[LineBits-1:0]),
      .re_i   (busy_q),
      .raddr_i(line_q[SpmatAddrBits-1:0]),
      .rdata_o(line_rdata)
    );
  end else begin : gen_spmat_inferred
    hwgen_ram_1r1w #(
      .Width  (LineBits),
      .Depth  (SpmatDepth),
      .MemFile((HasImages && !ExtWeights) ? SpmatFile : "")
    ) u_spmat (
      .clk_i  (clk_i),
      .we_i   (ld_spmat_i),
      .waddr_i(ld_addr_i[SpmatAddrBits-1:0]),
      .wdata_i(ld_data_i[LineBits-1:0]),
      .re_i   (busy_q),
      .raddr_i(line_q[SpmatAddrBits-1:0]),
      .rdata_o(line_rdata)
    );
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_first_q <= 1'b0;
      s1_off_q   <= '0;
      s1_act_q   <= '0;
    end else begin
      s1_valid_q <= s1_valid_d;
      s1_first_q <= s1_first_d;
      s1_off_q   <= off_q;
      s1_act_q   <= s1_act_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // External weights: the front end that takes the entries from the beats
  // ---------------------------------------------------------------------------------------------
  // Announce of column j in cycle a: the pointer word {count c, offset} is read at a; at a + 1,
  // with the column's base from hwgen_ext_fetch, c enters the per-PE column queue and, when c > 0,
  // the segment {first slot's beat and lane, c} the segment queue. The broadcast of the column pops
  // c (as the on-chip front end reads its pointers) and enters the activation queue a cycle later.
  // Capture: in a cycle in which the head beat holds the head segment's next slot and a row is
  // free, the PE copies the beat into a row with the lanes [lane, lane + n) it owns, n =
  // min(left, Lanes - lane). Issue: one entry per cycle while there is a captured one; the row
  // is read at issue (the entry at the next cycle, as from the sparse-matrix memory).
  /* verilator lint_off UNUSEDSIGNAL */ logic                 x_issue, x_first; /* verilator lint_on UNUSEDSIGNAL */
  /* verilator lint_off UNUSEDSIGNAL */ logic [ActBits-1:0]   x_act; /* verilator lint_on UNUSEDSIGNAL */
  /* verilator lint_off UNUSEDSIGNAL */ logic [EntryBits-1:0] x_entry; /* verilator lint_on UNUSEDSIGNAL */

  if (ExtWeights) begin : gen_ext
    // A segment waits at most while its column is announced (XColQueue), queued (FifoDepth) or
    // pending or issuing.
    localparam int SegDepth = XColQueue + FifoDepth + 2;
    localparam int SegPtrBits = $clog2(SegDepth);
    // Wide enough to compare a count with a lane span.
    localparam int NW = ((XCntBits > XLaneBits + 1) ? XCntBits : XLaneBits + 1) + 1;
    localparam int RowPtrBits = (XRows > 1) ? $clog2(XRows) : 1;
    localparam int RowCntBits = $clog2(XRows + 1);
    localparam int AvailBits = $clog2(XRows * XLanes + 1);
    localparam int XQueueBits = ActBits + XCntBits;
    localparam int XCountBits = $clog2(FifoDepth + 1);

    // Pointer word of the announced column.
    logic [XPtrWordBits-1:0] word;
    logic [XCntBits-1:0]     w_cnt;
    logic [XOffBeatBits-1:0] w_beat;
    logic [XLaneBits-1:0]    w_lane;

    hwgen_ram_1r1w #(
      .Width  (XPtrWordBits),
      .Depth  (XPtrDepth),
      .MemFile(HasImages ? PtrEvenFile : "")
    ) u_xptr (
      .clk_i  (clk_i),
      .we_i   (ld_ptr_even_i),
      .waddr_i(ld_addr_i[XPtrAddrBits-1:0]),
      .wdata_i(ld_data_i[XPtrWordBits-1:0]),
      .re_i   (ann_i),
      .raddr_i(bc_ptr_odd_i[XPtrAddrBits-1:0]),
      .rdata_o(word)
    );
    assign {w_cnt, w_beat, w_lane} = word;
    // The segment's first slot: the column's base plus the PE's offset, lanes wrapping at XLanes.
    logic [XLaneBits:0]      lane_sum;
    logic                    carry;
    logic [XLaneBits-1:0]    s_lane;
    logic [XBeatIdxBits-1:0] s_beat;

    assign lane_sum = {1'b0, base_lane_i} + {1'b0, w_lane};
    assign carry    = lane_sum >= (XLaneBits + 1)'(XLanes);
    assign s_lane   = carry ? XLaneBits'(lane_sum - (XLaneBits + 1)'(XLanes)) : lane_sum[XLaneBits-1:0];
    assign s_beat   = base_beat_i + XBeatIdxBits'(w_beat) + XBeatIdxBits'(carry);

    // Per-PE column queue (counts, one per announced column).
    logic [XCntBits-1:0] cq_head;
    logic                cq_empty;

    hwgen_fifo #(
      .Width(XCntBits),
      .Depth(XColQueue)
    ) u_cq (
      .clk_i      (clk_i),
      .rst_ni     (rst_ni),
      .push_i     (base_valid_i),
      .push_data_i(w_cnt),
      .pop_i      (bc_fire_i),
      .head_o     (cq_head),
      .empty_o    (cq_empty),
      /* verilator lint_off PINCONNECTEMPTY */
      .count_o    ()
      /* verilator lint_on PINCONNECTEMPTY */
    );

    // Capture rows (below).
    logic [RowPtrBits-1:0]   row_head_q, row_tail_q;
    logic [RowCntBits-1:0]   rows_q;
    logic [XLaneBits-1:0]    row_lo_q [XRows];
    logic [XCntBits-1:0]     row_n_q  [XRows];
    logic [XCntBits-1:0]     in_row_q;
    logic [AvailBits-1:0]    avail_q;
    logic [8*XDataBytes-1:0] row_rdata;
    logic                    row_done;
    logic [XLaneBits-1:0]    lane_q;

    // Segment queue: {beat, lane, entries} as announced, written only at its tail (distributed RAM);
    // the head's progress is beside it: beats captured past its first (adv), entries captured (got).
    logic [XBeatIdxBits-1:0] seg_beat_q [SegDepth];
    logic [XLaneBits-1:0]    seg_lane_q [SegDepth];
    logic [XCntBits-1:0]     seg_left_q [SegDepth];
    logic [SegPtrBits-1:0]   seg_head_q, seg_tail_q, seg_second;
    logic [SegPtrBits:0]     seg_count_q;
    logic                    seg_push, seg_pop, capture, room, head_here;
    logic [XLaneBits:0]      span;
    logic [XCntBits-1:0]     n, h_left, got_q;
    logic [XBeatIdxBits-1:0] h_beat, adv_q;
    logic [XLaneBits-1:0]    h_lane;
    assign h_beat = seg_beat_q[seg_head_q] + adv_q;
    assign h_lane = (adv_q == '0) ? seg_lane_q[seg_head_q] : '0;
    assign h_left = seg_left_q[seg_head_q] - got_q;
    assign seg_push   = base_valid_i && (w_cnt != '0);
    assign seg_second = (seg_head_q == SegPtrBits'(SegDepth - 1)) ? '0 : seg_head_q + 1'b1;
    assign room       = rows_q < RowCntBits'(XRows);
    assign head_here  = (seg_count_q != '0) && beat_valid_i && (h_beat == beat_index_i);
    assign capture    = head_here && room;
    assign span       = (XLaneBits + 1)'(XLanes) - {1'b0, h_lane};
    assign n          = (NW'(h_left) < NW'(span)) ? h_left : XCntBits'(span);
    assign seg_pop    = capture && (n == h_left);
    // This PE still needs the head beat after this cycle: its segment's next slot is there and
    // there is no row for it, or the segment ends now and the next one starts in the same beat.
    assign need_o     = head_here && (!room || (seg_pop && seg_count_q > (SegPtrBits + 1)'(1)
                                                && seg_beat_q[seg_second] == beat_index_i));
    always_ff @(posedge clk_i or negedge rst_ni) begin  // the head's progress, cleared as it pops
      if (!rst_ni) {adv_q, got_q} <= '0;
      else if (capture) {adv_q, got_q} <= seg_pop ? '0 : {adv_q + 1'b1, got_q + n};
    end
    always_ff @(posedge clk_i) begin
      if (seg_push) begin
        seg_beat_q[seg_tail_q] <= s_beat;
        seg_lane_q[seg_tail_q] <= s_lane;
        seg_left_q[seg_tail_q] <= w_cnt;
      end
    end

    // Capture rows: the beat, and the lanes [lo, lo + n) of it this PE owns.
    hwgen_ram_1r1w #(
      .Width  (8 * XDataBytes),
      .Depth  (XRows),
      .MemFile("")
    ) u_rows (
      .clk_i  (clk_i),
      .we_i   (capture),
      .waddr_i(row_tail_q),
      .wdata_i(beat_data_i),
      .re_i   (x_issue),
      .raddr_i(row_head_q),
      .rdata_o(row_rdata)
    );

    assign row_done = x_issue && (in_row_q + 1'b1 == row_n_q[row_head_q]);

    always_ff @(posedge clk_i) begin
      if (capture) begin
        row_lo_q[row_tail_q] <= h_lane;
        row_n_q[row_tail_q]  <= n;
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        seg_head_q  <= '0;
        seg_tail_q  <= '0;
        seg_count_q <= '0;
        row_head_q  <= '0;
        row_tail_q  <= '0;
        rows_q      <= '0;
        in_row_q    <= '0;
        avail_q     <= '0;
        lane_q      <= '0;
      end else begin
        if (seg_pop) seg_head_q <= seg_second;
        if (seg_push) seg_tail_q <= (seg_tail_q == SegPtrBits'(SegDepth - 1)) ? '0 : seg_tail_q + 1'b1;
        seg_count_q <= seg_count_q + (SegPtrBits + 1)'(seg_push) - (SegPtrBits + 1)'(seg_pop);
        if (capture) row_tail_q <= (row_tail_q == RowPtrBits'(XRows - 1)) ? '0 : row_tail_q + 1'b1;
        if (row_done) row_head_q <= (row_head_q == RowPtrBits'(XRows - 1)) ? '0 : row_head_q + 1'b1;
        rows_q  <= rows_q + RowCntBits'(capture) - RowCntBits'(row_done);
        avail_q <= avail_q + (capture ? AvailBits'(n) : '0) - AvailBits'(x_issue);
        if (x_issue) begin
          in_row_q <= row_done ? '0 : in_row_q + 1'b1;
          lane_q   <= row_lo_q[row_head_q] + XLaneBits'(in_row_q);
        end
      end
    end

    // Broadcast: the column's count, a cycle later into the activation queue {a, c}.
    logic                  xpend_q, xtake, xlast, xbusy_q, xfirst_q, xcol_push, xq_push, xq_pop, xq_empty;
    logic [XCntBits-1:0]   xpend_cnt_q, xleft_q;
    logic [ActBits-1:0]    xpend_act_q, xact_q;
    logic [XQueueBits-1:0] xq_head, xcol_next;
    logic [XCountBits-1:0] xq_count;

    assign xcol_push = xpend_q && (xpend_cnt_q != '0);
    assign xq_push   = xcol_push && !(xtake && xq_empty);
    assign xq_pop    = xtake && !xq_empty;
    assign xcol_next = xq_empty ? {xpend_act_q, xpend_cnt_q} : xq_head;

    hwgen_fifo #(
      .Width(XQueueBits),
      .Depth(FifoDepth)
    ) u_xqueue (
      .clk_i      (clk_i),
      .rst_ni     (rst_ni),
      .push_i     (xq_push),
      .push_data_i({xpend_act_q, xpend_cnt_q}),
      .pop_i      (xq_pop),
      .head_o     (xq_head),
      .empty_o    (xq_empty),
      .count_o    (xq_count)
    );

    assign x_ready = ({1'b0, xq_count} + {{XCountBits{1'b0}}, xpend_q}) < (XCountBits + 1)'(FifoDepth);
    assign x_issue = xbusy_q && (avail_q != '0);
    assign xlast    = x_issue && (xleft_q == XCntBits'(1));
    assign xtake    = issue_en_i && (!xq_empty || xcol_push) && (!xbusy_q || xlast);
    assign x_first = xfirst_q;
    assign x_act   = xact_q;
    assign x_idle  = !xpend_q && xq_empty && !xbusy_q;
    assign x_entry = row_rdata[lane_q * EntryBits +: EntryBits];

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        xpend_q     <= 1'b0;
        xpend_cnt_q <= '0;
        xpend_act_q <= '0;
        xbusy_q     <= 1'b0;
        xfirst_q    <= 1'b0;
        xleft_q     <= '0;
        xact_q      <= '0;
      end else begin
        xpend_q     <= bc_fire_i;
        xpend_cnt_q <= cq_head;
        xpend_act_q <= bc_act_i;
        if (xtake) begin
          xbusy_q  <= 1'b1;
          xfirst_q <= 1'b1;
          {xact_q, xleft_q} <= xcol_next;
        end else if (x_issue) begin
          xbusy_q  <= !xlast;
          xfirst_q <= 1'b0;
          xleft_q  <= xleft_q - 1'b1;
        end
      end
    end

`ifndef SYNTHESIS
    always @(posedge clk_i) begin
      if (rst_ni) begin
        assert (!(bc_fire_i && cq_empty)) else $error("hwgen_pe %0d: broadcast of a column not announced", Pe);
        assert (!(seg_count_q != '0 && beat_valid_i && seg_beat_q[seg_head_q] < beat_index_i))
          else $error("hwgen_pe %0d: beat %0d passed before the segment at beat %0d was captured", Pe,
                      beat_index_i, seg_beat_q[seg_head_q]);
        assert (!(seg_push && seg_count_q == (SegPtrBits + 1)'(SegDepth) && !seg_pop))
          else $error("hwgen_pe %0d: segment queue overflow", Pe);
      end
    end
`endif
  end else begin : gen_no_ext
    assign x_issue = 1'b0;
    assign x_first = 1'b0;
    assign x_act   = '0;
    assign x_entry = '0;
    assign x_ready = 1'b0;
    assign x_idle  = 1'b1;
    assign need_o  = 1'b0;
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_ext;
    assign unused_ext = ^{ann_i, base_valid_i, base_beat_i, base_lane_i, beat_valid_i, beat_index_i,
                          beat_data_i};
    /* verilator lint_on UNUSEDSIGNAL */
  end

  if (ExtWeights) begin : gen_s1_ext
    assign s1_valid_d = x_issue;
    assign s1_first_d = x_first;
    assign s1_act_d   = x_act;
  end else begin : gen_s1
    assign s1_valid_d = busy_q;
    assign s1_first_d = first_q;
    assign s1_act_d   = act_q;
  end

  logic [EntryBits-1:0]   entry;
  // Rows fit the accumulator address by construction; wider z bits are only ever zero there.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [IndexBits-1:0]   entry_z;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [AccAddrBits-1:0] row_q, row;

  if (ExtWeights) begin : gen_entry_ext
    assign entry = x_entry;
  end else begin : gen_entry
    assign entry = line_rdata[s1_off_q * EntryBits +: EntryBits];
  end
  assign code_o  = entry[EntryBits-1:IndexBits];
  assign entry_z = entry[IndexBits-1:0];
  assign row     = s1_first_q ? AccAddrBits'(entry_z)
                              : row_q + AccAddrBits'(entry_z) + 1'b1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      row_q <= '0;
    end else if (s1_valid_q) begin
      row_q <= row;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Multiply (stage 2) and accumulate (stage 3), accumulator memory with a write bypass
  // ---------------------------------------------------------------------------------------------
  logic                       s2_valid_q;
  logic [AccAddrBits-1:0]     s2_row_q;
  logic signed [ProdRegBits-1:0] s2_prod_q;
  // The accumulate of cycle c reads the sum written at c-1 from the bypass when both are the same
  // row; whether they are is decided a cycle ahead (`fwd_hit_q`), off the adder's path.
  logic                       fwd_hit_q;
  logic [AccBits-1:0]         fwd_data_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      s2_valid_q <= 1'b0;
      s2_row_q   <= '0;
      s2_prod_q  <= '0;
      fwd_hit_q  <= 1'b0;
    end else begin
      s2_valid_q <= s1_valid_q;
      s2_row_q   <= row;
      fwd_hit_q  <= s2_valid_q && (s2_row_q == row);
      s2_prod_q  <= ProdRegBits'($signed(s1_act_q) * $signed(weight_i));
    end
  end

  // acc_rdata: the accumulator the writeback reads; acc_cdata: the one the accumulate reads (the
  // same memory without LSTM layers).
  logic [AccBits-1:0]     acc_rdata, acc_cdata, acc_old, acc_sum, bias_rdata;
  logic                   clr_q, clr_all_q, clr_bank_q;
  logic [AccAddrBits-1:0] clr_row_q;

  assign acc_old = fwd_hit_q ? fwd_data_q : acc_cdata;
  assign acc_sum = acc_old + AccBits'(s2_prod_q);

  hwgen_ram_1r1w #(
    .Width  (AccBits),
    .Depth  (BiasDepth),
    .MemFile(HasImages ? BiasFile : "")
  ) u_bias (
    .clk_i  (clk_i),
    .we_i   (ld_bias_i),
    .waddr_i(ld_addr_i[BiasAddrBits-1:0]),
    .wdata_i(ld_data_i[AccBits-1:0]),
    .re_i   (1'b1),
    .raddr_i(bias_base_i + BiasAddrBits'(bias_row_i)),
    .rdata_o(bias_rdata)
  );

  if (HasLstm || OverlapWb) begin : gen_acc_banks
    // Two accumulator banks: an LSTM step (with OverlapWb, a layer) accumulates into bank c_bank_i
    // while the writeback of the step (layer) before reads and clears bank w_bank_i (the other
    // one). The reset clear clears both.
    logic [1:0]             bank_we, bank_re;
    logic [AccAddrBits-1:0] bank_waddr [2];
    logic [AccAddrBits-1:0] bank_raddr [2];
    logic [AccBits-1:0]     bank_wdata [2];
    logic [AccBits-1:0]     bank_rdata [2];
    logic                   c_bank_q, w_bank_q;

    for (genvar b = 0; b < 2; b++) begin : gen_bank
      logic clear;
      assign clear         = clr_q && (clr_all_q || clr_bank_q == 1'(b));
      assign bank_we[b]    = clear || (s2_valid_q && c_bank_i == 1'(b));
      assign bank_waddr[b] = clear ? clr_row_q : s2_row_q;
      assign bank_wdata[b] = clear ? '0 : acc_sum;
      assign bank_re[b]    = (wb_re_i && w_bank_i == 1'(b)) || (s1_valid_q && c_bank_i == 1'(b));
      assign bank_raddr[b] = (wb_re_i && w_bank_i == 1'(b)) ? row_i : row;

      hwgen_ram_1r1w #(
        .Width  (AccBits),
        .Depth  (AccDepth),
        .MemFile("")
      ) u_acc (
        .clk_i  (clk_i),
        .we_i   (bank_we[b]),
        .waddr_i(bank_waddr[b]),
        .wdata_i(bank_wdata[b]),
        .re_i   (bank_re[b]),
        .raddr_i(bank_raddr[b]),
        .rdata_o(bank_rdata[b])
      );
    end

    // Each read's data comes from the bank it was issued to, one cycle later.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        c_bank_q <= 1'b0;
        w_bank_q <= 1'b0;
      end else begin
        c_bank_q <= c_bank_i;
        w_bank_q <= w_bank_i;
      end
    end

    assign acc_cdata = bank_rdata[c_bank_q];
    assign acc_rdata = bank_rdata[w_bank_q];
  end else begin : gen_acc_one
    logic                   acc_we;
    logic [AccAddrBits-1:0] acc_waddr, acc_raddr;
    logic [AccBits-1:0]     acc_wdata;
    /* verilator lint_off UNUSEDSIGNAL */
    logic                   unused_banks;
    /* verilator lint_on UNUSEDSIGNAL */

    assign unused_banks = c_bank_i ^ w_bank_i ^ clr_all_q ^ clr_bank_q;

    // Accumulate, or clear a row one cycle after it was read (never both: the core clears only
    // while the pipeline is empty).
    always_comb begin
      acc_we    = s2_valid_q || clr_q;
      acc_waddr = clr_q ? clr_row_q : s2_row_q;
      acc_wdata = clr_q ? '0 : acc_sum;
      acc_raddr = wb_re_i ? row_i : row;
    end

    hwgen_ram_1r1w #(
      .Width  (AccBits),
      .Depth  (AccDepth),
      .MemFile("")
    ) u_acc (
      .clk_i  (clk_i),
      .we_i   (acc_we),
      .waddr_i(acc_waddr),
      .wdata_i(acc_wdata),
      .re_i   (s1_valid_q || wb_re_i),
      .raddr_i(acc_raddr),
      .rdata_o(acc_rdata)
    );

    assign acc_cdata = acc_rdata;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      clr_q       <= 1'b0;
      clr_all_q   <= 1'b0;
      clr_bank_q  <= 1'b0;
      clr_row_q   <= '0;
      fwd_data_q  <= '0;
    end else begin
      clr_q       <= clr_i || wb_re_i;
      clr_all_q   <= clr_i;
      clr_bank_q  <= w_bank_i;
      clr_row_q   <= row_i;
      fwd_data_q  <= acc_sum;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Output stage (writeback), one register per step: y = sat_A((acc + bias + 2^(Fw-1)) >>> Fw),
  // then ReLU. Fw is a per-layer constant, so each layer's shift and saturation bound is wiring
  // and the layer selects among them.
  // ---------------------------------------------------------------------------------------------
  // Wide enough for accumulator + bias + rounding term, and for the saturation bounds even when a
  // small design's accumulator is narrower than an activation.
  localparam int OutBits = ((AccBits > ActBits) ? AccBits : ActBits) + 2;

  // Each register carries its valid flag and the destination word along.
  logic                      rd_valid_q, sum_valid_q, wb_we_q;
  logic [ActAddrBits-1:0]    rd_addr_q, sum_addr_q, wb_addr_q;
  logic signed [OutBits-1:0] bias_rnd_q, sum_q;
  logic [ActBits-1:0]        y, y_q;
  // The activation the output stage applies: the layer's, or an LSTM gate's (see gen_lstm); unused
  // without a table.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [1:0]                stage_fn;
  /* verilator lint_on UNUSEDSIGNAL */

  // The layer's rounding term 2^(Fw-1) (none when Fw = 0).
  function automatic logic [OutBits-1:0] round_of(input int unsigned shift);
    round_of = (shift == 0) ? '0 : (OutBits'(1) << (shift - 1));
  endfunction

  logic [OutBits-1:0] round_term;

  if (NumLayers == 1) begin : gen_round_one
    // One layer: the layer index is always 0.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_layer;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_layer = ^layer_i;
    assign round_term   = round_of(LayerShift[31:0]);
  end else begin : gen_round_layers
    logic [OutBits-1:0] rounds [NumLayers];
    for (genvar l = 0; l < NumLayers; l++) begin : gen_layer
      assign rounds[l] = round_of(LayerShift[l*32 +: 32]);
    end
    assign round_term = rounds[layer_i];
  end

  // Stage 0: bias + rounding term, every cycle, one row ahead of the accumulator.
  always_ff @(posedge clk_i) begin
    bias_rnd_q <= OutBits'($signed(bias_rdata)) + $signed(round_term);
  end

  // Stage 1: accumulator + (bias + rounding term).
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_valid_q  <= 1'b0;
      rd_addr_q   <= '0;
      sum_valid_q <= 1'b0;
      sum_addr_q  <= '0;
    end else begin
      rd_valid_q  <= wb_re_i;
      rd_addr_q   <= wb_addr_i;
      sum_valid_q <= rd_valid_q;
      sum_addr_q  <= rd_addr_q;
    end
  end

  always_ff @(posedge clk_i) begin
    if (rd_valid_q) begin
      sum_q <= OutBits'($signed(acc_rdata)) + bias_rnd_q;
    end
  end

  // Stage 2: shift, saturate, ReLU (the layer and its ReLU flag hold until the last write).
  localparam logic signed [OutBits-1:0] ActMax = OutBits'((1 << (ActBits - 1)) - 1);

  // Bits [OutBits-1 : Fw + A - 1] of the rounded sum all equal its sign exactly when the shifted
  // value fits A bits.
  function automatic logic fits(input logic signed [OutBits-1:0] x, input int unsigned shift);
    logic same;
    same = 1'b1;
    for (int b = 0; b < OutBits; b++) begin
      if (b >= shift + ActBits - 1 && x[b] != x[OutBits-1]) begin
        same = 1'b0;
      end
    end
    fits = same;
  endfunction

  logic [ActBits-1:0] shifted;
  logic               in_range;

  if (NumLayers == 1) begin : gen_shift_one
    localparam int Shift = LayerShift[31:0];
    logic signed [OutBits-1:0] full;
    // Bits below the shift and above the activation are dropped (saturation covers the latter).
    /* verilator lint_off UNUSEDSIGNAL */
    logic signed [OutBits-1:0] full_shifted;
    /* verilator lint_on UNUSEDSIGNAL */
    assign full         = sum_q;
    assign full_shifted = full >>> Shift;
    assign shifted      = full_shifted[ActBits-1:0];
    assign in_range     = fits(full, Shift);
  end else begin : gen_shift_layers
    logic [ActBits-1:0] shifts [NumLayers];
    logic [NumLayers-1:0] ranges;
    for (genvar l = 0; l < NumLayers; l++) begin : gen_layer
      localparam int Shift = LayerShift[l*32 +: 32];
      /* verilator lint_off UNUSEDSIGNAL */
      logic signed [OutBits-1:0] full_shifted;
      /* verilator lint_on UNUSEDSIGNAL */
      assign full_shifted = sum_q >>> Shift;
      assign shifts[l]    = full_shifted[ActBits-1:0];
      assign ranges[l]    = fits(sum_q, Shift);
    end
    assign shifted  = shifts[layer_i];
    assign in_range = ranges[layer_i];
  end

  always_comb begin
    if (in_range) begin
      y = shifted;
    end else if (sum_q[OutBits-1]) begin
      y = {1'b1, {(ActBits - 1){1'b0}}};
    end else begin
      y = ActMax[ActBits-1:0];
    end
    if (relu_i && y[ActBits-1]) begin
      y = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wb_we_q   <= 1'b0;
      wb_addr_q <= '0;
    end else begin
      wb_we_q   <= sum_valid_q;
      wb_addr_q <= sum_addr_q;
    end
  end

  if (ActTableFile == "") begin : gen_out_plain
    // ReLU and the identity only: the result register is the last step.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_fn;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_fn = ^stage_fn;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        y_q <= '0;
      end else if (sum_valid_q) begin
        y_q <= y;
      end
    end
  end else begin : gen_out_act_fn
    // tanh and sigmoid: the saturated value (ReLU already applied on ReLU layers, and idempotent
    // there) enters hwgen_act_fn, whose registered table read takes the place of the result
    // register; its interpolation runs in the write cycle, so the writeback keeps its timing.
    hwgen_act_fn #(
      .ActBits  (ActBits),
      .ActFrac  (ActFrac),
      .TableFile(ActTableFile),
      .Latency  (1)
    ) u_act_fn (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .fn_i   (stage_fn),
      .valid_i(sum_valid_q),
      .x_i    (y),
      .y_o    (y_q)
    );
  end

  // ---------------------------------------------------------------------------------------------
  // LSTM element-wise unit (see the header): the gate values in, h_t out to the activation memory.
  // ---------------------------------------------------------------------------------------------
  logic                   h_we;
  logic [ActAddrBits-1:0] h_addr;
  logic [ActBits-1:0]     h_data;

  // 2^(n-1), the rounding term of a shift by n (none when n = 0).
  function automatic longint half_of(input int n);
    half_of = (n == 0) ? 64'sd0 : (64'sd1 <<< (n - 1));
  endfunction

  if (HasLstm) begin : gen_lstm
    localparam int FcBits = ActBits + CellBits;
    localparam int SumBits = ((FcBits > 2 * ActBits) ? FcBits : 2 * ActBits) + 1;
    localparam int SatBits = (CellBits > ActBits) ? CellBits : ActBits;
    localparam int HBits = 2 * ActBits + 1;
    localparam logic signed [SumBits-1:0] CellRound = SumBits'(half_of(ActFrac));
    localparam logic signed [HBits-1:0] HRound = HBits'(half_of(ActFrac));
    localparam logic signed [SatBits-1:0] CMax = SatBits'((64'sd1 <<< (ActBits - 1)) - 1);
    localparam logic signed [SatBits-1:0] CMin = SatBits'(-(64'sd1 <<< (ActBits - 1)));
    localparam logic signed [HBits-1:0] HMax = HBits'((64'sd1 <<< (ActBits - 1)) - 1);
    localparam logic signed [HBits-1:0] HMin = HBits'(-(64'sd1 <<< (ActBits - 1)));

    // The accumulator row of each output-stage register: its gate (row mod 4) and unit (row div 4).
    logic [AccAddrBits-1:0] rd_row_q, sum_row_q, wb_row_q;
    logic [1:0]             sum_gate, wb_gate;

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_row_q  <= '0;
        sum_row_q <= '0;
        wb_row_q  <= '0;
      end else begin
        rd_row_q  <= row_i;
        sum_row_q <= rd_row_q;
        wb_row_q  <= sum_row_q;
      end
    end

    assign sum_gate = sum_row_q[1:0];
    assign wb_gate  = wb_row_q[1:0];
    // Gate g takes tanh, gates i, f and o the sigmoid.
    assign stage_fn = lstm_i ? ((sum_gate == 2'd2) ? 2'd2 : 2'd3) : fn_i;

    logic                       gate_we, cell_re;
    logic [CellAddrBits-1:0]    unit, cell_waddr_q;
    logic signed [CellBits-1:0] cell_rdata;
    logic signed [ActBits-1:0]  i_q, f_q, g_q, o_q, t_q;
    logic signed [CellBits-1:0] c_prev_q, c_q;
    logic signed [FcBits-1:0]   fc_q;
    logic signed [2*ActBits-1:0] ig_q, ot_q;
    logic [ActAddrBits-1:0]     o_addr_q, p_addr_q, h_addr_q;
    logic [ActBits-1:0]         h_q, tanh_c;
    logic signed [ActBits-1:0]  c_sat;
    logic                       fc_valid_q, c_valid_q, tanh_valid_q, t_valid_q, ot_valid_q, h_valid_q;
    logic signed [SumBits-1:0]  c_sum;
    logic signed [SatBits-1:0]  c_wide;
    logic signed [HBits-1:0]    h_sum;
    // The shifted cell sum fits C bits (FixedLstm.CellBits) and the shifted h sum is saturated:
    // the bits above are dropped.
    /* verilator lint_off UNUSEDSIGNAL */
    logic signed [SumBits-1:0]  c_shifted;
    logic signed [HBits-1:0]    h_shifted;
    /* verilator lint_on UNUSEDSIGNAL */

    assign gate_we = wb_we_q && lstm_i;
    // Units fit the cell memory by construction; the row's high bits are its unit.
    assign unit    = CellAddrBits'(wb_row_q >> 2);
    assign cell_re = gate_we && (wb_gate == 2'd1);

    // Cell memory: c_(t-1) of the unit is read while f is captured (a+4) and c_t written at a+8.
    hwgen_ram_1r1w #(
      .Width  (CellBits),
      .Depth  (CellDepth),
      .MemFile("")
    ) u_cell (
      .clk_i  (clk_i),
      .we_i   (c_valid_q),
      .waddr_i(cell_waddr_q),
      .wdata_i(c_q),
      .re_i   (cell_re),
      .raddr_i(unit),
      .rdata_o(cell_rdata)
    );

    assign c_sum     = SumBits'(fc_q) + SumBits'(ig_q) + CellRound;
    assign c_shifted = c_sum >>> ActFrac;
    assign c_wide    = SatBits'(c_q);
    assign c_sat     = (c_wide > CMax) ? CMax[ActBits-1:0]
                     : (c_wide < CMin) ? CMin[ActBits-1:0] : c_wide[ActBits-1:0];
    assign h_sum     = HBits'(ot_q) + HRound;
    assign h_shifted = h_sum >>> ActFrac;

    // tanh(sat_A(c_t)): the table of the output stage's, read again (input at a+8, result a+9).
    hwgen_act_fn #(
      .ActBits  (ActBits),
      .ActFrac  (ActFrac),
      .TableFile(ActTableFile),
      .Latency  (1)
    ) u_cell_tanh (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .fn_i   (2'd2),
      .valid_i(c_valid_q),
      .x_i    (c_sat),
      .y_o    (tanh_c)
    );

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        i_q          <= '0;
        f_q          <= '0;
        g_q          <= '0;
        o_q          <= '0;
        o_addr_q     <= '0;
        c_prev_q     <= '0;
        cell_waddr_q <= '0;
        fc_q         <= '0;
        ig_q         <= '0;
        fc_valid_q   <= 1'b0;
        c_q          <= '0;
        c_valid_q    <= 1'b0;
        tanh_valid_q <= 1'b0;
        t_q          <= '0;
        t_valid_q    <= 1'b0;
        ot_q         <= '0;
        p_addr_q     <= '0;
        ot_valid_q   <= 1'b0;
        h_q          <= '0;
        h_addr_q     <= '0;
        h_valid_q    <= 1'b0;
      end else begin
        // a+3 .. a+6: each gate's value in the cycle it would be written.
        if (gate_we && wb_gate == 2'd0) begin
          i_q <= y_q;
        end
        if (gate_we && wb_gate == 2'd1) begin
          f_q <= y_q;
        end
        if (gate_we && wb_gate == 2'd2) begin
          g_q          <= y_q;
          c_prev_q     <= first_step_i ? '0 : cell_rdata;
          cell_waddr_q <= unit;
        end
        // a+6: o, and the two products of the cell update.
        fc_valid_q <= gate_we && (wb_gate == 2'd3);
        if (gate_we && wb_gate == 2'd3) begin
          o_q      <= y_q;
          o_addr_q <= wb_addr_q;
          fc_q     <= f_q * c_prev_q;
          ig_q     <= i_q * g_q;
        end
        // a+7: c_t (written to the cell memory and into the tanh table at a+8).
        c_valid_q <= fc_valid_q;
        if (fc_valid_q) begin
          c_q <= c_shifted[CellBits-1:0];
        end
        // a+9: tanh(c_t) (its table read at a+8) registered.
        tanh_valid_q <= c_valid_q;
        t_valid_q    <= tanh_valid_q;
        if (tanh_valid_q) begin
          t_q <= tanh_c;
        end
        // a+10: o · tanh(c_t) (o holds until the next unit's o at the end of a+10).
        ot_valid_q <= t_valid_q;
        if (t_valid_q) begin
          ot_q     <= o_q * t_q;
          p_addr_q <= o_addr_q;
        end
        // a+11: h_t = sat_A((o · tanh(c_t) + 2^(Fa-1)) >>> Fa), written at a+12.
        h_valid_q <= ot_valid_q;
        if (ot_valid_q) begin
          h_q      <= (h_shifted > HMax) ? HMax[ActBits-1:0]
                    : (h_shifted < HMin) ? HMin[ActBits-1:0] : h_shifted[ActBits-1:0];
          h_addr_q <= p_addr_q;
        end
      end
    end

    assign h_we   = h_valid_q;
    assign h_addr = h_addr_q;
    assign h_data = h_q;
  end else begin : gen_no_lstm
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_lstm;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_lstm = lstm_i ^ first_step_i;
    assign stage_fn    = fn_i;
    assign h_we        = 1'b0;
    assign h_addr      = '0;
    assign h_data      = '0;
  end

  // Activation memory writes: a fully connected layer's writeback, an LSTM layer's h_t (its gate
  // values are not written), or the host's input.
  logic                   act_we;
  logic [ActAddrBits-1:0] act_waddr;
  logic [ActBits-1:0]     act_wdata;

  if (HasLstm) begin : gen_act_write_lstm
    logic wb_we;
    assign wb_we     = wb_we_q && !lstm_i;
    assign act_we    = h_we || wb_we || act_we_i;
    assign act_waddr = h_we ? h_addr : wb_we ? wb_addr_q : act_waddr_i;
    assign act_wdata = h_we ? h_data : wb_we ? y_q : act_wdata_i;
  end else begin : gen_act_write
    // h_we, h_addr and h_data are constant without LSTM layers.
    /* verilator lint_off UNUSEDSIGNAL */
    logic unused_h;
    /* verilator lint_on UNUSEDSIGNAL */
    assign unused_h  = h_we ^ (^h_addr) ^ (^h_data);
    assign act_we    = wb_we_q || act_we_i;
    assign act_waddr = wb_we_q ? wb_addr_q : act_waddr_i;
    assign act_wdata = wb_we_q ? y_q : act_wdata_i;
  end

  if (ActStyle == 1) begin : gen_act_spram
    hwgen_ram_ice40_spram #(
      .Width(ActBits),
      .Depth(2 * ActDepth)
    ) u_act (
      .clk_i  (clk_i),
      .we_i   (act_we),
      .waddr_i(act_waddr),
      .wdata_i(act_wdata),
      .re_i   (act_re_i),
      .raddr_i(act_raddr_i),
      .rdata_o(act_rdata_o)
    );
  end else begin : gen_act_inferred
    hwgen_ram_1r1w #(
      .Width  (ActBits),
      .Depth  (2 * ActDepth),
      .MemFile("")
    ) u_act (
      .clk_i  (clk_i),
      .we_i   (act_we),
      .waddr_i(act_waddr),
      .wdata_i(act_wdata),
      .re_i   (act_re_i),
      .raddr_i(act_raddr_i),
      .rdata_o(act_rdata_o)
    );
  end

  if (ExtWeights) begin : gen_idle_ext
    assign idle_o = x_idle && !s1_valid_q && !s2_valid_q;
  end else begin : gen_idle
    assign idle_o = !pend_q && q_empty && !busy_q && !s1_valid_q && !s2_valid_q;
  end

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(bc_fire_i && !ready_o)) else $error("hwgen_pe %0d: broadcast while not ready", Pe);
      assert (!(wb_re_i && s1_valid_q && (!(HasLstm || OverlapWb) || w_bank_i == c_bank_i)))
        else $error("hwgen_pe %0d: writeback during compute", Pe);
      assert (!(clr_q && !clr_all_q && s2_valid_q && (!(HasLstm || OverlapWb) || clr_bank_q == c_bank_i)))
        else $error("hwgen_pe %0d: clear during compute", Pe);
    end
  end
`endif

endmodule
