// Networks of real lingjid processes in which each process holds several producer keys
// (tests/functional/network_harness.h): 21 producers on 4 nodes, and the full 101 on 7, on
// 127.0.0.1. They agree on the head and its state, finalize, and a late node syncs from zero.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "tests/functional/network_harness.h"

namespace lingji::functional {
namespace {

Json info(const NodeProcess& n) { return n.get("/v1/info"); }

template <class Pred>
bool wait_until(Pred pred, int timeout_ms) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// True once every node reports the same head block and head state root at one moment.
bool same_head(TestNetwork& net, std::string* head_id, std::string* state_root) {
  const Json first = info(net.node(0));
  for (size_t i = 1; i < net.size(); ++i) {
    const Json other = info(net.node(i));
    if (other["head_id"] != first["head_id"] || other["head_state_root"] != first["head_state_root"]) return false;
  }
  *head_id = first["head_id"];
  *state_root = first["head_state_root"];
  return true;
}

TEST(ManyProducers, TwentyOneProducersOnFourNodesAgreeFinalizeAndAFifthNodeSyncsFromZero) {
  TempDir dir;
  TestNetwork net(dir.path(), NetworkSpec{{6, 5, 5, 5}, {}, {}});
  // Every producer, on whichever node, produces in its slot: a round is 21 slots (a slot missed
  // while the mesh forms comes again in the next round).
  auto all_produced = [&] {
    const Json producers = net.node(1).get("/v1/producers");
    const Json& schedule = producers["schedule"]["producers"];
    if (schedule.size() != 21u) return false;
    for (const auto& p : schedule)
      if (p["blocks_produced"].get<uint64_t>() == 0) return false;
    return true;
  };
  ASSERT_TRUE(wait_until(all_produced, 60'000)) << "not every producer produced a block";
  std::string head_id, state_root;
  ASSERT_TRUE(wait_until([&] { return same_head(net, &head_id, &state_root); }, 5'000))
      << "the nodes never showed the same head at once";
  for (size_t i = 0; i < net.size(); ++i) {
    const Json in = info(net.node(i));
    EXPECT_GE(in["lib_height"].get<uint64_t>(), 15u) << "node " << i;
    EXPECT_GE(in["lib_height"].get<uint64_t>() + 4, in["head_height"].get<uint64_t>()) << "node " << i;
    EXPECT_TRUE(in["producing"].get<bool>());
  }
  const Json producers = net.node(1).get("/v1/producers");
  std::set<std::string> keys;
  for (const auto& p : producers["schedule"]["producers"]) keys.insert(p["signing_key"].get<std::string>());
  EXPECT_EQ(keys.size(), 21u);
  // Blocks carry certificates of at least 15 votes (the quorum of 21).
  const Json b20 = net.node(2).get("/v1/blocks/20");
  ASSERT_FALSE(b20["justify_certificate"].is_null());
  EXPECT_GE(b20["justify_certificate"]["signers"].size(), 15u);

  // A node without keys joins late, syncs from zero and matches.
  auto late = net.start_follower("late", 3);
  const uint64_t target = info(net.node(0))["head_height"].get<uint64_t>() + 2;
  ASSERT_TRUE(wait_until([&] { return info(*late)["head_height"].get<uint64_t>() >= target; }, 30'000));
  ASSERT_TRUE(wait_until([&] { return info(net.node(0))["head_height"].get<uint64_t>() >= target; }, 5'000));
  const Json theirs = net.node(0).get("/v1/blocks/" + std::to_string(target));
  const Json mine = late->get("/v1/blocks/" + std::to_string(target));
  EXPECT_EQ(mine["id"], theirs["id"]);
  EXPECT_EQ(mine["state_root"], theirs["state_root"]);
  EXPECT_FALSE(info(*late)["producing"].get<bool>());
}

TEST(ManyProducers, OneHundredOneProducersOnSevenNodesFinalizeBlocks) {
  TempDir dir;
  TestNetwork net(dir.path(), NetworkSpec{{15, 15, 15, 14, 14, 14, 14}, {}, {"--log-finality"}});
  const Json producers = net.node(0).get("/v1/producers");
  ASSERT_EQ(producers["schedule"]["producers"].size(), 101u);  // 101 slots per round
  // A round is 101 s at one block a second: watch the first 30 blocks become final.
  constexpr uint64_t kFinal = 30;
  ASSERT_TRUE(wait_until([&] {
    for (size_t i = 0; i < net.size(); ++i)
      if (info(net.node(i))["lib_height"].get<uint64_t>() < kFinal) return false;
    return true;
  }, 80'000)) << "lib_height did not reach " << kFinal << " on every node";
  const Json b = net.node(0).get("/v1/blocks/" + std::to_string(kFinal));
  for (size_t i = 1; i < net.size(); ++i) {
    const Json mine = net.node(i).get("/v1/blocks/" + std::to_string(kFinal));
    EXPECT_EQ(mine["id"], b["id"]) << "node " << i;
    EXPECT_EQ(mine["state_root"], b["state_root"]) << "node " << i;
  }
  // Time to finality: from a block's slot start to each node's seeing it final (lingjid
  // --log-finality), over blocks 3..30 (the first ones wait for the mesh to form).
  std::vector<int64_t> delays;
  for (size_t i = 0; i < net.size(); ++i)
    for (const auto& [height, ms] : finality_delays(net.node(i).log_file()))
      if (height >= 3 && height <= kFinal) delays.push_back(ms);
  ASSERT_GE(delays.size(), net.size() * (kFinal - 2) * 9 / 10);
  std::sort(delays.begin(), delays.end());
  const int64_t median = delays[delays.size() / 2];
  const int64_t p99 = delays[delays.size() * 99 / 100];
  std::printf("time to finality, 101 producers on 7 nodes (Debug): median %lld ms, p99 %lld ms, max %lld ms, n=%zu\n",
              static_cast<long long>(median), static_cast<long long>(p99), static_cast<long long>(delays.back()),
              delays.size());
  ::testing::Test::RecordProperty("finality_median_ms", std::to_string(median));
  ::testing::Test::RecordProperty("finality_p99_ms", std::to_string(p99));
  // Two-chain finality: a block is final when the block two slots later arrives (~2 s); a
  // loaded 2-core machine running a Debug build may stretch that, but not past a few slots.
  EXPECT_LT(median, 4000);
}

}  // namespace
}  // namespace lingji::functional
