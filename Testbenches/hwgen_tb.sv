// Icarus Verilog testbench of a generated design (the Verilator harness does the same in C++).
//
// Plusargs: +vectors=<file> (first line "<vectors> <input size> <output size>", then the inputs
// in hex, one per line), +out=<file> (per vector a line "vector <k> cycles <n>", then the
// outputs in signed decimal; finally "clock cycles <n>"), optional +load=<file> (lines
// "<addr hex> <data hex>" written through the memory-load port first), +layers=<file> (see
// hwgen_sim_top), +trace=<file> (VCD).
`timescale 1ns / 1ps
module hwgen_tb
  import `HWGEN_PKG::*;
;

  logic              clk = 1'b0;
  logic              rst_n = 1'b0;
  logic              in_valid = 1'b0;
  logic              in_ready;
  logic [ActBits-1:0] in_data = '0;
  logic              out_valid;
  logic              out_ready = 1'b0;
  logic [ActBits-1:0] out_data;
  logic              busy, done;
  logic [31:0]       perf_cycles;
  logic              ld_valid = 1'b0;
  logic              ld_ready;
  logic [31:0]       ld_addr = '0;
  logic [LdBits-1:0] ld_data = '0;

  hwgen_sim_top u_dut (
    .clk_i        (clk),
    .rst_ni       (rst_n),
    .in_valid_i   (in_valid),
    .in_ready_o   (in_ready),
    .in_data_i    (in_data),
    .out_valid_o  (out_valid),
    .out_ready_i  (out_ready),
    .out_data_o   (out_data),
    .busy_o       (busy),
    .done_o       (done),
    .perf_cycles_o(perf_cycles),
    .ld_valid_i   (ld_valid),
    .ld_ready_o   (ld_ready),
    .ld_addr_i    (ld_addr),
    .ld_data_i    (ld_data)
  );

  always #5 clk = ~clk;

  longint clock_cycles = 0;
  always @(posedge clk) clock_cycles <= clock_cycles + 1;

  string  vec_path, out_path, load_path, trace_path;
  integer vec_fd, out_fd, load_fd, n, vectors, in_size, out_size, v, i;
  logic [ActBits-1:0] value;
  logic [31:0] addr;
  logic [LdBits-1:0] data;

  initial begin
    if ($value$plusargs("trace=%s", trace_path)) begin
      $dumpfile(trace_path);
      $dumpvars(0, hwgen_tb);
    end
    if (!$value$plusargs("vectors=%s", vec_path) || !$value$plusargs("out=%s", out_path)) begin
      $display("hwgen_tb: need +vectors=<file> +out=<file>");
      $finish(1);
    end
    vec_fd = $fopen(vec_path, "r");
    out_fd = $fopen(out_path, "w");
    n = $fscanf(vec_fd, "%d %d %d", vectors, in_size, out_size);
    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    @(posedge clk);
    if ($value$plusargs("load=%s", load_path)) begin
      load_fd = $fopen(load_path, "r");
      while ($fscanf(load_fd, "%h %h", addr, data) == 2) begin
        ld_valid <= 1'b1;
        ld_addr  <= addr;
        ld_data  <= data;
        @(posedge clk);
        while (!ld_ready) @(posedge clk);
      end
      ld_valid <= 1'b0;
      $fclose(load_fd);
    end
    for (v = 0; v < vectors; v++) begin
      for (i = 0; i < in_size; i++) begin
        n = $fscanf(vec_fd, "%h", value);
        in_valid <= 1'b1;
        in_data  <= value;
        @(posedge clk);
        while (!in_ready) @(posedge clk);
      end
      in_valid <= 1'b0;
      out_ready <= 1'b1;
      i = 0;
      while (i < out_size) begin
        @(posedge clk);
        if (out_valid && out_ready) begin
          if (i == 0) $fwrite(out_fd, "vector %0d cycles %0d\n", v, perf_cycles);
          $fwrite(out_fd, "%0d\n", $signed(out_data));
          i++;
        end
      end
      out_ready <= 1'b0;
      @(posedge clk);
    end
    $fwrite(out_fd, "clock cycles %0d\n", clock_cycles);
    $fclose(out_fd);
    $finish(0);
  end

endmodule
