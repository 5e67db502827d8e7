// operations.h: every operation's payload and its canonical encoding (the wire format). The
// rules of each operation (check/apply) live in its module: token/, vesting/, dealers/,
// producers/. Adding an operation = a struct here, its type in the Operation variant, and its
// check()/apply() in the module.
//
// Grammar of each payload (after type:u16; primitives as in core/codec.h). Text lengths are
// bounded here only by the transaction size; check() enforces each field's own limit.
//   transfer (1)           := to:fixed<32> amount:i64 memo:bytes
//   declare_listing (2)    := exchange:string
//   dealer_apply (3)       := name:string region:string country:string contact:string
//   dealer_set_status (4)  := dealer:fixed<32> status:u8          (2 approved, 3 suspended)
//   producer_register (5)  := signing_key:fixed<32> url:string region:string
//   producer_update_key (6):= signing_key:fixed<32>
//   producer_unregister (7):= (nothing)
//   vote_producers (8)     := candidates:vector<fixed<32>>
//   governance_propose (9) := changes:vector<change> effective_height:u64 expires_height:u64
//                             description:string
//       change             := param:u8 value:i64          (ParamId below; amounts in units)
//   governance_approve (10):= proposal:u64
//   governance_propose_listing (11) := exchange:string effective_height:u64 expires_height:u64
//                             description:string
//   governance_unapprove (12) := proposal:u64
//   report_evidence (13)   := kind:u8 evidence:bytes   (1 DoubleVoteEvidence, 2 DoubleBlockEvidence; the
//                             evidence encodings are in chain/finality/evidence.h)
// declare_listing (2) still decodes (old transactions and the test vectors stay valid) but is
// refused when applied: the listing is now a committee decision (governance_propose_listing).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/amount.h"
#include "core/codec.h"
#include "core/keys.h"

