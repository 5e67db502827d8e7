#include "chain/finality/quorum_certificate.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain::finality {
namespace {

std::vector<PublicKey> sorted(std::vector<PublicKey> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool has_repeats(const std::vector<PublicKey>& sorted_keys) {
  return std::adjacent_find(sorted_keys.begin(), sorted_keys.end()) != sorted_keys.end();
}

bool contains(const std::vector<PublicKey>& sorted_keys, const PublicKey& k) {
  return std::binary_search(sorted_keys.begin(), sorted_keys.end(), k);
}

core::Status check_canonical(const QuorumCertificate& qc) {
  if (qc.signers.size() > kMaxQcSigners)
    return chain_error("finality.too_many_signers",
                       std::to_string(qc.signers.size()) + " signers, at most " + std::to_string(kMaxQcSigners));
  for (size_t i = 1; i < qc.signers.size(); ++i) {
    // Strictly increasing keys: a repeated key would otherwise be counted twice toward quorum.
    if (!(qc.signers[i - 1].first < qc.signers[i].first))
      return chain_error("finality.non_canonical_signers",
                         "signer " + std::to_string(i) + " is not after signer " + std::to_string(i - 1));
  }
  return core::Ok();
}

core::Status check_signatures(const Hash256& chain_id, const QuorumCertificate& qc) {
  const Bytes msg = vote_signing_bytes(chain_id, qc.vote);
  for (const auto& [key, sig] : qc.signers) {
    if (!core::verify(key, msg, sig))
      return chain_error("finality.bad_signature", "bad signature by " + key.hex());
  }
  return core::Ok();
}

core::Status no_quorum(const char* which, size_t have, size_t n) {
  return chain_error("finality.no_quorum", std::string(which) + ": " + std::to_string(have) +
                                                       " signers, quorum of " + std::to_string(n) +
                                                       " is " + std::to_string(quorum(n)));
}

core::Status bad_set(const char* which) {
  return chain_error("finality.bad_producer_set", std::string(which) + " repeats a key");
}

}  // namespace

Bytes QuorumCertificate::encode() const {
  core::Writer w;
  w.raw(vote.encode()).u32(static_cast<uint32_t>(signers.size()));
  for (const auto& [key, sig] : signers) w.fixed(key).fixed(sig);
  return w.take();
}

namespace {

bool read_signers(core::Reader& r, uint32_t n, QuorumCertificate& qc) {
  qc.signers.resize(n);
  for (auto& [key, sig] : qc.signers) {
    if (!r.fixed(key) || !r.fixed(sig)) return false;
  }
  return true;
}

}  // namespace

bool QuorumCertificate::read(core::Reader& r) {
  signers.clear();
  uint32_t n = 0;
  // The count is checked before anything is allocated for it.
  return vote.read(r) && r.count(n, static_cast<uint32_t>(kMaxQcSigners)) && read_signers(r, n, *this);
}

core::Result<QuorumCertificate> QuorumCertificate::decode_rest(core::Reader& r) {
  ByteView rest;
  if (!r.raw(r.remaining(), rest)) return chain_error("finality.malformed", "QC: truncated");
  return decode(rest);
}

core::Result<QuorumCertificate> QuorumCertificate::decode(ByteView bytes) {
  QuorumCertificate qc;
  core::Reader r(bytes);
  uint32_t n = 0;
  if (qc.vote.read(r) && r.u32(n)) {
    if (n > kMaxQcSigners)
      return chain_error("finality.too_many_signers",
                         std::to_string(n) + " signers, at most " + std::to_string(kMaxQcSigners));
    read_signers(r, n, qc);
  }
  if (auto st = r.finish(); !st) return chain_error("finality.malformed", "QC: " + st.error().message);
  if (auto st = check_canonical(qc); !st) return st.error();
  return qc;
}

core::Status QuorumCertificate::verify(const Hash256& chain_id, const std::vector<PublicKey>& set) const {
  const auto s = sorted(set);
  if (has_repeats(s)) return bad_set("producer set");
  if (auto st = check_canonical(*this); !st) return st;
  for (const auto& [key, sig] : signers) {
    if (!contains(s, key)) return chain_error("finality.signer_not_in_set", key.hex() + " is not in the set");
  }
  if (signers.size() < quorum(s.size())) return no_quorum("set", signers.size(), s.size());
  return check_signatures(chain_id, *this);
}

core::Status QuorumCertificate::verify_joint(const Hash256& chain_id, const std::vector<PublicKey>& set,
                                             const std::vector<PublicKey>& next_set) const {
  const auto s = sorted(set);
  const auto t = sorted(next_set);
  if (has_repeats(s)) return bad_set("producer set");
  if (has_repeats(t)) return bad_set("next producer set");
  if (auto st = check_canonical(*this); !st) return st;
  size_t in_s = 0, in_t = 0;
  for (const auto& [key, sig] : signers) {
    const bool a = contains(s, key), b = contains(t, key);
    if (!a && !b) return chain_error("finality.signer_not_in_set", key.hex() + " is in neither set");
    in_s += a;
    in_t += b;
  }
  if (in_s < quorum(s.size())) return no_quorum("set", in_s, s.size());
  if (in_t < quorum(t.size())) return no_quorum("next set", in_t, t.size());
  return check_signatures(chain_id, *this);
}

QcBuilder::QcBuilder(const Hash256& chain_id, const Vote& vote, std::vector<PublicKey> set,
                     std::optional<std::vector<PublicKey>> next_set)
    : chain_id_(chain_id), vote_(vote), set_(sorted(std::move(set))) {
  if (next_set) next_set_ = sorted(std::move(*next_set));
}

core::Result<QcBuilder::Added> QcBuilder::add(const SignedVote& v, bool signature_verified) {
  if (!(v.vote == vote_)) return chain_error("finality.wrong_vote", "vote is not for the block being certified");
  const bool member = contains(set_, v.voter) || (next_set_ && contains(*next_set_, v.voter));
  if (!member) return chain_error("finality.signer_not_in_set", v.voter.hex() + " is not in the set");
  if (signers_.count(v.voter)) return Added::kDuplicate;
  if (!signature_verified && !v.verify(chain_id_)) return chain_error("finality.bad_signature", "bad signature by " + v.voter.hex());
  signers_.emplace(v.voter, v.signature);
  return Added::kAdded;
}

bool QcBuilder::has_quorum() const {
  size_t in_s = 0, in_t = 0;
  for (const auto& [key, sig] : signers_) {
    in_s += contains(set_, key);
    if (next_set_) in_t += contains(*next_set_, key);
  }
  if (in_s < quorum(set_.size())) return false;
  return !next_set_ || in_t >= quorum(next_set_->size());
}

std::optional<QuorumCertificate> QcBuilder::certificate() const {
  if (!has_quorum()) return std::nullopt;
  QuorumCertificate qc;
  qc.vote = vote_;
  qc.signers.assign(signers_.begin(), signers_.end());
  return qc;
}

}  // namespace lingji::chain::finality
