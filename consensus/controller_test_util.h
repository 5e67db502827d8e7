// controller_test_util.h: the fixtures the consensus tests share: one dev-chain Controller
// (ControllerTest), four producers' Controllers exchanging blocks and votes by hand
// (FourProducersTest), and the parts of a node built directly, without the facade (PartsTest).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "chain/chain_test_util.h"
#include "chain/token/account.h"
#include "consensus/controller.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

inline constexpr core::TimeMs kT0 = 1'790'000'000'000;

// A directory under the temp directory named after the running test (and this process).
inline std::filesystem::path test_dir(const std::string& prefix) {
  return std::filesystem::temp_directory_path() /
         (prefix + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = test_dir("lingji-ctl-");
    std::filesystem::remove_all(dir);
    reopen();
  }
  void TearDown() override {
    ctl.reset();
    std::filesystem::remove_all(dir);
  }
  void reopen() {
    ctl.reset();
    ControllerOptions o;
    o.data_dir = dir;
    o.genesis = genesis;
    o.producer_keys = {chain::dev_key("producer")};
    o.init_keys_of_new_chain = true;  // a test chain: its key is new
    auto opened = Controller::open(std::move(o));
    ASSERT_TRUE(opened) << opened.error().message;
    ctl = std::move(*opened);
  }
  core::Hash256 chain_id() const { return genesis.chain_id(); }
  core::Amount balance(const core::PublicKey& k) {
    return ctl->read([&](const chain::Chain& c, const storage::BlockStore&) { return chain::load_account(c.state(), k).balance; });
  }
  core::Error submit_error(const chain::SignedTransaction& tx) {
    auto r = ctl->submit(tx.bytes(), kT0 + 500);
    EXPECT_FALSE(r);
    return r ? core::Error{} : r.error();
  }

  chain::Genesis genesis = chain::testing::dev_genesis(kT0);
  std::filesystem::path dir;
  std::unique_ptr<Controller> ctl;
  core::PrivateKey dev = chain::dev_key("dev");
  core::PublicKey bob = chain::dev_key("bob").public_key();
};

// Follows a node's chain from its events alone (chain_events.h): the ids of its blocks by
// height, and the CT each account received through the events. A committed block must extend
// what it saw, a reverted one must be its newest.
class MirrorObserver : public ChainObserver {
 public:
  void on_chain_events(const std::vector<ChainEvent>& batch) override {
    std::lock_guard lock(mu);
    for (const auto& e : batch) {
      if (e.kind == ChainEvent::Kind::kCommitted) {
        if (e.header.height != ids.size() + 1) out_of_order = true;
        ids.push_back(e.id);
        moves.push_back(e.events.moves());
      } else {
        if (ids.empty() || ids.back() != e.id) out_of_order = true;
        if (!ids.empty()) ids.pop_back(), moves.pop_back();
        ++reverted;
      }
    }
  }
  // The ids of node's blocks 1..head, read from its store.
  static std::vector<core::Hash256> chain_ids(const Controller& node) {
    return node.read([](const chain::Chain& c, const storage::BlockStore& s) {
      std::vector<core::Hash256> out;
      for (uint64_t h = 1; h <= c.head().height; ++h) out.push_back(s.header_at(h)->id());
      return out;
    });
  }

  std::mutex mu;
  std::vector<core::Hash256> ids;
  std::vector<std::vector<chain::BalanceMove>> moves;  // per block, as ids
  size_t reverted = 0;
  bool out_of_order = false;
};

// A controller in dir for genesis g holding the given producer keys.
inline std::unique_ptr<Controller> open_producer(const std::filesystem::path& dir, const chain::Genesis& g,
                                                 std::vector<core::PrivateKey> keys) {
  ControllerOptions o;
  o.data_dir = dir;
  o.genesis = g;
  o.producer_keys = std::move(keys);
  o.init_keys_of_new_chain = true;  // a test chain: its keys are new
  auto opened = Controller::open(std::move(o));
  EXPECT_TRUE(opened) << opened.error().message;
  return opened ? std::move(*opened) : nullptr;
}

