#include "chain/governance/governance.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "chain/producers/producer.h"
#include "chain/protocol/text_rules.h"
#include "chain/protocol/transaction.h"
#include "chain/state/key_prefixes.h"
#include "chain/token/account.h"
#include "chain/token/money.h"
#include "chain/vesting/vesting.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

Bytes text_key(std::string_view name) {
  Bytes k{key_prefix("governance")};
  k.insert(k.end(), name.begin(), name.end());
  return k;
}

const Bytes& params_key() {
  static const Bytes k = text_key("params");
  return k;
}
const Bytes& height_key() {
  static const Bytes k = text_key("height");
  return k;
}
const Bytes& next_id_key() {
  static const Bytes k = text_key("next");
  return k;
}
const Bytes& open_key() {
  static const Bytes k = text_key("open");
  return k;
}
const Bytes& slots_key() {
  static const Bytes k = text_key("slots");
  return k;
}
const Bytes& proposal_prefix() {
  static const Bytes k{key_prefix("governance"), 'P'};
  return k;
}
Bytes proposal_key(uint64_t id) {
  Bytes k = numbered_record_key('P', id).bytes();
  k.insert(k.begin(), key_prefix("governance"));
  return k;
}

core::Error bad_param(std::string why) { return chain_error("governance.bad_param", std::move(why)); }

uint64_t read_u64(const StateReader& s, const Bytes& key) {
  const Bytes* v = s.get(key);
  if (!v) return 0;
  core::Reader r(*v);
  uint64_t n = 0;
  if (!r.u64(n) || !r.finish()) return 0;
  return n;
}

void write_u64(StateOverlay& s, const Bytes& key, uint64_t n) {
  core::Writer w;
  w.u64(n);
  s.put(key, w.take());
}

uint64_t current_height(const StateReader& s) { return read_u64(s, height_key()); }

// The open proposals (pending or approved), by id, with the height at which each is next due:
// its expiry while pending, its effective height once approved.
struct OpenEntry {
  uint64_t id = 0;
  PublicKey proposer;
  uint64_t due_height = 0;
};

std::vector<OpenEntry> load_open(const StateReader& s) {
  std::vector<OpenEntry> out;
  const Bytes* v = s.get(open_key());
  if (!v) return out;
  core::Reader r(*v);
  uint32_t n = 0;
  if (!r.count(n, 1u << 16)) return out;
  out.resize(n);
  for (auto& e : out)
    if (!r.u64(e.id) || !r.fixed(e.proposer) || !r.u64(e.due_height)) return {};
  return out;
}

void store_open(StateOverlay& s, const std::vector<OpenEntry>& open) {
  if (open.empty()) {
    s.erase(open_key());
    return;
  }
  core::Writer w;
  w.u32(static_cast<uint32_t>(open.size()));
  for (const auto& e : open) w.u64(e.id).fixed(e.proposer).u64(e.due_height);
  s.put(open_key(), w.take());
}

void set_due(StateOverlay& s, uint64_t id, uint64_t due_height) {
  auto open = load_open(s);
  for (auto& e : open)
    if (e.id == id) e.due_height = due_height;
  store_open(s, open);
}

void store_proposal(StateOverlay& s, const Proposal& p) {
  core::Writer w;
  w.u8(static_cast<uint8_t>(p.kind)).fixed(p.proposer).u64(p.proposed_height);
  w.u64(p.heights.effective_height).u64(p.heights.expires_height).string(p.description);
  w.u32(static_cast<uint32_t>(p.changes.size()));
  for (const auto& c : p.changes) w.u8(static_cast<uint8_t>(c.param)).i64(c.value);
  w.string(p.exchange);
  w.u32(static_cast<uint32_t>(p.approvals.size()));
  for (const auto& a : p.approvals) w.fixed(a);
  w.u8(static_cast<uint8_t>(p.status)).u64(p.decided_height).string(p.note);
  s.put(proposal_key(p.id), w.take());
}

struct Segment {
  uint64_t from_slot = 0;
  TimeMs from_time = 0;
  uint32_t interval_ms = 1000;
};

