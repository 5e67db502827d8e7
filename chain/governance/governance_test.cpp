// governance_test.cpp: the governance committee (R14) and the block rewards: who may propose and
// approve, the more-than-two-thirds rule, expiry, enactment at the effective height and not
// before, parameter validation, the listing declared by the committee, block-interval changes
// with consistent slot times, and rewards paid from the fee pool without creating CT.
//
// Every block produced on `chain` is replayed on `replica` with apply_block, so each rule is also
// checked to be deterministic and identical for a validator.
#include "chain/governance/governance.h"

#include <gtest/gtest.h>

#include <map>

#include "chain/chain.h"
#include "chain/chain_errors.h"
#include "chain/chain_test_util.h"
#include "chain/consensus_test_util.h"
#include "chain/producers/ejection.h"
#include "chain/token/account.h"
#include "chain/vesting/vesting.h"

namespace lingji::chain {
namespace {

using testing::make_tx;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21

std::vector<core::PrivateKey> producer_keys(int n) {
  std::vector<core::PrivateKey> out;
  for (int i = 0; i < n; ++i) out.push_back(dev_key("p" + std::to_string(i)));
  return out;
}

// The default allocation with n bootstrap producers p0..p(n-1); pool_units of the community
// circulation go to the fee pool.
Genesis governance_genesis(int n, int64_t pool_units = 0) {
  Genesis g = testing::dev_genesis(kT0);
  g.producers.clear();
  for (const auto& k : producer_keys(n)) g.producers.push_back(k.public_key());
  if (pool_units > 0) {
    for (auto& a : g.allocations)
      if (a.name == "community") a.amount = Amount::units(a.amount.units() - pool_units);
    g.allocations.push_back({Category::kCommunityCirculation, "fee pool", fee_pool_account(), Amount::units(pool_units)});
  }
  EXPECT_TRUE(g.validate());
  return g;
}

int64_t total_balances(const State& s) {
  int64_t sum = 0;
  s.for_each(Bytes{'A'}, [&](const Bytes& k, const Bytes&) {
    sum += load_account(s, *PublicKey::from(ByteView(k).subspan(1))).balance.units();
  });
  return sum;
}

std::string name(const core::Status& st) { return st ? "ok" : st.error().name; }

class GovernanceTest : public ::testing::Test {
 protected:
  explicit GovernanceTest(int n = 4, int64_t pool_units = 0)
      : keys(producer_keys(n)), genesis(governance_genesis(n, pool_units)), chain(genesis), replica(genesis) {}

  const core::PrivateKey& p(size_t i) const { return keys.at(i); }
  uint64_t height() const { return chain.head().height; }
  const core::PrivateKey& key_of(const PublicKey& pk) const {
    for (const auto& k : keys)
      if (k.public_key() == pk) return k;
    return outsider;
  }

