// listing_ops.h: the vesting module's operation (R2).
//
// Grammar (after type:u16):
//   declare_listing (2) := exchange:string
#pragma once

#include <string>

#include "chain/protocol/op_base.h"

namespace lingji::chain {

// Declared that CT is listed on an exchange. Retired: it still decodes (old transactions and
// the test vectors stay valid) but applying it is refused with listing.moved_to_committee; the
// committee declares the listing through governance_propose_listing. Rules: listing.cpp.
struct DeclareListing {
  static constexpr uint16_t kType = 2;
  static constexpr std::string_view kName = "declare_listing";
  std::string exchange;
  void encode(core::Writer& w) const { w.string(exchange); }
  bool decode(core::Reader& r) { return r.string(exchange, kMaxOpTextBytes); }
  bool operator==(const DeclareListing&) const = default;
};
[[nodiscard]] core::Status check(const DeclareListing& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const DeclareListing& op, const ApplyContext& ctx);

}  // namespace lingji::chain
