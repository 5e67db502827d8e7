#include "chain/vesting/listing_ops.h"

#include "chain/chain_errors.h"
#include "chain/protocol/text_rules.h"
#include "chain/protocol/transaction.h"

namespace lingji::chain {

core::Status check(const DeclareListing& op, const PublicKey&) {
  if (!is_clean_text(op.exchange, 1, kMaxExchangeNameBytes))
    return chain_error("listing.bad_exchange_name",
                       "exchange name must be 1 to 64 bytes without control characters");
  return core::Ok();
}

core::Status apply(StateOverlay&, const DeclareListing&, const ApplyContext&) {
  return chain_error("listing.moved_to_committee",
                     "the listing is declared by the governance committee now: a producer proposes it with "
                     "governance_propose_listing and more than two thirds of the producers approve it");
}

}  // namespace lingji::chain
