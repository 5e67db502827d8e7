// consensus_test.cpp: the consensus part of the chain's state machine (shared/CONSENSUS.md (b)):
// slots and the producer schedule, justify claims and their certificates, two-chain finality kept
// in the state, producer records, the set change S -> S' through its joint phase, equivocation
// evidence and the ejection of the offender, and that validators replaying the blocks (or
// restored from a stored state) agree on every root.
//
// Every block produced on the chain `a` is replayed on the validator `b` with apply_block; a
// refused block is tried both ways (produce_block on a, a forged block on b) and must leave both
// chains exactly as they were.
#include "chain/chain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "chain/chain_test_util.h"
#include "chain/executor.h"
#include "chain/finality/ancestry.h"
#include "chain/finality/evidence.h"
#include "chain/producers/ejection.h"
#include "chain/producers/producer.h"
#include "chain/producers/schedule.h"

namespace lingji::chain {
namespace {

using finality::QuorumCertificate;
using finality::SignedVote;
using finality::Vote;
using testing::make_transfer;
using testing::make_tx;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21
constexpr TimeMs kExpires = kT0 + 600'000;

using Keys = std::vector<core::PrivateKey>;

Keys named_keys(const std::string& prefix, int n, const std::string& suffix = "") {
  Keys out;
  for (int i = 0; i < n; ++i) out.push_back(dev_key(prefix + std::to_string(i) + suffix));
  return out;
}

// The default allocation with 4 bootstrap producers p0..p3.
Genesis consensus_genesis() {
  Genesis g = testing::dev_genesis(kT0);
  g.producers.clear();
  for (const auto& k : named_keys("p", 4)) g.producers.push_back(k.public_key());
  return g;
}

QcClaim claim_of(const BlockHeader& b) { return QcClaim{b.slot, b.height, b.id()}; }

// A certificate on `vote` signed by `signers` (sorted by key, as the encoding requires).
QuorumCertificate sign_qc(const Hash256& chain_id, const Vote& vote, const Keys& signers) {
  QuorumCertificate qc;
  qc.vote = vote;
  for (const auto& k : signers) qc.signers.emplace_back(k.public_key(), SignedVote::sign(chain_id, vote, k).signature);
  std::sort(qc.signers.begin(), qc.signers.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return qc;
}

// The certificate of `signers` on block b: Vote{slot, height, id, justify.slot}.
QuorumCertificate qc_on(const Hash256& chain_id, const BlockHeader& b, const Keys& signers) {
  return sign_qc(chain_id, Vote{b.slot, b.height, b.id(), b.justify.slot}, signers);
}

Keys pick(const Keys& from, std::initializer_list<int> which) {
  Keys out;
  for (int i : which) out.push_back(from[static_cast<size_t>(i)]);
  return out;
}

Keys concat(Keys x, const Keys& y) {
  x.insert(x.end(), y.begin(), y.end());
  return x;
}

std::set<PublicKey> public_keys(const Keys& keys) {
  std::set<PublicKey> out;
  for (const auto& k : keys) out.insert(k.public_key());
  return out;
}

std::vector<std::pair<Bytes, Bytes>> entries_of(const State& s) {
  std::vector<std::pair<Bytes, Bytes>> out;
  s.for_each({}, [&](const Bytes& k, const Bytes& v) { out.emplace_back(k, v); });
  return out;
}

class ConsensusTest : public ::testing::Test {
 protected:
  ConsensusTest() {
    for (const auto& k : concat(old_set, concat(new_set, {outsider}))) keys.emplace(k.public_key(), k);
    blocks.emplace_back();  // index = height; height 0 is the genesis and has no block
  }

  const Hash256& chain_id() const { return a.chain_id(); }
  const BlockHeader& header(uint64_t height) const { return blocks.at(height).header; }
  // A justify claim on the block at `height`, with the certificate of `signers`.
  Chain::Justify justify(uint64_t height, const Keys& signers) const {
    return Chain::Justify{claim_of(header(height)), qc_on(chain_id(), header(height), signers)};
  }
  const core::PrivateKey& key_of(const PublicKey& pk) const { return keys.at(pk); }
  const core::PrivateKey& scheduled(uint64_t slot) const { return key_of(*a.producer_at(slot)); }

  // Produces the block of `slot` on a with the key the schedule names, replays it on b (and on
  // every chain in `followers`), and checks that they agree.
  void next(uint64_t slot, std::optional<Chain::Justify> j = std::nullopt, std::vector<SignedTransaction> txs = {}) {
    auto producer = a.producer_at(slot);
    ASSERT_TRUE(producer) << "no producer for slot " << slot;
    ASSERT_EQ(b.producer_at(slot), producer);
    auto p = a.produce_block(txs, slot, key_of(*producer), std::move(j));
    ASSERT_TRUE(p) << "slot " << slot << ": " << p.error().name << ": " << p.error().message;
    ASSERT_TRUE(p->rejected.empty()) << p->rejected[0].second.message;
    ASSERT_EQ(p->block.transactions.size(), txs.size());
    const Block replay = *Block::decode(p->block.encode());
    for (Chain* c : followers()) {
      auto r = c->apply_block(replay, false);
      ASSERT_TRUE(r) << "slot " << slot << ": " << r.error().name << ": " << r.error().message;
      ASSERT_EQ(c->head_id(), a.head_id());
      ASSERT_EQ(c->head().state_root, a.head().state_root);
      ASSERT_TRUE(entries_of(c->state()) == entries_of(a.state()));
    }
    ++produced[*producer];
    blocks.push_back(p->block);
    roots.push_back(a.head().state_root);
  }
  // `signers` also counted as votes cast, for the record checks.
  void next_justifying(uint64_t slot, uint64_t height, const Keys& signers) {
    for (const auto& k : signers) ++votes[k.public_key()];
    next(slot, justify(height, signers));
  }

  std::vector<Chain*> followers() {
    std::vector<Chain*> out{&b};
    for (auto& c : extra) out.push_back(c.get());
    return out;
  }

  // A block for the validator b, built by hand: empty, any state root (the consensus checks
  // run first), the justify claim and certificate as given, signed by `key`.
  Block forge(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key) const {
    Block blk;
    BlockHeader& h = blk.header;
    h.height = b.head().height + 1;
    h.previous = b.head_id();
    h.slot = slot;
    h.timestamp = b.slot_time(slot);
    h.producer = key.public_key();
    if (j) {
      h.justify = j->claim;
      blk.justify_qc = j->qc;
    } else {
      h.justify = finality::load_ancestor(b.state(), b.head().height)->justify;
    }
    h.tx_root = transactions_root({});
    blk.sign(b.chain_id(), key);
    return blk;
  }

  // The validator b refuses `blk` with `name` and changes nothing.
  void expect_apply_refused(const Block& blk, const std::string& name) {
    const BlockHeader head = b.head();
    const auto entries = entries_of(b.state());
    auto r = b.apply_block(blk, false);
    ASSERT_FALSE(r) << "expected " << name;
    EXPECT_EQ(r.error().name, name) << r.error().message;
    EXPECT_EQ(b.head(), head);
    EXPECT_TRUE(entries_of(b.state()) == entries) << "the refused block changed the state";
  }
  // The producer a refuses to make the block with `name`, and changes nothing.
  void expect_produce_refused(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key,
                              const std::string& name) {
    const BlockHeader head = a.head();
    const auto entries = entries_of(a.state());
    auto p = a.produce_block({}, slot, key, std::move(j));
    ASSERT_FALSE(p) << "expected " << name;
    EXPECT_EQ(p.error().name, name) << p.error().message;
    EXPECT_EQ(a.head(), head);
    EXPECT_TRUE(entries_of(a.state()) == entries) << "the refused block changed the state";
  }
  // Both: the producer will not make it, and a validator will not take it.
  void expect_refused(uint64_t slot, const std::optional<Chain::Justify>& j, const std::string& name,
                      std::optional<core::PrivateKey> key = std::nullopt) {
    const core::PrivateKey& k = key ? *key : scheduled(slot);
    expect_produce_refused(slot, j, k, name);
    expect_apply_refused(forge(slot, j, k), name);
  }

  ProducerRecord record(const PublicKey& account) const { return load_producer_record(a.state(), account); }
  uint64_t final_height() const { return a.final_block().height; }

  Genesis genesis = consensus_genesis();
  Keys old_set = named_keys("p", 4);
  Keys new_set = named_keys("d", 4, "-signing");  // the candidates' signing keys
  core::PrivateKey outsider = dev_key("outsider");
  std::map<PublicKey, core::PrivateKey> keys;
  Chain a{genesis}, b{genesis};
  std::vector<std::unique_ptr<Chain>> extra;  // more validators (restored ones)
  std::vector<Block> blocks;
  std::vector<Hash256> roots;
  std::map<PublicKey, uint64_t> produced, votes;
};

// --- 1. Schedule -----------------------------------------------------------------------------

TEST_F(ConsensusTest, EveryProducerHasOneSlotPerRound) {
  const std::set<PublicKey> all = public_keys(old_set);
  // Rounds are slots [1,4], [5,8], ...: each is a permutation of the 4 producers.
  for (uint64_t round = 0; round < 5; ++round) {
    std::set<PublicKey> seen;
    for (uint64_t slot = 1 + 4 * round; slot <= 4 + 4 * round; ++slot) {
      auto p = a.producer_at(slot);
      ASSERT_TRUE(p);
      EXPECT_TRUE(all.contains(*p));
      seen.insert(*p);
      ASSERT_NO_FATAL_FAILURE(next(slot, a.head().height >= 1 ? std::optional(justify(a.head().height, pick(old_set, {0, 1, 2})))
                                                              : std::nullopt));
      EXPECT_EQ(a.head().producer, *p);
      EXPECT_EQ(load_schedule(a.state()).round_start, 1 + 4 * round);
    }
    EXPECT_EQ(seen, all) << "round " << round;
  }
  for (const auto& k : old_set) {
    EXPECT_EQ(record(k.public_key()).produced, 5u);
    EXPECT_EQ(record(k.public_key()).missed, 0u);
  }
  // producer_at names nobody for a slot that is not after the head.
  EXPECT_FALSE(a.producer_at(a.head().slot));
  EXPECT_FALSE(a.producer_at(0));
}

TEST_F(ConsensusTest, WrongProducerIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  const PublicKey scheduled_key = *a.producer_at(2);
  for (const auto& k : concat(old_set, {outsider, new_set[0]})) {
    if (k.public_key() == scheduled_key) continue;
    expect_refused(2, std::nullopt, "block.wrong_producer", k);
  }
  // A block claiming to be the scheduled producer's but signed by another key: bad signature.
  Block stolen = forge(2, std::nullopt, scheduled(2));
  stolen.signature = forge(2, std::nullopt, outsider).signature;
  expect_apply_refused(stolen, "block.bad_signature");
  ASSERT_NO_FATAL_FAILURE(next(2));
  EXPECT_EQ(record(scheduled_key).produced, 1u);
  EXPECT_EQ(record(outsider.public_key()).produced, 0u);
}

TEST_F(ConsensusTest, SlotsIncreaseAndTimestampIsTheSlotStart) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next(3));
  const auto any = old_set[0];
  // Not after the parent's slot: refused, by the producer and by a validator.
  expect_refused(3, std::nullopt, "block.bad_slot", any);
  expect_refused(2, std::nullopt, "block.bad_slot", any);
  expect_refused(0, std::nullopt, "block.bad_slot", any);
  // Beyond the last slot whose start is representable.
  expect_apply_refused(forge(UINT64_MAX, std::nullopt, any), "block.bad_slot");
  // The timestamp is exactly the start of the slot.
  for (TimeMs delta : {TimeMs{1}, TimeMs{-1}, TimeMs{999}, TimeMs{1000}}) {
    Block blk = forge(4, std::nullopt, scheduled(4));
    blk.header.timestamp += delta;
    blk.sign(b.chain_id(), scheduled(4));
    expect_apply_refused(blk, "block.bad_timestamp");
  }
  ASSERT_NO_FATAL_FAILURE(next(4));
  EXPECT_EQ(a.head().timestamp, kT0 + 4000);
  EXPECT_EQ(a.slot_time(4), kT0 + 4000);
  EXPECT_EQ(a.slot_at(kT0 + 4999), 4u);
  EXPECT_EQ(a.slot_at(kT0 - 1), 0u);
}

// --- 2. Finality -----------------------------------------------------------------------------

TEST_F(ConsensusTest, TwoChainOfConsecutiveSlotsFinalizes) {
  const std::vector<Keys> quorums = {pick(old_set, {0, 1, 2}), pick(old_set, {1, 2, 3}), pick(old_set, {0, 2, 3}),
                                     pick(old_set, {0, 1, 3}), old_set};
  ASSERT_NO_FATAL_FAILURE(next(1));
  EXPECT_EQ(final_height(), 0u);
  EXPECT_EQ(a.final_block().id, a.chain_id());
  uint64_t lib = 0;
  for (uint64_t h = 2; h <= 12; ++h) {
    ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, quorums[h % quorums.size()]));
    const auto fin = a.final_block();
    EXPECT_GE(fin.height, lib);
    lib = fin.height;
    // Block h claims h-1, whose claim is h-2 in the slot before: h-2 is final.
    EXPECT_EQ(fin.height, h - 2) << "after block " << h;
    EXPECT_EQ(fin.slot, header(h - 2).slot);
    EXPECT_EQ(fin.id, h == 2 ? a.chain_id() : header(h - 2).id());
    EXPECT_EQ(b.final_block().id, fin.id);
    // Summaries below the final block are erased; from it to the head they are kept.
    for (uint64_t k = 0; k <= h; ++k)
      EXPECT_EQ(finality::load_ancestor(a.state(), k).has_value(), k >= fin.height) << "height " << k << " after " << h;
    auto top = finality::load_ancestor(a.state(), h);
    ASSERT_TRUE(top);
    EXPECT_EQ(top->slot, h);
    EXPECT_EQ(top->parent, header(h - 1).id());
    EXPECT_EQ(top->justify, claim_of(header(h - 1)));
    EXPECT_EQ(top->generation, 0u);
    EXPECT_FALSE(top->joint);
  }
  // Blocks that keep the parent's justify (no new certificate) finalize nothing more.
  for (uint64_t s = 13; s <= 15; ++s) {
    ASSERT_NO_FATAL_FAILURE(next(s));
    EXPECT_EQ(a.head().justify, claim_of(header(11)));
    EXPECT_EQ(final_height(), 10u);
  }
  // Certifying 15, whose claim is 11 (not its parent): no new final block...
  ASSERT_NO_FATAL_FAILURE(next_justifying(16, 15, old_set));
  EXPECT_EQ(final_height(), 10u);
  // ... until a certified block whose claim is its parent in the slot before.
  ASSERT_NO_FATAL_FAILURE(next_justifying(17, 16, old_set));
  EXPECT_EQ(final_height(), 15u);
  // Every voter's count: one per certificate it signed.
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
}

