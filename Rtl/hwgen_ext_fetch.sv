// External weights (docs/microarchitecture.md, "Weights in external DRAM"): the core side of the
// memory system. The scanner announces each non-zero column here (instead of broadcasting it);
// the column waits in the column queue for the broadcast, and its beats are requested from DRAM
// through an AXI4 read master; beats wait in the beat buffer while the PEs copy out their entries.
//
// Timing (the cycle model, ExternalCycleModel, follows it exactly). Column announced in cycle a:
//   a    column-base table read (and every PE's pointer word)
//   a+1  column queue push; the column's beat range [first, last] appended to the request ranges
//        (or the newest range extended when contiguous; a beat the previous column already
//        requested is not requested again); `last_req` updated
//   a+2  the column may be broadcast; its beats may be launched
// A burst is launched from the head range into the AR register when fewer than Outstanding bursts
// are launched and incomplete and the beat buffer has room for all its beats; it is as long as
// the range, MaxBurstBeats and the 4 KB boundary allow; arvalid rises the cycle after. rready is
// always 1. A beat handed over in cycle t is at the buffer's head from t + 1 on (if first in line).
// The head beat leaves in a cycle in which no PE still needs it after that cycle's captures and
// either it is not the last requested beat or the scanner is done and its last announce's range
// is known (the next column may start in the last requested beat: it stays until then).
module hwgen_ext_fetch #(
  parameter int ActBits = 16,
  /// Bytes per beat (the AXI data width / 8).
  parameter int DataBytes = 8,
  parameter int AddrBits = 32,
  /// Columns the scanner may announce ahead of the broadcast.
  parameter int ColQueue = 16,
  /// Beats the buffer holds.
  parameter int BeatBuffer = 16,
  parameter int MaxBurstBeats = 16,
  parameter int Outstanding = 4,
  /// Words of the column-base table (one per column of every layer, at the pointer index).
  parameter int BaseDepth = 2,
  parameter BaseFile = "",
  parameter int PtrIndexBits = 2,
  /// Bits of a beat index within a layer's region, and of a lane.
  parameter int BeatIdxBits = 8,
  parameter int LaneBits = 3,
  localparam int BaseWordBits = 1 + 2 * BeatIdxBits + LaneBits,
  localparam int BaseAddrBits = (BaseDepth > 1) ? $clog2(BaseDepth) : 1
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  // The layer's first cycle, and its region's first beat in DRAM (absolute, in beats).
  input  logic                    start_i,
  input  logic [AddrBits-1:0]     region_i,
  // Announce of column j (pointer index `ann_ptr_i`, bits past the base table's depth unused) with activation `ann_act_i`.
  output logic                    ann_room_o,
  input  logic                    ann_i,
  /* verilator lint_off UNUSEDSIGNAL */ input  logic [PtrIndexBits-1:0] ann_ptr_i, /* verilator lint_on UNUSEDSIGNAL */
  input  logic [ActBits-1:0]      ann_act_i,
  // The column's base, to the PEs, in cycle a + 1.
  output logic                    base_valid_o,
  output logic [BeatIdxBits-1:0]  base_beat_o,
  output logic [LaneBits-1:0]     base_lane_o,
  // The broadcast: the oldest announced column.
  output logic                    col_valid_o,
  output logic [ActBits-1:0]      col_act_o,
  input  logic                    col_pop_i,
  // The head beat, to the PEs, and whether any PE still needs it after this cycle.
  output logic                    beat_valid_o,
  output logic [BeatIdxBits-1:0]  beat_index_o,
  output logic [8*DataBytes-1:0]  beat_data_o,
  input  logic                    beat_need_i,
  // Scanner done (all columns announced).
  input  logic                    scan_done_i,
  // Nothing requested, in flight, buffered or queued.
  output logic                    idle_o,
  // AXI4 read master (single ID, INCR bursts).
  output logic                    m_arvalid_o,
  input  logic                    m_arready_i,
  output logic [AddrBits-1:0]     m_araddr_o,
  output logic [7:0]              m_arlen_o,
  output logic [2:0]              m_arsize_o,
  output logic [1:0]              m_arburst_o,
  input  logic                    m_rvalid_i,
  output logic                    m_rready_o,
  input  logic [8*DataBytes-1:0]  m_rdata_i,
  /* verilator lint_off UNUSEDSIGNAL */
  input  logic [1:0]              m_rresp_i,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic                    m_rlast_i
);

  localparam int QCountBits = $clog2(ColQueue + 1);
  localparam int FreeBits = $clog2(BeatBuffer + 1);
  localparam int OutBits = $clog2(Outstanding + 1);
  localparam int LenBits = $clog2(MaxBurstBeats + 1);
  localparam int Beats4K = (4096 / DataBytes > 0) ? 4096 / DataBytes : 1;
  localparam int Beats4KBits = (Beats4K > 1) ? $clog2(Beats4K) : 1;
  localparam int ByteBits = $clog2(DataBytes);
  // Request ranges: as many as the column queue holds columns; the scanner announces only while
  // there is room for one more (counting the announce of the cycle before).
  localparam int Ranges = (ColQueue > 1) ? ColQueue : 2;

  // ---------------------------------------------------------------------------------------------
  // Announce: the column-base table and the column queue
  // ---------------------------------------------------------------------------------------------
  logic [BaseWordBits-1:0] base_rdata;
  logic                    stage_q;
  logic [ActBits-1:0]      stage_act_q;
  logic [QCountBits-1:0]   ahead_q;  // announced, not yet broadcast
  logic                    nonempty;
  logic [BeatIdxBits-1:0]  first_beat, last_beat;

  hwgen_ram_1r1w #(
    .Width  (BaseWordBits),
    .Depth  (BaseDepth),
    .MemFile(BaseFile)
  ) u_base (
    .clk_i  (clk_i),
    .we_i   (1'b0),
    .waddr_i('0),
    .wdata_i('0),
    .re_i   (ann_i),
    .raddr_i(ann_ptr_i[BaseAddrBits-1:0]),
    .rdata_o(base_rdata)
  );

  // A base word: {column has entries, last beat, first beat (= the column's first slot's beat), lane}.
  assign {nonempty, last_beat, first_beat, base_lane_o} = base_rdata;
  assign base_beat_o  = first_beat;
  assign base_valid_o = stage_q;


  logic col_empty;

  hwgen_fifo #(
    .Width(ActBits),
    .Depth(ColQueue)
  ) u_colq (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .push_i     (stage_q),
    .push_data_i(stage_act_q),
    .pop_i      (col_pop_i),
    .head_o     (col_act_o),
    .empty_o    (col_empty),
    /* verilator lint_off PINCONNECTEMPTY */
    .count_o    ()
    /* verilator lint_on PINCONNECTEMPTY */
  );

  assign col_valid_o = !col_empty;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stage_q     <= 1'b0;
      stage_act_q <= '0;
      ahead_q     <= '0;
    end else begin
      stage_q     <= ann_i;
      stage_act_q <= ann_act_i;
      ahead_q     <= ahead_q + QCountBits'(ann_i) - QCountBits'(col_pop_i);
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Request ranges and the AR channel
  // ---------------------------------------------------------------------------------------------
  logic [BeatIdxBits-1:0] rng_first_q [Ranges];
  logic [BeatIdxBits-1:0] rng_last_q  [Ranges];
  localparam int RngPtrBits = $clog2(Ranges);
  logic [RngPtrBits-1:0]  rng_head_q, rng_tail_q;  // tail: the next free slot
  logic [RngPtrBits:0]    rng_count_q;
  logic [BeatIdxBits:0]   last_req_q;               // last requested beat + 1 (0: none)
  logic [FreeBits-1:0]    free_q;
  logic [OutBits-1:0]     out_q;
  logic                   ar_valid_q;
  logic [AddrBits-1:0]    ar_addr_q;
  logic [7:0]             ar_len_q;
  logic [AddrBits-1:0]    region_q;

  assign ann_room_o = (ahead_q < QCountBits'(ColQueue))
                    && ({1'b0, rng_count_q} + (RngPtrBits + 2)'(stage_q) < (RngPtrBits + 2)'(Ranges));

  logic                   launch, head_done, gen_new, gen_extend, rng_pop;
  logic [BeatIdxBits-1:0] head_first, head_last, gen_first;
  logic [BeatIdxBits:0]   head_left;
  logic [LenBits-1:0]     burst;
  logic [Beats4KBits:0]   room4k;
  logic [RngPtrBits-1:0]  newest;

  assign head_first = rng_first_q[rng_head_q];
  assign head_last  = rng_last_q[rng_head_q];
  assign head_left  = {1'b0, head_last} - {1'b0, head_first} + 1'b1;
  logic [AddrBits-1:0] abs_first;
  assign abs_first = region_q + AddrBits'(head_first);
  // Beats up to the next 4 KB boundary (Beats4K is a power of two).
  assign room4k    = (Beats4KBits + 1)'(Beats4K) - (Beats4KBits + 1)'(abs_first[Beats4KBits-1:0]);
  // The burst: the range's beats, at most MaxBurstBeats and not past the 4 KB boundary.
  localparam int CW = ((LenBits > BeatIdxBits + 1) ? LenBits : BeatIdxBits + 1) + Beats4KBits + 2;
  logic [CW-1:0] burst_w;
  always_comb begin
    burst_w = CW'(MaxBurstBeats);
    if (CW'(head_left) < burst_w) burst_w = CW'(head_left);
    if (CW'(room4k) < burst_w) burst_w = CW'(room4k);
  end
  assign burst = LenBits'(burst_w);

  assign launch    = (rng_count_q != '0) && (out_q < OutBits'(Outstanding))
                   && ({1'b0, free_q} >= (FreeBits + 1)'(burst)) && (!ar_valid_q || m_arready_i);
  assign head_done = launch && ({1'b0, head_first} + (BeatIdxBits + 1)'(burst) > {1'b0, head_last});
  assign rng_pop   = head_done;

  // The column announced last cycle: its range starts after the last requested beat.
  assign gen_first  = ({1'b0, first_beat} < last_req_q) ? last_req_q[BeatIdxBits-1:0] : first_beat;
  assign newest     = rng_tail_q - 1'b1;
  assign gen_extend = stage_q && nonempty && ({1'b0, gen_first} <= {1'b0, last_beat})
                    && (rng_count_q != '0) && !(rng_pop && rng_count_q == 1)
                    && ({1'b0, rng_last_q[newest]} + 1'b1 == {1'b0, gen_first});
  assign gen_new    = stage_q && nonempty && ({1'b0, gen_first} <= {1'b0, last_beat}) && !gen_extend;

  always_ff @(posedge clk_i) begin
    if (launch && !head_done) begin
      rng_first_q[rng_head_q] <= head_first + BeatIdxBits'(burst);
    end
    if (gen_extend) begin
      rng_last_q[newest] <= last_beat;
    end
    if (gen_new) begin
      rng_first_q[rng_tail_q] <= gen_first;
      rng_last_q[rng_tail_q]  <= last_beat;
    end
  end

  logic beat_fire, beat_release, burst_end;

  assign m_rready_o = 1'b1;
  assign beat_fire  = m_rvalid_i;
  assign burst_end  = beat_fire && m_rlast_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rng_head_q  <= '0;
      rng_tail_q  <= '0;
      rng_count_q <= '0;
      last_req_q  <= '0;
      free_q      <= FreeBits'(BeatBuffer);
      out_q       <= '0;
      ar_valid_q  <= 1'b0;
      ar_addr_q   <= '0;
      ar_len_q    <= '0;
      region_q    <= '0;
    end else begin
      if (start_i) begin
        region_q   <= region_i;
        last_req_q <= '0;
      end else if (stage_q && nonempty) begin
        last_req_q <= {1'b0, last_beat} + 1'b1;
      end
      if (rng_pop) begin
        rng_head_q <= (rng_head_q == RngPtrBits'(Ranges - 1)) ? '0 : rng_head_q + 1'b1;
      end
      if (gen_new) begin
        rng_tail_q <= (rng_tail_q == RngPtrBits'(Ranges - 1)) ? '0 : rng_tail_q + 1'b1;
      end
      rng_count_q <= rng_count_q + (RngPtrBits + 1)'(gen_new) - (RngPtrBits + 1)'(rng_pop);
      free_q      <= free_q - (launch ? FreeBits'(burst) : '0) + FreeBits'(beat_release);
      out_q       <= out_q + OutBits'(launch) - OutBits'(burst_end);
      if (launch) begin
        ar_valid_q <= 1'b1;
        ar_addr_q  <= abs_first << ByteBits;
        ar_len_q   <= 8'(burst) - 8'd1;
      end else if (m_arready_i) begin
        ar_valid_q <= 1'b0;
      end
    end
  end

  assign m_arvalid_o = ar_valid_q;
  assign m_araddr_o  = ar_addr_q;
  assign m_arlen_o   = ar_len_q;
  assign m_arsize_o  = 3'(ByteBits);
  assign m_arburst_o = 2'b01;

  // ---------------------------------------------------------------------------------------------
  // Beats: the launched bursts' first beats (to number the beats) and the beat buffer
  // ---------------------------------------------------------------------------------------------
  logic [BeatIdxBits-1:0] burst_first, beat_index, buf_index;
  logic                   bursts_empty;
  logic [BeatIdxBits-1:0] in_burst_q;

  hwgen_fifo #(
    .Width(BeatIdxBits),
    .Depth(Outstanding)
  ) u_bursts (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .push_i     (launch),
    .push_data_i(head_first),
    .pop_i      (burst_end),
    .head_o     (burst_first),
    .empty_o    (bursts_empty),
    /* verilator lint_off PINCONNECTEMPTY */
    .count_o    ()
    /* verilator lint_on PINCONNECTEMPTY */
  );

  assign beat_index = burst_first + in_burst_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_burst_q <= '0;
    end else if (beat_fire) begin
      in_burst_q <= m_rlast_i ? '0 : in_burst_q + 1'b1;
    end
  end

  logic buf_empty;

  hwgen_fifo #(
    .Width(BeatIdxBits + 8 * DataBytes),
    .Depth(BeatBuffer)
  ) u_beats (
    .clk_i      (clk_i),
    .rst_ni     (rst_ni),
    .push_i     (beat_fire),
    .push_data_i({beat_index, m_rdata_i}),
    .pop_i      (beat_release),
    .head_o     ({buf_index, beat_data_o}),
    .empty_o    (buf_empty),
    /* verilator lint_off PINCONNECTEMPTY */
    .count_o    ()
    /* verilator lint_on PINCONNECTEMPTY */
  );

  logic settled;

  // The scanner is done and its last announce's range is in last_req.
  assign settled      = scan_done_i && !stage_q && !ann_i;
  assign beat_valid_o = !buf_empty;
  assign beat_index_o = buf_index;
  assign beat_release = !buf_empty && !beat_need_i
                      && (({1'b0, buf_index} + 1'b1 < last_req_q) || settled);
  assign idle_o       = col_empty && !stage_q && (rng_count_q == '0) && (out_q == '0) && buf_empty
                      && bursts_empty;

`ifndef SYNTHESIS
  always @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(beat_fire && bursts_empty)) else $fatal(1, "hwgen_ext_fetch: a beat without a burst");
      assert (!(gen_new && rng_count_q == (RngPtrBits + 1)'(Ranges) && !rng_pop))
        else $fatal(1, "hwgen_ext_fetch: request ranges overflow");
    end
  end
`endif

endmodule
