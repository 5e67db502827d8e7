// hostile_bench: the per-flood figures of the acceptance run of the peer defences (issue 14
// item 8; docs/performance.md "Hostile peers"):
//
//   hostile_bench [--seconds 20] [--target 3] [--modes all|m1,m2,...]
//
// Starts the network of tests/functional/hostile_net.h (7 lingjid, 101 producers, links delayed
// 50 ms each way through lingji-relay), then measures a quiet window, each flood of
// lingji-hostile alone against node `target` for `seconds`, and every flood at once. Per window:
// time to finality (median and p99 over (block, node) samples from the nodes' --log-finality
// lines), the highest VmRSS of each node, and the flood's closes: goodbye codes, median ms from
// its first message to the close, and how many redials from a closed address were refused. Last,
// a real double vote (dev_key("p40"), two blocks, one slot) goes to the target node, and the
// time until /v1/evidence lists it is printed.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <sstream>

#include "bench/bench_util.h"
#include "tests/functional/hostile_net.h"
#include "tools/hostile/hostile.h"

using namespace lingji;
using namespace lingji::functional;

namespace {

void print_row(const std::string& name, const FloodRun& run) {
  const auto [median, p99] = median_p99(run.finality_ms);
  long peak = 0;
  std::string per_node;
  for (long kib : run.peak_rss_kib) {
    peak = std::max(peak, kib);
    per_node += (per_node.empty() ? "" : "/") + std::to_string(kib / 1024);
  }
  std::string closes = "-", ban_ms = "-", banned = "-";
  if (!run.modes.empty()) {
    closes.clear();
    uint64_t b = 0, r = 0;
    std::vector<int64_t> ms;
    for (const auto& [mode, j] : run.reports) {
      for (const auto& [code, n] : j["goodbyes"].items())
        closes += (closes.empty() ? "" : " ") + code + "×" + std::to_string(n.get<uint64_t>());
      b += j["banned"].get<uint64_t>();
      r += j["redials"].get<uint64_t>();
      if (j["close_ms_median"].get<int64_t>() >= 0) ms.push_back(j["close_ms_median"].get<int64_t>());
    }
    if (closes.empty()) closes = "none";
    if (!ms.empty()) ban_ms = std::to_string(median_p99(ms).first);
    banned = std::to_string(b) + "/" + std::to_string(r);
  }
  std::printf("| %s | %lld / %lld (n=%zu) | %llu..%llu | %s (max %ld) | %s | %s | %s |\n", name.c_str(),
              static_cast<long long>(median), static_cast<long long>(p99), run.finality_ms.size(),
              static_cast<unsigned long long>(run.lib_before), static_cast<unsigned long long>(run.lib_after),
              per_node.c_str(), peak / 1024, ban_ms.c_str(), banned.c_str(), closes.c_str());
  std::fflush(stdout);
}

int run(int argc, char** argv) {
  CLI::App app{"hostile_bench: finality, memory and bans while lingji-hostile floods one node"};
  int seconds = 20, target = 3;
  std::string modes = "all";
  app.add_option("--seconds", seconds, "length of each window")->check(CLI::Range(2, 600));
  app.add_option("--target", target, "the node flooded (0..6)")->check(CLI::Range(0, 6));
  app.add_option("--modes", modes, "all, or a comma-separated list of lingji-hostile modes");
  CLI11_PARSE(app, argc, argv);
  bench::print_machine("hostile_bench");
  std::vector<std::string> chosen;
  if (modes == "all") {
    chosen = hostile::mode_names();
  } else {
    std::stringstream list(modes);
    for (std::string m; std::getline(list, m, ',');) chosen.push_back(m);
  }
  std::printf("7 nodes, 101 producers, links delayed 50 ms each way; flooding node %d, %d s per window\n", target,
              seconds);
  TempDir dir;
  HostileNet h(dir.path());
  std::printf("| flood | finality median / p99 ms | final heights | peak RSS per node MiB | close ms (median) | "
              "redials refused | closes |\n|---|---|---|---|---|---|---|\n");
  auto window = [&](const std::string& name, const std::string& m, int block) {
    FloodRun run = h.flood(m, static_cast<size_t>(target), seconds * 1000, block);
    h.finality(run);
    if (run.exit_code != 0) std::fprintf(stderr, "%s: lingji-hostile exited %d: %s\n", name.c_str(), run.exit_code,
                                         run.tool_output.c_str());
    print_row(name, run);
  };
  window("none (quiet)", "", 0);
  int block = 20;
  for (const auto& m : chosen) {
    window(m, m, block);
    block += 1;
  }
  window("all at once", modes, block);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string offender = h.equivocate(40, static_cast<size_t>(target));
  while (!h.has_evidence(static_cast<size_t>(target), offender)) {
    if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(60)) {
      std::printf("double vote by p40: NOT recorded within 60 s\n");
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("double vote by p40: recorded in /v1/evidence of node %d after %lld ms\n", target,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hostile_bench: %s\n", e.what());
    return 1;
  }
}
