// listing.h: the retired declare_listing operation (R2). The listing, which starts the monthly
// unlock of 10% on the 15th, is now a decision of the governance committee
// (chain/governance/governance.h, governance_propose_listing); declare_listing keeps its
// encoding and its exchange-name check, and applying it is refused with listing.moved_to_committee.
#pragma once

#include "chain/apply_context.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

[[nodiscard]] core::Status check(const DeclareListing& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const DeclareListing& op, const ApplyContext& ctx);

}  // namespace lingji::chain
