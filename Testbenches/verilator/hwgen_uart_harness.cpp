// Verilator harness of a UART board top (build_board_sim.sh, docs/boards.md): the top's UART
// pins are bridged, bit by bit, to a TCP connection, so host code talks to the simulated board
// exactly as to the real one through its serial port.
//
// Plusargs: +port=<n> (connects to 127.0.0.1:<n>), +clks-per-bit=<n> (the top's ClksPerBit),
// optional +max-cycles=<n>, +trace=<file> (FST, when built with --trace-fst).
// The model is built with --prefix Vboard; the top has the ports clk_12m_i, btn_ni, uart_rx_i,
// uart_tx_o, led_red_no (low while busy) and led_green_no. The clock only runs while something
// can happen: when the host has nothing to send, the line has been idle for two byte times and
// the core is not busy, the harness waits for the host's next byte without simulating. It ends
// when the host closes the connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <memory>
#include <string>

#include "Vboard.h"
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

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads what the host has sent; waits up to timeout_ms for it. False when the host has closed.
bool receive(int fd, std::deque<uint8_t>& queue, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return true;
  uint8_t buffer[4096];
  const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EINTR);
  queue.insert(queue.end(), buffer, buffer + n);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(argc, argv);
  auto top = std::make_unique<Vboard>(ctx.get());

  const int port = std::atoi(plusarg(*ctx, "port").c_str());
  const int clks_per_bit = std::atoi(plusarg(*ctx, "clks-per-bit").c_str());
  const std::string max_text = plusarg(*ctx, "max-cycles");
  const uint64_t max_cycles = max_text.empty() ? 4000000000ULL : std::stoull(max_text);
  const std::string trace_path = plusarg(*ctx, "trace");
  if (port <= 0 || clks_per_bit < 4) {
    std::cerr << "hwgen_uart_harness: need +port=<n> +clks-per-bit=<n> (4 or more)\n";
    return 2;
  }
  const int fd = connect_to(port);
  if (fd < 0) {
    std::cerr << "hwgen_uart_harness: cannot connect to 127.0.0.1:" << port << ": "
              << std::strerror(errno) << "\n";
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
#endif

  uint64_t cycles = 0;
  auto tick = [&]() {
    top->clk_12m_i = 0;
    top->eval();
    ctx->timeInc(1);
#if VM_TRACE
    if (trace) trace->dump(ctx->time());
#endif
    top->clk_12m_i = 1;
    top->eval();
    ctx->timeInc(1);
#if VM_TRACE
    if (trace) trace->dump(ctx->time());
#endif
    ++cycles;
  };

  top->btn_ni = 0;
  top->uart_rx_i = 1;
  for (int i = 0; i < 4; ++i) tick();
  top->btn_ni = 1;
  for (int i = 0; i < 4; ++i) tick();

  std::deque<uint8_t> to_board;
  // Line to the board: the frame being sent, bit by bit.
  bool sending = false;
  uint16_t frame = 0;
  int frame_bit = 0, bit_left = 0;
  // Line from the board: a receiver sampling in the middle of each bit.
  int rx_state = 0, rx_count = 0, rx_bit = 0;
  uint8_t rx_byte = 0;
  uint64_t idle = 0;
  bool open = true;
  int exit_code = 0;

  while (open) {
    // Feed the board's RX pin.
    if (!sending && !to_board.empty()) {
      frame = static_cast<uint16_t>(0x200 | (to_board.front() << 1));
      to_board.pop_front();
      sending = true;
      frame_bit = 0;
      bit_left = clks_per_bit;
    }
    top->uart_rx_i = sending ? (frame >> frame_bit) & 1 : 1;
    tick();
    if (sending && --bit_left == 0) {
      bit_left = clks_per_bit;
      if (++frame_bit == 10) sending = false;
    }

    // Decode the board's TX pin.
    // Cycles since either line last carried a bit.
    const int line = top->uart_tx_o;
    idle = (line && rx_state == 0 && !sending) ? idle + 1 : 0;
    switch (rx_state) {
      case 0:
        if (!line) {
          rx_state = 1;
          rx_count = clks_per_bit / 2;
        }
        break;
      case 1:
        if (--rx_count == 0) {
          rx_state = line ? 0 : 2;
          rx_count = clks_per_bit;
          rx_bit = 0;
          rx_byte = 0;
        }
        break;
      case 2:
        if (--rx_count == 0) {
          rx_byte = static_cast<uint8_t>(rx_byte | (line << rx_bit));
          rx_count = clks_per_bit;
          if (++rx_bit == 8) rx_state = 3;
        }
        break;
      default:
        if (--rx_count == 0) {
          if (line) {
            if (send(fd, &rx_byte, 1, MSG_NOSIGNAL) != 1) open = false;
          } else {
            std::cerr << "hwgen_uart_harness: framing error on the board's TX at cycle " << cycles
                      << "\n";
            exit_code = 1;
            open = false;
          }
          rx_state = 0;
        }
        break;
    }

    // Talk to the host: wait for it when nothing else can happen, otherwise peek once a bit time.
    const bool quiet =
        !sending && to_board.empty() && idle > 20ULL * clks_per_bit && top->led_red_no;
    if (quiet) {
      while (open && to_board.empty()) open = receive(fd, to_board, 1000);
      idle = 0;
    } else if (cycles % clks_per_bit == 0) {
      open = receive(fd, to_board, 0);
    }

    if (cycles > max_cycles) {
      std::cerr << "hwgen_uart_harness: still running after " << max_cycles << " cycles\n";
      exit_code = 1;
      break;
    }
  }

  close(fd);
  top->final();
#if VM_TRACE
  if (trace) trace->close();
#endif
  std::cout << "hwgen_uart_harness: " << cycles << " cycles\n";
  return exit_code;
}
