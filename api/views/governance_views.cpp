// governance_views.cpp: the governance committee's views: its operations (propose, approve,
// propose a listing, unapprove), the parameters in force with the committee and fee pool, and
// the proposals.
#include "api/views/views.h"

#include "chain/governance/governance.h"
#include "chain/token/account.h"
#include "core/address.h"

namespace lingji::api {
namespace {

// A parameter value as the API shows it: amounts as decimal CT strings, the rest as numbers.
Json param_value_json(const chain::ParamRow& row, int64_t value) {
  if (row.unit == chain::ParamUnit::kAmount) return core::Amount::units(value).to_string();
  return value;
}

// A parameter id no row has (an old proposal can never hold one: check() refuses it) shows as
// its number.
Json param_value_json(chain::ParamId id, int64_t value) {
  const chain::ParamRow* row = chain::find_param(id);
  return row ? param_value_json(*row, value) : Json(value);
}

Json changes_json(const std::vector<chain::ParamChange>& changes) {
  Json out = Json::array();
  for (const auto& c : changes) out.push_back({{"param", chain::param_name(c.param)}, {"value", param_value_json(c.param, c.value)}});
  return out;
}

Json heights_json(Json j, const chain::ProposalHeights& h, const std::string* description = nullptr) {
  j["effective_height"] = h.effective_height;
  j["expires_height"] = h.expires_height;
  if (description) j["description"] = *description;
  return j;
}

}  // namespace

template <>
Json operation_fields(const chain::GovernancePropose& g) {
  return heights_json({{"changes", changes_json(g.changes)}}, g.heights, &g.description);
}

template <>
Json operation_fields(const chain::GovernanceApprove& g) {
  return {{"proposal", g.proposal}};
}

template <>
Json operation_fields(const chain::GovernanceProposeListing& g) {
  return heights_json({{"exchange", g.exchange}}, g.heights, &g.description);
}

template <>
Json operation_fields(const chain::GovernanceUnapprove& g) {
  return {{"proposal", g.proposal}};
}

Json governance_params_json(const chain::Chain& chain) {
  const auto& st = chain.state();
  const chain::GovernedParams p = chain::load_params(st);
  Json params = Json::object();
  for (const auto& row : chain::kParams) params[std::string(row.name)] = param_value_json(row, row.get(p));
  Json members = Json::array();
  const auto committee = chain::committee(st);
  for (const auto& m : committee)
    members.push_back({{"account", core::encode_address(m.account)}, {"signing_key", m.signing_key.hex()}});
  const auto& pool = chain::fee_pool_account();
  return {{"as_of", {{"height", chain.head().height}}},
          {"params", std::move(params)},
          {"committee",
           {{"size", committee.size()},
            {"approvals_needed", chain::approval_threshold(committee.size())},
            {"members", std::move(members)}}},
          {"fee_pool",
           {{"account", core::encode_address(pool)}, {"balance", chain::load_account(st, pool).balance.to_string()}}}};
}

Json proposal_json(const chain::Chain& chain, const chain::Proposal& p) {
  Json j;
  j["id"] = p.id;
  j["kind"] = chain::proposal_kind_name(p.kind);
  j["status"] = chain::proposal_status_name(p.status);
  j["proposer"] = core::encode_address(p.proposer);
  j["proposed_height"] = p.proposed_height;
  j = heights_json(std::move(j), p.heights);
  j["description"] = p.description;
  if (p.kind == chain::ProposalKind::kListing) j["exchange"] = p.exchange;
  else j["changes"] = changes_json(p.changes);
  Json approvals = Json::array();
  for (const auto& a : p.approvals) approvals.push_back(core::encode_address(a));
  j["approvals"] = std::move(approvals);
  j["approvals_counted"] = chain::counted_approvals(chain.state(), p);
  j["approvals_needed"] = chain::approval_threshold(chain::committee(chain.state()).size());
  j["decided_height"] = p.decided_height == 0 ? Json(nullptr) : Json(p.decided_height);
  j["note"] = p.note;
  return j;
}

Json proposals_json(const chain::Chain& chain, uint64_t before, size_t limit) {
  Json list = Json::array();
  const auto proposals = chain::list_proposals(chain.state(), before, limit);
  for (const auto& p : proposals) list.push_back(proposal_json(chain, p));
  Json next = nullptr;
  if (proposals.size() == limit && !proposals.empty() && proposals.back().id > 1) next = proposals.back().id;
  return {{"as_of", {{"height", chain.head().height}}}, {"proposals", std::move(list)}, {"next_before", std::move(next)}};
}

}  // namespace lingji::api
