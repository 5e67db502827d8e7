// finality_bench: time to finality on a network of real lingjid processes on 127.0.0.1.
//
//   finality_bench --producers 101 --nodes 7 [--delay-ms 50] [--blocks 40] [--sync]
//
// Starts `nodes` lingjid processes (tests/functional/network_harness.h: one genesis with
// `producers` dev keys dealt out over the nodes, a full mesh) with --log-finality, and, with
// --delay-ms, every peer connection through a lingji-relay link that holds each chunk of bytes
// `delay-ms` in each direction (the relay engine of tests/relay, run inside this process).
// Waits until `blocks` blocks after the first two are final on every node, stops the nodes and
// reads their logs. Each node logs, for each block as it becomes final there, the time since
// the block's slot started (= the block's timestamp, when its producer made it); each such
// (block, node) pair is one sample. Prints the median, p99 and max over all samples, and the
// same for "final everywhere" (per block, the last node to see it final).
// Nodes run with --no-sync (blocks not fsynced; every vote's safety file still is) unless --sync.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "bench/bench_util.h"
#include "chain/genesis/dev_keys.h"
#include "core/address.h"
#include "tests/functional/network_harness.h"
#include "tests/relay/relay.h"

using namespace lingji;
using namespace lingji::functional;

namespace {

struct Summary {
  int64_t median = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Summary summarize(std::vector<int64_t> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.n = v.size();
  s.median = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  s.max = v.back();
  return s;
}

}  // namespace

namespace {
int run(int argc, char** argv);
}  // namespace

// An exception (a node that stops answering) must still stop the nodes: their destructors run
// only if it is caught.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finality_bench: %s\n", e.what());
    return 1;
  }
}