std::vector<Segment> load_segments(const StateReader& s, const Genesis& g) {
  std::vector<Segment> out;
  if (const Bytes* v = s.get(slots_key())) {
    core::Reader r(*v);
    uint32_t n = 0;
    bool ok = r.count(n, 1u << 20);
    out.resize(ok ? n : 0);
    for (auto& seg : out) ok = ok && r.u64(seg.from_slot) && r.i64(seg.from_time) && r.u32(seg.interval_ms);
    if (!ok || !r.finish() || out.empty() || out[0].interval_ms == 0) out.clear();
  }
  if (out.empty()) out.push_back({0, g.genesis_time, std::max<uint32_t>(1, g.params.block_interval_ms)});
  return out;
}

void store_segments(StateOverlay& s, const std::vector<Segment>& segments) {
  core::Writer w;
  w.u32(static_cast<uint32_t>(segments.size()));
  for (const auto& seg : segments) w.u64(seg.from_slot).i64(seg.from_time).u32(seg.interval_ms);
  s.put(slots_key(), w.take());
}

// The segment holding `slot`: the last one starting at or before it.
const Segment& segment_of_slot(const std::vector<Segment>& segments, uint64_t slot) {
  size_t i = segments.size() - 1;
  while (i > 0 && segments[i].from_slot > slot) --i;
  return segments[i];
}

core::Status check_text_fields(const ProposalHeights& h, const std::string& description) {
  if (!is_clean_text(description, 0, kMaxDescriptionBytes))
    return chain_error("governance.bad_description",
                       "description must be at most 256 bytes without control characters");
  if (h.expires_height == 0 || h.effective_height < h.expires_height)
    return chain_error("governance.bad_heights",
                       "effective_height must be at or after expires_height, and expires_height after 0");
  return core::Ok();
}

bool is_member(const std::vector<Member>& members, const PublicKey& account) {
  return std::any_of(members.begin(), members.end(), [&](const Member& m) { return m.account == account; });
}

core::Status require_member(const StateReader& s, const PublicKey& account) {
  if (!is_member(committee(s), account))
    return chain_error("governance.not_committee_member",
                       "only the account of an active producer is a member of the governance committee (R14)");
  return core::Ok();
}

// Marks p approved at `height` if the committee's approvals now reach the threshold.
bool maybe_approve(const StateReader& s, Proposal& p, uint64_t height) {
  if (counted_approvals(s, p) < approval_threshold(committee(s).size())) return false;
  p.status = ProposalStatus::kApproved;
  p.decided_height = height;
  return true;
}

// What every proposal kind shares: membership, heights, the open limit, the proposer's approval.
core::Status open_proposal(StateOverlay& s, Proposal p, const PublicKey& proposer) {
  if (auto st = require_member(s, proposer); !st) return st;
  const uint64_t height = current_height(s);
  const ProposalHeights& h = p.heights;
  if (h.expires_height <= height || h.expires_height - height > kMaxVotingBlocks ||
      h.effective_height - h.expires_height > kMaxEnactDelayBlocks)
    return chain_error("governance.bad_heights",
                       "expires_height must be 1 to " + std::to_string(kMaxVotingBlocks) + " blocks after this block (" +
                           std::to_string(height) + ") and effective_height at most " +
                           std::to_string(kMaxEnactDelayBlocks) + " blocks after expires_height");
  auto open = load_open(s);
  const auto mine = std::count_if(open.begin(), open.end(), [&](const OpenEntry& e) { return e.proposer == proposer; });
  if (static_cast<size_t>(mine) >= kMaxOpenPerMember)
    return chain_error("governance.too_many_open", "a member has at most " + std::to_string(kMaxOpenPerMember) +
                                                              " proposals open (pending or approved) at once");
  p.id = next_proposal_id(s);
  p.proposer = proposer;
  p.proposed_height = height;
  p.approvals = {proposer};
  p.status = ProposalStatus::kPending;
  maybe_approve(s, p, height);
  open.push_back({p.id, proposer, p.status == ProposalStatus::kApproved ? h.effective_height : h.expires_height});
  store_open(s, open);
  write_u64(s, next_id_key(), p.id + 1);
  store_proposal(s, p);
  return core::Ok();
}

