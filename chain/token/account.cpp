#include "chain/token/account.h"

#include "core/codec.h"

namespace lingji::chain {

Bytes account_key(const core::PublicKey& key) { return account_record_key('A', key); }

Account load_account(const StateReader& s, const core::PublicKey& key) {
  const Bytes* v = s.get(account_key(key));
  if (!v) return {};
  core::Reader r(*v);
  int64_t balance = 0;
  Account a;
  r.i64(balance);
  r.u64(a.sequence);
  a.balance = core::Amount::units(balance);
  return a;
}

void store_account(StateOverlay& s, const core::PublicKey& key, const Account& account) {
  core::Writer w;
  w.i64(account.balance.units()).u64(account.sequence);
  s.put(account_key(key), w.take());
}

}  // namespace lingji::chain