namespace {
int run(int argc, char** argv) {
  CLI::App app{"finality_bench: time from a block's slot start to its finality, on real lingjid processes"};
  int producers = 21, nodes = 4, delay_ms = 0, blocks = 40;
  bool sync = false;
  app.add_option("--producers", producers, "producer keys in the schedule (1..101)")->check(CLI::Range(1, 101));
  app.add_option("--nodes", nodes, "lingjid processes; the keys are dealt out evenly")->check(CLI::Range(1, 32));
  app.add_option("--delay-ms", delay_ms, "delay of every peer link in each direction, through the relay")
      ->check(CLI::Range(0, 10'000));
  app.add_option("--blocks", blocks, "blocks measured (after the first two)")->check(CLI::Range(1, 1000));
  app.add_flag("--sync", sync, "fsync every block (default: --no-sync; safety files are always fsynced)");
  CLI11_PARSE(app, argc, argv);
  if (nodes > producers) nodes = producers;
  bench::print_machine("finality_bench");

  std::unique_ptr<relay::Relay> relay;
  NetworkSpec spec;
  for (int i = 0; i < nodes; ++i) spec.keys_per_node.push_back(producers / nodes + (i < producers % nodes ? 1 : 0));
  spec.extra_args = {"--log-finality"};
  if (!sync) spec.extra_args.push_back("--no-sync");
  if (delay_ms > 0) {
    relay = std::make_unique<relay::Relay>();
    spec.dial = [&](int from, int to, int port) {
      relay::LinkSpec link{std::to_string(from) + "-" + std::to_string(to), {"127.0.0.1", 0},
                           {"127.0.0.1", static_cast<uint16_t>(port)}};
      auto bound = relay->add_link(link);
      if (!bound) throw std::runtime_error(bound.error().message);
      for (auto dir : {relay::Direction::kUp, relay::Direction::kDown})
        if (auto st = relay->set_shaping(link.name, dir, relay::Shaping{delay_ms, 0}); !st)
          throw std::runtime_error(st.error().message);
      return "127.0.0.1:" + std::to_string(*bound);
    };
  }
  std::printf("%d producers on %d nodes, links delayed %d ms each way%s, measuring blocks 3..%d\n", producers, nodes,
              delay_ms, delay_ms > 0 ? " (relay)" : " (direct)", blocks + 2);
  std::fflush(stdout);

  TempDir dir;
  const uint64_t last = static_cast<uint64_t>(blocks) + 2;
  std::map<uint64_t, std::vector<int64_t>> per_block;
  std::vector<int64_t> samples;
  uint64_t head = 0, missed = 0;
  std::map<uint64_t, size_t> producer_node;  // height -> the node that produced it
  std::vector<int64_t> own, others;          // samples split by whether the node made block h+2
  {
    TestNetwork net(dir.path(), spec);
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(net.genesis().params.block_interval_ms * (last * 3 + 30));
    for (;;) {
      bool done = true;
      for (size_t i = 0; i < net.size() && done; ++i) done = net.node(i).get("/v1/info")["lib_height"].get<uint64_t>() >= last;
      if (done) break;
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "finality_bench: block %llu was not final on every node in time\n",
                     static_cast<unsigned long long>(last));
        const uint64_t top = net.node(0).get("/v1/info")["head_height"].get<uint64_t>();
        for (uint64_t h = top > 40 ? top - 40 : 1; h <= top; ++h) {
          const Json b = net.node(0).get("/v1/blocks/" + std::to_string(h));
          std::fprintf(stderr, "block %llu slot %llu justify %llu signers %zu\n", static_cast<unsigned long long>(h),
                       static_cast<unsigned long long>(b["slot"].get<uint64_t>()),
                       static_cast<unsigned long long>(b["justify"]["height"].get<uint64_t>()),
                       b["justify_certificate"].is_null() ? 0 : b["justify_certificate"]["signers"].size());
        }
        std::error_code ec;
        std::filesystem::copy(dir.path(), "/tmp/finality-bench-failed", std::filesystem::copy_options::recursive, ec);
        for (size_t i = 0; i < net.size(); ++i) {
          const Json in = net.node(i).get("/v1/info");
          std::fprintf(stderr, "node %zu: head %llu (slot %llu) %s, lib %llu\n", i,
                       static_cast<unsigned long long>(in["head_height"].get<uint64_t>()),
                       static_cast<unsigned long long>(in["head_slot"].get<uint64_t>()),
                       in["head_id"].get<std::string>().substr(0, 12).c_str(),
                       static_cast<unsigned long long>(in["lib_height"].get<uint64_t>()));
          net.node(i).stop();
          std::ifstream log(net.node(i).log_file());
          int shown = 0;
          for (std::string line; std::getline(log, line) && shown < 20;)
            if (line.find("[warn") != std::string::npos || line.find("[error") != std::string::npos ||
                line.find("disconnected") != std::string::npos) {
              std::fprintf(stderr, "  %s\n", line.c_str());
              ++shown;
            }
        }
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const Json info = net.node(0).get("/v1/info");
    head = info["head_height"].get<uint64_t>();
    missed = info["head_slot"].get<uint64_t>() - head;  // slots without a block
    // Which slots had no block, and what the nodes logged as warnings or errors.
    // Which node holds which key (the harness deals them out in order), to tell the samples of
    // the node that made the finalizing block (no network hop) from the others'.
    std::map<std::string, size_t> node_of;
    for (size_t n = 0, k = 0; n < spec.keys_per_node.size(); ++n)
      for (int i = 0; i < spec.keys_per_node[n]; ++i, ++k)
        node_of[core::encode_address(chain::dev_key("p" + std::to_string(k)).public_key())] = n;
    std::string gaps;
    uint64_t previous_slot = 0;
    for (uint64_t h = 1; h <= head; ++h) {
      const Json block = net.node(0).get("/v1/blocks/" + std::to_string(h));
      const uint64_t slot = block["slot"].get<uint64_t>();
      producer_node[h] = node_of.at(block["producer"].get<std::string>());
      for (uint64_t s = previous_slot + 1; s < slot; ++s) gaps += " " + std::to_string(s);
      previous_slot = slot;
    }
    std::printf("slots without a block:%s\n", gaps.empty() ? " none" : gaps.c_str());
    for (size_t i = 0; i < net.size(); ++i) net.node(i).stop();
    for (size_t i = 0; i < net.size(); ++i) {
      std::ifstream log(net.node(i).log_file());
      for (std::string line; std::getline(log, line);)
        if (line.find("[warn") != std::string::npos || line.find("[error") != std::string::npos)
          std::printf("node %zu: %s\n", i, line.c_str());
    }
    for (size_t i = 0; i < net.size(); ++i)
      for (const auto& [height, ms] : finality_delays(net.node(i).log_file()))
        if (height >= 3 && height <= last) {
          samples.push_back(ms);
          per_block[height].push_back(ms);
          (producer_node.count(height + 2) && producer_node[height + 2] == i ? own : others).push_back(ms);
        }
  }
  if (relay) relay->stop();
  std::vector<int64_t> everywhere;
  for (const auto& [height, v] : per_block)
    if (v.size() == static_cast<size_t>(nodes)) everywhere.push_back(*std::max_element(v.begin(), v.end()));
  const Summary all = summarize(samples), last_node = summarize(everywhere);
  std::printf("head %llu, %llu slots without a block\n", static_cast<unsigned long long>(head),
              static_cast<unsigned long long>(missed));
  std::printf("time to finality, per (block, node): median %lld ms, p99 %lld ms, max %lld ms (n=%zu)\n",
              static_cast<long long>(all.median), static_cast<long long>(all.p99), static_cast<long long>(all.max), all.n);
  std::printf("time to finality on every node:      median %lld ms, p99 %lld ms, max %lld ms (n=%zu blocks)\n",
              static_cast<long long>(last_node.median), static_cast<long long>(last_node.p99),
              static_cast<long long>(last_node.max), last_node.n);
  const Summary o = summarize(own), r = summarize(others);
  std::printf("  on the node that produced block h+2: median %lld ms, max %lld ms (n=%zu); on the others: median "
              "%lld ms, max %lld ms (n=%zu)\n",
              static_cast<long long>(o.median), static_cast<long long>(o.max), o.n, static_cast<long long>(r.median),
              static_cast<long long>(r.max), r.n);
  return 0;
}
}  // namespace