// --- 3. Missed slots and records ---------------------------------------------------------------

TEST_F(ConsensusTest, MissedSlotsRecordsAndTheSlotPlusOneRule) {
  const Keys q012 = pick(old_set, {0, 1, 2}), q123 = pick(old_set, {1, 2, 3}), q013 = pick(old_set, {0, 1, 3});
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, q012));
  ASSERT_NO_FATAL_FAILURE(next_justifying(3, 2, q123));
  EXPECT_EQ(final_height(), 1u);
  const PublicKey skipped = *a.producer_at(4);
  // Height 4 at slot 5 (slot 4 missed) certifies 3, whose claim is 2 in the slot before: 2 is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 3, q013));
  EXPECT_EQ(final_height(), 2u);
  EXPECT_EQ(record(skipped).missed, 1u);
  for (const auto& k : old_set)
    if (k.public_key() != skipped) {
      EXPECT_EQ(record(k.public_key()).missed, 0u);
    }
  // Height 5 certifies 4 (slot 5), whose claim is 3 (slot 3): not the slot before, 3 is not final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 4, q012));
  EXPECT_EQ(final_height(), 2u);
  EXPECT_TRUE(finality::load_ancestor(a.state(), 2));
  // Height 6 certifies 5 (slot 6), whose claim is 4 (slot 5): 4 is final, and 3 with it.
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 5, q123));
  EXPECT_EQ(final_height(), 4u);
  EXPECT_EQ(a.final_block().slot, 5u);
  EXPECT_EQ(a.final_block().id, header(4).id());
  EXPECT_FALSE(finality::load_ancestor(a.state(), 3));

  // A gap of 6 slots across a whole round: each missed slot is charged to its producer.
  std::map<PublicKey, uint64_t> missed_before;
  uint64_t total_before = 0;
  for (const auto& k : old_set) total_before += (missed_before[k.public_key()] = record(k.public_key()).missed);
  // Height 7 at slot 14 (slots 8..13 missed, round [9,12] entirely) certifies 6 (slot 7), whose
  // claim is 5 (slot 6): 5 is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(14, 6, q013));
  uint64_t total_after = 0;
  for (const auto& k : old_set) {
    const uint64_t m = record(k.public_key()).missed;
    total_after += m;
    EXPECT_GE(m, missed_before[k.public_key()] + 1) << "everyone missed a slot of round [9,12]";
  }
  EXPECT_EQ(total_after - total_before, 6u);
  EXPECT_EQ(final_height(), 5u);
  // Height 8 certifies 7 (slot 14), whose claim is 6 (slot 7): the gap again, nothing new is final.
  ASSERT_NO_FATAL_FAILURE(next_justifying(15, 7, q012));
  EXPECT_EQ(final_height(), 5u);
  // Height 9 certifies 8 (slot 15), whose claim is 7 (slot 14): finality resumes at 7.
  ASSERT_NO_FATAL_FAILURE(next_justifying(16, 8, q123));
  EXPECT_EQ(final_height(), 7u);

  // Producers' records: blocks, last block, votes.
  std::map<PublicKey, std::pair<uint64_t, uint64_t>> last;  // height, slot
  for (uint64_t h = 1; h < blocks.size(); ++h) last[header(h).producer] = {h, header(h).slot};
  for (const auto& k : old_set) {
    const auto r = record(k.public_key());
    EXPECT_EQ(r.produced, produced[k.public_key()]);
    EXPECT_EQ(r.votes_cast, votes[k.public_key()]);
    EXPECT_EQ(r.last_height, last[k.public_key()].first);
    EXPECT_EQ(r.last_slot, last[k.public_key()].second);
  }
  uint64_t total_produced = 0;
  for (const auto& k : old_set) total_produced += record(k.public_key()).produced;
  EXPECT_EQ(total_produced, a.head().height);
}

