// network_load: the transfer throughput of part 1 across a network of producer nodes, as a ratio
// to one node in the same run. Runs bench/http_load (the wallet's path: JSON over HTTP, funded
// accounts, pre-signed transfers, "committed" = every accepted transfer in a block) against
//   (1) a fresh `lingjid --dev` node (one producer), then
//   (2) node 0 of a network of `nodes` lingjid processes with one producer key each
//       (tests/functional/network_harness.h, full mesh on 127.0.0.1): node 0 gossips the
//       transactions, each producer includes them in its slots, every node applies every block;
// and prints both committed rates and (2)/(1). Everything shares the machine's cores, so the
// network pays for applying each block `nodes` times and for the votes.
//
//   network_load [--nodes 4] [--accounts 1000] [--transactions 50000] [--connections 4]
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "bench/bench_util.h"
#include "tests/functional/harness.h"
#include "tests/functional/network_harness.h"

using namespace lingji::functional;

namespace {

// The committed tx/s that http_load printed, or throws with its output.
double committed_rate(const std::string& url, const std::vector<std::string>& load_args) {
  std::vector<std::string> args{url};
  args.insert(args.end(), load_args.begin(), load_args.end());
  CliResult r = run_binary("http_load", args);
  std::fputs(r.out.c_str(), stdout);
  static const std::regex kCommitted(R"(committed end-to-end \(first submit -> all in blocks\)\s+([0-9.]+)\s+([0-9]+))");
  std::smatch m;
  if (r.exit_code != 0 || !std::regex_search(r.out, m, kCommitted))
    throw std::runtime_error("http_load failed (exit " + std::to_string(r.exit_code) + "): " + r.err);
  return std::stod(m[2]);
}

int run(int argc, char** argv) {
  CLI::App app{"network_load: transfer throughput across a network of nodes vs one node"};
  int nodes = 4;
  std::string accounts = "1000", transactions = "50000", connections = "4";
  app.add_option("--nodes", nodes, "producer nodes, one key each")->check(CLI::Range(2, 16));
  app.add_option("--accounts", accounts, "http_load --accounts");
  app.add_option("--transactions", transactions, "http_load --transactions");
  app.add_option("--connections", connections, "http_load --connections");
  CLI11_PARSE(app, argc, argv);
  lingji::bench::print_machine("network_load");
  const std::vector<std::string> load{"--accounts", accounts, "--transactions", transactions, "--connections", connections};

  TempDir dir;
  double single = 0;
  {
    std::printf("\n== (1) one node: lingjid --dev\n");
    NodeProcess node(dir.path() / "single", {"--no-sync"}, true);
    single = committed_rate(node.url(), load);
  }
  std::printf("\n== (2) %d producer nodes, one key each, load on node 0\n", nodes);
  std::filesystem::create_directories(dir.path() / "net");
  TestNetwork net(dir.path() / "net", NetworkSpec{std::vector<int>(nodes, 1), {}, {"--no-sync"}});
  net.node(0).wait_for_height(3, 30'000);
  const double network = committed_rate(net.node(0).url(), load);
  std::printf("\ncommitted: one node %.0f tx/s, %d nodes %.0f tx/s: ratio %.2f\n", single, nodes, network,
              network / single);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "network_load: %s\n", e.what());
    return 1;
  }
}