namespace lingji::chain {

using core::Amount;
using core::PublicKey;

enum class OpType : uint16_t {
  kTransfer = 1,
  kDeclareListing = 2,
  kDealerApply = 3,
  kDealerSetStatus = 4,
  kProducerRegister = 5,
  kProducerUpdateKey = 6,
  kProducerUnregister = 7,
  kVoteProducers = 8,
  kGovernancePropose = 9,
  kGovernanceApprove = 10,
  kGovernanceProposeListing = 11,
  kGovernanceUnapprove = 12,
  kReportEvidence = 13,
};

inline constexpr size_t kMaxOpTextBytes = 8 * 1024;  // the decoder's bound: the transaction size

struct Transfer {
  static constexpr OpType kType = OpType::kTransfer;
  PublicKey to;
  Amount amount;
  std::string memo;
  void encode(core::Writer& w) const { w.fixed(to).i64(amount.units()).string(memo); }
  bool decode(core::Reader& r) {
    int64_t units = 0;
    bool ok = r.fixed(to) && r.i64(units) && r.string(memo, kMaxOpTextBytes);
    amount = Amount::units(units);
    return ok;
  }
  bool operator==(const Transfer&) const = default;
};

// Declared that CT is listed on an exchange (R2). Retired: refused with listing.moved_to_committee;
// the committee declares the listing through governance_propose_listing.
struct DeclareListing {
  static constexpr OpType kType = OpType::kDeclareListing;
  std::string exchange;
  void encode(core::Writer& w) const { w.string(exchange); }
  bool decode(core::Reader& r) { return r.string(exchange, kMaxOpTextBytes); }
  bool operator==(const DeclareListing&) const = default;
};

// An account applies to be a dealer (R12): a lottery shop or franchisee with a local business.
struct DealerApply {
  static constexpr OpType kType = OpType::kDealerApply;
  std::string name, region, country, contact;
  void encode(core::Writer& w) const { w.string(name).string(region).string(country).string(contact); }
  bool decode(core::Reader& r) {
    return r.string(name, kMaxOpTextBytes) && r.string(region, kMaxOpTextBytes) &&
           r.string(country, kMaxOpTextBytes) && r.string(contact, kMaxOpTextBytes);
  }
  bool operator==(const DealerApply&) const = default;
};

enum class DealerStatus : uint8_t { kPending = 1, kApproved = 2, kSuspended = 3 };

// The foundation approves or suspends a dealer.
struct DealerSetStatus {
  static constexpr OpType kType = OpType::kDealerSetStatus;
  PublicKey dealer;
  DealerStatus status = DealerStatus::kApproved;
  void encode(core::Writer& w) const { w.fixed(dealer).u8(static_cast<uint8_t>(status)); }
  bool decode(core::Reader& r) {
    uint8_t s = 0;
    bool ok = r.fixed(dealer) && r.u8(s);
    status = static_cast<DealerStatus>(s);
    return ok;
  }
  bool operator==(const DealerSetStatus&) const = default;
};

// An approved dealer becomes a producer candidate (R15) with the key it will sign blocks with.
struct ProducerRegister {
  static constexpr OpType kType = OpType::kProducerRegister;
  PublicKey signing_key;
  std::string url, region;
  void encode(core::Writer& w) const { w.fixed(signing_key).string(url).string(region); }
  bool decode(core::Reader& r) {
    return r.fixed(signing_key) && r.string(url, kMaxOpTextBytes) && r.string(region, kMaxOpTextBytes);
  }
  bool operator==(const ProducerRegister&) const = default;
};

struct ProducerUpdateKey {
  static constexpr OpType kType = OpType::kProducerUpdateKey;
  PublicKey signing_key;
  void encode(core::Writer& w) const { w.fixed(signing_key); }
  bool decode(core::Reader& r) { return r.fixed(signing_key); }
  bool operator==(const ProducerUpdateKey&) const = default;
};

struct ProducerUnregister {
  static constexpr OpType kType = OpType::kProducerUnregister;
  void encode(core::Writer&) const {}
  bool decode(core::Reader&) { return true; }
  bool operator==(const ProducerUnregister&) const = default;
};

// A holder's approval vote for up to 30 candidates; it replaces the holder's previous vote, and
// weighs the holder's whole balance (locked CT included) as it changes.
struct VoteProducers {
  static constexpr OpType kType = OpType::kVoteProducers;
  std::vector<PublicKey> candidates;
  void encode(core::Writer& w) const {
    w.u32(static_cast<uint32_t>(candidates.size()));
    for (const auto& c : candidates) w.fixed(c);
  }
  bool decode(core::Reader& r) {
    uint32_t n = 0;
    if (!r.count(n, kMaxOpTextBytes / 32)) return false;
    candidates.resize(n);
    for (auto& c : candidates)
      if (!r.fixed(c)) return false;
    return true;
  }
  bool operator==(const VoteProducers&) const = default;
};

enum class EvidenceKind : uint8_t { kDoubleVote = 1, kDoubleBlock = 2 };

// Evidence that a producer key equivocated (chain/producers/ejection.h): any account may send it;
// it is recorded and the offender leaves the schedule. The evidence stays encoded here (its types
// live in chain/finality, above this header); check() decodes it.
struct ReportEvidence {
  static constexpr OpType kType = OpType::kReportEvidence;
  EvidenceKind kind = EvidenceKind::kDoubleVote;
  core::Bytes evidence;
  void encode(core::Writer& w) const { w.u8(static_cast<uint8_t>(kind)).bytes(evidence); }
  bool decode(core::Reader& r) {
    uint8_t k = 0;
    bool ok = r.u8(k) && r.bytes(evidence, kMaxOpTextBytes);
    kind = static_cast<EvidenceKind>(k);
    return ok;
  }
  bool operator==(const ReportEvidence&) const = default;
};

// The chain parameters the governance committee sets (chain/governance/governance.h). The
// numbering is part of the encoding.
enum class ParamId : uint8_t {
  kBetFeeMinBp = 1,
  kBetFeeMaxBp = 2,
  kBetFeeDefaultBp = 3,
  kBetMin = 4,
  kBetMax = 5,
  kBlockIntervalMs = 6,
  kBlockReward = 7,
};

struct ParamChange {
  ParamId param = ParamId::kBetFeeDefaultBp;
  int64_t value = 0;  // basis points, milliseconds, or amounts in units
  bool operator==(const ParamChange&) const = default;
};

// The heights of a committee proposal: approvals count until the block before expires_height;
// an approved proposal takes effect at the start of the block at effective_height.
struct ProposalHeights {
  uint64_t effective_height = 0;
  uint64_t expires_height = 0;
  bool operator==(const ProposalHeights&) const = default;
};

// A committee member proposes new values for some chain parameters (R14).
struct GovernancePropose {
  static constexpr OpType kType = OpType::kGovernancePropose;
  std::vector<ParamChange> changes;
  ProposalHeights heights;
  std::string description;
  void encode(core::Writer& w) const {
    w.u32(static_cast<uint32_t>(changes.size()));
    for (const auto& c : changes) w.u8(static_cast<uint8_t>(c.param)).i64(c.value);
    w.u64(heights.effective_height).u64(heights.expires_height).string(description);
  }
  bool decode(core::Reader& r) {
    uint32_t n = 0;
    if (!r.count(n, kMaxOpTextBytes / 9)) return false;
    changes.resize(n);
    for (auto& c : changes) {
      uint8_t id = 0;
      if (!r.u8(id) || !r.i64(c.value)) return false;
      c.param = static_cast<ParamId>(id);
    }
    return r.u64(heights.effective_height) && r.u64(heights.expires_height) && r.string(description, kMaxOpTextBytes);
  }
  bool operator==(const GovernancePropose&) const = default;
};

// A committee member approves an open proposal.
struct GovernanceApprove {
  static constexpr OpType kType = OpType::kGovernanceApprove;
  uint64_t proposal = 0;
  void encode(core::Writer& w) const { w.u64(proposal); }
  bool decode(core::Reader& r) { return r.u64(proposal); }
  bool operator==(const GovernanceApprove&) const = default;
};

// A committee member proposes to declare that CT is listed on an exchange (R2): once approved
// and effective, the monthly unlocks start.
struct GovernanceProposeListing {
  static constexpr OpType kType = OpType::kGovernanceProposeListing;
  std::string exchange;
  ProposalHeights heights;
  std::string description;
  void encode(core::Writer& w) const {
    w.string(exchange).u64(heights.effective_height).u64(heights.expires_height).string(description);
  }
  bool decode(core::Reader& r) {
    return r.string(exchange, kMaxOpTextBytes) && r.u64(heights.effective_height) && r.u64(heights.expires_height) &&
           r.string(description, kMaxOpTextBytes);
  }
  bool operator==(const GovernanceProposeListing&) const = default;
};

// A member takes back its approval of a proposal that is still pending.
struct GovernanceUnapprove {
  static constexpr OpType kType = OpType::kGovernanceUnapprove;
  uint64_t proposal = 0;
  void encode(core::Writer& w) const { w.u64(proposal); }
  bool decode(core::Reader& r) { return r.u64(proposal); }
  bool operator==(const GovernanceUnapprove&) const = default;
};

using Operation = std::variant<Transfer, DeclareListing, DealerApply, DealerSetStatus, ProducerRegister,
                               ProducerUpdateKey, ProducerUnregister, VoteProducers, GovernancePropose,
                               GovernanceApprove, GovernanceProposeListing, GovernanceUnapprove, ReportEvidence>;

inline void encode_operation(core::Writer& w, const Operation& op) {
  std::visit([&](const auto& o) {
    w.u16(static_cast<uint16_t>(o.kType));
    o.encode(w);
  }, op);
}

// Decodes one operation; `unknown` is set when the type is not one this version knows.
template <size_t I = 0>
bool decode_operation(core::Reader& r, uint16_t type, Operation& out, bool& unknown) {
  if constexpr (I == std::variant_size_v<Operation>) {
    unknown = true;
    r.fail("unknown operation type " + std::to_string(type));
    return false;
  } else {
    using T = std::variant_alternative_t<I, Operation>;
    if (static_cast<uint16_t>(T::kType) != type) return decode_operation<I + 1>(r, type, out, unknown);
    T op;
    if (!op.decode(r)) return false;
    out = std::move(op);
    return true;
  }
}

}  // namespace lingji::chain