// A gap longer than the listed missed slots (4 * 101): whole rounds are counted, not listed, and
// every missed slot is still charged once.
TEST_F(ConsensusTest, LongGapChargesEveryMissedSlot) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, old_set));
  const uint64_t gap_end = 1005;  // slots 3..1004 missed: 1002 of them
  ASSERT_NO_FATAL_FAILURE(next_justifying(gap_end, 2, old_set));
  uint64_t missed = 0;
  for (const auto& k : old_set) {
    const auto r = record(k.public_key());
    missed += r.missed;
    EXPECT_GE(r.missed, 250u);  // 250 whole rounds (slots 5..1004), and slots 3, 4
    EXPECT_LE(r.missed, 251u);
  }
  EXPECT_EQ(missed, gap_end - 3);
  EXPECT_EQ(load_schedule(a.state()).round_start, 1005u);  // rounds of 4 from slot 1
  // The schedule goes on from there: one slot each in round [1005, 1008].
  std::set<PublicKey> seen{a.head().producer};
  for (uint64_t slot = 1006; slot <= 1008; ++slot) {
    seen.insert(*a.producer_at(slot));
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, a.head().height, old_set));
  }
  EXPECT_EQ(seen, public_keys(old_set));
}

// A block far in the future costs one shuffle, not one per round in between: were each round's
// order derived from the previous one, this test would not finish (10^12 slots).
TEST_F(ConsensusTest, FarFutureSlotIsCheckedWithoutWalkingEveryRound) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  ASSERT_NO_FATAL_FAILURE(next_justifying(2, 1, old_set));
  const uint64_t far = 1'000'000'000'000;
  ASSERT_TRUE(a.producer_at(far));
  ASSERT_NO_FATAL_FAILURE(next_justifying(far, 2, old_set));
  uint64_t missed = 0;
  for (const auto& k : old_set) missed += record(k.public_key()).missed;
  EXPECT_EQ(missed, far - 3);  // slots 3 .. far-1
  EXPECT_EQ(load_schedule(a.state()).round_start, far - (far - 1) % 4);
}

// --- 4. Justify and certificate rejections ----------------------------------------------------

TEST_F(ConsensusTest, EveryJustifyAndCertificateRejection) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  for (uint64_t h = 2; h <= 4; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, pick(old_set, {0, 1, 2})));
  ASSERT_EQ(final_height(), 2u);
  ASSERT_EQ(a.head().justify, claim_of(header(3)));
  const uint64_t s = 5;
  const Keys q = pick(old_set, {1, 2, 3});

  // Justify not an ancestor: a block that is not on this branch (another block at height 3)...
  BlockHeader other = header(3);
  other.state_root.bytes[0] ^= 1;
  expect_refused(s, Chain::Justify{claim_of(other), qc_on(chain_id(), other, q)}, "block.bad_justify");
  // ... the right block with the wrong slot ...
  Chain::Justify wrong_slot = justify(4, q);
  wrong_slot.claim.slot = 5;
  expect_refused(s, wrong_slot, "block.bad_justify");
  // ... the block itself, or a height above the head ...
  BlockHeader self = header(4);
  self.height = 5;
  self.slot = 5;
  expect_refused(s, Chain::Justify{claim_of(self), qc_on(chain_id(), self, q)}, "block.bad_justify");
  // ... a block below the last final block (2), whose summary is gone.
  expect_refused(s, justify(1, q), "block.bad_justify");
  // Older than the parent's justify (3): 2 is an ancestor, still kept, but older.
  ASSERT_TRUE(finality::load_ancestor(a.state(), 2));
  expect_refused(s, justify(2, q), "block.bad_justify");

  // A new justify without its certificate.
  expect_refused(s, Chain::Justify{claim_of(header(4)), std::nullopt}, "block.bad_certificate");
  // Only 2 of 4 signers; 3 signatures but one of them twice (non-canonical).
  expect_refused(s, justify(4, pick(old_set, {0, 3})), "block.bad_certificate");
  {
    Chain::Justify dup = justify(4, pick(old_set, {0, 1}));
    dup.qc->signers.push_back(dup.qc->signers.back());
    expect_refused(s, dup, "block.bad_certificate");
  }
  // A certificate on another block (3), claimed for 4.
  expect_refused(s, Chain::Justify{claim_of(header(4)), qc_on(chain_id(), header(3), q)}, "block.bad_certificate");
  // A certificate with the wrong justify_slot (validly signed over it).
  {
    Vote v{header(4).slot, 4, header(4).id(), header(4).justify.slot + 1};
    expect_refused(s, Chain::Justify{claim_of(header(4)), sign_qc(chain_id(), v, q)}, "block.bad_certificate");
    v.justify_slot = header(4).justify.slot;
    v.height = 3;
    expect_refused(s, Chain::Justify{claim_of(header(4)), sign_qc(chain_id(), v, q)}, "block.bad_certificate");
  }
  // A certificate by a non-member key: with only 2 members, and even next to 3 members.
  expect_refused(s, justify(4, concat(pick(old_set, {0, 1}), {outsider})), "block.bad_certificate");
  expect_refused(s, justify(4, concat(q, {outsider})), "block.bad_certificate");
  expect_refused(s, justify(4, pick(new_set, {0, 1, 2})), "block.bad_certificate");
  // A bad signature among a quorum.
  {
    Chain::Justify forged = justify(4, q);
    forged.qc->signers[1].second.bytes[3] ^= 1;
    expect_refused(s, forged, "block.bad_certificate");
  }
  // A certificate attached although the justify is the parent's (3).
  expect_refused(s, justify(3, q), "block.bad_certificate");

  // None of these changed anything: the right block still goes through on both chains.
  EXPECT_EQ(a.head().height, 4u);
  EXPECT_EQ(final_height(), 2u);
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
  ASSERT_NO_FATAL_FAILURE(next_justifying(s, 4, q));
  EXPECT_EQ(final_height(), 3u);
  for (const auto& k : old_set) EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
}

// --- 5. The set change -----------------------------------------------------------------------

