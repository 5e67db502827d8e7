#include "chain/chain_test_util.h"

#include <gtest/gtest.h>

#include "chain/dealers/dealer.h"
#include "chain/governance/governance.h"
#include "chain/producers/ejection.h"
#include "chain/producers/producer.h"
#include "chain/token/account.h"
#include "chain/token/token_ops.h"
#include "chain/vesting/listing_ops.h"
#include "chain/vesting/vesting.h"

namespace lingji::chain::testing {

Genesis dev_genesis(TimeMs genesis_time, int32_t utc_offset_minutes) {
  Genesis g;
  g.chain_name = "lingji-test";
  g.genesis_time = genesis_time;
  g.utc_offset_minutes = utc_offset_minutes;
  g.foundation = dev_key("foundation").public_key();
  g.producers = {dev_key("producer").public_key()};
  g.params.resource_window_ms = 60'000;  // as genesis/default.json: a dev chain's accounts refill in a minute
  auto add = [&](Category c, const char* key, int64_t ct) {
    g.allocations.push_back({c, key, dev_key(key).public_key(), Amount::ct(ct)});
  };
  add(Category::kCornerstoneAngel, "cornerstone", 1'000'000'000);
  add(Category::kDealers, "dealers", 1'000'000'000);
  add(Category::kTeam, "team", 1'500'000'000);
  add(Category::kFoundation, "foundation", 1'500'000'000);
  add(Category::kCommunityRewards, "community-rewards", 1'000'000'000);
  add(Category::kCommunityCirculation, "community", 3'999'000'000);
  add(Category::kCommunityCirculation, "dev", 1'000'000);
  return g;
}

Chain::Produced produce_at(Chain& chain, const std::vector<SignedTransaction>& txs, TimeMs time,
                           const core::PrivateKey& key) {
  auto p = chain.produce_block(txs, chain.slot_at(time), key);
  EXPECT_TRUE(p) << p.error().message;
  if (!p) return {};
  return std::move(*p);
}

core::Status run_operation(State& state, const Genesis& genesis, TimeMs time, const PublicKey& sender,
                           const Operation& op, ChangeSet* dropped) {
  StateOverlay s(state);
  ApplyContext ctx{genesis, time, sender};
  core::Status st = std::visit([&](const auto& o) { return check(o, sender); }, op);
  if (st) st = std::visit([&](const auto& o) { return apply(s, o, ctx); }, op);
  if (st) {
    (void)state.apply(s.take_writes());
  } else if (dropped) {
    *dropped = s.take_writes();
  }
  return st;
}

std::vector<std::pair<Bytes, Bytes>> entries_of(const State& s) {
  std::vector<std::pair<Bytes, Bytes>> out;
  s.for_each({}, [&](const Bytes& k, const Bytes& v) { out.emplace_back(k, v); });
  return out;
}

SignedTransaction make_tx(const Hash256& chain_id, const core::PrivateKey& from, uint64_t sequence,
                          TimeMs expiration, std::vector<Operation> ops) {
  TransactionBody body;
  body.chain_id = chain_id;
  body.expiration = expiration;
  body.sender = from.public_key();
  body.sequence = sequence;
  body.operations = std::move(ops);
  return SignedTransaction::sign(std::move(body), from);
}

SignedTransaction make_transfer(const Hash256& chain_id, const core::PrivateKey& from, const PublicKey& to,
                                Amount amount, uint64_t sequence, TimeMs expiration, std::string memo) {
  return make_tx(chain_id, from, sequence, expiration, {Transfer{to, amount, std::move(memo)}});
}

uint64_t declare_listing_by_committee(Chain& chain, const std::vector<core::PrivateKey>& producers,
                                      const std::string& exchange) {
  auto produce = [&](const std::vector<SignedTransaction>& txs) {
    const uint64_t slot = chain.head().slot + 1;
    auto who = chain.producer_at(slot);
    for (const auto& k : producers) {
      if (!who || k.public_key() != *who) continue;
      auto p = chain.produce_block(txs, slot, k);
      EXPECT_TRUE(p) << p.error().message;
      if (p) {
        EXPECT_TRUE(p->rejected.empty()) << p->rejected[0].second.name << ": " << p->rejected[0].second.message;
      }
      return;
    }
    ADD_FAILURE() << "the schedule names no key of the given producers for slot " << slot;
  };
  const uint64_t id = next_proposal_id(chain.state());
  const uint64_t decide = chain.head().height + 2;  // proposed and approved in one block, declared in the next
  const TimeMs expiration = chain.slot_time(chain.head().slot + 1) + 60'000;
  std::vector<SignedTransaction> txs;
  auto sequence = [&](const core::PrivateKey& k) { return load_account(chain.state(), k.public_key()).sequence; };
  txs.push_back(make_tx(chain.chain_id(), producers.at(0), sequence(producers[0]), expiration,
                        {GovernanceProposeListing{exchange, {decide, decide}, "listed"}}));
  const size_t needed = approval_threshold(committee(chain.state()).size());
  for (size_t i = 1; i < needed; ++i)
    txs.push_back(make_tx(chain.chain_id(), producers[i], sequence(producers[i]), expiration, {GovernanceApprove{id}}));
  produce(txs);
  produce({});
  auto listing = load_listing(chain.state());
  EXPECT_TRUE(listing && listing->exchange == exchange && chain.head().height == decide) << "the listing was not declared";
  return listing ? decide : 0;
}

}  // namespace lingji::chain::testing
