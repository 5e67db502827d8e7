// An overloaded machine (issue 14, item 16): 101 producers on 7 real lingjid processes, then busy
// loops beside them (two per core) for 30 s, so that slots are missed and nodes produce on
// different heads. Once the load stops, every node must be back on one branch and finalizing
// within 10 s, and no block any node ever reported final may have been replaced. Before the fork
// database such a run left the nodes on different branches for good (docs/performance.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>
#include <vector>

#include "tests/functional/network_harness.h"

namespace lingji::functional {
namespace {

using Clock = std::chrono::steady_clock;

// One node's view: head and lib heights, or nothing when it did not answer in time.
struct View {
  bool answered = false;
  uint64_t head = 0;
  uint64_t lib = 0;
};

View view_of(const NodeProcess& n) {
  try {
    const Json in = n.get("/v1/info");
    return {true, in["head_height"].get<uint64_t>(), in["lib_height"].get<uint64_t>()};
  } catch (const std::exception&) {
    return {};
  }
}

// Every block a node has called final, by height: the id it reported. A later answer at the
// same height from any node must name the same block.
class FinalLedger {
 public:
  // Reads node i's final block at its lib height; returns false if it contradicts the ledger.
  bool record(const NodeProcess& n, uint64_t lib, std::string* why) {
    if (lib == 0) return true;
    Json b;
    try {
      b = n.get("/v1/blocks/" + std::to_string(lib));
    } catch (const std::exception&) {
      return true;  // an overloaded node may not answer; it is checked again later
    }
    const std::string id = b["id"].get<std::string>();
    auto [it, inserted] = final_.emplace(lib, id);
    if (!inserted && it->second != id) {
      *why = "height " + std::to_string(lib) + " was final as " + it->second + ", now " + id;
      return false;
    }
    return true;
  }
  const std::map<uint64_t, std::string>& blocks() const { return final_; }

 private:
  std::map<uint64_t, std::string> final_;
};

// Spins `threads` busy loops until stopped: CPU the nodes have to share.
class BusyLoops {
 public:
  explicit BusyLoops(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i)
      loops_.emplace_back([this] {
        volatile uint64_t x = 0;
        while (!stop_.load(std::memory_order_relaxed)) x = x + 1;
      });
  }
  ~BusyLoops() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : loops_)
      if (t.joinable()) t.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> loops_;
};

TEST(Overload, SevenNodesConvergeAndFinalizeWithinTenSecondsAfterThirtySecondsOfOverload) {
  TempDir dir;
  TestNetwork net(dir.path(), NetworkSpec{{15, 15, 15, 14, 14, 14, 14}, {}, {}});
  FinalLedger ledger;
  std::string why;
  auto sample = [&](std::vector<View>* views) {
    views->clear();
    for (size_t i = 0; i < net.size(); ++i) {
      views->push_back(view_of(net.node(i)));
      if (views->back().answered) {
        EXPECT_TRUE(ledger.record(net.node(i), views->back().lib, &why)) << why;
      }
    }
  };
  // A healthy start: every node finalizes past height 10.
  std::vector<View> views;
  const auto warm_end = Clock::now() + std::chrono::seconds(60);
  for (;;) {
    sample(&views);
    if (std::all_of(views.begin(), views.end(), [](const View& v) { return v.answered && v.lib >= 10; })) break;
    ASSERT_LT(Clock::now(), warm_end) << "the network did not reach lib 10 before the load";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  uint64_t lib_before = UINT64_MAX;
  for (const View& v : views) lib_before = std::min(lib_before, v.lib);

  // 30 s of overload: two busy loops per core beside the 7 nodes.
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  uint64_t max_lib_under_load = 0;
  size_t unanswered = 0;
  {
    BusyLoops load(2 * cores);
    const auto load_end = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < load_end) {
      sample(&views);
      for (const View& v : views) {
        if (!v.answered) ++unanswered;
        max_lib_under_load = std::max(max_lib_under_load, v.lib);
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  std::printf("before the load lib >= %llu on every node; under 30 s of %u busy loops the highest lib was %llu "
              "(%zu unanswered polls)\n",
              static_cast<unsigned long long>(lib_before), 2 * cores,
              static_cast<unsigned long long>(max_lib_under_load), unanswered);

  // Recovery: within 10 s every node finalizes past the highest lib seen under load, and all of
  // them name the same block at one common final height.
  const auto stopped = Clock::now();
  bool recovered = false;
  while (!recovered && Clock::now() - stopped < std::chrono::seconds(10)) {
    sample(&views);
    recovered = std::all_of(views.begin(), views.end(),
                            [&](const View& v) { return v.answered && v.lib > max_lib_under_load; });
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const double recovery_s = std::chrono::duration<double>(Clock::now() - stopped).count();
  std::printf("after the load: every node past lib %llu in %.1f s\n",
              static_cast<unsigned long long>(max_lib_under_load), recovery_s);
  ::testing::Test::RecordProperty("recovery_ms", std::to_string(static_cast<int>(recovery_s * 1000)));
  ASSERT_TRUE(recovered) << "finality did not resume on every node within 10 s of the load stopping";

  // One branch: the block at the lowest lib of the nodes is the same everywhere, and every block
  // any node reported final on the way (before, during, after the load) is still the block at
  // its height on every node.
  uint64_t common = UINT64_MAX;
  for (const View& v : views) common = std::min(common, v.lib);
  const std::string id = net.node(0).get("/v1/blocks/" + std::to_string(common))["id"].get<std::string>();
  for (size_t i = 1; i < net.size(); ++i)
    EXPECT_EQ(net.node(i).get("/v1/blocks/" + std::to_string(common))["id"].get<std::string>(), id) << "node " << i;
  for (const auto& [height, final_id] : ledger.blocks())
    for (size_t i = 0; i < net.size(); ++i)
      EXPECT_EQ(net.node(i).get("/v1/blocks/" + std::to_string(height))["id"].get<std::string>(), final_id)
          << "node " << i << " replaced final block " << height;
  EXPECT_GE(ledger.blocks().size(), 10u);
}

}  // namespace
}  // namespace lingji::functional