class ConsensusSetChangeTest : public ConsensusTest {
 protected:
  // Four approved dealers d0..d3 stand with signing keys d<i>-signing, and the team (1.5 billion
  // CT) votes for them: the elected set is disjoint from the bootstrap set.
  std::vector<SignedTransaction> registrations() const {
    std::vector<SignedTransaction> txs;
    const Keys dealers = named_keys("d", 4);
    for (size_t i = 0; i < 4; ++i)
      txs.push_back(make_tx(chain_id(), dealers[i], 0, kExpires,
                            {DealerApply{"Shop d" + std::to_string(i), "Jakarta", "ID", "+62 21 555"}}));
    std::vector<Operation> approvals;
    for (const auto& d : dealers) approvals.push_back(DealerSetStatus{d.public_key(), DealerStatus::kApproved});
    txs.push_back(make_tx(chain_id(), dev_key("foundation"), 0, kExpires, approvals));
    std::vector<PublicKey> candidates;
    for (size_t i = 0; i < 4; ++i) {
      txs.push_back(make_tx(chain_id(), dealers[i], 1, kExpires,
                            {ProducerRegister{new_set[i].public_key(), "https://d" + std::to_string(i) + ".example", "ID"}}));
      candidates.push_back(dealers[i].public_key());
    }
    txs.push_back(make_tx(chain_id(), dev_key("team"), 0, kExpires, {VoteProducers{candidates}}));
    return txs;
  }
  std::vector<Member> new_members() const {
    std::vector<Member> out;
    const Keys dealers = named_keys("d", 4);
    for (size_t i = 0; i < 4; ++i) out.push_back({dealers[i].public_key(), new_set[i].public_key()});
    return out;
  }
  static std::vector<PublicKey> sorted_keys(const Keys& keys) {
    std::vector<PublicKey> out;
    for (const auto& k : keys) out.push_back(k.public_key());
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ConsensusSetChangeTest, ElectedSetTakesOverThroughTheJointPhase) {
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  // Round [1,4]: the candidates register in block 1; the bootstrap set produces and certifies.
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 4; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  EXPECT_FALSE(load_schedule(a.state()).pending);  // the election runs at the round boundary

  // Block 5 opens round [5,8]: the elected set differs, generation 1 is proposed in P = 5.
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 4, old3));
  const uint64_t P = 5;
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.generation, 0u);
    ASSERT_TRUE(sc.pending);
    EXPECT_EQ(sc.pending->generation, 1u);
    EXPECT_EQ(sc.pending->proposed_height, P);
    EXPECT_EQ(sc.pending->joint_from, 0u);
    auto got = sc.pending->producers, want = new_members();
    auto by_key = [](const Member& x, const Member& y) { return x.signing_key < y.signing_key; };
    std::sort(got.begin(), got.end(), by_key);
    std::sort(want.begin(), want.end(), by_key);
    EXPECT_EQ(got, want);
    EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(new_set));
    EXPECT_EQ(public_keys(old_set).count(*a.producer_at(6)), 1u);  // the old set still produces
    EXPECT_FALSE(a.head_voters().next);
  }
  // Before the joint phase a certificate needs the old set only; the new set cannot certify.
  expect_refused(6, justify(P, new3), "block.bad_certificate");
  expect_refused(6, justify(P, concat(pick(old_set, {0, 1}), new3)), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, P, old3));
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, 0u);

  // Block 7 claims 6, whose claim is P in the slot before: P is final, and 7 is R.
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));
  const uint64_t R = 7;
  EXPECT_EQ(final_height(), P);
  {
    Schedule sc = load_schedule(a.state());
    ASSERT_TRUE(sc.pending);
    EXPECT_EQ(sc.pending->joint_from, R);
    EXPECT_EQ(sc.generation, 0u);
    auto anc = finality::load_ancestor(a.state(), R);
    ASSERT_TRUE(anc);
    EXPECT_EQ(anc->generation, 0u);
    EXPECT_TRUE(anc->joint);
    EXPECT_FALSE(finality::load_ancestor(a.state(), 6)->joint);
    auto voters = a.head_voters();
    EXPECT_EQ(voters.set, sorted_keys(old_set));
    ASSERT_TRUE(voters.next);
    EXPECT_EQ(*voters.next, sorted_keys(new_set));
    EXPECT_EQ(voters.set, b.head_voters().set);
    EXPECT_EQ(public_keys(old_set).count(*a.producer_at(8)), 1u);  // still the old set's slots
  }
  // A validator restored from the state in the joint phase follows from here on.
  extra.push_back(std::make_unique<Chain>(genesis));
  ASSERT_TRUE(extra.back()->restore(entries_of(a.state()), a.head()));

  // A certificate on R needs a quorum of both sets.
  expect_refused(8, justify(R, old3), "block.bad_certificate");
  expect_refused(8, justify(R, old_set), "block.bad_certificate");
  expect_refused(8, justify(R, new3), "block.bad_certificate");
  expect_refused(8, justify(R, new_set), "block.bad_certificate");
  expect_refused(8, justify(R, concat(pick(old_set, {0, 1}), new3)), "block.bad_certificate");
  expect_refused(8, justify(R, concat(old3, pick(new_set, {0, 3}))), "block.bad_certificate");
  expect_refused(8, justify(R, concat(concat(old3, new3), {outsider})), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, R, concat(old3, new3)));
  EXPECT_EQ(final_height(), 6u);
  EXPECT_TRUE(finality::load_ancestor(a.state(), 8)->joint);
  ASSERT_TRUE(a.head_voters().next);

  // Block 9 claims 8, whose claim is R in the slot before: R is final, 9 is R2: generation 1
  // is active, and the new set produces from slot 10.
  expect_refused(9, justify(8, old_set), "block.bad_certificate");
  expect_refused(9, justify(8, new_set), "block.bad_certificate");
  const PublicKey producer9 = *a.producer_at(9);
  EXPECT_EQ(public_keys(old_set).count(producer9), 1u);
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(pick(old_set, {1, 2, 3}), pick(new_set, {0, 1, 2}))));
  const uint64_t R2 = 9;
  EXPECT_EQ(final_height(), R);
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.generation, 1u);
    EXPECT_FALSE(sc.pending);
    EXPECT_EQ(sc.round_start, 10u);
    auto anc = finality::load_ancestor(a.state(), R2);
    ASSERT_TRUE(anc);
    EXPECT_EQ(anc->generation, 1u);
    EXPECT_FALSE(anc->joint);
    auto voters = a.head_voters();
    EXPECT_EQ(voters.set, sorted_keys(new_set));
    EXPECT_FALSE(voters.next);
  }
  // The new set produces a whole round [10,13], one slot each; the old keys are refused.
  std::set<PublicKey> seen;
  for (uint64_t slot = 10; slot <= 13; ++slot) {
    const PublicKey p = *a.producer_at(slot);
    EXPECT_EQ(public_keys(new_set).count(p), 1u) << "slot " << slot;
    seen.insert(p);
    for (const auto& k : old_set) expect_refused(slot, std::nullopt, "block.wrong_producer", k);
    // Certificates on generation-1 blocks: the new set alone; old-only or joint are refused.
    const uint64_t prev = a.head().height;
    expect_refused(slot, justify(prev, old_set), "block.bad_certificate");
    expect_refused(slot, justify(prev, concat(old3, new3)), "block.bad_certificate");
    expect_refused(slot, justify(prev, pick(new_set, {0, 1})), "block.bad_certificate");
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, prev, slot % 2 ? new3 : pick(new_set, {0, 2, 3})));
    EXPECT_EQ(final_height(), prev - 1);
  }
  EXPECT_EQ(seen, public_keys(new_set));
  // The next round boundary elects the same set: nothing pending.
  ASSERT_NO_FATAL_FAILURE(next_justifying(14, a.head().height, new_set));
  EXPECT_FALSE(load_schedule(a.state()).pending);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);

  // Records: the new producers' blocks and votes are kept under their dealer accounts.
  const Keys dealers = named_keys("d", 4);
  uint64_t new_blocks = 0;
  for (size_t i = 0; i < 4; ++i) {
    const auto r = record(dealers[i].public_key());
    new_blocks += r.produced;
    EXPECT_EQ(r.produced, produced[new_set[i].public_key()]);
    EXPECT_EQ(r.votes_cast, votes[new_set[i].public_key()]);
    EXPECT_EQ(r.missed, 0u);
  }
  EXPECT_EQ(new_blocks, 5u);
  for (const auto& k : old_set) {
    EXPECT_EQ(record(k.public_key()).votes_cast, votes[k.public_key()]);
    EXPECT_EQ(record(k.public_key()).produced, produced[k.public_key()]);
  }
}

