// dealer.h: the dealer registry (R12, R15). An account applies with its name, region, country
// and contact; the foundation approves or suspends it (the committee takes this over in the
// governance part). Only an approved dealer may stand as a producer candidate.
//
// State key: 'D' || account -> status:u8 name:string region:string country:string
//                              contact:string applied_at:i64
// Field rules: name 1..64 bytes, region 1..32, country an ISO 3166-1 alpha-2 code ("ID", "JP",
// "KR", "CN"), contact 1..128; no control characters.
#pragma once

#include <optional>

#include "chain/apply_context.h"
#include "chain/dealers/dealer_ops.h"
#include "chain/state/state.h"

namespace lingji::chain {

struct Dealer {
  DealerStatus status = DealerStatus::kPending;
  std::string name, region, country, contact;
  TimeMs applied_at = 0;
};

StateKey dealer_key(const PublicKey& account);
std::optional<Dealer> load_dealer(const StateReader& s, const PublicKey& account);
void store_dealer(StateOverlay& s, const PublicKey& account, const Dealer& d);
const char* dealer_status_name(DealerStatus s);  // "pending", "approved", "suspended"

}  // namespace lingji::chain
