// quorum_certificate.h: quorum certificates (QCs), quorum sizes and the builder that collects
// votes into a QC (shared/CONSENSUS.md (b), "Set change").
//
// Grammar (primitives as in core/codec.h):
//   quorum_certificate := vote count:u32 signer[count]          (count <= kMaxQcSigners)
//   signer             := key:fixed<32> signature:fixed<64>
// Signers are strictly increasing by key (sorted, no duplicates): one encoding per QC, and a key
// cannot be counted twice. Decoding rejects unsorted or repeated keys, too many signers, and
// truncated or trailing bytes; it checks no signature and no membership (verify does).
//
// Design choice (deviates from the signer bitmap of CONSENSUS.md): a QC names its signers by
// public key. During a set change a QC is judged against one set or against two (S and S'); a
// bitmap indexes one particular set, explicit keys are valid against any. The cost is 32 bytes
// per signer (68 signers: 6.5 KB instead of ~4.4 KB).
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "chain/finality/vote.h"

namespace lingji::chain::finality {

// Joint QCs may carry all of S and all of S' (at most 101 each).
inline constexpr size_t kMaxQcSigners = 2 * 101;
inline constexpr size_t kMaxQcBytes = kVoteBytes + 4 + kMaxQcSigners * (32 + 64);

// The quorum of a set of n keys: floor(2n/3) + 1 (68 of 101, 15 of 21, 3 of 4, 1 of 1).
// Any two quorums of the same set share more than n/3 keys, so at least one honest key when at
// most floor((n-1)/3) are faulty.
constexpr size_t quorum(size_t n) { return 2 * n / 3 + 1; }

struct QuorumCertificate {
  Vote vote;
  std::vector<std::pair<PublicKey, Signature>> signers;  // strictly increasing keys

  Bytes encode() const;
  bool read(core::Reader& r);
  // Errors: finality.malformed, finality.too_many_signers, finality.non_canonical_signers.
  [[nodiscard]] static core::Result<QuorumCertificate> decode(ByteView bytes);
  // The rest of r's input as one QC (for encodings that end with a QC). Errors: decode's.
  [[nodiscard]] static core::Result<QuorumCertificate> decode_rest(core::Reader& r);

  // Ok iff the signers are canonical, each is in `set`, at least quorum(set.size()) signed, and
  // every signature is valid over vote_signing_bytes(chain_id, vote). Cheap checks run before any
  // signature check, so a junk QC costs no Ed25519 work.
  // Requires: set has no repeated key (else finality.bad_producer_set).
  // Errors: finality.bad_producer_set, finality.non_canonical_signers, finality.too_many_signers,
  //         finality.signer_not_in_set, finality.no_quorum, finality.bad_signature.
  [[nodiscard]] core::Status verify(const Hash256& chain_id, const std::vector<PublicKey>& set) const;

  // The pending-phase rule of the set change: every signer is in set or next_set, at least
  // quorum(|set|) signers are in set AND at least quorum(|next_set|) are in next_set. A key in
  // both sets counts for both (it signed once; CONSENSUS.md "one signature per key").
  // Both halves are needed: see CONSENSUS.md, and the set-change model in consensus/model/.
  [[nodiscard]] core::Status verify_joint(const Hash256& chain_id, const std::vector<PublicKey>& set,
                                          const std::vector<PublicKey>& next_set) const;
};

// Collects the votes for one Vote until they form a QC. Judges each vote on its own: a vote for
// another Vote, by a key outside the set(s), or with a bad signature is refused; a second vote by
// the same key is ignored (not re-verified). Deterministic: signers are kept ordered by key.
class QcBuilder {
 public:
  enum class Added { kAdded, kDuplicate };

  // Requires: set (and next_set) have no repeated key. With next_set, the quorum is joint
  // (QuorumCertificate::verify_joint).
  QcBuilder(const Hash256& chain_id, const Vote& vote, std::vector<PublicKey> set,
            std::optional<std::vector<PublicKey>> next_set = std::nullopt);

  // Errors: finality.wrong_vote, finality.signer_not_in_set, finality.bad_signature (not checked
  // when the caller has verified the signature already).
  [[nodiscard]] core::Result<Added> add(const SignedVote& v, bool signature_verified = false);
  bool has_quorum() const;
  size_t size() const { return signers_.size(); }
  const Vote& vote() const { return vote_; }
  // The QC of every vote added so far; nullopt until has_quorum().
  std::optional<QuorumCertificate> certificate() const;

 private:
  Hash256 chain_id_;
  Vote vote_;
  std::vector<PublicKey> set_;                       // sorted
  std::optional<std::vector<PublicKey>> next_set_;   // sorted
  std::map<PublicKey, Signature> signers_;
};

}  // namespace lingji::chain::finality
