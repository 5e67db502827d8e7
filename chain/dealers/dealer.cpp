#include "chain/dealers/dealer.h"

#include "chain/chain_errors.h"
#include "chain/protocol/text_rules.h"
#include "chain/state/key_prefixes.h"
#include "core/codec.h"

namespace lingji::chain {

StateKey dealer_key(const PublicKey& account) { return account_record_key(key_prefix("dealer"), account); }

std::optional<Dealer> load_dealer(const StateReader& s, const PublicKey& account) {
  const Bytes* v = s.get(dealer_key(account));
  if (!v) return std::nullopt;
  core::Reader r(*v);
  Dealer d;
  uint8_t status = 0;
  r.u8(status);
  r.string(d.name, 1024);
  r.string(d.region, 1024);
  r.string(d.country, 1024);
  r.string(d.contact, 1024);
  r.i64(d.applied_at);
  if (!r.finish()) return std::nullopt;  // unreachable: only store_dealer writes this key
  d.status = static_cast<DealerStatus>(status);
  return d;
}

void store_dealer(StateOverlay& s, const PublicKey& account, const Dealer& d) {
  core::Writer w;
  w.u8(static_cast<uint8_t>(d.status)).string(d.name).string(d.region).string(d.country).string(d.contact).i64(d.applied_at);
  s.put(dealer_key(account), w.take());
}

const char* dealer_status_name(DealerStatus s) {
  switch (s) {
    case DealerStatus::kPending: return "pending";
    case DealerStatus::kApproved: return "approved";
    case DealerStatus::kSuspended: return "suspended";
  }
  return "unknown";
}

core::Status check(const DealerApply& op, const PublicKey&) {
  auto bad = [](const char* what) { return chain_error("dealer.bad_field", what); };
  if (!is_clean_text(op.name, 1, 64)) return bad("dealer name must be 1 to 64 bytes without control characters");
  if (!is_clean_text(op.region, 1, 32)) return bad("region must be 1 to 32 bytes without control characters");
  if (op.country.size() != 2 || op.country[0] < 'A' || op.country[0] > 'Z' || op.country[1] < 'A' || op.country[1] > 'Z')
    return bad("country must be an ISO 3166-1 alpha-2 code such as ID, JP or KR");
  if (!is_clean_text(op.contact, 1, 128)) return bad("contact must be 1 to 128 bytes without control characters");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const DealerApply& op, const ApplyContext& ctx) {
  if (auto existing = load_dealer(s, ctx.sender); existing && existing->status != DealerStatus::kPending)
    return chain_error("dealer.already_registered",
                       std::string("this account is already a dealer (") + dealer_status_name(existing->status) + ")");
  store_dealer(s, ctx.sender, Dealer{DealerStatus::kPending, op.name, op.region, op.country, op.contact, ctx.block_time});
  return core::Ok();
}

core::Status check(const DealerSetStatus& op, const PublicKey&) {
  if (op.status != DealerStatus::kApproved && op.status != DealerStatus::kSuspended)
    return chain_error("dealer.bad_status", "a dealer can only be approved (2) or suspended (3)");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const DealerSetStatus& op, const ApplyContext& ctx) {
  if (ctx.sender != ctx.genesis.foundation)
    return chain_error("dealer.not_foundation", "only the foundation can approve or suspend dealers");
  auto d = load_dealer(s, op.dealer);
  if (!d) return chain_error("dealer.unknown", "that account has not applied to be a dealer");
  d->status = op.status;
  store_dealer(s, op.dealer, *d);
  return core::Ok();
}

}  // namespace lingji::chain
