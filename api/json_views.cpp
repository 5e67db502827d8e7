#include "api/json_views.h"

#include "chain/dealers/dealer.h"
#include "chain/finality/finality_proof.h"
#include "chain/producers/ejection.h"
#include "chain/governance/governance.h"
#include "chain/producers/producer.h"
#include "chain/producers/schedule.h"
#include "chain/token/account.h"
#include "chain/vesting/vesting.h"
#include "core/address.h"

namespace lingji::api {
namespace {

void put_time(Json& j, const std::string& name, core::TimeMs t) {
  j[name] = core::format_utc(t);
  j[name + "_ms"] = t;
}

Json time_json(core::TimeMs t) { return core::format_utc(t); }

// A parameter value as the API shows it: amounts as decimal CT strings, the rest as numbers.
Json param_value_json(chain::ParamId id, int64_t value) {
  if (id == chain::ParamId::kBetMin || id == chain::ParamId::kBetMax || id == chain::ParamId::kBlockReward)
    return core::Amount::units(value).to_string();
  return value;
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

struct OperationJson {
  Json operator()(const chain::Transfer& t) const {
    return {{"type", "transfer"}, {"to", core::encode_address(t.to)}, {"amount", t.amount.to_string()},
            {"memo", t.memo}, {"memo_hex", core::to_hex(core::as_bytes(t.memo))}};
  }
  Json operator()(const chain::DeclareListing& l) const { return {{"type", "declare_listing"}, {"exchange", l.exchange}}; }
  Json operator()(const chain::DealerApply& d) const {
    return {{"type", "dealer_apply"}, {"name", d.name}, {"region", d.region}, {"country", d.country}, {"contact", d.contact}};
  }
  Json operator()(const chain::DealerSetStatus& d) const {
    return {{"type", "dealer_set_status"}, {"dealer", core::encode_address(d.dealer)},
            {"status", chain::dealer_status_name(d.status)}};
  }
  Json operator()(const chain::ProducerRegister& p) const {
    return {{"type", "producer_register"}, {"signing_key", p.signing_key.hex()}, {"url", p.url}, {"region", p.region}};
  }
  Json operator()(const chain::ProducerUpdateKey& p) const {
    return {{"type", "producer_update_key"}, {"signing_key", p.signing_key.hex()}};
  }
  Json operator()(const chain::ProducerUnregister&) const { return {{"type", "producer_unregister"}}; }
  Json operator()(const chain::VoteProducers& v) const {
    Json c = Json::array();
    for (const auto& k : v.candidates) c.push_back(core::encode_address(k));
    return {{"type", "vote_producers"}, {"candidates", std::move(c)}};
  }
  Json operator()(const chain::ReportEvidence& e) const {
    return {{"type", "report_evidence"}, {"kind", chain::evidence_kind_name(e.kind)},
            {"evidence_hex", core::to_hex(e.evidence)}};
  }
  Json operator()(const chain::GovernancePropose& g) const {
    return heights_json({{"type", "governance_propose"}, {"changes", changes_json(g.changes)}}, g.heights, &g.description);
  }
  Json operator()(const chain::GovernanceApprove& g) const {
    return {{"type", "governance_approve"}, {"proposal", g.proposal}};
  }
  Json operator()(const chain::GovernanceProposeListing& g) const {
    return heights_json({{"type", "governance_propose_listing"}, {"exchange", g.exchange}}, g.heights, &g.description);
  }
  Json operator()(const chain::GovernanceUnapprove& g) const {
    return {{"type", "governance_unapprove"}, {"proposal", g.proposal}};
  }
};


}  // namespace

Json operation_json(const chain::Operation& op) { return std::visit(OperationJson{}, op); }

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json error_json(const core::Error& e) {
  return {{"error", {{"code", e.code}, {"name", e.name}, {"message", e.message}}}};
}

Json transaction_json(const chain::SignedTransaction& tx) {
  const auto& b = tx.body();
  Json ops = Json::array();
  for (const auto& op : b.operations) ops.push_back(operation_json(op));
  Json j;
  j["id"] = tx.id().hex();
  j["chain_id"] = b.chain_id.hex();
  j["sender"] = core::encode_address(b.sender);
  j["sequence"] = b.sequence;
  put_time(j, "expiration", b.expiration);
  j["operations"] = std::move(ops);
  j["signature"] = tx.signature().hex();
  j["size"] = tx.bytes().size();
  return j;
}

Json block_json(const chain::Block& block) {
  const auto& h = block.header;
  Json j;
  j["height"] = h.height;
  j["id"] = h.id().hex();
  j["previous"] = h.previous.hex();
  j["slot"] = h.slot;
  put_time(j, "timestamp", h.timestamp);
  j["producer"] = core::encode_address(h.producer);
  j["tx_root"] = h.tx_root.hex();
  j["state_root"] = h.state_root.hex();
  j["justify"] = {{"slot", h.justify.slot}, {"height", h.justify.height}, {"block_id", h.justify.block_id.hex()}};
  if (block.justify_qc) {
    Json signers = Json::array();
    for (const auto& [key, sig] : block.justify_qc->signers) signers.push_back(key.hex());
    j["justify_certificate"] = {{"signers", std::move(signers)}};
  } else {
    j["justify_certificate"] = nullptr;
  }
  j["signature"] = block.signature.hex();
  j["transaction_count"] = h.tx_count;
  j["transactions"] = Json::array();
  for (const auto& tx : block.transactions) j["transactions"].push_back(transaction_json(tx));
  return j;
}

Json account_json(const chain::Chain& chain, const core::PublicKey& key) {
  const auto& g = chain.genesis();
  const core::TimeMs now = chain.head().timestamp;
  chain::Account acct = chain::load_account(chain.state(), key);
  auto lock = chain::load_lock(chain.state(), key);
  auto listing = chain::load_listing(chain.state());
  core::Amount locked = lock ? chain::locked_at(*lock, now, listing, g.utc_offset_minutes) : core::Amount::zero();
  core::Amount free = core::Amount::units(std::max<int64_t>(0, acct.balance.units() - locked.units()));
  Json j;
  j["address"] = core::encode_address(key);
  j["public_key"] = key.hex();
  j["balance"] = acct.balance.to_string();
  j["free"] = free.to_string();
  j["locked"] = locked.to_string();
  j["sequence"] = acct.sequence;
  j["as_of"] = {{"height", chain.head().height}, {"time", time_json(now)}};
  j["votes_for"] = Json::array();
  for (const auto& c : chain::load_votes(chain.state(), key)) j["votes_for"].push_back(core::encode_address(c));
  if (!lock) {
    j["vesting"] = nullptr;
    return j;
  }
  Json v;
  v["category"] = chain::category_name(lock->category);
  v["original"] = lock->original.to_string();
  v["locked"] = locked.to_string();
  v["unlocked"] = core::Amount::units(lock->original.units() - locked.units()).to_string();
  put_time(v, "cliff_end", lock->cliff_end);
  v["monthly_unlocks_started"] = listing.has_value();
  auto events = chain::upcoming_unlocks(*lock, now, listing, g.utc_offset_minutes);
  v["next_unlock"] = events.empty() ? Json(nullptr)
                                    : Json{{"time", time_json(events[0].at)}, {"amount", events[0].amount.to_string()}};
  v["schedule"] = Json::array();
  for (const auto& e : events) v["schedule"].push_back({{"time", time_json(e.at)}, {"amount", e.amount.to_string()}});
  j["vesting"] = std::move(v);
  return j;
}

Json supply_json(const chain::Chain& chain) {
  const auto& g = chain.genesis();
  const core::TimeMs now = chain.head().timestamp;
  auto listing = chain::load_listing(chain.state());
  int64_t total = 0, total_locked = 0;
  Json cats = Json::array();
  for (chain::Category c : chain::kAllCategories) {
    int64_t allocated = 0, locked = 0;
    for (const auto& a : g.allocations) {
      if (a.category != c) continue;
      allocated += a.amount.units();
      if (auto lock = chain::load_lock(chain.state(), a.account))
        locked += chain::locked_at(*lock, now, listing, g.utc_offset_minutes).units();
    }
    total += allocated;
    total_locked += locked;
    cats.push_back({{"category", chain::category_name(c)},
                    {"percent", chain::category_percent(c)},
                    {"lock_months", chain::category_lock_months(c)},
                    {"allocated", core::Amount::units(allocated).to_string()},
                    {"locked", core::Amount::units(locked).to_string()},
                    {"unlocked", core::Amount::units(allocated - locked).to_string()}});
  }
  Json j;
  j["total"] = core::Amount::units(total).to_string();
  j["locked"] = core::Amount::units(total_locked).to_string();
  j["unlocked"] = core::Amount::units(total - total_locked).to_string();
  j["as_of"] = {{"height", chain.head().height}, {"time", time_json(now)}};
  j["listing"] = listing ? Json{{"declared_at", time_json(listing->listed_at)}, {"exchange", listing->exchange}}
                         : Json(nullptr);
  j["categories"] = std::move(cats);
  return j;
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

Json info_json(const chain::Chain& chain, const consensus::Controller& node) {
  const auto& g = chain.genesis();
  Json j;
  j["chain_id"] = chain.chain_id().hex();
  j["chain_name"] = g.chain_name;
  put_time(j, "genesis_time", g.genesis_time);
  j["utc_offset_minutes"] = g.utc_offset_minutes;
  j["head_height"] = chain.head().height;
  j["head_id"] = chain.head_id().hex();
  put_time(j, "head_time", chain.head().timestamp);
  j["head_state_root"] = chain.head().state_root.hex();
  j["head_slot"] = chain.head().slot;
  // The last final block by the two-chain rule (shared/CONSENSUS.md), as the head's state knows it.
  const auto fin = chain.final_block();
  j["lib_height"] = fin.height;
  j["lib_id"] = fin.id.hex();
  j["producing"] = node.is_producer();
  j["equivocations_seen"] = node.equivocations_seen();
  j["foundation"] = core::encode_address(g.foundation);
  j["block_interval_ms"] = chain::load_params(chain.state()).block_interval_ms;  // as the committee set it
  j["max_transaction_lifetime_ms"] = g.params.max_transaction_lifetime_ms;
  return j;
}

Json governance_params_json(const chain::Chain& chain) {
  const auto& st = chain.state();
  const chain::GovernedParams p = chain::load_params(st);
  Json members = Json::array();
  const auto committee = chain::committee(st);
  for (const auto& m : committee)
    members.push_back({{"account", core::encode_address(m.account)}, {"signing_key", m.signing_key.hex()}});
  const auto& pool = chain::fee_pool_account();
  return {{"as_of", {{"height", chain.head().height}}},
          {"params",
           {{"bet_fee_min_bp", p.bet_fee_min_bp},
            {"bet_fee_max_bp", p.bet_fee_max_bp},
            {"bet_fee_default_bp", p.bet_fee_default_bp},
            {"bet_min", p.bet_min.to_string()},
            {"bet_max", p.bet_max.to_string()},
            {"block_interval_ms", p.block_interval_ms},
            {"block_reward", p.block_reward.to_string()}}},
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

std::optional<Json> finality_proof_json(const chain::Chain& chain, const storage::BlockStore& store, uint64_t height) {
  using chain::finality::block_ref;
  const uint64_t fin = chain.final_block().height;
  const uint64_t head = chain.head().height;
  if (height == 0 || height > fin) return std::nullopt;
  // The nearest A >= height proved final by its child B, and the block that carries QC(B).
  constexpr uint64_t kSearch = 64;
  chain::finality::BlockFinalityProof proof;
  for (uint64_t a = height; a <= fin && a + 1 <= head && a < height + chain::finality::kMaxProofHeaders - 1; ++a) {
    auto ha = store.header_at(a), hb = store.header_at(a + 1);
    if (!ha || !hb || !chain::finality::proves_final(block_ref(*ha), block_ref(*hb))) continue;
    const core::Hash256 b_id = hb->id();
    std::optional<chain::finality::QuorumCertificate> qc;
    for (uint64_t k = a + 2; k <= head && k <= a + 1 + kSearch && !qc; ++k) {
      auto hk = store.header_at(k);
      if (!hk || hk->justify.block_id != b_id) continue;
      if (auto blk = store.block_at(k); blk && blk->justify_qc) qc = blk->justify_qc;
    }
    if (!qc) continue;
    for (uint64_t h = height; h <= a + 1; ++h) proof.headers.push_back(*store.header_at(h));
    proof.qc_on_b = std::move(*qc);
    break;
  }
  if (proof.headers.empty()) return std::nullopt;
  // The generation whose quorum signed it (alone, or jointly with the next while a set change
  // is pending), newest first.
  const uint64_t current = chain::load_schedule(chain.state()).generation;
  for (uint64_t g = current + 1; g-- > 0;) {
    auto set = chain::generation_keys(chain.state(), g);
    if (set.empty()) continue;
    auto next = chain::generation_keys(chain.state(), g + 1);
    std::optional<std::vector<core::PublicKey>> joint;
    if (proof.verify(chain.chain_id(), set)) {
    } else if (!next.empty() && proof.verify(chain.chain_id(), set, next)) {
      joint = next;
    } else {
      continue;
    }
    auto keys = [](const std::vector<core::PublicKey>& ks) {
      Json out = Json::array();
      for (const auto& k : ks) out.push_back(k.hex());
      return out;
    };
    const auto& a = proof.headers[proof.headers.size() - 2];
    return Json{{"height", height},
                {"id", proof.headers.front().id().hex()},
                {"proved_final", {{"height", a.height}, {"id", a.id().hex()}}},
                {"generation", g},
                {"producer_set", keys(set)},
                {"next_set", joint ? keys(*joint) : Json(nullptr)},
                {"proof", core::to_hex(proof.encode())}};
  }
  return std::nullopt;
}

}  // namespace lingji::api
