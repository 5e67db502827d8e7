// producer_views.cpp: the producer module's views: its operations (register, update key,
// unregister, vote, report evidence), the elected candidates with the schedule in force, and the
// equivocations recorded on the chain.
#include "api/views/views.h"

#include "chain/producers/ejection.h"
#include "chain/producers/producer.h"
#include "chain/producers/schedule.h"
#include "core/address.h"

namespace lingji::api {

template <>
Json operation_fields(const chain::ProducerRegister& p) {
  return {{"signing_key", p.signing_key.hex()}, {"url", p.url}, {"region", p.region}};
}

template <>
Json operation_fields(const chain::ProducerUpdateKey& p) {
  return {{"signing_key", p.signing_key.hex()}};
}

template <>
Json operation_fields(const chain::ProducerUnregister&) {
  return Json::object();
}

template <>
Json operation_fields(const chain::VoteProducers& v) {
  Json c = Json::array();
  for (const auto& k : v.candidates) c.push_back(core::encode_address(k));
  return {{"candidates", std::move(c)}};
}

template <>
Json operation_fields(const chain::ReportEvidence& e) {
  return {{"kind", chain::evidence_kind_name(e.kind)}, {"evidence_hex", core::to_hex(e.evidence)}};
}

Json producers_json(const chain::Chain& chain) {
  Json list = Json::array();
  int rank = 0;
  for (const auto& c : chain::elect(chain.state(), chain::kMaxActiveProducers)) {
    list.push_back({{"rank", ++rank},
                    {"account", core::encode_address(c.account)},
                    {"signing_key", c.producer.signing_key.hex()},
                    {"url", c.producer.url},
                    {"region", c.producer.region},
                    {"votes", c.producer.votes.to_string()}});
  }
  // The schedule in force: this round's order with each producer's record.
  const chain::Schedule sc = chain::load_schedule(chain.state());
  auto member_json = [&](const chain::Member& m) {
    const auto r = chain::load_producer_record(chain.state(), m.account);
    return Json{{"account", core::encode_address(m.account)}, {"signing_key", m.signing_key.hex()},
                {"blocks_produced", r.produced}, {"slots_missed", r.missed}, {"votes_cast", r.votes_cast},
                {"last_block_height", r.last_height}, {"last_block_slot", r.last_slot},
                {"ejected", chain::is_ejected(chain.state(), m.account)}};
  };
  Json active = Json::array();
  for (const auto& m : sc.producers) active.push_back(member_json(m));
  Json pending = nullptr;
  if (sc.pending) {
    Json members = Json::array();
    for (const auto& m : sc.pending->producers) members.push_back(member_json(m));
    pending = {{"generation", sc.pending->generation}, {"proposed_height", sc.pending->proposed_height},
               {"joint_from_height", sc.pending->joint_from}, {"producers", std::move(members)}};
  }
  return {{"as_of", {{"height", chain.head().height}}},
          {"max_active", chain::kMaxActiveProducers},
          {"elected", std::move(list)},
          {"schedule", {{"generation", sc.generation}, {"round_start_slot", sc.round_start}, {"producers", std::move(active)}}},
          {"pending", std::move(pending)}};
}

Json evidence_json(const chain::Chain& chain) {
  Json list = Json::array();
  for (const auto& e : chain::list_evidence(chain.state())) {
    list.push_back({{"offender_key", e.offender.hex()},
                    {"slot", e.slot},
                    {"kind", chain::evidence_kind_name(e.kind)},
                    {"account", core::encode_address(e.account)},
                    {"block_a", e.block_a.hex()},
                    {"block_b", e.block_b.hex()},
                    {"reporter", core::encode_address(e.reporter)},
                    {"height", e.height},
                    {"ejected", chain::is_ejected(chain.state(), e.account)}});
  }
  return {{"as_of", {{"height", chain.head().height}}}, {"evidence", std::move(list)}};
}

}  // namespace lingji::api
