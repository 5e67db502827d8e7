// dealer_views.cpp: the dealer registry's views: the dealer_apply and dealer_set_status
// operations, and an account's dealer record with its producer candidacy.
#include "api/views/views.h"

#include "chain/dealers/dealer.h"
#include "chain/producers/ejection.h"
#include "chain/producers/producer.h"
#include "core/address.h"

namespace lingji::api {

template <>
Json operation_fields(const chain::DealerApply& d) {
  return {{"name", d.name}, {"region", d.region}, {"country", d.country}, {"contact", d.contact}};
}

template <>
Json operation_fields(const chain::DealerSetStatus& d) {
  return {{"dealer", core::encode_address(d.dealer)}, {"status", chain::dealer_status_name(d.status)}};
}

Json dealer_json(const chain::Chain& chain, const core::PublicKey& key) {
  auto d = chain::load_dealer(chain.state(), key);
  if (!d) return nullptr;
  Json j;
  j["address"] = core::encode_address(key);
  j["status"] = chain::dealer_status_name(d->status);
  j["name"] = d->name;
  j["region"] = d->region;
  j["country"] = d->country;
  j["contact"] = d->contact;
  put_time(j, "applied_at", d->applied_at);
  if (auto p = chain::load_producer(chain.state(), key); p && p->registered) {
    j["producer"] = {{"signing_key", p->signing_key.hex()}, {"url", p->url}, {"region", p->region},
                     {"votes", p->votes.to_string()}, {"ejected", chain::is_ejected(chain.state(), key)}};
  } else {
    j["producer"] = nullptr;
  }
  return j;
}

}  // namespace lingji::api
