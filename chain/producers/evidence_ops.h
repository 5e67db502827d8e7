// evidence_ops.h: reporting a producer key that equivocated. Rules: ejection.cpp.
//
// Grammar (after type:u16):
//   report_evidence (13) := kind:u8 evidence:bytes   (1 DoubleVoteEvidence, 2 DoubleBlockEvidence;
//                           the evidence encodings are in chain/finality/evidence.h)
#pragma once

#include "chain/protocol/op_base.h"
#include "core/bytes.h"

namespace lingji::chain {

enum class EvidenceKind : uint8_t { kDoubleVote = 1, kDoubleBlock = 2 };

// Evidence that a producer key equivocated (chain/producers/ejection.h): any account may send
// it; it is recorded and the offender leaves the schedule. The evidence stays encoded here (its
// types live in chain/finality, which depends on this layer); check() decodes it.
struct ReportEvidence {
  static constexpr uint16_t kType = 13;
  static constexpr std::string_view kName = "report_evidence";
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
[[nodiscard]] core::Status check(const ReportEvidence& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const ReportEvidence& op, const ApplyContext& ctx);

}  // namespace lingji::chain
