// consensus_test_util.h: the fixtures of the chain-level consensus tests (shared/CONSENSUS.md
// (b)): the producer schedule (producers/schedule_test.cpp), finality kept in the state
// (finality/chain_finality_test.cpp), the block rules of chain.cpp (chain_block_test.cpp), the
// set change S -> S' (producers/set_change_test.cpp), and evidence and ejection
// (producers/ejection_test.cpp).
//
// Every block produced on the chain `a` is replayed on the validator `b` with apply_block; a
// refused block is tried both ways (produce_block on a, a forged block on b) and must leave both
// chains exactly as they were.
//
// The fixtures are in a named namespace, not an anonymous one: the tests of one suite
// (ConsensusTest) are spread over several files, and gtest requires one fixture class per suite.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain/chain.h"
#include "chain/chain_test_util.h"
#include "chain/finality/evidence.h"
#include "chain/producers/schedule.h"

namespace lingji::chain::testing {

inline constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21
inline constexpr TimeMs kExpires = kT0 + 600'000;

using Keys = std::vector<core::PrivateKey>;

// dev_key(prefix + i + suffix) for i in [0, n).
Keys named_keys(const std::string& prefix, int n, const std::string& suffix = "");
// The default allocation with 4 bootstrap producers p0..p3.
Genesis consensus_genesis();
QcClaim claim_of(const BlockHeader& b);
// A certificate on `vote` signed by `signers` (sorted by key, as the encoding requires).
finality::QuorumCertificate sign_qc(const Hash256& chain_id, const finality::Vote& vote, const Keys& signers);
// The certificate of `signers` on block b: Vote{slot, height, id, justify.slot}.
finality::QuorumCertificate qc_on(const Hash256& chain_id, const BlockHeader& b, const Keys& signers);
Keys pick(const Keys& from, std::initializer_list<int> which);
Keys concat(Keys x, const Keys& y);
std::set<PublicKey> public_keys(const Keys& keys);

class ConsensusTest : public ::testing::Test {
 protected:
  ConsensusTest();

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
  void next(uint64_t slot, std::optional<Chain::Justify> j = std::nullopt, std::vector<SignedTransaction> txs = {});
  // `signers` also counted as votes cast, for the record checks.
  void next_justifying(uint64_t slot, uint64_t height, const Keys& signers);

  std::vector<Chain*> followers();

  // A block for the validator b, built by hand: empty, any state root (the consensus checks
  // run first), the justify claim and certificate as given, signed by `key`.
  Block forge(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key) const;

  // The validator b refuses `blk` with `name` and changes nothing.
  void expect_apply_refused(const Block& blk, const std::string& name);
  // The producer a refuses to make the block with `name`, and changes nothing.
  void expect_produce_refused(uint64_t slot, std::optional<Chain::Justify> j, const core::PrivateKey& key,
                              const std::string& name);
  // Both: the producer will not make it, and a validator will not take it.
  void expect_refused(uint64_t slot, const std::optional<Chain::Justify>& j, const std::string& name,
                      std::optional<core::PrivateKey> key = std::nullopt);

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

class ConsensusSetChangeTest : public ConsensusTest {
 protected:
  // Four approved dealers d0..d3 stand with signing keys d<i>-signing, and the team (1.5 billion
  // CT) votes for them: the elected set is disjoint from the bootstrap set.
  std::vector<SignedTransaction> registrations() const;
  std::vector<Member> new_members() const;
  static std::vector<PublicKey> sorted_keys(const Keys& keys);
};

// --- Equivocation evidence and ejection (chain/producers/ejection.h) ---------------------------

SignedTransaction report(const Hash256& chain_id, const core::PrivateKey& reporter, uint64_t sequence, EvidenceKind kind,
                         Bytes evidence);
// Two votes by k in the slot of `h`: one for h, one for another block.
finality::DoubleVoteEvidence double_vote(const Hash256& chain_id, const core::PrivateKey& k, const BlockHeader& h,
                                         const std::string& other = "another block");
// Block `blk` and a second header that its producer signed for the same slot.
finality::DoubleBlockEvidence double_block(const Hash256& chain_id, const Block& blk, const core::PrivateKey& producer);
std::vector<PublicKey> producer_keys(const Schedule& sc);

// On ConsensusSetChangeTest for its candidates (registrations()); the plain tests do not use them.
class EvidenceTest : public ConsensusSetChangeTest {
 protected:
  SignedTransaction report_next(EvidenceKind kind, Bytes evidence) {
    return report(chain_id(), reporter, reporter_sequence++, kind, std::move(evidence));
  }
  // The head refuses tx with `name` (as the mempool checks it) and a validator refuses a block
  // that carries it; neither changes anything.
  void expect_report_refused(const SignedTransaction& tx, const std::string& name);
  // Runs `rounds` rounds of the schedule in force from the head's next slot, each block
  // certifying its parent with `signers`; checks that `ejected` never has a slot (and is refused
  // when it tries) and that every round is one slot for each producer of `expected`.
  void run_rounds(int rounds, const PublicKey& ejected, const std::vector<PublicKey>& expected, const Keys& signers);
  // A chain of `n` blocks from slot 1, each certifying its parent with the whole bootstrap set.
  void build(uint64_t n);
  // Certifies the head with `signers` in each following slot until the schedule reaches
  // `generation` (at most `limit` blocks).
  void certify_until_generation(uint64_t generation, const Keys& signers, int limit);

  core::PrivateKey reporter = dev_key("alice");  // any account: it needs no balance
  uint64_t reporter_sequence = 0;
};

}  // namespace lingji::chain::testing
