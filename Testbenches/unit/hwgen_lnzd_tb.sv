// Unit testbench of hwgen_lnzd: every input pattern of several widths (powers of four and not),
// against a naive lowest-set-bit search. Prints "PASS <checks>" or the first failure.
module hwgen_lnzd_tb;

  localparam int MaxWidth = 9;

  logic [0:0] v1;
  logic [4:0] v5;
  logic [8:0] v9;
  logic [3:0] v4;
  logic       o1, o5, o9, o4;
  logic [0:0] i1;
  logic [2:0] i5;
  logic [3:0] i9;
  logic [1:0] i4;

  hwgen_lnzd #(.Width(1)) u_w1 (.valid_i(v1), .valid_o(o1), .index_o(i1));
  hwgen_lnzd #(.Width(4)) u_w4 (.valid_i(v4), .valid_o(o4), .index_o(i4));
  hwgen_lnzd #(.Width(5)) u_w5 (.valid_i(v5), .valid_o(o5), .index_o(i5));
  hwgen_lnzd #(.Width(9)) u_w9 (.valid_i(v9), .valid_o(o9), .index_o(i9));

  function automatic int lowest(input logic [MaxWidth-1:0] bits, input int width);
    int found;
    found = -1;
    for (int k = width - 1; k >= 0; k--) begin
      if (bits[k]) found = k;
    end
    lowest = found;
  endfunction

  int checks = 0;
  int errors = 0;

  task automatic check(input int width, input logic [MaxWidth-1:0] bits, input logic valid,
                       input int index);
    int expected;
    expected = lowest(bits, width);
    checks++;
    if (valid !== (expected >= 0) || (valid && index != expected)) begin
      if (errors == 0) begin
        $display("FAIL width %0d input %b: valid %0d index %0d, expected %0d", width, bits, valid,
                 index, expected);
      end
      errors++;
    end
  endtask

  initial begin
    for (int x = 0; x < (1 << 9); x++) begin
      v1 = x[0:0];
      v4 = x[3:0];
      v5 = x[4:0];
      v9 = x[8:0];
      #1;
      if (x < 2) check(1, MaxWidth'(x), o1, int'(i1));
      if (x < 16) check(4, MaxWidth'(x), o4, int'(i4));
      if (x < 32) check(5, MaxWidth'(x), o5, int'(i5));
      check(9, MaxWidth'(x), o9, int'(i9));
    end
    if (errors == 0) $display("PASS %0d", checks);
    else $display("FAIL %0d of %0d checks", errors, checks);
    $finish;
  end

endmodule