// Enacts an approved proposal at the start of block (height, slot, time).
void enact(StateOverlay& s, Proposal& p, uint64_t height, uint64_t slot, TimeMs time, const Genesis& g) {
  p.decided_height = height;
  p.status = ProposalStatus::kFailed;
  if (p.kind == ProposalKind::kListing) {
    if (auto existing = load_listing(s)) {
      p.note = "the listing was already declared at " + core::format_utc(existing->listed_at);
      return;
    }
    store_listing(s, Listing{time, p.exchange});
  } else {
    const GovernedParams before = load_params(s);
    auto after = apply_changes(before, p.changes);
    if (!after) {
      p.note = after.error().message;
      return;
    }
    store_params(s, *after);
    if (after->block_interval_ms != before.block_interval_ms) {
      auto segments = load_segments(s, g);
      const Segment next{slot, time, after->block_interval_ms};
      if (segments.back().from_slot == slot) segments.back() = next;
      else segments.push_back(next);
      store_segments(s, segments);
    }
  }
  p.status = ProposalStatus::kEnacted;
}

void decide_due(StateOverlay& s, const Genesis& g, uint64_t height, uint64_t slot, TimeMs time) {
  auto open = load_open(s);
  bool changed = false;
  std::vector<OpenEntry> still_open;
  for (auto& e : open) {
    if (e.due_height > height) {
      still_open.push_back(e);
      continue;
    }
    changed = true;
    auto p = load_proposal(s, e.id);
    if (!p) continue;  // unreachable: open entries name stored proposals
    if (p->status == ProposalStatus::kPending && !maybe_approve(s, *p, height)) {
      p->status = ProposalStatus::kExpired;
      p->decided_height = height;
    }
    if (p->status == ProposalStatus::kApproved) {
      if (p->heights.effective_height <= height) enact(s, *p, height, slot, time, g);
      else still_open.push_back({e.id, e.proposer, p->heights.effective_height});
    }
    store_proposal(s, *p);
  }
  if (changed) store_open(s, still_open);
}

}  // namespace

GovernedParams genesis_params(const Genesis& g) {
  GovernedParams p;
  p.block_interval_ms = g.params.block_interval_ms;
  p.resources.window_ms = g.params.resource_window_ms;
  return p;
}

void init_governance(StateOverlay& s, const Genesis& g) {
  store_params(s, genesis_params(g));
  store_segments(s, {Segment{0, g.genesis_time, g.params.block_interval_ms}});
}

void store_params(StateOverlay& s, const GovernedParams& p) {
  core::Writer w;
  for (const auto& row : kParams) {
    if (row.wide) w.i64(row.get(p));
    else w.u32(static_cast<uint32_t>(row.get(p)));
  }
  s.put(params_key(), w.take());
}

GovernedParams load_params(const StateReader& s) {
  GovernedParams p;
  const Bytes* v = s.get(params_key());
  if (!v) return p;
  core::Reader r(*v);
  for (const auto& row : kParams) {
    int64_t value = 0;
    uint32_t narrow = 0;
    if (row.wide ? r.i64(value) : r.u32(narrow)) row.set(p, row.wide ? value : int64_t{narrow});
  }
  if (!r.finish()) return GovernedParams{};  // unreachable: only store_params writes this key
  return p;
}

const char* proposal_kind_name(ProposalKind k) {
  switch (k) {
    case ProposalKind::kParams: return "params";
    case ProposalKind::kListing: return "listing";
  }
  return "unknown";
}

const char* proposal_status_name(ProposalStatus s) {
  switch (s) {
    case ProposalStatus::kPending: return "pending";
    case ProposalStatus::kApproved: return "approved";
    case ProposalStatus::kEnacted: return "enacted";
    case ProposalStatus::kExpired: return "expired";
    case ProposalStatus::kFailed: return "failed";
  }
  return "unknown";
}

