// transfer.h: the transfer operation (R11): moves free CT from the sender to another account,
// with an optional memo of up to 256 bytes. Locked CT (vesting.h) cannot be transferred.
#pragma once

#include "chain/apply_context.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

// Stateless: positive amount, memo size, no transfer to oneself.
[[nodiscard]] core::Status check(const Transfer& op, const PublicKey& sender);
// Reads and checks everything before writing, so a failure leaves the state untouched.
[[nodiscard]] core::Status apply(StateOverlay& s, const Transfer& op, const ApplyContext& ctx);

}  // namespace lingji::chain
