#include "tests/functional/network_harness.h"

#include <chrono>
#include <fstream>
#include <numeric>
#include <regex>
#include <stdexcept>

#include "chain/genesis/dev_keys.h"

namespace lingji::functional {
namespace {

chain::Genesis read_default_genesis() {
  std::ifstream in(LINGJI_SOURCE_DIR "/genesis/default.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto genesis = chain::parse_genesis_json(text);
  if (!genesis) throw std::runtime_error("genesis/default.json: " + genesis.error().message);
  return *genesis;
}

}  // namespace

TestNetwork::TestNetwork(const std::filesystem::path& dir, NetworkSpec spec) : dir_(dir) {
  producers_ = std::accumulate(spec.keys_per_node.begin(), spec.keys_per_node.end(), 0);
  genesis_ = read_default_genesis();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  // Starting a node takes a few hundred milliseconds: the first slot starts after all are up.
  // The --init-key runs come first (about 0.2 s each), well before the genesis time, after which
  // a genesis key is refused.
  genesis_.genesis_time = (now / 1000 + 3 + static_cast<int64_t>(spec.keys_per_node.size()) / 2) * 1000;
  if (spec.block_interval_ms > 0) genesis_.params.block_interval_ms = static_cast<uint32_t>(spec.block_interval_ms);
  genesis_.producers.clear();
  for (int i = 0; i < producers_; ++i) genesis_.producers.push_back(chain::dev_key("p" + std::to_string(i)).public_key());
  genesis_file_ = dir_ / "genesis.json";
  std::ofstream(genesis_file_) << chain::genesis_to_json(genesis_);

  // Every node's keys get their safety files first (lingjid --init-key), before the genesis time.
  int next_key = 0;
  std::vector<std::vector<std::string>> node_args;
  for (size_t n = 0; n < spec.keys_per_node.size(); ++n) {
    std::vector<std::string> args{"--genesis", genesis_file_.string()};
    const auto seeds = dir_ / ("node" + std::to_string(n) + ".seeds");
    std::ofstream list(seeds);
    list << "# producer seeds of node " << n << "\n";
    for (int k = 0; k < spec.keys_per_node[n]; ++k, ++next_key) {
      const std::string hex = chain::dev_seed("p" + std::to_string(next_key)).hex();
      if (n == 0) {
        const auto file = dir_ / ("p" + std::to_string(next_key) + ".seed");
        std::ofstream(file) << hex << "\n";
        args.insert(args.end(), {"--producer-seed-file", file.string()});
      } else {
        list << hex << "\n";
      }
    }
    list.close();
    if (n > 0) args.insert(args.end(), {"--producer-seeds-file", seeds.string()});
    if (spec.keys_per_node[n] > 0) init_keys(dir_ / ("node" + std::to_string(n)), args);
    node_args.push_back(std::move(args));
  }
  for (size_t n = 0; n < spec.keys_per_node.size(); ++n) {
    std::vector<std::string> args = node_args[n];
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    for (size_t earlier = 0; earlier < n; ++earlier) {
      const int port = nodes_[earlier]->peer_port();
      args.insert(args.end(), {"--peer", spec.dial ? spec.dial(static_cast<int>(n), static_cast<int>(earlier), port)
                                                   : "127.0.0.1:" + std::to_string(port)});
    }
    args.insert(args.end(), spec.extra_args.begin(), spec.extra_args.end());
    nodes_.push_back(std::make_unique<NodeProcess>(dir_ / ("node" + std::to_string(n)), args, false));
    if (nodes_.back()->peer_port() <= 0) throw std::runtime_error("a node printed no peer port");
  }
}

std::unique_ptr<NodeProcess> TestNetwork::start_follower(const std::string& name, size_t peer) {
  return std::make_unique<NodeProcess>(
      dir_ / name,
      std::vector<std::string>{"--genesis", genesis_file_.string(), "--listen", "127.0.0.1:0", "--peer",
                               "127.0.0.1:" + std::to_string(nodes_.at(peer)->peer_port())},
      false);
}

std::vector<std::pair<uint64_t, int64_t>> finality_delays(const std::filesystem::path& log) {
  std::ifstream in(log);
  static const std::regex kLine("final block ([0-9]+) (-?[0-9]+) ms after its slot started");
  std::vector<std::pair<uint64_t, int64_t>> out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kLine)) out.emplace_back(std::stoull(m[1]), std::stoll(m[2]));
  }
  return out;
}

}  // namespace lingji::functional