// A pair with a slot gap does not prove P final: the joint phase waits for a real proof, and a
// proof of something below P does not open it.
TEST_F(ConsensusSetChangeTest, JointPhaseWaitsForAFinalityProofOfP) {
  const Keys old3 = pick(old_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  const uint64_t P = 5;
  ASSERT_TRUE(load_schedule(a.state()).pending);
  ASSERT_EQ(load_schedule(a.state()).pending->proposed_height, P);
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, P, old3));  // 6 at slot 7: slot 6 missed
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 6, old3));  // 6 claims P two slots before: no proof
  EXPECT_EQ(final_height(), 4u);
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, 0u);
  EXPECT_FALSE(a.head_voters().next);
  // The old set alone still certifies 7.
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 7, old3));  // 7 (slot 8) claims 6 (slot 7): 6 final
  EXPECT_EQ(final_height(), 6u);
  const uint64_t R = 8;
  EXPECT_EQ(load_schedule(a.state()).pending->joint_from, R);
  expect_refused(10, justify(R, old_set), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(10, R, concat(old3, new_set)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(11, 9, concat(old3, new_set)));
  EXPECT_EQ(final_height(), R);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);
  EXPECT_EQ(public_keys(new_set).count(*a.producer_at(12)), 1u);
  ASSERT_NO_FATAL_FAILURE(next_justifying(12, 10, new_set));
}

// Each branch follows its own finality: a fork from P without a finality proof of P stays under
// S (old-only certificates), while the branch that proved P final is in the joint phase.
TEST_F(ConsensusSetChangeTest, AForkWithoutTheProofOfPStaysUnderTheOldSet) {
  const Keys old3 = pick(old_set, {0, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));
  const uint64_t P = 5;
  ASSERT_EQ(load_schedule(a.state()).pending->proposed_height, P);
  Chain fork(genesis);
  ASSERT_TRUE(fork.restore(entries_of(a.state()), a.head()));
  // Main branch: 6, 7 in consecutive slots; 7 proves P final and is R.
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, P, old3));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));
  ASSERT_EQ(load_schedule(a.state()).pending->joint_from, 7u);
  expect_refused(8, justify(7, old3), "block.bad_certificate");
  // Fork: 6' at slot 8 certifies P, 7' at slot 9 certifies 6' (whose claim is P, 3 slots before).
  auto produce_on_fork = [&](uint64_t slot, const BlockHeader& target, const Keys& signers) {
    auto p = fork.produce_block({}, slot, key_of(*fork.producer_at(slot)),
                                Chain::Justify{claim_of(target), qc_on(chain_id(), target, signers)});
    EXPECT_TRUE(p) << p.error().name << ": " << p.error().message;
    return p ? p->block.header : BlockHeader{};
  };
  const BlockHeader f6 = produce_on_fork(8, header(P), old3);
  const BlockHeader f7 = produce_on_fork(9, f6, old3);
  ASSERT_EQ(fork.head().height, 7u);
  EXPECT_NE(fork.head_id(), a.head_id());
  EXPECT_EQ(fork.final_block().height, 4u);
  Schedule sc = load_schedule(fork.state());
  ASSERT_TRUE(sc.pending);
  EXPECT_EQ(sc.pending->joint_from, 0u);
  EXPECT_FALSE(fork.head_voters().next);
  // On the fork the old set alone still certifies 7', and a joint-looking certificate is refused.
  auto j = fork.produce_block({}, 10, key_of(*fork.producer_at(10)),
                              Chain::Justify{claim_of(f7), qc_on(chain_id(), f7, concat(old3, new_set))});
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().name, "block.bad_certificate");
  produce_on_fork(10, f7, old3);
  EXPECT_EQ(fork.final_block().height, 6u);  // 6' (slot 8) and 7' (slot 9): 6' is final, after P
  EXPECT_EQ(load_schedule(fork.state()).pending->joint_from, 8u);  // the fork's own R
  EXPECT_TRUE(fork.head_voters().next);
}

// "One member swapped" (CONSENSUS.md (c)): three bootstrap keys stand again as the signing keys
// of approved dealers, with one new key. A key in both sets counts for both halves of a joint
// quorum, so 3 signatures of shared keys certify in the joint phase.
TEST_F(ConsensusSetChangeTest, OneMemberSwappedSharedKeysCountForBothSets) {
  const Keys dealers = named_keys("d", 4);
  const Keys next_keys = concat(pick(old_set, {0, 1, 2}), {new_set[3]});
  std::vector<SignedTransaction> txs;
  for (size_t i = 0; i < 4; ++i)
    txs.push_back(make_tx(chain_id(), dealers[i], 0, kExpires, {DealerApply{"Shop", "Jakarta", "ID", "+62"}}));
  std::vector<Operation> approvals;
  for (const auto& d : dealers) approvals.push_back(DealerSetStatus{d.public_key(), DealerStatus::kApproved});
  txs.push_back(make_tx(chain_id(), dev_key("foundation"), 0, kExpires, approvals));
  for (size_t i = 0; i < 4; ++i)
    txs.push_back(make_tx(chain_id(), dealers[i], 1, kExpires, {ProducerRegister{next_keys[i].public_key(), "https://x", "ID"}}));
  // Only candidates somebody voted for are elected (kMinElectedProducers of them at least).
  std::vector<PublicKey> candidates;
  for (const auto& d : dealers) candidates.push_back(d.public_key());
  txs.push_back(make_tx(chain_id(), dev_key("team"), 0, kExpires, {VoteProducers{candidates}}));
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs));
  const Keys shared = pick(old_set, {0, 1, 2});
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, shared));
  ASSERT_TRUE(load_schedule(a.state()).pending);
  EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(next_keys));
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 5, shared));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, shared));  // P = 5 final: 7 is R
  ASSERT_EQ(load_schedule(a.state()).pending->joint_from, 7u);
  // p3 and d3 are each in one set only: {p1, p2, p3} lacks a quorum of S' (p1, p2), {p1, p2, d3}
  // one of S (p1, p2). The shared keys p0, p1, p2 are a quorum of both.
  expect_refused(8, justify(7, pick(old_set, {1, 2, 3})), "block.bad_certificate");
  expect_refused(8, justify(7, concat(pick(old_set, {1, 2}), {new_set[3]})), "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, shared));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(pick(old_set, {1, 2, 3}), {new_set[3]})));
  EXPECT_EQ(final_height(), 7u);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);
  // Generation 1: p3 is out, d3 is in.
  expect_refused(10, justify(9, pick(old_set, {1, 2, 3})), "block.bad_certificate");
  std::set<PublicKey> seen;
  for (uint64_t slot = 10; slot <= 13; ++slot) {
    seen.insert(*a.producer_at(slot));
    expect_refused(slot, std::nullopt, "block.wrong_producer", old_set[3]);
    ASSERT_NO_FATAL_FAILURE(next_justifying(slot, a.head().height, concat(pick(old_set, {1, 2}), {new_set[3]})));
  }
  EXPECT_EQ(seen, public_keys(next_keys));
  // The shared keys now produce and vote for the dealers' accounts.
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(record(dealers[i].public_key()).produced, 1u);
  EXPECT_EQ(record(dealers[3].public_key()).produced, 1u);
  EXPECT_GE(record(dealers[1].public_key()).votes_cast, 4u);
}

// --- 6. Determinism --------------------------------------------------------------------------

TEST_F(ConsensusTest, ValidatorsAndRestoredChainsAgree) {
  const core::PrivateKey dev = dev_key("dev");
  const PublicKey alice = dev_key("alice").public_key();
  auto txs = [&](uint64_t seq) {
    return std::vector<SignedTransaction>{make_transfer(chain_id(), dev, alice, Amount::ct(1), seq, kExpires)};
  };
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs(0)));
  uint64_t seq = 1;
  for (uint64_t s : {2, 3, 5, 6, 7}) ASSERT_NO_FATAL_FAILURE(next(s, justify(a.head().height, pick(old_set, {0, 2, 3})), txs(seq++)));
  // A third chain fed the same encoded blocks has the same root at each height.
  Chain c(genesis);
  for (uint64_t h = 1; h < blocks.size(); ++h) {
    ASSERT_TRUE(c.apply_block(*Block::decode(blocks[h].encode()), true));
    EXPECT_EQ(c.head().state_root, roots[h - 1]);
    EXPECT_EQ(c.head_id(), header(h).id());
  }
  // Restore two chains from a's state: one validates the next blocks, one produces them.
  extra.push_back(std::make_unique<Chain>(genesis));
  ASSERT_TRUE(extra.back()->restore(entries_of(a.state()), a.head()));
  Chain producer(genesis);
  ASSERT_TRUE(producer.restore(entries_of(a.state()), a.head()));
  EXPECT_EQ(producer.final_block().id, a.final_block().id);
  for (uint64_t s = 8; s <= 14; ++s) {
    if (s == 10) continue;  // a missed slot
    EXPECT_EQ(producer.producer_at(s), a.producer_at(s));
    auto j = justify(a.head().height, pick(old_set, {1, 2, 3}));
    auto mine = producer.produce_block(txs(seq), s, scheduled(s), j);
    ASSERT_TRUE(mine) << mine.error().message;
    ASSERT_NO_FATAL_FAILURE(next(s, j, txs(seq)));
    ++seq;
    EXPECT_EQ(mine->block.encode(), blocks.back().encode());
    EXPECT_EQ(producer.head().state_root, a.head().state_root);
    EXPECT_EQ(producer.final_block().id, a.final_block().id);
  }
  EXPECT_EQ(final_height(), a.head().height - 2);
}

