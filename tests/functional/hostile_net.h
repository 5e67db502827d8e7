// hostile_net.h: the acceptance run of the peer defences (issue 14 item 8), shared by
// tests/functional/hostile_test.cpp and bench/hostile_bench.cpp: 7 lingjid processes holding
// 101 producer keys ({15,15,15,14,14,14,14}), every peer link through lingji-relay delayed 50 ms
// each way, with --log-finality; lingji-hostile (tools/hostile) run against one of them while
// every node's resident memory is sampled; a real equivocation sent through the wire client.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "tests/functional/harness.h"
#include "tests/functional/network_harness.h"

namespace lingji::functional {

// One run of lingji-hostile: its JSON lines per mode, the final heights of node 0 around it,
// each node's peak VmRSS during it (KiB) and the finality samples of the blocks final in it.
struct FloodRun {
  std::vector<std::string> modes;
  std::map<std::string, Json> reports;  // mode -> its line of JSON
  std::string tool_output;              // stdout and stderr of the tool
  int exit_code = 0;
  uint64_t lib_before = 0, lib_after = 0;
  std::vector<long> peak_rss_kib;
  std::vector<int64_t> finality_ms;     // per (block, node), read from the logs by finality()
};

class HostileNet {
 public:
  // Starts the network (links delayed delay_ms) and waits until node 0 has final blocks.
  HostileNet(const std::filesystem::path& dir, int delay_ms = 50);
  TestNetwork& net() { return net_; }
  // Each node's VmRSS now (KiB; 0 for one that is not running).
  std::vector<long> rss_kib();
  // Runs lingji-hostile with `modes` ("all" or a list) against node `target` for duration_ms,
  // sampling every node's RSS every 200 ms meanwhile; modes "": no tool (a quiet baseline). address_block: the tool's first source
  // block (runs that follow each other use different ones, so old bans do not count).
  FloodRun flood(const std::string& modes, size_t target, int duration_ms, int address_block);
  // Fills run.finality_ms from the nodes' logs: the blocks that became final during the run.
  void finality(FloodRun& run);
  // Signs two votes for one slot (in the window) for different blocks with dev_key("p<key>") and
  // sends both to node `to` through the wire client from 127.0.0.9; returns the key's hex.
  std::string equivocate(int key, size_t to);
  // Does node i's /v1/evidence list `offender_hex`?
  bool has_evidence(size_t i, const std::string& offender_hex);

 private:
  RelayProcess relay_;
  TestNetwork net_;
};

// Median and 99th percentile (0 for none).
std::pair<int64_t, int64_t> median_p99(std::vector<int64_t> v);

}  // namespace lingji::functional
