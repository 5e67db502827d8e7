// dealer_ops.h: the dealer registry's operations (R12).
//
// Grammar (after type:u16):
//   dealer_apply (3)      := name:string region:string country:string contact:string
//   dealer_set_status (4) := dealer:fixed<32> status:u8          (2 approved, 3 suspended)
#pragma once

#include <string>

#include "chain/protocol/op_base.h"

namespace lingji::chain {

// An account applies to be a dealer: a lottery shop or franchisee with a local business.
struct DealerApply {
  static constexpr uint16_t kType = 3;
  static constexpr std::string_view kName = "dealer_apply";
  std::string name, region, country, contact;
  void encode(core::Writer& w) const { w.string(name).string(region).string(country).string(contact); }
  bool decode(core::Reader& r) {
    return r.string(name, kMaxOpTextBytes) && r.string(region, kMaxOpTextBytes) &&
           r.string(country, kMaxOpTextBytes) && r.string(contact, kMaxOpTextBytes);
  }
  bool operator==(const DealerApply&) const = default;
};
[[nodiscard]] core::Status check(const DealerApply& op, const PublicKey& sender);
// A new applicant, or a pending one updating its details; approved/suspended dealers cannot
// re-apply (their status is the foundation's decision). Rules: dealer.cpp.
[[nodiscard]] core::Status apply(StateOverlay& s, const DealerApply& op, const ApplyContext& ctx);

enum class DealerStatus : uint8_t { kPending = 1, kApproved = 2, kSuspended = 3 };

// The foundation approves or suspends a dealer.
struct DealerSetStatus {
  static constexpr uint16_t kType = 4;
  static constexpr std::string_view kName = "dealer_set_status";
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
[[nodiscard]] core::Status check(const DealerSetStatus& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const DealerSetStatus& op, const ApplyContext& ctx);

}  // namespace lingji::chain