// Four producers' controllers, one key "p<i>" each, exchanging blocks and votes by hand; a link
// between two nodes can be cut.
class FourProducersTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 4;
  void SetUp() override {
    g = chain::testing::dev_genesis(kT0);
    g.producers.clear();
    for (int i = 0; i < kNodes; ++i) g.producers.push_back(chain::dev_key("p" + std::to_string(i)).public_key());
    base = test_dir("lingji-ctl-");
    std::filesystem::remove_all(base);
    for (int i = 0; i < kNodes; ++i) {
      nodes[i] = open_producer(base / std::to_string(i), g, {chain::dev_key("p" + std::to_string(i))});
      ASSERT_TRUE(nodes[i]);
      nodes[i]->set_vote_listener([this, i](const chain::finality::SignedVote& v) { outbox[i].push_back(v); });
      mirrors[i] = std::make_shared<MirrorObserver>();
      nodes[i]->subscribe(mirrors[i]);
    }
  }
  void TearDown() override {
    for (auto& n : nodes) n.reset();
    std::filesystem::remove_all(base);
  }
  bool linked(int a, int b) const { return !partitioned || (a < 3 && b < 3); }
  std::tuple<uint64_t, core::Hash256, uint64_t, core::Hash256> head_of(int i) const {
    return nodes[i]->read([](const chain::Chain& c, const storage::BlockStore&) {
      return std::tuple{c.head().height, c.head_id(), c.final_block().height, c.final_block().id};
    });
  }
  void deliver_votes() {
    for (int round = 0; round < 2; ++round)  // a vote can make a node vote in turn
      for (int from = 0; from < kNodes; ++from) {
        auto out = std::move(outbox[from]);
        outbox[from].clear();
        for (const auto& v : out)
          for (int to = 0; to < kNodes; ++to)
            if (to != from && linked(from, to)) (void)nodes[to]->add_vote(v);
      }
  }
  // The producer of `slot` in node `viewer`'s view.
  int producer_of(int viewer, uint64_t slot) const {
    const auto key =
        *nodes[viewer]->read([&](const chain::Chain& c, const storage::BlockStore&) { return c.producer_at(slot); });
    int p = 0;
    while (chain::dev_key("p" + std::to_string(p)).public_key() != key) ++p;
    return p;
  }
  // The block of `slot` by its producer in node 0's view, sent to every node linked to it.
  void run_slot(uint64_t slot) {
    const core::TimeMs t = kT0 + 1000 * slot;
    const int p = producer_of(0, slot);
    if (!linked(0, p)) return;  // cut off: a missed slot on the majority's branch
    auto block = nodes[p]->produce(t);
    ASSERT_TRUE(block) << "slot " << slot << ": " << block.error().message;
    last_block = *block;
    for (int j = 0; j < kNodes; ++j) {
      if (j == p || !linked(p, j)) continue;
      auto accepted = nodes[j]->accept_block(*block, t);
      ASSERT_TRUE(accepted) << accepted.error().message;
    }
    deliver_votes();
  }

  chain::Genesis g;
  std::filesystem::path base;
  std::unique_ptr<Controller> nodes[kNodes];
  std::vector<chain::finality::SignedVote> outbox[kNodes];
  std::shared_ptr<MirrorObserver> mirrors[kNodes];
  bool partitioned = false;
  chain::Block last_block;
};

// The parts of one node built directly, as Controller::open builds them, on a fresh data
// directory for the dev genesis (its one producer is dev_key("producer")), without the facade
// or its lock, through NodeParts: the same wiring as the node's. head_changes() counts the
// after_head_change calls of the parts built last.
class PartsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = test_dir("lingji-parts-");
    std::filesystem::remove_all(dir);
    auto opened = storage::BlockStore::open(dir, false);
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    node_chain = std::make_unique<chain::Chain>(genesis);
    build({chain::dev_key("producer")});
  }
  void TearDown() override {
    parts_reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  void parts_reset() { parts.reset(); }
  // (Re)builds every part with these producer keys, wired as the node wires them.
  void build(std::vector<core::PrivateKey> producer_keys) {
    parts_reset();
    // The test's keys are new: each gets its safety file here (a node never creates one itself).
    for (const auto& k : producer_keys) {
      const auto fin = node_chain->final_block();
      (void)SafetyStore::create(dir / "safety", k.public_key(), chain::finality::SafetyState::initial(fin.slot, fin.id));
    }
    parts = std::make_unique<NodeParts>(*node_chain, *store, producer_keys, dir / "safety", 100);
    keys = parts->keys.get();
    admission = parts->admission.get();
    watch = parts->watch.get();
    votes = parts->votes.get();
    fork_choice = parts->fork_choice.get();
    producer = parts->producer.get();
  }
  uint64_t head_changes() const { return parts->head_changes; }
  core::Hash256 chain_id() const { return genesis.chain_id(); }

  chain::Genesis genesis = chain::testing::dev_genesis(kT0);
  std::filesystem::path dir;
  std::unique_ptr<storage::BlockStore> store;
  std::unique_ptr<chain::Chain> node_chain;
  std::unique_ptr<NodeParts> parts;
  ProducerKeys* keys = nullptr;  // parts' own, by their names in the tests
  Admission* admission = nullptr;
  EquivocationWatch* watch = nullptr;
  VoteCollector* votes = nullptr;
  ForkChoice* fork_choice = nullptr;
  BlockProducer* producer = nullptr;
};

// PartsTest on a genesis of four producers p0..p3 whose keys this one node holds: each block it
// produces is certified by its own four votes, so finality follows two blocks behind the head.
class FourKeyPartsTest : public PartsTest {
 protected:
  void SetUp() override {
    genesis.producers.clear();
    for (int i = 0; i < 4; ++i) {
      keys4.push_back(chain::dev_key("p" + std::to_string(i)));
      genesis.producers.push_back(keys4.back().public_key());
    }
    PartsTest::SetUp();
    build(keys4);
  }
  // Produces the block of `slot` and votes on it with the four keys.
  void produce_and_vote(uint64_t slot) {
    auto made = producer->produce(kT0 + 1000 * slot);
    ASSERT_TRUE(made) << "slot " << slot << ": " << made.error().message;
    EXPECT_EQ(votes->vote_on_head().size(), 4u);
  }
  const core::PrivateKey& key_of(int i) const { return keys4[i]; }

  std::vector<core::PrivateKey> keys4;
};

}  // namespace lingji::consensus
