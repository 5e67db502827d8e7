// account.h: an account's balance (free and locked together), its sequence number, the count
// of transactions it has sent (the next transaction must carry exactly this number), and its
// resource mana (chain/resources/resources.h): kept here because every transaction already reads
// and writes its sender's record, so the model costs no extra state read or write.
// State key: 'A' || public key (32 bytes) -> balance:i64 sequence:u64 flags:u8 mana:i64
//                                             mana_time:i64
// (mana and mana_time since store format 4; mana_time 0: never settled.)
#pragma once

#include "chain/state/state.h"
#include "core/amount.h"
#include "core/calendar.h"
#include "core/keys.h"

namespace lingji::chain {

// Flags say which other per-account records exist, so that a transfer between plain accounts
// looks up neither: each is set by the module that writes the record (vesting's store_lock,
// producers' store_votes), and is only a shortcut: a reader that ignores it stays correct.
inline constexpr uint8_t kAccountHasLock = 0x01;   // a lock record 'L' exists (vesting.h)
inline constexpr uint8_t kAccountHasVotes = 0x02;  // a votes record 'V' exists (producer.h)

struct Account {
  core::Amount balance;
  uint64_t sequence = 0;
  uint8_t flags = 0;
  int64_t mana = 0;        // resource units as of mana_time
  core::TimeMs mana_time = 0;  // block time of the last settlement; 0: never
};

StateKey account_key(const core::PublicKey& key);
// An absent account reads as a zero balance with sequence 0.
Account load_account(const StateReader& s, const core::PublicKey& key);
void store_account(StateOverlay& s, const core::PublicKey& key, const Account& account);
// Sets or clears one of the flags above (creating the account record if it is absent).
void set_account_flag(StateOverlay& s, const core::PublicKey& key, uint8_t flag, bool on);

}  // namespace lingji::chain