  // Produces the next slot's block with `txs` and replays it on the replica; returns the errors
  // of the transactions left out (in order), "ok" for those included.
  std::vector<std::string> block(const std::vector<SignedTransaction>& txs = {}) {
    const uint64_t slot = chain.head().slot + 1;
    auto who = chain.producer_at(slot);
    EXPECT_TRUE(who);
    auto produced = chain.produce_block(txs, slot, key_of(*who));
    EXPECT_TRUE(produced) << produced.error().message;
    std::vector<std::string> out;
    if (!produced) return out;
    for (const auto& tx : txs) {
      std::string result = "ok";
      for (const auto& [id, err] : produced->rejected)
        if (id == tx.id()) result = err.name;
      out.push_back(result);
    }
    auto r = replica.apply_block(*Block::decode(produced->block.encode()), false);
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_EQ(replica.head().state_root, chain.head().state_root);
    return out;
  }
  // One transaction of `from` in the next block: "ok" or the error that left it out.
  std::string send(const core::PrivateKey& from, std::vector<Operation> ops) {
    const uint64_t seq = load_account(chain.state(), from.public_key()).sequence;
    auto tx = make_tx(chain.chain_id(), from, seq, chain.slot_time(chain.head().slot + 1) + 60'000, std::move(ops));
    return block({tx}).at(0);
  }
  void blocks_until(uint64_t h) {
    while (height() < h) block();
  }
  // Proposes `changes` from p(proposer); returns the new proposal's id (0 if refused).
  uint64_t propose(size_t proposer, std::vector<ParamChange> changes, uint64_t effective, uint64_t expires) {
    const uint64_t id = next_proposal_id(chain.state());
    const std::string r = send(p(proposer), {GovernancePropose{std::move(changes), {effective, expires}, "test"}});
    EXPECT_EQ(r, "ok");
    return r == "ok" ? id : 0;
  }
  ProposalStatus status(uint64_t id) const { return load_proposal(chain.state(), id).value().status; }
  GovernedParams params() const { return load_params(chain.state()); }

  std::vector<core::PrivateKey> keys;
  core::PrivateKey outsider = dev_key("outsider");
  Genesis genesis;
  Chain chain;
  Chain replica;
};

TEST(GovernanceThresholdTest, MoreThanTwoThirdsOfTheCommittee) {
  const std::pair<size_t, size_t> cases[] = {{1, 1}, {2, 2}, {3, 3}, {4, 3}, {6, 5}, {7, 5}, {21, 15}, {100, 67}, {101, 68}};
  for (auto [n, want] : cases) {
    EXPECT_EQ(approval_threshold(n), want) << n;
    EXPECT_GT(3 * approval_threshold(n), 2 * n) << n;
    EXPECT_LE(3 * (approval_threshold(n) - 1), 2 * n) << n;
  }
}

TEST_F(GovernanceTest, GenesisParametersAndErrorCodes) {
  const GovernedParams gp = params();
  EXPECT_EQ(gp.bet_fee_min_bp, 100u);
  EXPECT_EQ(gp.bet_fee_max_bp, 500u);
  EXPECT_EQ(gp.bet_fee_default_bp, 500u);
  EXPECT_EQ(gp.bet_min, Amount::units(10'000'000));
  EXPECT_EQ(gp.bet_max, Amount::ct(200));
  EXPECT_EQ(gp.block_interval_ms, genesis.params.block_interval_ms);
  EXPECT_TRUE(validate_params(gp));
  EXPECT_EQ(committee(chain.state()).size(), 4u);
  EXPECT_EQ(ChainErrorRef("governance.not_committee_member").def->code, 2801);
  EXPECT_EQ(ChainErrorRef("governance.bad_description").def->code, 2809);
  EXPECT_EQ(ChainErrorRef("listing.moved_to_committee").def->code, 2204);
}

TEST_F(GovernanceTest, ExactlyTwoThirdsNeverTakesEffect) {
  // n = 4: floor(2n/3) = 2 approvals (the proposer's and one more) are not enough.
  const uint64_t id = propose(0, {{ParamId::kBetFeeDefaultBp, 200}}, height() + 6, height() + 4);
  ASSERT_NE(id, 0u);
  ASSERT_EQ(send(p(1), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(counted_approvals(chain.state(), *load_proposal(chain.state(), id)), 2u);
  EXPECT_EQ(status(id), ProposalStatus::kPending);
  const uint64_t expires = load_proposal(chain.state(), id)->heights.expires_height;
  blocks_until(expires - 1);
  EXPECT_EQ(status(id), ProposalStatus::kPending);
  block();  // the expiry block
  EXPECT_EQ(status(id), ProposalStatus::kExpired);
  EXPECT_EQ(load_proposal(chain.state(), id)->decided_height, expires);
  blocks_until(expires + 5);
  EXPECT_EQ(params().bet_fee_default_bp, 500u);
  // An expired proposal takes no more approvals.
  EXPECT_EQ(send(p(2), {GovernanceApprove{id}}), "governance.not_pending");
}

TEST_F(GovernanceTest, MoreThanTwoThirdsTakesEffectAtTheEffectiveHeightAndNotBefore) {
  // Approvals count in the blocks before the expiry height.
  const uint64_t effective = height() + 8;
  const uint64_t id = propose(1, {{ParamId::kBetFeeDefaultBp, 200}, {ParamId::kBetMax, Amount::ct(150).units()}},
                              effective, height() + 4);
  ASSERT_NE(id, 0u);
  ASSERT_EQ(send(p(2), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(status(id), ProposalStatus::kPending);
  ASSERT_EQ(send(p(3), {GovernanceApprove{id}}), "ok");  // 3 of 4
  EXPECT_EQ(status(id), ProposalStatus::kApproved);
  EXPECT_EQ(load_proposal(chain.state(), id)->decided_height, height());
  EXPECT_EQ(send(p(0), {GovernanceApprove{id}}), "governance.not_pending");
  blocks_until(effective - 1);
  EXPECT_EQ(params().bet_fee_default_bp, 500u);
  EXPECT_EQ(params().bet_max, Amount::ct(200));
  block();
  EXPECT_EQ(height(), effective);
  EXPECT_EQ(params().bet_fee_default_bp, 200u);
  EXPECT_EQ(params().bet_max, Amount::ct(150));
  EXPECT_EQ(params().bet_fee_min_bp, 100u);  // untouched
  auto enacted = load_proposal(chain.state(), id);
  EXPECT_EQ(enacted->status, ProposalStatus::kEnacted);
  EXPECT_EQ(enacted->decided_height, effective);
}

TEST_F(GovernanceTest, OnlyActiveProducersProposeAndApprove) {
  const ProposalHeights hs{height() + 5, height() + 5};
  EXPECT_EQ(send(outsider, {GovernancePropose{{{ParamId::kBetFeeDefaultBp, 200}}, hs, ""}}),
            "governance.not_committee_member");
  EXPECT_EQ(send(dev_key("foundation"), {GovernanceProposeListing{"Huobi", hs, ""}}), "governance.not_committee_member");
  const uint64_t id = propose(0, {{ParamId::kBetFeeDefaultBp, 200}}, height() + 5, height() + 5);
  EXPECT_EQ(send(outsider, {GovernanceApprove{id}}), "governance.not_committee_member");
  EXPECT_EQ(send(p(1), {GovernanceApprove{id + 1}}), "governance.unknown_proposal");
  EXPECT_EQ(load_proposal(chain.state(), id)->approvals, std::vector<PublicKey>{p(0).public_key()});
  EXPECT_FALSE(load_proposal(chain.state(), id + 1));
}

TEST_F(GovernanceTest, DoubleApprovalIsRefusedAndAnApprovalCanBeTakenBack) {
  const uint64_t id = propose(0, {{ParamId::kBlockReward, 0}}, height() + 15, height() + 15);
  EXPECT_EQ(send(p(0), {GovernanceApprove{id}}), "governance.already_approved");
  // Two approvals in one transaction: the second fails and takes the first with it.
  EXPECT_EQ(send(p(1), {GovernanceApprove{id}, GovernanceApprove{id}}), "governance.already_approved");
  EXPECT_EQ(load_proposal(chain.state(), id)->approvals.size(), 1u);
  ASSERT_EQ(send(p(1), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(send(p(1), {GovernanceApprove{id}}), "governance.already_approved");
  EXPECT_EQ(load_proposal(chain.state(), id)->approvals.size(), 2u);
  EXPECT_EQ(send(p(2), {GovernanceUnapprove{id}}), "governance.not_approved");
  ASSERT_EQ(send(p(1), {GovernanceUnapprove{id}}), "ok");
  ASSERT_EQ(send(p(2), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(status(id), ProposalStatus::kPending);  // p0 and p2: 2 of 4
  ASSERT_EQ(send(p(1), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(status(id), ProposalStatus::kApproved);
  EXPECT_EQ(send(p(1), {GovernanceUnapprove{id}}), "governance.not_pending");
}

TEST_F(GovernanceTest, InvalidParametersAndHeightsAreRefused) {
  const uint64_t h = height();
  auto propose_error = [&](std::vector<ParamChange> changes, ProposalHeights hs = {}, std::string description = "") {
    if (hs.expires_height == 0) hs = {height() + 5, height() + 5};
    GovernancePropose op{std::move(changes), hs, std::move(description)};
    const std::string stateless = name(check(op, p(0).public_key()));
    const std::string applied = send(p(0), {op});
    EXPECT_TRUE(stateless == "ok" || stateless == applied) << stateless << " vs " << applied;
    return applied;
  };
  EXPECT_EQ(propose_error({}), "governance.bad_param");
  EXPECT_EQ(propose_error({{static_cast<ParamId>(99), 1}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBetFeeMaxBp, 10'001}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBetFeeMinBp, -1}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBetFeeMinBp, 600}}), "governance.bad_param");      // min > default 500
  EXPECT_EQ(propose_error({{ParamId::kBetFeeDefaultBp, 50}}), "governance.bad_param");   // default < min 100
  EXPECT_EQ(propose_error({{ParamId::kBetMin, 0}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBetMin, Amount::ct(201).units()}}), "governance.bad_param");  // > bet_max
  EXPECT_EQ(propose_error({{ParamId::kBetMax, Amount::kMaxMoney + 1}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBlockIntervalMs, 99}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBlockIntervalMs, 60'001}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBlockReward, -1}}), "governance.bad_param");
  EXPECT_EQ(propose_error({{ParamId::kBlockReward, 1}, {ParamId::kBlockReward, 2}}), "governance.bad_param");
  // Heights: expiry after this block, effect at or after expiry, both within their bounds.
  const ParamChange ok{ParamId::kBetFeeDefaultBp, 300};
  EXPECT_EQ(propose_error({ok}, {height() + 5, height() + 6}), "governance.bad_heights");
  EXPECT_EQ(propose_error({ok}, {height() + 1, height() + 1}), "governance.bad_heights");  // expires in its own block
  EXPECT_EQ(propose_error({ok}, {height() + 2 + kMaxVotingBlocks, height() + 2 + kMaxVotingBlocks}),
            "governance.bad_heights");
  EXPECT_EQ(propose_error({ok}, {height() + 3 + kMaxEnactDelayBlocks, height() + 2}), "governance.bad_heights");
  EXPECT_EQ(propose_error({ok}, {}, std::string(257, 'd')), "governance.bad_description");
  EXPECT_EQ(propose_error({ok}, {}, "line\nbreak"), "governance.bad_description");
  EXPECT_EQ(next_proposal_id(chain.state()), 1u);  // nothing was stored
  EXPECT_EQ(propose_error({ok}, {height() + 2, height() + 2}), "ok");
  // A wider fee range in one proposal is fine when the result is consistent.
  EXPECT_EQ(propose_error({{ParamId::kBetFeeMaxBp, 800}, {ParamId::kBetFeeDefaultBp, 700}}), "ok");
  EXPECT_GT(height(), h);
}

TEST_F(GovernanceTest, EnactmentJudgesTheParametersOfThatMoment) {
  // A: default 300 and max 300; B: default 400. Each is valid alone; after A, B is not.
  const uint64_t base = height();
  const uint64_t a = propose(0, {{ParamId::kBetFeeDefaultBp, 300}, {ParamId::kBetFeeMaxBp, 300}}, base + 9, base + 8);
  const uint64_t b = propose(1, {{ParamId::kBetFeeDefaultBp, 400}}, base + 10, base + 8);
  for (size_t i : {1, 2}) ASSERT_EQ(send(p(i), {GovernanceApprove{a}}), "ok");
  for (size_t i : {2, 3}) ASSERT_EQ(send(p(i), {GovernanceApprove{b}}), "ok");
  blocks_until(load_proposal(chain.state(), b)->heights.effective_height);
  EXPECT_EQ(status(a), ProposalStatus::kEnacted);
  auto pb = load_proposal(chain.state(), b);
  EXPECT_EQ(pb->status, ProposalStatus::kFailed);
  EXPECT_NE(pb->note.find("bet_fee_default_bp"), std::string::npos) << pb->note;
  EXPECT_EQ(params().bet_fee_default_bp, 300u);
  EXPECT_EQ(params().bet_fee_max_bp, 300u);
}

TEST_F(GovernanceTest, ProposalsAreListedNewestFirstAndEachMemberHasAtMostFourOpen) {
  for (int i = 0; i < 4; ++i) ASSERT_NE(propose(2, {{ParamId::kBlockReward, i}}, height() + 50, height() + 40), 0u);
  EXPECT_EQ(send(p(2), {GovernancePropose{{{ParamId::kBlockReward, 9}}, {height() + 50, height() + 40}, ""}}),
            "governance.too_many_open");
  ASSERT_NE(propose(3, {{ParamId::kBlockReward, 7}}, height() + 50, height() + 40), 0u);
  auto all = list_proposals(chain.state(), 0, 100);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].id, 5u);
  EXPECT_EQ(all[0].proposer, p(3).public_key());
  EXPECT_EQ(all[4].id, 1u);
  EXPECT_EQ(all[4].changes, (std::vector<ParamChange>{{ParamId::kBlockReward, 0}}));
  EXPECT_EQ(all[4].description, "test");
  EXPECT_EQ(all[4].kind, ProposalKind::kParams);
  auto page = list_proposals(chain.state(), 4, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, 3u);
  EXPECT_EQ(page[1].id, 2u);
  // Once a proposal is decided, its proposer may open another.
  blocks_until(all[0].heights.expires_height);
  EXPECT_EQ(status(1), ProposalStatus::kExpired);
  EXPECT_NE(propose(2, {{ParamId::kBlockReward, 9}}, height() + 5, height() + 5), 0u);
}

TEST_F(GovernanceTest, TheCommitteeDeclaresTheListingOnce) {
  // The foundation's declare_listing is retired.
  EXPECT_EQ(send(dev_key("foundation"), {DeclareListing{"Huobi"}}), "listing.moved_to_committee");
  EXPECT_EQ(send(p(0), {GovernanceProposeListing{"bad\x01name", {height() + 5, height() + 5}, ""}}),
            "listing.bad_exchange_name");
  EXPECT_FALSE(load_listing(chain.state()));
  const uint64_t id = next_proposal_id(chain.state());
  const uint64_t effective = height() + 6;
  ASSERT_EQ(send(p(3), {GovernanceProposeListing{"Huobi Global", {effective, height() + 4}, "listed on Huobi"}}), "ok");
  ASSERT_EQ(send(p(0), {GovernanceApprove{id}}), "ok");
  ASSERT_EQ(send(p(1), {GovernanceApprove{id}}), "ok");
  EXPECT_EQ(status(id), ProposalStatus::kApproved);
  blocks_until(effective - 1);
  EXPECT_FALSE(load_listing(chain.state()));
  block();
  auto listing = load_listing(chain.state());
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->exchange, "Huobi Global");
  EXPECT_EQ(listing->listed_at, chain.head().timestamp);
  EXPECT_EQ(status(id), ProposalStatus::kEnacted);
  // The monthly unlocks of the team's lock have started: the first on the next local 15th.
  const PublicKey team = dev_key("team").public_key();
  auto unlocks = upcoming_unlocks(*load_lock(chain.state(), team), chain.head().timestamp, listing,
                                  genesis.utc_offset_minutes);
  ASSERT_FALSE(unlocks.empty());
  EXPECT_EQ(core::format_utc(unlocks[0].at), "2026-10-14T16:00:00Z");  // 2026-10-15 00:00 +08:00
  EXPECT_EQ(unlocks[0].amount, Amount::ct(150'000'000));
  // Once only.
  EXPECT_EQ(send(p(0), {GovernanceProposeListing{"Binance", {height() + 5, height() + 5}, ""}}),
            "listing.already_declared");
}

TEST_F(GovernanceTest, ASecondApprovedListingFailsWhenItComesDue) {
  const uint64_t first = next_proposal_id(chain.state());
  const uint64_t base = height();
  ASSERT_EQ(send(p(0), {GovernanceProposeListing{"A", {base + 5, base + 4}, ""}}), "ok");
  ASSERT_EQ(send(p(1), {GovernanceProposeListing{"B", {base + 6, base + 4}, ""}}), "ok");
  std::vector<SignedTransaction> txs;
  for (size_t i : {2, 3})
    txs.push_back(make_tx(chain.chain_id(), p(i), 0, chain.slot_time(chain.head().slot + 1) + 60'000,
                          {GovernanceApprove{first}, GovernanceApprove{first + 1}}));
  ASSERT_EQ(block(txs), (std::vector<std::string>{"ok", "ok"}));
  blocks_until(load_proposal(chain.state(), first + 1)->heights.effective_height);
  EXPECT_EQ(load_listing(chain.state())->exchange, "A");
  EXPECT_EQ(status(first), ProposalStatus::kEnacted);
  EXPECT_EQ(status(first + 1), ProposalStatus::kFailed);
  EXPECT_NE(load_proposal(chain.state(), first + 1)->note.find("already declared"), std::string::npos);
}

TEST_F(GovernanceTest, TheListingHelperGoesThroughTheCommittee) {
  const uint64_t h = testing::declare_listing_by_committee(chain, keys, "OKX");
  EXPECT_EQ(h, 2u);
  EXPECT_EQ(load_listing(chain.state())->listed_at, chain.head().timestamp);
}

TEST_F(GovernanceTest, ABlockIntervalChangeKeepsSlotTimesConsistent) {
  for (int i = 0; i < 3; ++i) block();
  const uint64_t effective = height() + 5;
  const uint64_t id = propose(0, {{ParamId::kBlockIntervalMs, 2500}}, effective, height() + 4);
  for (size_t i : {1, 2}) ASSERT_EQ(send(p(i), {GovernanceApprove{id}}), "ok");
  blocks_until(effective - 1);
  const BlockHeader before = chain.head();
  EXPECT_EQ(chain.slot_time(before.slot + 1), before.timestamp + 1000);
  block();  // the effective block: its own time still follows the old interval
  const BlockHeader e = chain.head();
  EXPECT_EQ(e.slot, before.slot + 1);
  EXPECT_EQ(e.timestamp, before.timestamp + 1000);
  EXPECT_EQ(params().block_interval_ms, 2500u);
  // From here on slots are 2.5 s apart; earlier slots keep their times.
  EXPECT_EQ(chain.slot_time(e.slot), e.timestamp);
  EXPECT_EQ(chain.slot_time(e.slot + 1), e.timestamp + 2500);
  EXPECT_EQ(chain.slot_time(e.slot + 4), e.timestamp + 10'000);
  EXPECT_EQ(chain.slot_time(before.slot), before.timestamp);
  EXPECT_EQ(chain.slot_time(1), kT0 + 1000);
  EXPECT_EQ(chain.slot_at(e.timestamp + 2499), e.slot);
  EXPECT_EQ(chain.slot_at(e.timestamp + 2500), e.slot + 1);
  EXPECT_EQ(chain.slot_at(before.timestamp + 999), before.slot);
  EXPECT_EQ(chain.slot_at(kT0 + 1500), 1u);
  block();
  EXPECT_EQ(chain.head().timestamp, e.timestamp + 2500);
  EXPECT_EQ(replica.slot_time(e.slot + 7), chain.slot_time(e.slot + 7));
  // A block stamped with the old interval is refused.
  Block forged;
  forged.header = chain.head();
  forged.header.height = height() + 1;
  forged.header.previous = chain.head_id();
  forged.header.slot = chain.head().slot + 1;
  forged.header.timestamp = chain.head().timestamp + 1000;
  forged.header.producer = *replica.producer_at(forged.header.slot);
  forged.sign(chain.chain_id(), key_of(forged.header.producer));
  auto r = replica.apply_block(forged, false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.bad_timestamp");
  // A node restored from the stored state computes the same slot times.
  std::vector<std::pair<Bytes, Bytes>> entries;
  chain.state().for_each({}, [&](const Bytes& k, const Bytes& v) { entries.emplace_back(k, v); });
  Chain restored(genesis);
  ASSERT_TRUE(restored.restore(entries, chain.head()));
  EXPECT_EQ(restored.slot_time(e.slot + 9), e.timestamp + 22'500);
}

// Evidence reported after a block-interval change ejects the offender from the slot after the
// reporting block's, counted under the enacted interval (not the genesis interval, under which
// the same time would be a later slot).
TEST_F(GovernanceTest, EvidenceAfterAnIntervalChangeEjectsFromTheNextSlot) {
  const uint64_t effective = height() + 5;
  const uint64_t id = propose(0, {{ParamId::kBlockIntervalMs, 4000}}, effective, height() + 4);
  for (size_t i : {1, 2}) ASSERT_EQ(send(p(i), {GovernanceApprove{id}}), "ok");
  blocks_until(effective + 3);
  ASSERT_EQ(params().block_interval_ms, 4000u);
  const core::PrivateKey& offender = key_of(*chain.producer_at(chain.head().slot + 1));
  const auto ev = testing::double_vote(chain.chain_id(), offender, chain.head());
  const uint64_t seq = load_account(chain.state(), outsider.public_key()).sequence;
  const TimeMs expiration = chain.slot_time(chain.head().slot + 1) + 60'000;
  ASSERT_EQ(block({make_tx(chain.chain_id(), outsider, seq, expiration, {ReportEvidence{EvidenceKind::kDoubleVote, ev.encode()}})})
                .at(0),
            "ok");
  const BlockHeader reported = chain.head();
  ASSERT_TRUE(is_ejected(chain.state(), offender.public_key()));
  const Schedule sc = load_schedule(chain.state());
  EXPECT_EQ(sc.round_start, reported.slot + 1);
  // Under the genesis interval the reporting block's time would be a later slot.
  EXPECT_GT(static_cast<uint64_t>(reported.timestamp - genesis.genesis_time) / genesis.params.block_interval_ms,
            reported.slot);
  for (const auto& m : sc.producers) EXPECT_NE(m.signing_key, offender.public_key());
  block();  // the next slot is produced by one of the others
  EXPECT_NE(chain.head().producer, offender.public_key());
}

class RewardTest : public GovernanceTest {
 protected:
  RewardTest() : GovernanceTest(4, Amount::units(10 * Amount::kUnitsPerCt + Amount::kUnitsPerCt / 2).units()) {}
  Amount balance(const PublicKey& k) const { return load_account(chain.state(), k).balance; }
  Amount rewards_received() const {
    int64_t sum = 0;
    for (const auto& k : keys) sum += balance(k.public_key()).units();
    return Amount::units(sum);
  }
};

TEST_F(RewardTest, EachBlockPaysItsProducerFromThePoolAndNeverMoreThanThePool) {
  const int64_t supply = total_balances(chain.state());
  EXPECT_EQ(supply, Amount::kMaxMoney);
  EXPECT_EQ(balance(fee_pool_account()), Amount::units(1'050'000'000));
  // 10 blocks of 1 CT, one of the half CT left, then nothing: each producer is paid for the
  // blocks it produced.
  std::map<PublicKey, int64_t> expected;
  for (int i = 0; i < 16; ++i) {
    const PublicKey who = *chain.producer_at(chain.head().slot + 1);
    const Amount before = balance(who);
    const int64_t due = i < 10 ? Amount::kUnitsPerCt : i == 10 ? 50'000'000 : 0;
    expected[who] += due;
    block();
    EXPECT_EQ(balance(who).units() - before.units(), due) << i;
    EXPECT_EQ(balance(fee_pool_account()).units(), 1'050'000'000 - std::min<int64_t>(i + 1, 10) * Amount::kUnitsPerCt -
                                                       (i >= 10 ? 50'000'000 : 0));
  }
  EXPECT_EQ(balance(fee_pool_account()), Amount::zero());
  EXPECT_EQ(rewards_received(), Amount::units(1'050'000'000));
  uint64_t produced = 0;
  for (const auto& k : keys) {
    EXPECT_EQ(balance(k.public_key()).units(), expected[k.public_key()]);
    produced += load_producer_record(chain.state(), k.public_key()).produced;
  }
  EXPECT_EQ(produced, 16u);
  // Anyone can fill the pool; the rewards resume (a block pays before its transactions run).
  ASSERT_EQ(send(dev_key("dev"), {Transfer{fee_pool_account(), Amount::ct(3), "to the producers"}}), "ok");
  EXPECT_EQ(balance(fee_pool_account()), Amount::ct(3));
  block();
  EXPECT_EQ(balance(fee_pool_account()), Amount::ct(2));
  block();
  block();
  EXPECT_EQ(balance(fee_pool_account()), Amount::zero());
  EXPECT_EQ(total_balances(chain.state()), supply);
}

TEST_F(RewardTest, ManyBlocksNeverChangeTheSupply) {
  const int64_t supply = total_balances(chain.state());
  const std::vector<SignedTransaction> none;
  for (int i = 0; i < 40; ++i) {
    if (i % 7 == 3) {
      ASSERT_EQ(send(dev_key("dev"), {Transfer{fee_pool_account(), Amount::units(123'456'789), ""}}), "ok");
    } else {
      block();
    }
    ASSERT_EQ(total_balances(chain.state()), supply) << i;
  }
  EXPECT_EQ(total_balances(replica.state()), supply);
}

TEST_F(RewardTest, TheCommitteeSetsTheReward) {
  const uint64_t effective = height() + 5;
  const uint64_t id = propose(0, {{ParamId::kBlockReward, Amount::ct(2).units()}}, effective, height() + 4);
  for (size_t i : {1, 2}) ASSERT_EQ(send(p(i), {GovernanceApprove{id}}), "ok");
  blocks_until(effective - 1);
  const Amount pool = balance(fee_pool_account());
  block();  // the new reward applies from the effective block on
  EXPECT_EQ(pool.units() - balance(fee_pool_account()).units(), Amount::ct(2).units());
}

TEST_F(RewardTest, TheFeePoolKeyIsTheHashOfItsDomain) {
  EXPECT_EQ(fee_pool_account().hex(), core::blake2b_256(core::as_bytes("LINGJI/FEE_POOL/v1")).hex());
}

// A one-producer chain (the dev chain): the proposer's own approval is the whole committee's.
class SingleProducerTest : public GovernanceTest {
 protected:
  SingleProducerTest() : GovernanceTest(1) {}
};

TEST_F(SingleProducerTest, TheOnlyProducerDecidesAlone) {
  const uint64_t id = propose(0, {{ParamId::kBetFeeDefaultBp, 100}}, height() + 2, height() + 2);
  EXPECT_EQ(status(id), ProposalStatus::kApproved);
  block();
  EXPECT_EQ(status(id), ProposalStatus::kEnacted);
  EXPECT_EQ(params().bet_fee_default_bp, 100u);
}

}  // namespace
}  // namespace lingji::chain
