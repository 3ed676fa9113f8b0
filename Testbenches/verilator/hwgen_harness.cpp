// Verilator harness of a generated design (the Icarus testbench hwgen_tb.sv does the same in SV).
//
// Plusargs: +vectors=<file> (first line "<vectors> <input size> <output size>", then the inputs
// in hex, one per line), +out=<file> (per vector "vector <k> cycles <n>", then the outputs in
// signed decimal; finally "clock cycles <n>", every simulated cycle), optional +load=<file>
// ("<addr hex> <data hex>" lines written through the memory-load port before the first vector),
// +layers=<file> (every layer's writebacks, written by hwgen_sim_top), +trace=<file> (FST, when
// built with --trace-fst), +max-cycles=<n>, +jobs=<n>.
//
// +jobs=<n> runs n models of the design at once, each in its own thread and Verilator context,
// each on a contiguous share of the vectors (reset and weight loading included in each). The
// files are the same as one model's: the outputs in vector order, the layer writebacks and the
// DRAM stall counts (+dram_stats=<file>) gathered from per-model files; "models <n>" says how many
// ran and "clock cycles" is the sum of every model's cycles.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
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

// What every model runs: the inputs, the memory-load writes and the limits.
struct Workload {
  int count = 0, in_size = 0, out_size = 0;
  std::vector<uint32_t> inputs;  // count × in_size words
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> loads;
  uint64_t max_cycles = 0;
  int act_bits = 0;
};

// One model's share: vectors [first, first + count), its command line, what it wrote.
struct Share {
  int first = 0, count = 0;
  std::vector<std::string> args;
  std::ostringstream out;
  uint64_t cycles = 0;
  std::string error;
};

// The plusargs naming a file each model writes: per model a file of its own when there are several.
const char* const kPerModelFiles[] = {"layers", "dram_stats"};

// At most this many models at once (each is a thread).
constexpr long kMaxJobs = 1024;

std::string part_path(const std::string& path, int j) { return path + ".part" + std::to_string(j); }

void run_share(const Workload& work, Share& share, const std::string& trace_path) {
  std::vector<const char*> argv;
  for (const auto& arg : share.args) argv.push_back(arg.c_str());
  // The context made in this thread is this thread's: the model's plusargs and files are its own.
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(static_cast<int>(argv.size()), argv.data());
  // The model is single-threaded: no pool of idle Verilator workers per model.
  ctx->threads(1);
  auto top = std::make_unique<Vhwgen_sim_top>(ctx.get());

#if VM_TRACE
  std::unique_ptr<VerilatedFstC> trace;
  if (!trace_path.empty()) {
    ctx->traceEverOn(true);
    trace = std::make_unique<VerilatedFstC>();
    top->trace(trace.get(), 99);
    trace->open(trace_path.c_str());
  }
#else
  (void)trace_path;
#endif

  uint64_t& cycles = share.cycles;
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
    if (++cycles > work.max_cycles) {
      throw std::runtime_error("no result after " + std::to_string(work.max_cycles) + " cycles");
    }
  };

  try {
    top->rst_ni = 0;
    top->in_valid_i = 0;
    top->out_ready_i = 0;
    top->ld_valid_i = 0;
    for (int i = 0; i < 3; ++i) tick();
    top->rst_ni = 1;
    tick();

    for (const auto& [addr, data] : work.loads) {
      top->ld_valid_i = 1;
      top->ld_addr_i = addr;
      set_port(top->ld_data_i, data);
      top->eval();
      while (!top->ld_ready_o) tick();
      tick();
    }
    top->ld_valid_i = 0;

    std::ostringstream& out = share.out;
    for (int v = share.first; v < share.first + share.count; ++v) {
      const uint32_t* input = work.inputs.data() + static_cast<std::size_t>(v) * work.in_size;
      for (int i = 0; i < work.in_size; ++i) {
        top->in_valid_i = 1;
        top->in_data_i = input[i];
        top->eval();
        while (!top->in_ready_o) tick();
        tick();
      }
      top->in_valid_i = 0;
      top->out_ready_i = 1;
      // Settle the changed inputs once; after that every tick leaves the outputs current.
      top->eval();
      for (int i = 0; i < work.out_size;) {
        if (top->out_valid_o) {
          if (i == 0) out << "vector " << v << " cycles " << top->perf_cycles_o << "\n";
          out << to_signed(top->out_data_o, work.act_bits) << "\n";
          ++i;
        }
        tick();
      }
      top->out_ready_i = 0;
      tick();
    }
  } catch (const std::exception& e) {
    share.error = e.what();
  }

  // Final blocks close the model's files (the layer writebacks, the DRAM statistics).
  top->final();