// --- 7. Equivocation evidence and ejection (chain/producers/ejection.h) -------------------------

SignedTransaction report(const Hash256& chain_id, const core::PrivateKey& reporter, uint64_t sequence, EvidenceKind kind,
                         Bytes evidence) {
  return make_tx(chain_id, reporter, sequence, kExpires, {ReportEvidence{kind, std::move(evidence)}});
}

// Two votes by k in the slot of `h`: one for h, one for another block.
finality::DoubleVoteEvidence double_vote(const Hash256& chain_id, const core::PrivateKey& k, const BlockHeader& h,
                                         const std::string& other = "another block") {
  const Vote real{h.slot, h.height, h.id(), h.justify.slot};
  Vote forked = real;
  forked.block_id = core::blake2b_256(core::as_bytes(other));
  return finality::DoubleVoteEvidence::make(SignedVote::sign(chain_id, real, k), SignedVote::sign(chain_id, forked, k));
}

// Block `blk` and a second header that its producer signed for the same slot.
finality::DoubleBlockEvidence double_block(const Hash256& chain_id, const Block& blk, const core::PrivateKey& producer) {
  BlockHeader other = blk.header;
  other.state_root.bytes[0] ^= 1;
  return finality::DoubleBlockEvidence::make(finality::SignedHeader{blk.header, blk.signature},
                                             finality::SignedHeader::sign(chain_id, other, producer));
}

std::vector<PublicKey> producer_keys(const Schedule& sc) {
  std::vector<PublicKey> out;
  for (const auto& m : sc.producers) out.push_back(m.signing_key);
  std::sort(out.begin(), out.end());
  return out;
}

// On ConsensusSetChangeTest for its candidates (registrations()); the plain tests do not use them.
class EvidenceTest : public ConsensusSetChangeTest {
 protected:
  SignedTransaction report_next(EvidenceKind kind, Bytes evidence) {
    return report(chain_id(), reporter, reporter_sequence++, kind, std::move(evidence));
  }
  // The head refuses tx with `name` (as the mempool checks it) and a validator refuses a block
  // that carries it; neither changes anything.
  void expect_report_refused(const SignedTransaction& tx, const std::string& name) {
    const uint64_t slot = a.head().slot + 1;
    auto st = a.check_against_head(tx, a.slot_time(slot));
    ASSERT_FALSE(st) << "expected " << name;
    EXPECT_EQ(st.error().name, name) << st.error().message;
    Block blk = forge(slot, std::nullopt, scheduled(slot));
    blk.transactions = {tx};
    blk.header.tx_root = transactions_root(blk.transactions);
    blk.header.tx_count = 1;
    blk.sign(b.chain_id(), scheduled(slot));
    expect_apply_refused(blk, "block.invalid_transaction");
  }
  // Runs `rounds` rounds of the schedule in force from the head's next slot, each block
  // certifying its parent with `signers`; checks that `ejected` never has a slot (and is refused
  // when it tries) and that every round is one slot for each producer of `expected`.
  void run_rounds(int rounds, const PublicKey& ejected, const std::vector<PublicKey>& expected, const Keys& signers) {
    for (int r = 0; r < rounds; ++r) {
      std::vector<PublicKey> seen;
      for (size_t i = 0; i < expected.size(); ++i) {
        const uint64_t slot = a.head().slot + 1;
        const PublicKey p = *a.producer_at(slot);
        EXPECT_NE(p, ejected) << "slot " << slot;
        seen.push_back(p);
        expect_refused(slot, std::nullopt, "block.wrong_producer", key_of(ejected));
        ASSERT_NO_FATAL_FAILURE(next_justifying(slot, a.head().height, signers));
        EXPECT_EQ(final_height(), a.head().height - 2) << "finality goes on";
        EXPECT_EQ(b.final_block().id, a.final_block().id);
      }
      std::sort(seen.begin(), seen.end());
      EXPECT_EQ(seen, expected) << "round " << r;
    }
  }
  // A chain of `n` blocks from slot 1, each certifying its parent with the whole bootstrap set.
  void build(uint64_t n) {
    ASSERT_NO_FATAL_FAILURE(next(1));
    for (uint64_t h = 2; h <= n; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old_set));
  }

  // Certifies the head with `signers` in each following slot until the schedule reaches
  // `generation` (at most `limit` blocks).
  void certify_until_generation(uint64_t generation, const Keys& signers, int limit) {
    for (int i = 0; i < limit && load_schedule(a.state()).generation < generation; ++i)
      ASSERT_NO_FATAL_FAILURE(next_justifying(a.head().slot + 1, a.head().height, signers));
    ASSERT_EQ(load_schedule(a.state()).generation, generation);
  }

  core::PrivateKey reporter = dev_key("alice");  // any account: it needs no balance
  uint64_t reporter_sequence = 0;
};

TEST_F(EvidenceTest, AnEquivocatingVoterIsRecordedAndLeavesTheSchedule) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey offender = old_set[3];
  const PublicKey key = offender.public_key();
  const Keys honest = pick(old_set, {0, 1, 2});
  const auto ev = double_vote(chain_id(), offender, header(2));
  // Block 4 (slot 4) records it: from slot 5 a new round of the three others.
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, honest), {report_next(EvidenceKind::kDoubleVote, ev.encode())}));
  const ProducerRecord before = record(key);
  auto rec = load_evidence(a.state(), key, 2);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, EvidenceKind::kDoubleVote);
  EXPECT_EQ(rec->offender, key);
  EXPECT_EQ(rec->slot, 2u);
  EXPECT_EQ(rec->account, key);  // a bootstrap producer: account = key
  EXPECT_EQ(rec->block_a, ev.a.vote.block_id);
  EXPECT_EQ(rec->block_b, ev.b.vote.block_id);
  EXPECT_EQ(rec->reporter, reporter.public_key());
  EXPECT_EQ(rec->height, 4u);
  EXPECT_EQ(list_evidence(a.state()), std::vector<EvidenceRecord>{*rec});
  EXPECT_TRUE(is_ejected(a.state(), key));
  EXPECT_EQ(load_ejection(a.state(), key)->height, 4u);
  for (const auto& k : honest) EXPECT_FALSE(is_ejected(a.state(), k.public_key()));
  const Schedule sc = load_schedule(a.state());
  EXPECT_EQ(sc.round_start, 5u);
  EXPECT_EQ(producer_keys(sc), sorted_keys(honest));
  // Who votes does not change: the generation's list, and so its quorum (3 of 4), is fixed.
  EXPECT_EQ(a.head_voters().set, sorted_keys(old_set));
  EXPECT_EQ(generation_keys(a.state(), 0), sorted_keys(old_set));

  // Three rounds of three slots: the others produce, certify and finalize.
  ASSERT_NO_FATAL_FAILURE(run_rounds(3, key, sorted_keys(honest), honest));
  // The ejected key still counts in a certificate of its generation (one of n, a faulty one).
  ASSERT_NO_FATAL_FAILURE(next_justifying(a.head().slot + 1, a.head().height, concat(pick(old_set, {0, 1}), {offender})));
  EXPECT_EQ(final_height(), a.head().height - 2);
  // It was charged no missed slot and produced nothing after the ejection.
  EXPECT_EQ(record(key).missed, before.missed);
  EXPECT_EQ(record(key).produced, before.produced);
}

