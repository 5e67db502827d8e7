// A network of real lingjid processes on 127.0.0.1: four nodes, each holding one of the four
// genesis producers' keys, connected over TCP (net/), plus a fifth node without a key that
// joins late and catches up from zero.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "chain/chain_test_util.h"
#include "core/address.h"
#include "tests/functional/harness.h"
#include "tests/functional/network_util.h"

namespace lingji::functional {
namespace {

using namespace lingji::chain;

Json info(const NodeProcess& n) { return n.get("/v1/info"); }

TEST(Network, FourProducerNodesAgreeFinalizeAndAFifthNodeSyncsFromZero) {
  TempDir dir;
  // A genesis whose schedule is four producers, starting two seconds from now.
  std::ifstream in(LINGJI_SOURCE_DIR "/genesis/default.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto genesis = parse_genesis_json(text);
  ASSERT_TRUE(genesis);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  genesis->genesis_time = (now / 1000 + 2) * 1000;
  genesis->producers.clear();
  for (int i = 0; i < 4; ++i) genesis->producers.push_back(dev_key("p" + std::to_string(i)).public_key());
  const auto genesis_file = dir.path() / "genesis.json";
  std::ofstream(genesis_file) << genesis_to_json(*genesis);

  std::vector<std::unique_ptr<NodeProcess>> nodes;
  // Each key's safety file first: a node never creates one itself.
  for (int i = 0; i < 4; ++i) {
    const auto seed_file = dir.path() / ("p" + std::to_string(i) + ".seed");
    std::ofstream(seed_file) << dev_seed("p" + std::to_string(i)).hex();
    init_keys(dir.path() / ("node" + std::to_string(i)), {"--genesis", genesis_file.string(), "--producer-seed-file",
                                                           seed_file.string()});
  }
  for (int i = 0; i < 4; ++i) {
    const auto seed_file = dir.path() / ("p" + std::to_string(i) + ".seed");
    std::vector<std::string> args{"--genesis", genesis_file.string(), "--producer-seed-file", seed_file.string(),
                                  "--listen", "127.0.0.1:0"};
    for (const auto& earlier : nodes) args.insert(args.end(), {"--peer", "127.0.0.1:" + std::to_string(earlier->peer_port())});
    nodes.push_back(std::make_unique<NodeProcess>(dir.path() / ("node" + std::to_string(i)), args, false));
    ASSERT_GT(nodes.back()->peer_port(), 0);
  }

  // Every node finalizes, and all agree on the final blocks.
  wait_until([&] {
    for (const auto& n : nodes)
      if (info(*n)["lib_height"].get<uint64_t>() < 8) return false;
    return true;
  }, "lib_height >= 8 on every node");
  const Json b8 = nodes[0]->get("/v1/blocks/8");
  for (const auto& n : nodes) {
    const Json mine = n->get("/v1/blocks/8");
    EXPECT_EQ(mine["id"], b8["id"]);
    EXPECT_EQ(mine["state_root"], b8["state_root"]);
    const Json i = info(*n);
    // Two-chain finality on a healthy network: the final block trails the head by about two.
    EXPECT_GE(i["lib_height"].get<uint64_t>() + 4, i["head_height"].get<uint64_t>());
  }
  // Every producer produced, and the certificates are in the blocks.
  const Json producers = nodes[0]->get("/v1/producers");
  ASSERT_EQ(producers["schedule"]["producers"].size(), 4u);
  for (const auto& p : producers["schedule"]["producers"]) EXPECT_GT(p["blocks_produced"].get<uint64_t>(), 0u);
  EXPECT_FALSE(b8["justify_certificate"].is_null());

  // A transfer sent to one node is committed, and seen by all.
  const Hash256 chain_id = *Hash256::from(*core::from_hex(info(*nodes[0])["chain_id"].get<std::string>()));
  const PublicKey alice = dev_key("alice").public_key();
  auto tx = testing::make_transfer(chain_id, dev_key("dev"), alice, Amount::ct(7), 0, genesis->genesis_time + 600'000);
  ASSERT_EQ(nodes[3]->post("/v1/transactions", Json{{"transaction", core::to_hex(tx.bytes())}}.dump()), 202);
  const std::string account = "/v1/accounts/" + core::encode_address(alice);
  wait_until([&] {
    for (const auto& n : nodes)
      if (n->get(account)["free"] != "7.00000000") return false;
    return true;
  }, "the transfer on every node");

  // A node without a producer key joins late, catches up from zero and follows the head.
  NodeProcess late(dir.path() / "late",
                   {"--genesis", genesis_file.string(), "--listen", "127.0.0.1:0", "--peer",
                    "127.0.0.1:" + std::to_string(nodes[1]->peer_port())},
                   false);
  const uint64_t target = info(*nodes[0])["head_height"].get<uint64_t>() + 2;
  wait_until([&] { return info(late)["head_height"].get<uint64_t>() >= target; }, "the late node to catch up");
  // Either node may be a few milliseconds ahead of the other: compare once both have the block.
  wait_until([&] { return info(*nodes[0])["head_height"].get<uint64_t>() >= target; }, "node 0 at the target");
  EXPECT_EQ(late.get("/v1/blocks/" + std::to_string(target))["id"],
            nodes[0]->get("/v1/blocks/" + std::to_string(target))["id"]);
  EXPECT_EQ(late.get(account)["free"], "7.00000000");
  EXPECT_FALSE(info(late)["producing"].get<bool>());
}

}  // namespace
}  // namespace lingji::functional
