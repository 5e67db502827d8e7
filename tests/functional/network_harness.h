// network_harness.h: a network of real lingjid processes on 127.0.0.1 for the multi-process
// tests and bench/finality_bench: one genesis whose schedule is N dev producer keys (dev_key("p0")
// to dev_key("p<N-1>")), those keys dealt out over the nodes in contiguous runs, and a full mesh
// (node i dials every earlier node). Each node's keys get their safety files first (lingjid
// --init-key, before the genesis time). The first node gets its keys as repeated
// --producer-seed-file, the others as one --producer-seeds-file, so both ways are exercised.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "chain/genesis/genesis.h"
#include "tests/functional/harness.h"

namespace lingji::functional {

struct NetworkSpec {
  // How many of the producer keys each node holds; their sum is the schedule's size (1..101).
  std::vector<int> keys_per_node;
  // The address node `from` dials to reach node `to`, whose peer port is `port` (e.g. a relay
  // link in front of it). Default: 127.0.0.1:port.
  std::function<std::string(int from, int to, int port)> dial;
  // Arguments given to every node (e.g. --log-finality, --no-sync).
  std::vector<std::string> extra_args;
  // The genesis block interval (ms); 0 keeps genesis/default.json's.
  int64_t block_interval_ms = 0;
};

class TestNetwork {
 public:
  // Writes the genesis (its first slot a little after every node has started) and the seed
  // files into dir, then starts the nodes in order.
  TestNetwork(const std::filesystem::path& dir, NetworkSpec spec);

  size_t size() const { return nodes_.size(); }
  NodeProcess& node(size_t i) { return *nodes_.at(i); }
  const chain::Genesis& genesis() const { return genesis_; }
  const std::filesystem::path& genesis_file() const { return genesis_file_; }
  int producers() const { return producers_; }
  // A node without keys that dials node `peer` (directly), started now.
  std::unique_ptr<NodeProcess> start_follower(const std::string& name, size_t peer);

 private:
  std::filesystem::path dir_;
  chain::Genesis genesis_;
  std::filesystem::path genesis_file_;
  int producers_ = 0;
  std::vector<std::unique_ptr<NodeProcess>> nodes_;
};

// Reads the "final block H D ms after its slot started" lines that lingjid --log-finality
// writes into a node's log: (height, delay ms) in the order logged.
std::vector<std::pair<uint64_t, int64_t>> finality_delays(const std::filesystem::path& log);

}  // namespace lingji::functional