TEST_F(EvidenceTest, AnEquivocatingProducerIsRecordedAndLeavesTheSchedule) {
  ASSERT_NO_FATAL_FAILURE(build(2));
  // The producer of block 2 signed a second header for slot 2.
  const PublicKey key = header(2).producer;
  const auto ev = double_block(chain_id(), blocks.at(2), key_of(key));
  ASSERT_NE(ev.a.header.id(), ev.b.header.id());
  Keys honest;
  for (const auto& k : old_set)
    if (k.public_key() != key) honest.push_back(k);
  ASSERT_NO_FATAL_FAILURE(next(3, justify(2, old_set), {report_next(EvidenceKind::kDoubleBlock, ev.encode())}));
  auto rec = load_evidence(a.state(), key, 2);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->kind, EvidenceKind::kDoubleBlock);
  EXPECT_EQ(rec->block_a, ev.a.header.id());
  EXPECT_EQ(rec->block_b, ev.b.header.id());
  EXPECT_TRUE(rec->block_a == header(2).id() || rec->block_b == header(2).id());
  EXPECT_EQ(rec->height, 3u);
  EXPECT_TRUE(is_ejected(a.state(), key));
  EXPECT_EQ(load_schedule(a.state()).round_start, 4u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(honest));
  ASSERT_NO_FATAL_FAILURE(run_rounds(3, key, sorted_keys(honest), honest));
  // No conflicting final blocks: block 2 as applied is final on both chains, its twin is not.
  EXPECT_GE(final_height(), 2u);
  EXPECT_EQ(finality::ancestor_id(a.state(), a.head(), a.final_block().height), std::optional(a.final_block().id));
  EXPECT_EQ(b.final_block().id, a.final_block().id);
}

TEST_F(EvidenceTest, InvalidEvidenceIsRefusedAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey k = old_set[1];
  const BlockHeader& h2 = header(2);
  const auto vote = [&](const core::PrivateKey& key, const BlockHeader& h, const std::string& id, uint64_t height) {
    return SignedVote::sign(chain_id(), Vote{h.slot, height, core::blake2b_256(core::as_bytes(id)), h.justify.slot}, key);
  };
  const SignedVote x = vote(k, h2, "x", 2);
  const auto refuse_votes = [&](finality::DoubleVoteEvidence e, const std::string& name) {
    expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote, e.encode()), name);
  };
  // Votes: one vote twice; the same block at two heights; two slots; two keys.
  refuse_votes({x, x}, "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(k, h2, "x", 3)), "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(k, header(3), "y", 2)), "finality.not_equivocation");
  refuse_votes(finality::DoubleVoteEvidence::make(x, vote(old_set[2], h2, "y", 2)), "finality.not_equivocation");
  // A bad signature; votes signed for another chain.
  auto forged = double_vote(chain_id(), k, h2);
  forged.b.signature.bytes[7] ^= 1;
  refuse_votes(forged, "finality.bad_signature");
  refuse_votes(double_vote(core::blake2b_256(core::as_bytes("other chain")), k, h2), "finality.bad_signature");
  // Keys that vote in no generation of this chain (yet).
  refuse_votes(double_vote(chain_id(), outsider, h2), "finality.evidence_unknown_key");
  refuse_votes(double_vote(chain_id(), new_set[0], h2), "finality.evidence_unknown_key");

  // Blocks: one header twice; two slots; two producers; a bad signature; an outsider's headers.
  const Block& b2 = blocks.at(2);
  const Block& b3 = blocks.at(3);
  const finality::SignedHeader s2{b2.header, b2.signature}, s3{b3.header, b3.signature};
  const auto refuse_blocks = [&](finality::DoubleBlockEvidence e, const std::string& name) {
    expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleBlock, e.encode()), name);
  };
  refuse_blocks({s2, s2}, "finality.not_equivocation");
  {
    BlockHeader later = b2.header;  // the same producer's header for another slot
    later.slot = 7;
    refuse_blocks(finality::DoubleBlockEvidence::make(s2, finality::SignedHeader::sign(chain_id(), later, key_of(b2.header.producer))),
                  "finality.not_equivocation");
    BlockHeader by_other = b2.header;  // another producer's header for slot 2
    const core::PrivateKey& other = key_of(b3.header.producer);
    by_other.producer = other.public_key();
    refuse_blocks(finality::DoubleBlockEvidence::make(s2, finality::SignedHeader::sign(chain_id(), by_other, other)),
                  "finality.not_equivocation");
  }
  refuse_blocks(finality::DoubleBlockEvidence::make(s2, s3), "finality.not_equivocation");
  auto forged_block = double_block(chain_id(), b2, key_of(b2.header.producer));
  forged_block.a.signature.bytes[0] ^= 1;
  refuse_blocks(forged_block, "finality.bad_signature");
  {
    Block theirs = b2;
    theirs.header.producer = outsider.public_key();
    theirs.sign(chain_id(), outsider);
    refuse_blocks(double_block(chain_id(), theirs, outsider), "finality.evidence_unknown_key");
  }
  // The wrong kind for the bytes, an unknown kind, truncated bytes.
  const Bytes good = double_vote(chain_id(), k, h2).encode();
  expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleBlock, good), "finality.malformed");
  expect_report_refused(report(chain_id(), reporter, 0, static_cast<EvidenceKind>(3), good), "finality.bad_evidence_kind");
  expect_report_refused(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote, Bytes(good.begin(), good.end() - 1)),
                        "finality.malformed");
  // Shape errors are stateless (check_transaction); signatures and keys need the chain.
  EXPECT_EQ(check_transaction(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote,
                                     finality::DoubleVoteEvidence{x, x}.encode()),
                              chain_id())
                .error()
                .name,
            "finality.not_equivocation");
  EXPECT_TRUE(check_transaction(report(chain_id(), reporter, 0, EvidenceKind::kDoubleVote,
                                       double_vote(chain_id(), outsider, h2).encode()),
                                chain_id()));

  // Nothing was recorded; the schedule is whole; the chain goes on and finalizes.
  EXPECT_TRUE(list_evidence(a.state()).empty());
  for (const auto& key : old_set) EXPECT_FALSE(is_ejected(a.state(), key.public_key()));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(old_set));
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), {report_next(EvidenceKind::kDoubleVote, good)}));
  EXPECT_EQ(list_evidence(a.state()).size(), 1u);
  EXPECT_EQ(final_height(), 2u);
}

TEST_F(EvidenceTest, OneRecordPerKeyAndSlot) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  const core::PrivateKey offender = old_set[0];
  const PublicKey key = offender.public_key();
  const Keys honest = pick(old_set, {1, 2, 3});
  const Bytes first = double_vote(chain_id(), offender, header(2)).encode();
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), {report_next(EvidenceKind::kDoubleVote, first)}));
  const Schedule sc = load_schedule(a.state());
  ASSERT_EQ(sc.round_start, 5u);
  // The same evidence again, another pair for the same key and slot, or a DoubleBlockEvidence there.
  expect_report_refused(report_next(EvidenceKind::kDoubleVote, first), "finality.evidence_duplicate");
  --reporter_sequence;
  expect_report_refused(report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), offender, header(2), "third").encode()),
                        "finality.evidence_duplicate");
  --reporter_sequence;
  if (header(2).producer == key) {
    expect_report_refused(report_next(EvidenceKind::kDoubleBlock, double_block(chain_id(), blocks.at(2), offender).encode()),
                          "finality.evidence_duplicate");
    --reporter_sequence;
  }
  EXPECT_EQ(list_evidence(a.state()).size(), 1u);
  // Another slot is another offence: recorded, by another reporter; the key is already out, so
  // the round goes on as it was and the first ejection height stays.
  ASSERT_NO_FATAL_FAILURE(next(5, justify(4, honest),
                               {report(chain_id(), dev_key("bob"), 0, EvidenceKind::kDoubleVote,
                                       double_vote(chain_id(), offender, header(3)).encode())}));
  EXPECT_EQ(list_evidence(a.state()).size(), 2u);
  EXPECT_EQ(load_evidence(a.state(), key, 3)->reporter, dev_key("bob").public_key());
  EXPECT_EQ(load_evidence(a.state(), key, 3)->height, 5u);
  EXPECT_EQ(load_ejection(a.state(), key)->height, 4u);
  EXPECT_EQ(load_schedule(a.state()).round_start, 5u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(honest));
}

