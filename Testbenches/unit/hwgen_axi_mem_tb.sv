// Stimulus player for hwgen_axi_mem: drives a request stream and an rready pattern read from
// files and writes every AR acceptance and R handshake, with its cycle, to a file, which the C#
// test (AxiMemTestbenchTests) compares with DramTiming and the image. Several instances with
// different parameters may share one simulation; each raises done_o when it has finished.
//
// StimFile ($readmemh, Requests lines of 16 hex digits): {gap[15:0], arlen[7:0], arsize[3:0],
// arburst[3:0], araddr[31:0]}, e.g. "00030f3100000400" = 16 beats of 8 bytes at 'h400, due 3
// cycles after the previous request was accepted.
// The master: request 0 is due in cycle gap_0, request k in cycle a_(k-1) + 1 + gap_k (a = the
// cycle a request was accepted in). arvalid rises in the first cycle in which the next request
// is due and fewer than Outstanding requests are in flight (accepted in an earlier cycle, last
// beat not taken in an earlier cycle), then stays up until the request is accepted.
// RreadyFile ($readmemb, RreadyCycles lines of one bit): rready in cycles 0 .. RreadyCycles - 1;
// 1 from then on.
// OutFile lines: "ar <cycle> <request>", "r <cycle> <rresp> <rlast> <rdata hex>", then
// "end <cycle>"; "FAIL <what>" for an AXI rule the slave broke (rvalid dropped or its payload
// changed before the handshake) or a run that did not end within TimeoutCycles.
module hwgen_axi_mem_tb #(
  parameter int DataBytes = 8,
  parameter int BytesPerCycle = 8,
  parameter int LatencyCycles = 1,
  parameter int MaxBurstBytes = 4096,
  parameter int Words = 64,
  parameter int StallPercent = 0,
  parameter int Seed = 1,
  /// Lines in StimFile and RreadyFile.
  parameter int Requests = 1,
  parameter int RreadyCycles = 1,
  /// Requests the master keeps in flight at most (1 to 64).
  parameter int Outstanding = 64,
  parameter StimFile = "stim.hex",
  parameter RreadyFile = "rready.bin",
  parameter MemFile = "image.hex",
  parameter OutFile = "out.txt",
  parameter int TimeoutCycles = 100000,
  localparam int DataBits = 8 * DataBytes
) (
  output logic done_o
);

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  logic [63:0] stim [0:Requests-1];
  logic        rready_pattern [0:RreadyCycles-1];

  logic                arvalid, arready, rvalid, rready, rlast;
  logic [31:0]         araddr;
  logic [7:0]          arlen;
  logic [2:0]          arsize;
  logic [1:0]          arburst, rresp;
  logic [DataBits-1:0] rdata;

  hwgen_axi_mem #(
    .DataBytes    (DataBytes),
    .BytesPerCycle(BytesPerCycle),
    .LatencyCycles(LatencyCycles),
    .MaxBurstBytes(MaxBurstBytes),
    .Words        (Words),
    .MemFile      (MemFile),
    .StallPercent (StallPercent),
    .Seed         (Seed)
  ) u_mem (
    .clk_i      (clk),
    .rst_ni     (rst_n),
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

  int          fd;
  longint      cycle;
  int          k;
  longint      due;
  logic        raised;
  int          in_flight;
  longint      beats_left;
  logic        waiting;
  logic [DataBits+2:0] held;

  assign arvalid = (k < Requests) && (raised || (cycle >= due && in_flight < Outstanding));
  assign araddr  = (k < Requests) ? stim[k][31:0] : '0;
  assign arlen   = (k < Requests) ? stim[k][47:40] : '0;
  assign arsize  = (k < Requests) ? stim[k][38:36] : '0;
  assign arburst = (k < Requests) ? stim[k][33:32] : '0;
  assign rready  = (cycle < longint'(RreadyCycles)) ? rready_pattern[cycle] : 1'b1;

  initial begin
    $readmemh(StimFile, stim);
    $readmemb(RreadyFile, rready_pattern);
    fd = $fopen(OutFile, "w");
    if (fd == 0) begin
      $fatal(1, "hwgen_axi_mem_tb: cannot write %s", OutFile);
    end
    done_o = 1'b0;
    cycle = 0;
    k = 0;
    due = longint'(stim[0][63:48]);
    raised = 1'b0;
    in_flight = 0;
    beats_left = 0;
    for (int i = 0; i < Requests; i++) begin
      beats_left += longint'(stim[i][47:40]) + 1;
    end
    waiting = 1'b0;
    held = '0;
    repeat (3) @(posedge clk);
    @(negedge clk);
    rst_n = 1'b1;
  end

  always @(posedge clk) begin
    if (rst_n && !done_o) begin
      // A beat shown without a handshake must stay, unchanged.
      if (waiting && (!rvalid || {rdata, rresp, rlast} != held)) begin
        $fdisplay(fd, "FAIL cycle %0d: rvalid or its payload changed before the handshake", cycle);
      end
      waiting <= rvalid && !rready;
      held <= {rdata, rresp, rlast};

      if (arvalid && arready) begin
        $fdisplay(fd, "ar %0d %0d", cycle, k);
        k <= k + 1;
        if (k + 1 < Requests) begin
          due <= cycle + 1 + longint'(stim[k + 1][63:48]);
        end
      end
      raised <= arvalid && !arready;
      in_flight <= in_flight + ((arvalid && arready) ? 1 : 0)
                   - ((rvalid && rready && rlast) ? 1 : 0);

      if (rvalid && rready) begin
        $fdisplay(fd, "r %0d %0d %0d %h", cycle, rresp, rlast, rdata);
        beats_left <= beats_left - 1;
        if (beats_left == 1 && k == Requests) begin
          $fdisplay(fd, "end %0d", cycle);
          $fclose(fd);
          done_o <= 1'b1;
        end
      end else if (cycle >= longint'(TimeoutCycles)) begin
        $fdisplay(fd, "FAIL timeout after %0d cycles: %0d requests of %0d sent, %0d beats missing",
                  cycle, k, Requests, beats_left);
        $fclose(fd);
        done_o <= 1'b1;
      end
      cycle <= cycle + 1;
    end
  end

endmodule