#if VM_TRACE
  if (trace) trace->close();
#endif
}

void remove_parts(const std::string& path, int jobs) {
  for (int j = 0; j < jobs; ++j) std::remove(part_path(path, j).c_str());
}

// Joins the per-model files of a plusarg into the one named, in model order (the DRAM statistics'
// stall counts summed); the file appears whole or not at all, and the per-model files go.
bool gather(const std::string& path, int jobs, bool sum_stalls) {
  std::string text;
  uint64_t stalls = 0;
  for (int j = 0; j < jobs; ++j) {
    const std::string part = part_path(path, j);
    std::ifstream in(part, std::ios::binary);
    if (!in) {
      std::cerr << "hwgen_harness: model " << j << " wrote no " << part << "\n";
      remove_parts(path, jobs);
      return false;
    }
    const std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (sum_stalls) {
      std::istringstream fields(body);
      std::string stall, word;
      uint64_t n = 0;
      if (!(fields >> stall >> word >> n) || stall != "stall" || word != "cycles") {
        std::cerr << "hwgen_harness: " << part << ": expected \"stall cycles <n>\"\n";
        remove_parts(path, jobs);
        return false;
      }
      stalls += n;
    } else {
      text += body;
    }
  }
  remove_parts(path, jobs);
  if (sum_stalls) text = "stall cycles " + std::to_string(stalls) + "\n";
  const std::string temp = path + ".tmp";
  {
    std::ofstream whole(temp, std::ios::binary | std::ios::trunc);
    whole << text;
    if (!whole.flush()) {
      std::cerr << "hwgen_harness: cannot write " << temp << "\n";
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::cerr << "hwgen_harness: cannot write " << path << "\n";
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

// The file a plusarg names on the command line as given (Verilator takes its first occurrence).
std::string plusarg_path(int argc, char** argv, const char* name) {
  const std::string prefix = std::string("+") + name + "=";
  for (int a = 0; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  return std::string();
}

// Parses a whole decimal number from lo to hi; false if the text is anything else.
bool parse_count(const std::string& text, long lo, long hi, long& value) {
  char* end = nullptr;
  errno = 0;
  value = std::strtol(text.c_str(), &end, 10);
  return !text.empty() && errno == 0 && *end == '\0' && value >= lo && value <= hi;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = std::make_unique<VerilatedContext>();
  args->commandArgs(argc, argv);
  const std::string vectors_path = plusarg(*args, "vectors");
  const std::string out_path = plusarg(*args, "out");
  const std::string load_path = plusarg(*args, "load");
  const std::string trace_path = plusarg(*args, "trace");
  const std::string max_cycles_text = plusarg(*args, "max-cycles");
  const std::string jobs_text = plusarg(*args, "jobs");
  Workload work;
  work.act_bits = std::atoi(plusarg(*args, "act-bits").c_str());
  work.max_cycles = max_cycles_text.empty() ? 2000000000ULL : std::stoull(max_cycles_text);
  long jobs_value = 1;
  if (vectors_path.empty() || out_path.empty() || work.act_bits <= 0) {
    std::cerr << "hwgen_harness: need +vectors=<file> +out=<file> +act-bits=<A>\n";
    return 2;
  }
  if (!jobs_text.empty() && !parse_count(jobs_text, 1, kMaxJobs, jobs_value)) {
    std::cerr << "hwgen_harness: +jobs=" << jobs_text
              << ": need a whole number of models from 1 to " << kMaxJobs << "\n";
    return 2;
  }
  int jobs = static_cast<int>(jobs_value);
#if !VM_TRACE
  if (!trace_path.empty()) {
    std::cerr << "hwgen_harness: built without tracing; rebuild with --trace\n";
    return 2;
  }
#endif
  if (!trace_path.empty() && jobs > 1) {
    std::cerr << "hwgen_harness: +trace writes one model's waveform; run it with +jobs=1\n";
    return 2;
  }

  std::ifstream vectors(vectors_path);
  if (!vectors) {
    std::cerr << "hwgen_harness: cannot open " << vectors_path << "\n";
    return 2;
  }
  if (!(vectors >> work.count >> work.in_size >> work.out_size) || work.count < 0
      || work.in_size < 1 || work.out_size < 1) {
    std::cerr << "hwgen_harness: " << vectors_path
              << ": expected a first line \"<vectors> <input size> <output size>\"\n";
    return 2;
  }
  const std::size_t words = static_cast<std::size_t>(work.count) * work.in_size;
  work.inputs.reserve(words);
  for (std::string hex; work.inputs.size() < words && vectors >> hex;) {
    work.inputs.push_back(static_cast<uint32_t>(std::stoul(hex, nullptr, 16)));
  }
  if (work.inputs.size() != words) {
    std::cerr << "hwgen_harness: " << vectors_path << ": expected " << work.count << " vectors of "
              << work.in_size << " words\n";
    return 2;
  }
  if (!load_path.empty()) {
    std::ifstream load(load_path);
    if (!load) {
      std::cerr << "hwgen_harness: cannot open " << load_path << "\n";
      return 2;
    }
    for (std::string addr, data; load >> addr >> data;) {
      work.loads.emplace_back(static_cast<uint32_t>(std::stoul(addr, nullptr, 16)),
                              parse_hex_words(data));
    }
  }
  args.reset();

  // Contiguous shares, the first ones a vector longer when the vectors do not divide evenly.
  jobs = std::max(1, std::min(jobs, work.count));
  std::vector<Share> shares(jobs);
  for (int j = 0, first = 0; j < jobs; ++j) {
    shares[j].first = first;
    shares[j].count = work.count / jobs + (j < work.count % jobs ? 1 : 0);
    first += shares[j].count;
    for (int a = 0; a < argc; ++a) {
      std::string arg = argv[a];
      for (const char* name : kPerModelFiles) {
        const std::string prefix = std::string("+") + name + "=";
        if (jobs > 1 && arg.rfind(prefix, 0) == 0) {
          arg = prefix + part_path(arg.substr(prefix.size()), j);
        }
      }
      shares[j].args.push_back(arg);
    }
  }

  if (jobs == 1) {
    run_share(work, shares[0], trace_path);
  } else {
    std::vector<std::thread> threads;
    try {
      for (auto& share : shares) {
        threads.emplace_back(run_share, std::cref(work), std::ref(share), std::string());
      }
    } catch (const std::system_error& e) {
      std::cerr << "hwgen_harness: cannot start model " << threads.size() << " of " << jobs << " ("
                << e.what() << "); run fewer with +jobs\n";
      for (auto& thread : threads) thread.join();
      for (const char* name : kPerModelFiles) remove_parts(plusarg_path(argc, argv, name), jobs);
      return 1;
    }
    for (auto& thread : threads) thread.join();
  }

  bool failed = false;
  for (const auto& share : shares) {
    if (!share.error.empty()) {
      std::cerr << "hwgen_harness: " << share.error << "\n";
      failed = true;
    }
  }

  if (jobs > 1) {
    for (const char* name : kPerModelFiles) {
      const std::string path = plusarg_path(argc, argv, name);
      if (path.empty()) continue;
      if (failed) {
        remove_parts(path, jobs);
      } else if (!gather(path, jobs, std::string(name) == "dram_stats")) {
        failed = true;
      }
    }
  }
  if (failed) return 1;

  std::ofstream out(out_path);
  if (!out) {
    std::cerr << "hwgen_harness: cannot open " << out_path << "\n";
    return 2;
  }
  uint64_t cycles = 0;
  for (const auto& share : shares) {
    out << share.out.str();
    cycles += share.cycles;
  }
  out << "models " << jobs << "\n";
  out << "clock cycles " << cycles << "\n";
  return out ? 0 : 1;
}