std::optional<Proposal> load_proposal(const StateReader& s, uint64_t id) {
  const Bytes* v = s.get(proposal_key(id));
  if (!v) return std::nullopt;
  core::Reader r(*v);
  Proposal p;
  p.id = id;
  uint8_t kind = 0, status = 0;
  uint32_t n = 0;
  bool ok = r.u8(kind) && r.fixed(p.proposer) && r.u64(p.proposed_height) && r.u64(p.heights.effective_height) &&
            r.u64(p.heights.expires_height) && r.string(p.description, kMaxOpTextBytes) && r.count(n, 64);
  if (ok) p.changes.resize(n);
  for (auto& c : p.changes) {
    uint8_t param = 0;
    ok = ok && r.u8(param) && r.i64(c.value);
    c.param = static_cast<ParamId>(param);
  }
  ok = ok && r.string(p.exchange, kMaxOpTextBytes) && r.count(n, 1u << 16);
  if (ok) p.approvals.resize(n);
  for (auto& a : p.approvals) ok = ok && r.fixed(a);
  ok = ok && r.u8(status) && r.u64(p.decided_height) && r.string(p.note, kMaxOpTextBytes);
  if (!ok || !r.finish()) return std::nullopt;  // unreachable: only store_proposal writes this key
  p.kind = static_cast<ProposalKind>(kind);
  p.status = static_cast<ProposalStatus>(status);
  return p;
}

uint64_t next_proposal_id(const StateReader& s) { return std::max<uint64_t>(1, read_u64(s, next_id_key())); }

std::vector<Proposal> list_proposals(const State& s, uint64_t before, size_t limit) {
  std::vector<uint64_t> ids;
  s.for_each(proposal_prefix(), [&](const Bytes& k, const Bytes&) {
    if (k.size() != 10) return;
    uint64_t id = 0;
    for (size_t i = 2; i < 10; ++i) id = id << 8 | k[i];
    if (before == 0 || id < before) ids.push_back(id);
  });
  std::vector<Proposal> out;
  for (auto it = ids.rbegin(); it != ids.rend() && out.size() < limit; ++it)
    if (auto p = load_proposal(s, *it)) out.push_back(std::move(*p));
  return out;
}

std::vector<Member> committee(const StateReader& s) { return load_generation(s, load_schedule(s).generation); }

size_t counted_approvals(const StateReader& s, const Proposal& p) {
  const auto members = committee(s);
  return static_cast<size_t>(
      std::count_if(p.approvals.begin(), p.approvals.end(), [&](const PublicKey& a) { return is_member(members, a); }));
}

const PublicKey& fee_pool_account() {
  static const PublicKey key = [] {
    PublicKey k;
    k.bytes = core::blake2b_256(core::as_bytes("LINGJI/FEE_POOL/v1")).bytes;
    return k;
  }();
  return key;
}

void begin_block(StateOverlay& s, const BlockContext& b) {
  write_u64(s, height_key(), b.height);
  decide_due(s, b.genesis, b.height, b.slot, b.time);
}

void pay_block_reward(StateOverlay& s, const BlockContext& b) {
  const PublicKey& pool = fee_pool_account();
  if (b.producer_account == pool) return;
  const Amount reward = load_params(s).block_reward;
  if (reward.units() <= 0) return;
  const Amount free = token::free_balance(s, pool, b.time, b.genesis.utc_offset_minutes);
  const Amount paid = std::min(reward, free);
  if (paid.units() <= 0) return;
  // Cannot fail: paid is free CT of the pool, and the balances sum to the fixed supply.
  (void)token::move(s, pool, b.producer_account, paid, b.apply_context(pool), MoveReason::kBlockReward);
}

TimeMs slot_start(const StateReader& s, const Genesis& g, uint64_t slot) {
  if (slot > max_slot(s, g)) return INT64_MAX;
  const auto segments = load_segments(s, g);
  const Segment& seg = segment_of_slot(segments, slot);
  return seg.from_time + static_cast<TimeMs>(slot - seg.from_slot) * seg.interval_ms;
}

uint64_t slot_at_time(const StateReader& s, const Genesis& g, TimeMs time) {
  const auto segments = load_segments(s, g);
  if (time < segments.front().from_time) return 0;
  size_t i = segments.size() - 1;
  while (i > 0 && segments[i].from_time > time) --i;
  const Segment& seg = segments[i];
  return seg.from_slot + static_cast<uint64_t>(time - seg.from_time) / seg.interval_ms;
}

