// listing.h: the listing declaration (R2): once CT is listed on an exchange, the monthly unlock
// of 10% on the 15th starts. Signed by the foundation's key (a later part hands it to the
// governance committee); it can happen only once.
#pragma once

#include "chain/apply_context.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

[[nodiscard]] core::Status check(const DeclareListing& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const DeclareListing& op, const ApplyContext& ctx);

}  // namespace lingji::chain
