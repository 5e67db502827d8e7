#include "chain/token/account.h"

#include "chain/state/key_prefixes.h"
#include "core/codec.h"

namespace lingji::chain {

StateKey account_key(const core::PublicKey& key) { return account_record_key(key_prefix("account"), key); }

Account load_account(const StateReader& s, const core::PublicKey& key) {
  const Bytes* v = s.get(account_key(key));
  if (!v) return {};
  core::Reader r(*v);
  int64_t balance = 0;
  Account a;
  r.i64(balance);
  r.u64(a.sequence);
  r.u8(a.flags);
  r.i64(a.mana);
  r.i64(a.mana_time);
  a.balance = core::Amount::units(balance);
  return a;
}

void store_account(StateOverlay& s, const core::PublicKey& key, const Account& account) {
  core::Writer w;
  w.i64(account.balance.units()).u64(account.sequence).u8(account.flags).i64(account.mana).i64(account.mana_time);
  s.put(account_key(key), w.take());
}

void set_account_flag(StateOverlay& s, const core::PublicKey& key, uint8_t flag, bool on) {
  Account a = load_account(s, key);
  const uint8_t flags = on ? (a.flags | flag) : (a.flags & ~flag);
  if (flags == a.flags) return;  // also: clearing a flag of an absent account creates nothing
  a.flags = flags;
  store_account(s, key, a);
}

}  // namespace lingji::chain
