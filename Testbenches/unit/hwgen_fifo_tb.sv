// Unit testbench of hwgen_fifo at depths 1, 3 and 8: random pushes and pops (never into a full
// or out of an empty FIFO) against a reference queue. Prints "PASS <checks>" or the first failure.
module hwgen_fifo_tb;

  logic clk = 1'b0;
  logic rst_n = 1'b0;
  always #5 clk = ~clk;

  int checks = 0;
  int errors = 0;

  for (genvar d = 0; d < 3; d++) begin : gen_depth
    localparam int Depth = (d == 0) ? 1 : (d == 1) ? 3 : 8;
    logic       push, pop, empty;
    logic [7:0] push_data, head;
    logic [3:0] count;
    logic [7:0] model [$];

    hwgen_fifo #(.Width(8), .Depth(Depth)) u_fifo (
      .clk_i      (clk),
      .rst_ni     (rst_n),
      .push_i     (push),
      .push_data_i(push_data),
      .pop_i      (pop),
      .head_o     (head),
      .empty_o    (empty),
      .count_o    (count[$clog2(Depth + 1)-1:0])
    );
    if ($clog2(Depth + 1) < 4) begin : gen_pad
      assign count[3:$clog2(Depth + 1)] = '0;
    end

    initial begin
      push = 1'b0;
      pop = 1'b0;
      push_data = '0;
      @(posedge rst_n);
      for (int i = 0; i < 2000; i++) begin
        @(negedge clk);
        checks++;
        if (count != 4'(model.size()) || empty != (model.size() == 0)
            || (model.size() > 0 && head != model[0])) begin
          if (errors == 0) $display("FAIL depth %0d step %0d: count %0d head %0h, model %0d",
                                    Depth, i, count, head, model.size());
          errors++;
        end
        pop = (model.size() > 0) && ($urandom % 2 == 0);
        push = ((model.size() < Depth) || pop) && ($urandom % 3 != 0);
        push_data = 8'($urandom);
        @(posedge clk);
        #1;
        if (pop) model.delete(0);
        if (push) model.push_back(push_data);
      end
      @(negedge clk);
      push = 1'b0;
      pop = 1'b0;
    end
  end

  initial begin
    repeat (2) @(posedge clk);
    rst_n = 1'b1;
    repeat (2010) @(posedge clk);
    if (errors == 0) $display("PASS %0d", checks);
    else $display("FAIL %0d of %0d checks", errors, checks);
    $finish;
  end

endmodule
