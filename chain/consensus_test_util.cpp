#include "chain/consensus_test_util.h"

#include <algorithm>

#include "chain/executor.h"
#include "chain/finality/ancestry.h"

namespace lingji::chain::testing {

using finality::QuorumCertificate;
using finality::SignedVote;
using finality::Vote;

Keys named_keys(const std::string& prefix, int n, const std::string& suffix) {
  Keys out;
  for (int i = 0; i < n; ++i) out.push_back(dev_key(prefix + std::to_string(i) + suffix));
  return out;
}

Genesis consensus_genesis() {
  Genesis g = dev_genesis(kT0);
  g.producers.clear();
  for (const auto& k : named_keys("p", 4)) g.producers.push_back(k.public_key());
  return g;
}

QcClaim claim_of(const BlockHeader& b) { return QcClaim{b.slot, b.height, b.id()}; }

QuorumCertificate sign_qc(const Hash256& chain_id, const Vote& vote, const Keys& signers) {
  QuorumCertificate qc;
  qc.vote = vote;
  for (const auto& k : signers) qc.signers.emplace_back(k.public_key(), SignedVote::sign(chain_id, vote, k).signature);
  std::sort(qc.signers.begin(), qc.signers.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return qc;
}

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

// --- ConsensusTest ------------------------------------------------------------------------------

ConsensusTest::ConsensusTest() {
  for (const auto& k : concat(old_set, concat(new_set, {outsider}))) keys.emplace(k.public_key(), k);
  blocks.emplace_back();  // index = height; height 0 is the genesis and has no block
}

void ConsensusTest::next(uint64_t slot, std::optional<Chain::Justify> j, std::vector<SignedTransaction> txs) {
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

void ConsensusTest::next_justifying(uint64_t slot, uint64_t height, const Keys& signers) {
  for (const auto& k : signers) ++votes[k.public_key()];
  next(slot, justify(height, signers));
}

std::vector<Chain*> ConsensusTest::followers() {
  std::vector<Chain*> out{&b};
  for (auto& c : extra) out.push_back(c.get());
  return out;
}

Block ConsensusTest::forge(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key) const {
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

void ConsensusTest::expect_apply_refused(const Block& blk, const std::string& name) {
  const BlockHeader head = b.head();
  const auto entries = entries_of(b.state());
  auto r = b.apply_block(blk, false);
  ASSERT_FALSE(r) << "expected " << name;
  EXPECT_EQ(r.error().name, name) << r.error().message;
  EXPECT_EQ(b.head(), head);
  EXPECT_TRUE(entries_of(b.state()) == entries) << "the refused block changed the state";
}

void ConsensusTest::expect_produce_refused(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key,
                                           const std::string& name) {
  const BlockHeader head = a.head();
  const auto entries = entries_of(a.state());
  auto p = a.produce_block({}, slot, key, std::move(j));
  ASSERT_FALSE(p) << "expected " << name;
  EXPECT_EQ(p.error().name, name) << p.error().message;
  EXPECT_EQ(a.head(), head);
  EXPECT_TRUE(entries_of(a.state()) == entries) << "the refused block changed the state";
}

void ConsensusTest::expect_refused(uint64_t slot, const std::optional<Chain::Justify>& j, const std::string& name,
                                   std::optional<core::PrivateKey> key) {
  const core::PrivateKey& k = key ? *key : scheduled(slot);
  expect_produce_refused(slot, j, k, name);
  expect_apply_refused(forge(slot, j, k), name);
}

// --- ConsensusSetChangeTest ---------------------------------------------------------------------

std::vector<SignedTransaction> ConsensusSetChangeTest::registrations() const {
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

std::vector<Member> ConsensusSetChangeTest::new_members() const {
  std::vector<Member> out;
  const Keys dealers = named_keys("d", 4);
  for (size_t i = 0; i < 4; ++i) out.push_back({dealers[i].public_key(), new_set[i].public_key()});
  return out;
}

std::vector<PublicKey> ConsensusSetChangeTest::sorted_keys(const Keys& keys) {
  std::vector<PublicKey> out;
  for (const auto& k : keys) out.push_back(k.public_key());
  std::sort(out.begin(), out.end());
  return out;
}

// --- Evidence -----------------------------------------------------------------------------------

SignedTransaction report(const Hash256& chain_id, const core::PrivateKey& reporter, uint64_t sequence, EvidenceKind kind,
                         Bytes evidence) {
  return make_tx(chain_id, reporter, sequence, kExpires, {ReportEvidence{kind, std::move(evidence)}});
}

finality::DoubleVoteEvidence double_vote(const Hash256& chain_id, const core::PrivateKey& k, const BlockHeader& h,
                                         const std::string& other) {
  const Vote real{h.slot, h.height, h.id(), h.justify.slot};
  Vote forked = real;
  forked.block_id = core::blake2b_256(core::as_bytes(other));
  return finality::DoubleVoteEvidence::make(SignedVote::sign(chain_id, real, k), SignedVote::sign(chain_id, forked, k));
}

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

void EvidenceTest::expect_report_refused(const SignedTransaction& tx, const std::string& name) {
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

void EvidenceTest::run_rounds(int rounds, const PublicKey& ejected, const std::vector<PublicKey>& expected,
                              const Keys& signers) {
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

void EvidenceTest::build(uint64_t n) {
  ASSERT_NO_FATAL_FAILURE(next(1));
  for (uint64_t h = 2; h <= n; ++h) ASSERT_NO_FATAL_FAILURE(next_justifying(h, h - 1, old_set));
}

void EvidenceTest::certify_until_generation(uint64_t generation, const Keys& signers, int limit) {
  for (int i = 0; i < limit && load_schedule(a.state()).generation < generation; ++i)
    ASSERT_NO_FATAL_FAILURE(next_justifying(a.head().slot + 1, a.head().height, signers));
  ASSERT_EQ(load_schedule(a.state()).generation, generation);
}

}  // namespace lingji::chain::testing
