// Simulation-only AXI4 read slave with an exact DRAM timing (bandwidth, latency, bursts), the
// memory that external-weight designs are co-simulated against; never synthesised.
//
// ---------------------------------------------------------------------------------------------
// Timing contract (Generator/HwGen/Model/DramTiming.cs models exactly this, cycle for cycle)
// ---------------------------------------------------------------------------------------------
// D = DataBytes, B = BytesPerCycle, L = LatencyCycles, M = MaxBurstBytes. Cycle 0 is the first
// cycle after reset; "in cycle t" means the handshake (valid && ready) sampled at the rising edge
// that ends cycle t.
//  - AR: arready = 1 in every cycle after reset (StallPercent = 0). A request is accepted in
//    cycle a when arvalid && arready; accepted requests wait in a queue of QueueDepth entries.
//  - Requests are served strictly in acceptance order; their beats form one global sequence. A
//    beat is presented (rvalid = 1) in the first cycle t in which all of these hold:
//      (1) t >= a + L, a the cycle its request was accepted in;
//      (2) the previous beat of the global sequence completed its handshake in a cycle < t;
//      (3) credit_t > 0.
//  - Credit, a token bucket that holds at most one cycle's bytes: credit_0 = B and
//    credit_(t+1) = min(B, credit_t + B - (a beat handshake in cycle t ? D : 0)).
//    Worked example, D = 64 and B = 24, rready always 1: credit 24 | beat at 0 -> -16 -> 8 | beat
//    at 2 -> -32 -> -8 -> 16 | beat at 5 -> ... so beats at 0, 2, 5, 8, 10, 13, ... (24 bytes per
//    cycle over time); B = 8: a beat every 8 cycles; B = D: a beat every cycle.
//  - A presented beat keeps rvalid and its data until its handshake (rready may be 0 for any
//    number of cycles); the credit is checked only in the cycle the beat is first presented.
//  - rdata of beat i of a request at address A is image word A / D + i, where word w is bytes
//    [w*D, (w+1)*D) of the image, byte 0 in rdata[7:0]; rlast marks a request's last beat; rresp
//    is OKAY, or SLVERR (with an $error) for a word beyond the image (rdata is then 0).
//  - Checked with $error (what a correct master must do): araddr aligned to D, arsize = log2(D),
//    arburst = INCR, (arlen + 1) * D <= M and at most 256 beats, no burst across a 4 KB boundary.
//    More than QueueDepth requests accepted and not yet ended is $fatal.
//  - Back-pressure mode (StallPercent > 0), for testing masters under random stalls: in addition,
//    arready is 0 in a cycle with probability StallPercent / 100, and a beat that the rules allow
//    to be presented is withheld (rvalid stays 0) in a cycle with that probability. Both draws
//    come from a xorshift32 generator seeded by Seed, two steps per cycle, so a run is
//    reproducible. The credit rule is unchanged. No model predicts this mode's cycles exactly.
//    The memory counts its stall cycles that cost the master something: a cycle arready was 0
//    while arvalid was 1, or a beat the rules allowed was withheld. +dram_stats=<file> writes
//    "stall cycles <n>" there at the end of the run: the co-simulation's upper bound on the
//    cycles back-pressure can add (the exact model's cycles + n).
// ---------------------------------------------------------------------------------------------
module hwgen_axi_mem #(
  /// Bytes per beat, D: a power of two from 4 to 64 (a 32- to 512-bit data bus).
  parameter int DataBytes = 8,
  /// Sustained bandwidth B in bytes per cycle, from 1 to DataBytes (see the credit rule).
  parameter int BytesPerCycle = 8,
  /// Cycles L from a request's acceptance to the earliest cycle its first beat may be presented
  /// (1 to 255): accepted in cycle a, first beat in cycle a + L at the earliest.
  parameter int LatencyCycles = 1,
  /// Largest burst in bytes M: a power of two from DataBytes to 4096 (bursts are also at most
  /// 256 beats).
  parameter int MaxBurstBytes = 4096,
  /// Depth of the image in DataBytes-byte words.
  parameter int Words = 1024,
  /// $readmemh image, one word per line in hex (2 * DataBytes digits, byte 0 last); "" = zeros.
  parameter MemFile = "",
  /// Back-pressure: percent (0 to 99) of cycles with arready = 0 and of presentable beats that
  /// are withheld; 0 = the exact timing above.
  parameter int StallPercent = 0,
  /// Seed of the back-pressure generator (0 is replaced by 1, xorshift's state must be non-zero).
  parameter int Seed = 1,
  /// Address bits (12 to 64).
  parameter int AddrBits = 32,
  /// Requests accepted and not yet ended that the slave holds (at least 64).
  parameter int QueueDepth = 64,
  localparam int DataBits = 8 * DataBytes,
  localparam int QueueBits = (QueueDepth > 1) ? $clog2(QueueDepth) : 1,
  localparam int WordBits = (Words > 1) ? $clog2(Words) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // Read address channel
  input  logic                s_arvalid_i,
  output logic                s_arready_o,
  input  logic [AddrBits-1:0] s_araddr_i,
  input  logic [7:0]          s_arlen_i,
  input  logic [2:0]          s_arsize_i,
  input  logic [1:0]          s_arburst_i,
  // Read data channel
  output logic                s_rvalid_o,
  input  logic                s_rready_i,
  output logic [DataBits-1:0] s_rdata_o,
  output logic [1:0]          s_rresp_o,
  output logic                s_rlast_o
);

  localparam int CreditMax = int'(BytesPerCycle);
  localparam int BeatBytes = int'(DataBytes);
  localparam logic [2:0] Size = 3'($clog2(DataBytes));
  localparam logic [1:0] BurstIncr = 2'b01;
  localparam logic [1:0] RespOkay = 2'b00;
  localparam logic [1:0] RespSlvErr = 2'b10;

  // -------------------------------------------------------------------------------------------
  // Parameter limits
  // -------------------------------------------------------------------------------------------
  logic bad;

  initial begin
    bad = 1'b0;
    if (DataBytes < 4 || DataBytes > 64 || (DataBytes & (DataBytes - 1)) != 0) begin
      $error("hwgen_axi_mem: DataBytes %0d must be a power of two from 4 to 64", DataBytes);
      bad = 1'b1;
    end
    if (BytesPerCycle < 1 || BytesPerCycle > DataBytes) begin
      $error("hwgen_axi_mem: BytesPerCycle %0d must be from 1 to DataBytes (%0d)",
             BytesPerCycle, DataBytes);
      bad = 1'b1;
    end
    if (LatencyCycles < 1 || LatencyCycles > 255) begin
      $error("hwgen_axi_mem: LatencyCycles %0d must be from 1 to 255", LatencyCycles);
      bad = 1'b1;
    end
    if (MaxBurstBytes < DataBytes || MaxBurstBytes > 4096
        || (MaxBurstBytes & (MaxBurstBytes - 1)) != 0) begin
      $error("hwgen_axi_mem: MaxBurstBytes %0d must be a power of two from DataBytes to 4096",
             MaxBurstBytes);
      bad = 1'b1;
    end
    if (StallPercent > 99) begin
      $error("hwgen_axi_mem: StallPercent %0d must be from 0 to 99", StallPercent);
      bad = 1'b1;
    end
    if (QueueDepth < 64) begin
      $error("hwgen_axi_mem: QueueDepth %0d must be at least 64", QueueDepth);
      bad = 1'b1;
    end
    if (AddrBits < 12 || AddrBits > 64) begin
      $error("hwgen_axi_mem: AddrBits %0d must be from 12 to 64", AddrBits);
      bad = 1'b1;
    end
    if (Words < 1) begin
      $error("hwgen_axi_mem: Words must be at least 1");
      bad = 1'b1;
    end
    if (bad) begin
      $fatal(1, "hwgen_axi_mem: invalid parameters");
      $finish;  // also stops a Verilator run whose +verilator+error+limit is raised
    end
  end

  // -------------------------------------------------------------------------------------------
  // Image
  // -------------------------------------------------------------------------------------------
  logic [DataBits-1:0] mem_q [0:Words-1];

  initial begin
    for (int w = 0; w < int'(Words); w++) begin
      mem_q[w] = '0;
    end
    if (MemFile != "") begin
      $readmemh(MemFile, mem_q);
    end
  end

  // -------------------------------------------------------------------------------------------
  // State: cycle, credit, request queue, the head request's next beat, back-pressure generator
  // -------------------------------------------------------------------------------------------
  logic [63:0]         cycle_q;
  int                  credit_q, credit_d;
  logic [AddrBits-1:0] q_addr_q [QueueDepth];
  logic [8:0]          q_beats_q [QueueDepth];
  logic [63:0]         q_ready_q [QueueDepth];
  logic [QueueBits-1:0] head_q, head_d, tail_q, tail_d;
  int                  count_q, count_d;
  logic [8:0]          beat_q, beat_d;
  logic                shown_q, shown_d;
  logic [31:0]         rng_q, rng_d;

  function automatic logic [31:0] xorshift32(input logic [31:0] x);
    logic [31:0] y;
    y = x ^ (x << 13);
    y = y ^ (y >> 17);
    y = y ^ (y << 5);
    return y;
  endfunction

  function automatic logic [QueueBits-1:0] next_slot(input logic [QueueBits-1:0] slot);
    logic [QueueBits-1:0] n;
    n = slot + 1'b1;
    if (slot == QueueBits'(QueueDepth - 1)) begin
      n = '0;
    end
    return n;
  endfunction

  // -------------------------------------------------------------------------------------------
  // This cycle: stall draws, the head beat, outputs, handshakes
  // -------------------------------------------------------------------------------------------
  logic [31:0]         draw_ar, draw_r;
  logic                stall_ar, stall_r;
  logic [AddrBits-1:0] head_addr;
  logic [8:0]          head_beats;
  logic [63:0]         head_ready;
  logic [63:0]         word;
  logic                in_image, present, rvalid, last, ar_hs, r_hs, pop;

  assign draw_ar  = xorshift32(rng_q);
  assign draw_r   = xorshift32(draw_ar);
  // The run may override StallPercent and Seed: +dram_stall=<percent> +dram_seed=<n> (the
  // co-simulation's back-pressure runs, SimulationOptions.DramStallPercent).
  logic [31:0] stall_pct, seed_v;
  initial begin
    stall_pct = 32'(StallPercent);
    seed_v    = 32'(Seed);
    if ($value$plusargs("dram_stall=%d", stall_pct) && stall_pct > 32'd99) begin
      $error("hwgen_axi_mem: +dram_stall=%0d must be from 0 to 99", stall_pct);
      $finish;
    end
    if ($value$plusargs("dram_seed=%d", seed_v)) begin
      seed_v = (seed_v == 32'd0) ? 32'd1 : seed_v;
    end
  end

  assign stall_ar = (stall_pct != 32'd0) && (draw_ar % 32'd100) < stall_pct;
  assign stall_r  = (stall_pct != 32'd0) && (draw_r % 32'd100) < stall_pct;

  // Stall cycles that held the master up (a refused request, a withheld beat).
  longint stall_cycles;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stall_cycles <= 0;
    end else if ((stall_ar && s_arvalid_i)
                 || (stall_r && !shown_q && count_q != 0 && cycle_q >= head_ready && credit_q > 0)) begin
      stall_cycles <= stall_cycles + 1;
    end
  end

  string stats_file;
  final begin
    int fd;
    if ($value$plusargs("dram_stats=%s", stats_file)) begin
      fd = $fopen(stats_file, "w");
      $fwrite(fd, "stall cycles %0d\n", stall_cycles);
      $fclose(fd);
    end
  end

  assign head_addr  = q_addr_q[head_q];
  assign head_beats = q_beats_q[head_q];
  assign head_ready = q_ready_q[head_q];

  // Condition (2) holds exactly when no beat is shown: a beat's handshake frees the next one for
  // the following cycle.
  assign present  = !shown_q && count_q != 0 && cycle_q >= head_ready && credit_q > 0 && !stall_r;
  assign rvalid   = shown_q || present;
  assign word     = 64'(head_addr) / 64'(DataBytes) + 64'(beat_q);
  assign in_image = word < 64'(Words);
  assign last     = beat_q == head_beats - 9'd1;
  assign ar_hs    = s_arvalid_i && s_arready_o;
  assign r_hs     = rvalid && s_rready_i;
  assign pop      = r_hs && last;

  assign s_arready_o = rst_ni && !stall_ar;
  assign s_rvalid_o  = rvalid;
  assign s_rdata_o   = (rvalid && in_image) ? mem_q[word[WordBits-1:0]] : '0;
  assign s_rresp_o   = (rvalid && !in_image) ? RespSlvErr : RespOkay;
  assign s_rlast_o   = rvalid && last;

  always_comb begin
    credit_d = credit_q + CreditMax - (r_hs ? BeatBytes : 0);
    if (credit_d > CreditMax) begin
      credit_d = CreditMax;
    end
    shown_d = rvalid && !s_rready_i;
    beat_d  = beat_q;
    head_d  = head_q;
    tail_d  = tail_q;
    count_d = count_q;
    if (r_hs) begin
      beat_d = beat_q + 9'd1;
    end
    if (pop) begin
      beat_d  = '0;
      head_d  = next_slot(head_q);
      count_d = count_d - 1;
    end
    if (ar_hs) begin
      tail_d  = next_slot(tail_q);
      count_d = count_d + 1;
    end
    rng_d = draw_r;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cycle_q  <= '0;
      credit_q <= CreditMax;
      head_q   <= '0;
      tail_q   <= '0;
      count_q  <= '0;
      beat_q   <= '0;
      shown_q  <= 1'b0;
      rng_q    <= (seed_v == 32'd0) ? 32'd1 : seed_v;
    end else begin
      cycle_q  <= cycle_q + 64'd1;
      credit_q <= credit_d;
      head_q   <= head_d;
      tail_q   <= tail_d;
      count_q  <= count_d;
      beat_q   <= beat_d;
      shown_q  <= shown_d;
      rng_q    <= rng_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (ar_hs) begin
      q_addr_q[tail_q]  <= s_araddr_i;
      q_beats_q[tail_q] <= {1'b0, s_arlen_i} + 9'd1;
      q_ready_q[tail_q] <= cycle_q + 64'(LatencyCycles);
    end
  end

  // -------------------------------------------------------------------------------------------
  // What a correct master must do
  // -------------------------------------------------------------------------------------------
  // (In reset arready and rvalid are 0, so neither handshake can happen.)
  always @(posedge clk_i) begin
    if (ar_hs) begin
      if (s_araddr_i % AddrBits'(DataBytes) != '0) begin
        $error("hwgen_axi_mem: cycle %0d: araddr 'h%0h is not aligned to %0d bytes", cycle_q,
               s_araddr_i, DataBytes);
      end
      if (s_arsize_i != Size) begin
        $error("hwgen_axi_mem: cycle %0d: arsize %0d is not log2(%0d bytes) = %0d", cycle_q,
               s_arsize_i, DataBytes, Size);
      end
      if (s_arburst_i != BurstIncr) begin
        $error("hwgen_axi_mem: cycle %0d: arburst %0d is not INCR (1)", cycle_q, s_arburst_i);
      end
      if ((32'(s_arlen_i) + 32'd1) * DataBytes > MaxBurstBytes) begin
        $error("hwgen_axi_mem: cycle %0d: a burst of %0d beats is longer than %0d bytes", cycle_q,
               32'(s_arlen_i) + 32'd1, MaxBurstBytes);
      end
      if (32'(s_araddr_i[11:0]) + (32'(s_arlen_i) + 32'd1) * DataBytes > 32'd4096) begin
        $error("hwgen_axi_mem: cycle %0d: the burst at 'h%0h of %0d beats crosses a 4 KB boundary",
               cycle_q, s_araddr_i, 32'(s_arlen_i) + 32'd1);
      end
      if (count_q == QueueDepth && !pop) begin
        $fatal(1, "hwgen_axi_mem: cycle %0d: more than %0d requests outstanding", cycle_q,
               QueueDepth);
        $finish;  // also stops a Verilator run whose +verilator+error+limit is raised
      end
    end
    if (r_hs && !in_image) begin
      $error("hwgen_axi_mem: cycle %0d: read of word %0d beyond the image of %0d words", cycle_q,
             word, Words);
    end
  end

endmodule
