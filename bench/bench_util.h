// bench_util.h: what every benchmark program prints with its figures, so that a table in
// docs/performance.md can be filled from the output alone: the machine (hardware threads, CPU
// model) and a steady-clock stopwatch. Header-only; benchmarks only, never linked into the node.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <ctime>
#include <sys/resource.h>
#include <thread>

namespace lingji::bench {

inline unsigned hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// "model name" from /proc/cpuinfo, or "unknown CPU" where there is none.
inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return "unknown CPU";
}

inline void print_machine(const char* program) {
  std::printf("%s on %u hardware threads (%s)\n", program, hardware_threads(), cpu_model().c_str());
}

// User + system CPU time of the whole process (all threads).
inline double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// CPU time of the calling thread only.
inline double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Wall time, and the process's CPU time over the same span: cores() near the core count means
// the run had the machine to itself; well below it means other processes took CPU (or I/O waits).
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()), cpu_start_(process_cpu_seconds()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double cpu_seconds() const { return process_cpu_seconds() - cpu_start_; }
  double cores() const {
    double wall = seconds();
    return wall > 0 ? cpu_seconds() / wall : 0;
  }

 private:
  std::chrono::steady_clock::time_point start_;
  double cpu_start_;
};

// Wall and process CPU time added up over many short spans (SpanTimer): two measurements that
// take turns see the same phases of a host whose speed drifts.
struct SpanTotal {
  double seconds = 0, cpu = 0;
  double cores() const { return seconds > 0 ? cpu / seconds : 0; }
};

class SpanTimer {
 public:
  explicit SpanTimer(SpanTotal& total) : total_(total) {}
  ~SpanTimer() {
    total_.seconds += watch_.seconds();
    total_.cpu += watch_.cpu_seconds();
  }
  SpanTimer(const SpanTimer&) = delete;
  SpanTimer& operator=(const SpanTimer&) = delete;

 private:
  SpanTotal& total_;
  Stopwatch watch_;
};

// Adds the time between construction and destruction to `total` (phase breakdowns).
class ScopedTimer {
 public:
  explicit ScopedTimer(double& total) : total_(total) {}
  ~ScopedTimer() { total_ += watch_.seconds(); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  double& total_;
  Stopwatch watch_;
};

inline double per_second(double count, double seconds) { return seconds > 0 ? count / seconds : 0; }

}  // namespace lingji::bench