// The last producer of a list keeps its slots: the chain is never left without one.
TEST_F(EvidenceTest, TheLastProducerIsNeverRemoved) {
  ASSERT_NO_FATAL_FAILURE(build(3));
  std::vector<SignedTransaction> txs;
  for (const auto& k : old_set) txs.push_back(report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), k, header(2)).encode()));
  ASSERT_NO_FATAL_FAILURE(next(4, justify(3, old_set), txs));
  EXPECT_EQ(list_evidence(a.state()).size(), 4u);
  for (const auto& k : old_set) EXPECT_TRUE(is_ejected(a.state(), k.public_key()));
  const Schedule sc = load_schedule(a.state());
  ASSERT_EQ(sc.producers.size(), 1u);
  EXPECT_EQ(sc.producers[0].signing_key, old_set[3].public_key());  // the last one reported
  ASSERT_NO_FATAL_FAILURE(next_justifying(5, 4, old_set));
}

// An elected producer equivocates: it is ejected, elections skip it, and it comes back only with
// a new signing key, as a member of a new generation.
TEST_F(EvidenceTest, AnEjectedCandidateIsReElectedOnlyWithANewKey) {
  const Keys dealers = named_keys("d", 4);
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5
  ASSERT_NO_FATAL_FAILURE(next_justifying(6, 5, old3));
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));                 // R = 7
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, concat(old3, new3)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(old3, new3)));   // R2 = 9: generation 1
  ASSERT_EQ(load_schedule(a.state()).generation, 1u);

  // d0's signing key voted twice in slot 9; block 10 records it.
  const PublicKey d0 = dealers[0].public_key(), old_key = new_set[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(10, justify(9, new3),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), new_set[0], header(9)).encode())}));
  auto rec = load_evidence(a.state(), old_key, 9);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->account, d0);
  EXPECT_TRUE(is_ejected(a.state(), d0));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(new3));
  for (const auto& c : elect(a.state(), kMaxActiveProducers)) EXPECT_NE(c.account, d0);
  // Two rounds of three: at each boundary the election skips d0; three candidates are too few
  // for a new set (kMinElectedProducers), so nothing is proposed.
  ASSERT_NO_FATAL_FAILURE(run_rounds(2, old_key, sorted_keys(new3), new3));
  EXPECT_FALSE(load_schedule(a.state()).pending);
  EXPECT_EQ(load_schedule(a.state()).generation, 1u);

  // d0 registers a new signing key: no longer ejected, it is elected at the next boundary.
  const core::PrivateKey fresh = dev_key("d0-signing-2");
  keys.emplace(fresh.public_key(), fresh);
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, new3),
                               {make_tx(chain_id(), dealers[0], 2, kExpires, {ProducerUpdateKey{fresh.public_key()}})}));
  EXPECT_FALSE(is_ejected(a.state(), d0));
  EXPECT_TRUE(load_ejection(a.state(), d0));  // the record stays, naming the old key
  // d1..d3's keys are in both generations, so they certify every phase of the change.
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(2, new3, 20));
  const std::vector<PublicKey> gen2 = generation_keys(a.state(), 2);
  EXPECT_EQ(std::count(gen2.begin(), gen2.end(), fresh.public_key()), 1);
  EXPECT_EQ(std::count(gen2.begin(), gen2.end(), old_key), 0);
  std::vector<PublicKey> want = sorted_keys(new3);
  want.push_back(fresh.public_key());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(producer_keys(load_schedule(a.state())), want);
  ASSERT_NO_FATAL_FAILURE(run_rounds(1, old_key, want, new3));
  EXPECT_GE(record(d0).produced, 1u);

  // Going back to the ejected key makes d0 ejected again: that key stays barred.
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, new3),
                               {make_tx(chain_id(), dealers[0], 3, kExpires, {ProducerUpdateKey{old_key}})}));
  EXPECT_TRUE(is_ejected(a.state(), d0));
  for (const auto& c : elect(a.state(), kMaxActiveProducers)) EXPECT_NE(c.account, d0);
}

// Ejection takes a key out of the slots at once; the next election takes it out of the voters,
// through the usual set change, even when no candidate other than the offender changed.
TEST_F(EvidenceTest, TheNextElectionTakesTheEjectedKeyOutOfTheVoters) {
  const Keys dealers = named_keys("d", 5), signing = named_keys("d", 5, "-signing");
  keys.emplace(signing[4].public_key(), signing[4]);
  const Keys old3 = pick(old_set, {0, 1, 2}), rest = pick(signing, {1, 2, 3, 4});  // 4 of 5: a quorum
  // A fifth candidate beside registrations()' four; the team votes for all five.
  std::vector<SignedTransaction> txs = registrations();
  txs.pop_back();
  txs.push_back(make_tx(chain_id(), dealers[4], 0, kExpires, {DealerApply{"Shop d4", "Jakarta", "ID", "+62 21 555"}}));
  txs.push_back(make_tx(chain_id(), dev_key("foundation"), 1, kExpires,
                        {DealerSetStatus{dealers[4].public_key(), DealerStatus::kApproved}}));
  txs.push_back(make_tx(chain_id(), dealers[4], 1, kExpires, {ProducerRegister{signing[4].public_key(), "https://d4", "ID"}}));
  std::vector<PublicKey> candidates;
  for (const auto& d : dealers) candidates.push_back(d.public_key());
  txs.push_back(make_tx(chain_id(), dev_key("team"), 0, kExpires, {VoteProducers{candidates}}));
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, txs));
  for (uint64_t h = 2; h <= 7; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5, R = 7
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(1, concat(old3, rest), 4));
  ASSERT_EQ(generation_keys(a.state(), 1), sorted_keys(signing));

  const PublicKey bad = signing[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(a.head().slot + 1, justify(a.head().height, rest),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), signing[0], a.head()).encode())}));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(rest));
  EXPECT_EQ(a.head_voters().set, sorted_keys(signing));  // still a voter of generation 1
  // The round of four ends; the election proposes generation 2 without it, which takes over.
  ASSERT_NO_FATAL_FAILURE(certify_until_generation(2, rest, 16));
  EXPECT_EQ(generation_keys(a.state(), 2), sorted_keys(rest));
  EXPECT_EQ(a.head_voters().set, sorted_keys(rest));
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(rest));
  // Its key no longer certifies: three of the new four do, with it or without it.
  expect_refused(a.head().slot + 1, justify(a.head().height, concat(pick(signing, {1, 2}), {signing[0]})),
                 "block.bad_certificate");
  ASSERT_NO_FATAL_FAILURE(run_rounds(1, bad, sorted_keys(rest), pick(signing, {1, 2, 3})));
}

// A key of the pending set equivocates: it leaves the pending producers, and never produces
// once that set is active; the pending generation's voters (its quorum) stay as proposed.
TEST_F(EvidenceTest, AKeyOfThePendingSetIsEjectedBeforeItProduces) {
  const Keys old3 = pick(old_set, {0, 1, 2}), new3 = pick(new_set, {1, 2, 3});
  ASSERT_NO_FATAL_FAILURE(next(1, std::nullopt, registrations()));
  for (uint64_t h = 2; h <= 5; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old3));  // P = 5
  ASSERT_TRUE(load_schedule(a.state()).pending);
  const PublicKey bad = new_set[0].public_key();
  ASSERT_NO_FATAL_FAILURE(next(6, justify(5, old3),
                               {report_next(EvidenceKind::kDoubleVote, double_vote(chain_id(), new_set[0], header(5)).encode())}));
  EXPECT_EQ(load_evidence(a.state(), bad, 5)->account, named_keys("d", 1)[0].public_key());
  {
    Schedule sc = load_schedule(a.state());
    EXPECT_EQ(sc.round_start, 5u);  // not in the round in force: it goes on as it was
    EXPECT_EQ(producer_keys(sc), sorted_keys(old_set));
    ASSERT_TRUE(sc.pending);
    std::vector<PublicKey> pending;
    for (const auto& m : sc.pending->producers) pending.push_back(m.signing_key);
    std::sort(pending.begin(), pending.end());
    EXPECT_EQ(pending, sorted_keys(new3));
    EXPECT_EQ(generation_keys(a.state(), 1), sorted_keys(new_set));
  }
  ASSERT_NO_FATAL_FAILURE(next_justifying(7, 6, old3));                 // R = 7
  ASSERT_NO_FATAL_FAILURE(next_justifying(8, 7, concat(old3, new3)));
  ASSERT_NO_FATAL_FAILURE(next_justifying(9, 8, concat(old3, new3)));   // generation 1 active
  ASSERT_EQ(load_schedule(a.state()).generation, 1u);
  EXPECT_EQ(producer_keys(load_schedule(a.state())), sorted_keys(new3));
  ASSERT_NO_FATAL_FAILURE(run_rounds(2, bad, sorted_keys(new3), new3));
}

}  // namespace
}  // namespace lingji::chain
