// governance_ops.h: the governance committee's operations (R14). Rules: governance.cpp.
//
// Grammar (after type:u16):
//   governance_propose (9)          := changes:vector<change> effective_height:u64 expires_height:u64
//                                      description:string
//       change                      := param:u8 value:i64   (ParamId; amounts in units)
//   governance_approve (10)         := proposal:u64
//   governance_propose_listing (11) := exchange:string effective_height:u64 expires_height:u64
//                                      description:string
//   governance_unapprove (12)       := proposal:u64
#pragma once

#include <string>
#include <vector>

#include "chain/protocol/op_base.h"

namespace lingji::chain {

// The chain parameters the governance committee sets. The numbering is part of the encoding;
// each parameter's name, unit and bounds are in the table of chain/governance/params.h.
enum class ParamId : uint8_t {
  kBetFeeMinBp = 1,
  kBetFeeMaxBp = 2,
  kBetFeeDefaultBp = 3,
  kBetMin = 4,
  kBetMax = 5,
  kBlockIntervalMs = 6,
  kBlockReward = 7,
  kResourceWindowMs = 8,
  kResourceUnitsPerCt = 9,
  kResourceFloorUnits = 10,
  kResourceTxUnits = 11,
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

// A committee member proposes new values for some chain parameters.
struct GovernancePropose {
  static constexpr uint16_t kType = 9;
  static constexpr std::string_view kName = "governance_propose";
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
[[nodiscard]] core::Status check(const GovernancePropose& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const GovernancePropose& op, const ApplyContext& ctx);

// A committee member approves an open proposal.
struct GovernanceApprove {
  static constexpr uint16_t kType = 10;
  static constexpr std::string_view kName = "governance_approve";
  uint64_t proposal = 0;
  void encode(core::Writer& w) const { w.u64(proposal); }
  bool decode(core::Reader& r) { return r.u64(proposal); }
  bool operator==(const GovernanceApprove&) const = default;
};
[[nodiscard]] core::Status check(const GovernanceApprove& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const GovernanceApprove& op, const ApplyContext& ctx);

// A committee member proposes to declare that CT is listed on an exchange (R2): once approved
// and effective, the monthly unlocks start.
struct GovernanceProposeListing {
  static constexpr uint16_t kType = 11;
  static constexpr std::string_view kName = "governance_propose_listing";
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
[[nodiscard]] core::Status check(const GovernanceProposeListing& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const GovernanceProposeListing& op, const ApplyContext& ctx);

// A member takes back its approval of a proposal that is still pending.
struct GovernanceUnapprove {
  static constexpr uint16_t kType = 12;
  static constexpr std::string_view kName = "governance_unapprove";
  uint64_t proposal = 0;
  void encode(core::Writer& w) const { w.u64(proposal); }
  bool decode(core::Reader& r) { return r.u64(proposal); }
  bool operator==(const GovernanceUnapprove&) const = default;
};
[[nodiscard]] core::Status check(const GovernanceUnapprove& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const GovernanceUnapprove& op, const ApplyContext& ctx);

}  // namespace lingji::chain