uint64_t max_slot(const StateReader& s, const Genesis& g) {
  const Segment last = load_segments(s, g).back();
  return last.from_slot + static_cast<uint64_t>((INT64_MAX - last.from_time) / last.interval_ms);
}

core::Status check(const GovernancePropose& op, const PublicKey&) {
  if (op.changes.empty()) return bad_param("a proposal changes at least one parameter");
  std::vector<ParamId> ids;
  for (const auto& c : op.changes) {
    if (auto st = check_change(c); !st) return st;
    ids.push_back(c.param);
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) return bad_param("a parameter is named twice");
  return check_text_fields(op.heights, op.description);
}

core::Status apply(StateOverlay& s, const GovernancePropose& op, const ApplyContext& ctx) {
  if (auto st = check(op, ctx.sender); !st) return st;
  // The proposal must make sense now; it is judged again when it takes effect.
  if (auto next = apply_changes(load_params(s), op.changes); !next) return next.error();
  Proposal p;
  p.kind = ProposalKind::kParams;
  p.heights = op.heights;
  p.description = op.description;
  p.changes = op.changes;
  return open_proposal(s, std::move(p), ctx.sender);
}

core::Status check(const GovernanceProposeListing& op, const PublicKey&) {
  if (!is_clean_text(op.exchange, 1, kMaxExchangeNameBytes))
    return chain_error("listing.bad_exchange_name",
                       "exchange name must be 1 to 64 bytes without control characters");
  return check_text_fields(op.heights, op.description);
}

core::Status apply(StateOverlay& s, const GovernanceProposeListing& op, const ApplyContext& ctx) {
  if (auto st = check(op, ctx.sender); !st) return st;
  if (auto existing = load_listing(s))
    return chain_error("listing.already_declared",
                       "the listing was already declared at " + core::format_utc(existing->listed_at));
  Proposal p;
  p.kind = ProposalKind::kListing;
  p.heights = op.heights;
  p.description = op.description;
  p.exchange = op.exchange;
  return open_proposal(s, std::move(p), ctx.sender);
}

core::Status check(const GovernanceApprove&, const PublicKey&) { return core::Ok(); }

core::Status apply(StateOverlay& s, const GovernanceApprove& op, const ApplyContext& ctx) {
  auto p = load_proposal(s, op.proposal);
  if (!p) return chain_error("governance.unknown_proposal", "no proposal " + std::to_string(op.proposal));
  if (auto st = require_member(s, ctx.sender); !st) return st;
  if (p->status != ProposalStatus::kPending)
    return chain_error("governance.not_pending", "proposal " + std::to_string(p->id) + " is " +
                                                             proposal_status_name(p->status) + ", not pending");
  if (std::find(p->approvals.begin(), p->approvals.end(), ctx.sender) != p->approvals.end())
    return chain_error("governance.already_approved", "this member already approved the proposal");
  p->approvals.push_back(ctx.sender);
  if (maybe_approve(s, *p, current_height(s))) set_due(s, p->id, p->heights.effective_height);
  store_proposal(s, *p);
  return core::Ok();
}

core::Status check(const GovernanceUnapprove&, const PublicKey&) { return core::Ok(); }

core::Status apply(StateOverlay& s, const GovernanceUnapprove& op, const ApplyContext& ctx) {
  auto p = load_proposal(s, op.proposal);
  if (!p) return chain_error("governance.unknown_proposal", "no proposal " + std::to_string(op.proposal));
  if (p->status != ProposalStatus::kPending)
    return chain_error("governance.not_pending", "proposal " + std::to_string(p->id) + " is " +
                                                             proposal_status_name(p->status) + ", not pending");
  auto it = std::find(p->approvals.begin(), p->approvals.end(), ctx.sender);
  if (it == p->approvals.end())
    return chain_error("governance.not_approved", "this account has not approved the proposal");
  p->approvals.erase(it);
  store_proposal(s, *p);
  return core::Ok();
}

}  // namespace lingji::chain
