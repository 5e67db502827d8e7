// lingji-hostile: a hostile peer of our own (issue 14 item 8), for the acceptance test of the
// peer defences (docs/p2p.md) and bench/hostile.sh:
//
//   lingji-hostile --target 127.0.0.1:PORT --genesis FILE [--mode all|m1,m2,...]
//                  [--duration-ms 10000] [--address-block 20] [--pose-as 127.0.0.1:PORT]
//
// Runs each mode (tools/hostile/hostile.h) at full speed against the node at --target, all
// modes at once, each from its own source addresses 127.<address-block + i>.x.y, and prints one
// line of JSON per mode: what it sent, how the node closed its connections (goodbye codes, ms
// from the first message to the close), and how many redials from a closed address were
// refused (bans). Exit code 2 if a mode could not run.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "chain/genesis/genesis.h"
#include "tools/hostile/hostile.h"

using namespace lingji;

namespace {

std::optional<std::pair<std::string, uint16_t>> split_address(const std::string& a) {
  const auto colon = a.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const int port = std::atoi(a.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return std::nullopt;
  return std::make_pair(a.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lingji-hostile: floods a lingjid node with hostile peer traffic"};
  std::string target, genesis_file, modes = "all", pose_as, scout_ip = "127.0.0.8";
  int64_t duration_ms = 10'000;
  int address_block = 20;
  app.add_option("--target", target, "the node's peer address, 127.0.0.1:PORT")->required();
  app.add_option("--genesis", genesis_file, "the chain's genesis JSON")->required();
  app.add_option("--mode", modes, "all, or a comma-separated list of modes");
  app.add_option("--duration-ms", duration_ms, "how long each mode floods")->check(CLI::Range(1, 3'600'000));
  app.add_option("--address-block", address_block, "first second octet of the source addresses")
      ->check(CLI::Range(2, 200));
  app.add_option("--pose-as", pose_as, "impersonate: the peer address of the node to pose as");
  app.add_option("--scout-ip", scout_ip, "the source address that reads the head (never banned)");
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGPIPE, SIG_IGN);

  std::ifstream in(genesis_file);
  std::stringstream text;
  text << in.rdbuf();
  auto genesis = chain::parse_genesis_json(text.str());
  if (!genesis) {
    std::fprintf(stderr, "lingji-hostile: %s: %s\n", genesis_file.c_str(), genesis.error().message.c_str());
    return 1;
  }
  auto address = split_address(target);
  if (!address) {
    std::fprintf(stderr, "lingji-hostile: --target is not HOST:PORT\n");
    return 1;
  }
  hostile::Target t;
  t.ip = address->first;
  t.port = address->second;
  t.chain_id = genesis->chain_id();
  if (!pose_as.empty()) t.pose_as = split_address(pose_as);

  auto view = hostile::scout(t, scout_ip);
  if (!view) {
    std::fprintf(stderr, "lingji-hostile: cannot read the head: %s\n", view.error().message.c_str());
    return 1;
  }
  view->genesis_time = genesis->genesis_time;
  view->interval_ms = genesis->params.block_interval_ms;
  std::printf("{\"scout\":{\"head\":%llu,\"final\":%llu}}\n", static_cast<unsigned long long>(view->head_height),
              static_cast<unsigned long long>(view->final_height));
  std::fflush(stdout);

  std::vector<std::string> chosen;
  if (modes == "all") {
    chosen = hostile::mode_names();
  } else {
    std::stringstream list(modes);
    for (std::string m; std::getline(list, m, ',');) chosen.push_back(m);
  }
  std::vector<hostile::FloodReport> reports(chosen.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < chosen.size(); ++i) {
    threads.emplace_back([&, i] {
      hostile::FloodOptions o;
      o.duration = std::chrono::milliseconds(duration_ms);
      o.address_block = address_block + static_cast<int>(i);
      o.seed = 1 + i;
      reports[i] = hostile::run_flood(chosen[i], t, *view, o);
    });
  }
  for (auto& th : threads) th.join();
  int rc = 0;
  for (const auto& r : reports) {
    std::printf("%s\n", hostile::to_json(r).c_str());
    if (!r.error.empty()) rc = 2;
  }
  return rc;
}
