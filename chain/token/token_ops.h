// token_ops.h: the token module's operations (R11).
//
// Grammar (after type:u16; primitives as in core/codec.h):
//   transfer (1) := to:fixed<32> amount:i64 memo:bytes
#pragma once

#include <string>

#include "chain/protocol/op_base.h"

namespace lingji::chain {

// Moves free CT from the sender to another account, with a memo of up to 256 bytes. Locked CT
// (vesting.h) cannot be transferred. Rules: chain/token/transfer.cpp.
struct Transfer {
  static constexpr uint16_t kType = 1;
  static constexpr std::string_view kName = "transfer";
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
// Positive amount within the supply, memo size, no transfer to oneself.
[[nodiscard]] core::Status check(const Transfer& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const Transfer& op, const ApplyContext& ctx);

}  // namespace lingji::chain
