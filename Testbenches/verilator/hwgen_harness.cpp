// Verilator harness of a generated design (the Icarus testbench hwgen_tb.sv does the same in SV).
//
// Plusargs: +vectors=<file> (first line "<vectors> <input size> <output size>", then the inputs
// in hex, one per line), +out=<file> (per vector "vector <k> cycles <n>", then the outputs in
// signed decimal; finally "clock cycles <n>", every simulated cycle), optional +load=<file>
// ("<addr hex> <data hex>" lines written through the memory-load port before the first vector),
// +layers=<file> (every layer's writebacks, written by hwgen_sim_top), +trace=<file> (FST, when
// built with --trace-fst), +max-cycles=<n>.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vhwgen_sim_top.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

namespace {

std::string plusarg(VerilatedContext& ctx, const std::string& name) {
  const std::string match = ctx.commandArgsPlusMatch((name + "=").c_str());
  const std::string prefix = "+" + name + "=";
  return match.rfind(prefix, 0) == 0 ? match.substr(prefix.size()) : std::string();
}

// Sets a port of any width from 32-bit little-endian words.
template <typename T>
void set_port(T& port, const std::vector<uint32_t>& words) {
  uint64_t value = words.empty() ? 0 : words[0];
  if (words.size() > 1) value |= static_cast<uint64_t>(words[1]) << 32;
  port = static_cast<T>(value);
}

template <std::size_t N>
void set_port(VlWide<N>& port, const std::vector<uint32_t>& words) {
  for (std::size_t i = 0; i < N; ++i) port[i] = i < words.size() ? words[i] : 0;
}

std::vector<uint32_t> parse_hex_words(const std::string& hex) {
  std::vector<uint32_t> words;
  for (std::size_t end = hex.size(); end > 0;) {
    const std::size_t begin = end >= 8 ? end - 8 : 0;
    words.push_back(static_cast<uint32_t>(std::stoul(hex.substr(begin, end - begin), nullptr, 16)));
    end = begin;
  }
  return words;
}

int64_t to_signed(uint64_t value, int bits) {
  const uint64_t sign = 1ULL << (bits - 1);
  value &= (bits == 64) ? ~0ULL : ((1ULL << bits) - 1);
  return static_cast<int64_t>(value ^ sign) - static_cast<int64_t>(sign);
}

}  // namespace

int main(int argc, char** argv) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(argc, argv);
  auto top = std::make_unique<Vhwgen_sim_top>(ctx.get());

  const std::string vectors_path = plusarg(*ctx, "vectors");
  const std::string out_path = plusarg(*ctx, "out");
  const std::string load_path = plusarg(*ctx, "load");
  const std::string trace_path = plusarg(*ctx, "trace");
  const std::string max_cycles_text = plusarg(*ctx, "max-cycles");
  const int act_bits = std::atoi(plusarg(*ctx, "act-bits").c_str());
  const uint64_t max_cycles =
      max_cycles_text.empty() ? 2000000000ULL : std::stoull(max_cycles_text);
  if (vectors_path.empty() || out_path.empty() || act_bits <= 0) {
    std::cerr << "hwgen_harness: need +vectors=<file> +out=<file> +act-bits=<A>\n";
    return 2;
  }

#if VM_TRACE
  std::unique_ptr<VerilatedFstC> trace;
  if (!trace_path.empty()) {
    ctx->traceEverOn(true);
    trace = std::make_unique<VerilatedFstC>();
    top->trace(trace.get(), 99);
    trace->open(trace_path.c_str());
  }
#else
  if (!trace_path.empty()) {
    std::cerr << "hwgen_harness: built without tracing; rebuild with --trace\n";
    return 2;
  }
#endif

  uint64_t cycles = 0;
  auto tick = [&]() {
    top->clk_i = 0;
    top->eval();
    ctx->timeInc(1);
#if VM_TRACE
    if (trace) trace->dump(ctx->time());
#endif
    top->clk_i = 1;
    top->eval();
    ctx->timeInc(1);
#if VM_TRACE
    if (trace) trace->dump(ctx->time());
#endif
    if (++cycles > max_cycles) {
      std::cerr << "hwgen_harness: no result after " << max_cycles << " cycles\n";
      std::exit(1);
    }
  };

  std::ifstream vectors(vectors_path);
  std::ofstream out(out_path);
  if (!vectors || !out) {
    std::cerr << "hwgen_harness: cannot open " << (vectors ? out_path : vectors_path) << "\n";
    return 2;
  }
  int count = 0, in_size = 0, out_size = 0;
  vectors >> count >> in_size >> out_size;

  top->rst_ni = 0;
  top->in_valid_i = 0;
  top->out_ready_i = 0;
  top->ld_valid_i = 0;
  for (int i = 0; i < 3; ++i) tick();
  top->rst_ni = 1;
  tick();

  if (!load_path.empty()) {
    std::ifstream load(load_path);
    std::string addr, data;
    while (load >> addr >> data) {
      top->ld_valid_i = 1;
      top->ld_addr_i = static_cast<uint32_t>(std::stoul(addr, nullptr, 16));
      set_port(top->ld_data_i, parse_hex_words(data));
      top->eval();
      while (!top->ld_ready_o) tick();
      tick();
    }
    top->ld_valid_i = 0;
  }

  for (int v = 0; v < count; ++v) {
    for (int i = 0; i < in_size; ++i) {
      std::string hex;
      vectors >> hex;
      top->in_valid_i = 1;
      top->in_data_i = static_cast<uint32_t>(std::stoul(hex, nullptr, 16));
      top->eval();
      while (!top->in_ready_o) tick();
      tick();
    }
    top->in_valid_i = 0;
    top->out_ready_i = 1;
    // Settle the changed inputs once; after that every tick leaves the outputs current.
    top->eval();
    for (int i = 0; i < out_size;) {
      if (top->out_valid_o) {
        if (i == 0) out << "vector " << v << " cycles " << top->perf_cycles_o << "\n";
        out << to_signed(top->out_data_o, act_bits) << "\n";
        ++i;
      }
      tick();
    }
    top->out_ready_i = 0;
    tick();
  }

  out << "clock cycles " << cycles << "\n";
  top->final();
#if VM_TRACE
  if (trace) trace->close();
#endif
  return 0;
}
