#include "chain/vesting/listing.h"

#include "chain/chain_errors.h"
#include "chain/protocol/text_rules.h"
#include "core/calendar.h"

namespace lingji::chain {

core::Status check(const DeclareListing& op, const PublicKey&) {
  if (!is_clean_text(op.exchange, 1, kMaxExchangeNameBytes))
    return chain_error(ErrorCode::kListingBadExchangeName,
                       "exchange name must be 1 to 64 bytes without control characters");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const DeclareListing& op, const ApplyContext& ctx) {
  if (ctx.sender != ctx.genesis.foundation)
    return chain_error(ErrorCode::kListingNotFoundation, "only the foundation's account can declare the listing");
  if (auto existing = load_listing(s))
    return chain_error(ErrorCode::kListingAlreadyDeclared,
                       "the listing was already declared at " + core::format_utc(existing->listed_at));
  store_listing(s, Listing{ctx.block_time, op.exchange});
  return core::Ok();
}

}  // namespace lingji::chain
