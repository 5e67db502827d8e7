// crash_test.cpp: SIGKILL the node again and again while transfers pour in. After every restart
// each transaction the API had reported committed is still committed in the same block, the
// stored state matches the head's state root (the node refuses to start otherwise), no CT was
// created or lost, and a full replay reproduces every state root.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "chain/chain_test_util.h"
#include "core/address.h"
#include "core/hash.h"
#include "tests/functional/harness.h"

namespace lingji::functional {
namespace {

using namespace lingji::chain;

TEST(CrashTest, KillNineUnderLoadLosesNoCommittedTransaction) {
  TempDir tmp;
  auto data = tmp.path() / "node";
  NodeProcess node(data, {"--no-sync"});  // a killed process must not lose what RocksDB's WAL has, even unsynced
  Hash256 chain_id = *Hash256::from(*core::from_hex(node.get("/v1/info")["chain_id"].get<std::string>()));
  auto dev = dev_key("dev");
  std::vector<PublicKey> recipients;
  for (int i = 0; i < 20; ++i) recipients.push_back(dev_key("crash-recipient-" + std::to_string(i)).public_key());

  std::map<std::string, uint64_t> committed;  // tx id -> block height, as reported before a kill
  std::mt19937 rng(42);
  uint64_t sequence = 0;
  for (int round = 0; round < 5; ++round) {
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::string> submitted;  // guarded by mu
    std::thread load([&] {
      Json info = node.get("/v1/info");
      int64_t expiration = info["head_time_ms"].get<int64_t>() + 600'000;
      while (!stop) {
        auto tx = testing::make_transfer(chain_id, dev, recipients[sequence % recipients.size()], Amount::ct(1), sequence,
                                         expiration);
        Json answer;
        try {
          if (node.post("/v1/transactions", Json{{"transaction", core::to_hex(tx.bytes())}}.dump(), &answer) == 202) {
            std::lock_guard lock(mu);
            submitted.push_back(tx.id().hex());
            ++sequence;
          } else {
            // e.g. a pending one was lost with the mempool at the kill: resync the sequence
            sequence = node.get("/v1/accounts/" + core::encode_address(dev.public_key()))["next_sequence"];
          }
        } catch (const std::exception&) {
          return;  // the node is gone
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500 + rng() % 1500));
    // What the node says is committed, just before it dies.
    std::vector<std::string> so_far;
    {
      std::lock_guard lock(mu);
      so_far = submitted;
    }
    // Every transaction of the last second before the kill, and a sample of the earlier ones.
    for (size_t i = 0; i < so_far.size(); ++i) {
      if (i + 300 < so_far.size() && i % 20 != 0) continue;
      const std::string& id = so_far[i];
      try {
        Json t = node.get("/v1/transactions/" + id);
        if (t.value("status", "") == "committed") committed[id] = t["block_height"];
      } catch (const std::exception&) {
      }
    }
    node.kill9();
    stop = true;
    load.join();
    node.start();  // refuses to start if the stored state does not match the head's state root
    sequence = node.get("/v1/accounts/" + core::encode_address(dev.public_key()))["next_sequence"];
    for (const auto& [id, height] : committed) {
      Json t = node.get("/v1/transactions/" + id);
      ASSERT_EQ(t["status"], "committed") << id << " " << t.dump() << " round " << round << " head " << node.get("/v1/info").dump();
      ASSERT_EQ(t["block_height"], height) << id;
    }
  }
  ASSERT_GT(committed.size(), 20u) << "the load did not get enough transactions in";
  // No CT created or lost: the dev account and the recipients hold exactly the dev's allocation.
  int64_t total = 0;
  for (const auto& r : recipients)
    total += core::Amount::parse(node.get("/v1/accounts/" + core::encode_address(r))["balance"].get<std::string>())->units();
  Json dev_account = node.get("/v1/accounts/" + core::encode_address(dev.public_key()));
  total += core::Amount::parse(dev_account["balance"].get<std::string>())->units();
  EXPECT_EQ(total, Amount::ct(1'000'000).units());
  EXPECT_EQ(Amount::ct(1'000'000).units() - core::Amount::parse(dev_account["balance"].get<std::string>())->units(),
            Amount::ct(1).units() * static_cast<int64_t>(dev_account["sequence"].get<uint64_t>()));
  std::string head_root = node.get("/v1/info")["head_state_root"];
  node.stop();
  auto replay = run_binary("lingjid", {"--replay", "--data-dir", data.string()});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("every state root matched"), std::string::npos);
  node.start();
  EXPECT_EQ(node.get("/v1/blocks/head")["state_root"], head_root);
}

}  // namespace
}  // namespace lingji::functional
