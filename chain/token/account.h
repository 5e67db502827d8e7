// account.h: an account's balance (free and locked together) and its sequence number, the
// count of transactions it has sent (the next transaction must carry exactly this number).
// State key: 'A' || public key (32 bytes) -> balance:i64 sequence:u64
#pragma once

#include "chain/state/state.h"
#include "core/amount.h"
#include "core/keys.h"

namespace lingji::chain {

struct Account {
  core::Amount balance;
  uint64_t sequence = 0;
};

Bytes account_key(const core::PublicKey& key);
// An absent account reads as a zero balance with sequence 0.
Account load_account(const StateReader& s, const core::PublicKey& key);
void store_account(StateOverlay& s, const core::PublicKey& key, const Account& account);

}  // namespace lingji::chain
