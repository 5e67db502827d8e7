#include "chain/producers/producer.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "chain/dealers/dealer.h"
#include "chain/producers/ejection.h"
#include "chain/producers/schedule.h"
#include "chain/protocol/text_rules.h"
#include "chain/state/key_prefixes.h"
#include "chain/token/account.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

void store_votes(StateOverlay& s, const PublicKey& voter, const std::vector<PublicKey>& candidates) {
  set_account_flag(s, voter, kAccountHasVotes, !candidates.empty());
  if (candidates.empty()) {
    s.erase(account_record_key(key_prefix("votes"), voter));
    return;
  }
  core::Writer w;
  w.u32(static_cast<uint32_t>(candidates.size()));
  for (const auto& c : candidates) w.fixed(c);
  s.put(account_record_key(key_prefix("votes"), voter), w.take());
}

void add_votes(StateOverlay& s, const PublicKey& candidate, int64_t delta) {
  auto p = load_producer(s, candidate);
  if (!p) return;  // unreachable: votes name registered candidates, whose records are kept
  p->votes = core::Amount::units(p->votes.units() + delta);
  store_producer(s, candidate, *p);
}

StateKey signing_key_key(const PublicKey& key) { return account_record_key(key_prefix("signing_key"), key); }

// The candidate whose record holds `key`, if any.
std::optional<PublicKey> key_holder(const StateReader& s, const PublicKey& key) {
  const Bytes* v = s.get(signing_key_key(key));
  if (!v) return std::nullopt;
  return PublicKey::from(ByteView(*v));
}

// Refuses a signing key that anyone but `account` holds: another candidate (registered or not:
// its record keeps the key), a bootstrap producer, or a member of the set in force or the
// pending one.
core::Status require_unused_key(const StateReader& s, const Genesis& g, const PublicKey& key, const PublicKey& account) {
  auto in_use = [&](const std::string& by) {
    return chain_error("producer.signing_key_in_use", "signing key " + key.hex() + " is already " + by);
  };
  if (auto holder = key_holder(s, key); holder && *holder != account) return in_use("another candidate's");
  for (const auto& b : g.producers)
    if (b == key && b != account) return in_use("a bootstrap producer's");
  const uint64_t generation = load_schedule(s).generation;
  for (uint64_t gen : {generation, generation + 1})
    for (const auto& m : load_generation(s, gen))
      if (m.signing_key == key && m.account != account) return in_use("the key of a producer in the set");
  return core::Ok();
}

// Records that `account` now holds `key` (and no longer `old`, when it had another).
void take_key(StateOverlay& s, const PublicKey& account, const PublicKey& key, const std::optional<PublicKey>& old) {
  if (old && *old != key && key_holder(s, *old) == account) s.erase(signing_key_key(*old));
  s.put(signing_key_key(key), Bytes(account.bytes.begin(), account.bytes.end()));
}

core::Status require_approved_dealer(const StateReader& s, const PublicKey& account) {
  auto d = load_dealer(s, account);
  if (!d || d->status != DealerStatus::kApproved)
    return chain_error("producer.not_approved_dealer",
                       "only an approved dealer can be a producer candidate (R15)");
  return core::Ok();
}

}  // namespace

StateKey producer_key(const PublicKey& account) { return account_record_key(key_prefix("candidate"), account); }

std::optional<Producer> load_producer(const StateReader& s, const PublicKey& account) {
  const Bytes* v = s.get(producer_key(account));
  if (!v) return std::nullopt;
  core::Reader r(*v);
  Producer p;
  uint8_t registered = 0;
  int64_t votes = 0;
  r.u8(registered);
  r.fixed(p.signing_key);
  r.string(p.url, 1024);
  r.string(p.region, 1024);
  r.i64(votes);
  r.i64(p.registered_at);
  if (!r.finish()) return std::nullopt;
  p.registered = registered != 0;
  p.votes = core::Amount::units(votes);
  return p;
}

void store_producer(StateOverlay& s, const PublicKey& account, const Producer& p) {
  core::Writer w;
  w.u8(p.registered ? 1 : 0).fixed(p.signing_key).string(p.url).string(p.region).i64(p.votes.units()).i64(p.registered_at);
  s.put(producer_key(account), w.take());
}

std::vector<PublicKey> load_votes(const StateReader& s, const PublicKey& voter) {
  std::vector<PublicKey> out;
  const Bytes* v = s.get(account_record_key(key_prefix("votes"), voter));
  if (!v) return out;
  core::Reader r(*v);
  uint32_t n = 0;
  if (!r.count(n, kMaxVotesPerHolder)) return out;
  out.resize(n);
  for (auto& c : out) r.fixed(c);
  return out;
}

void adjust_vote_weight(StateOverlay& s, const PublicKey& voter, int64_t delta) {
  if (delta == 0) return;
  for (const auto& c : load_votes(s, voter)) add_votes(s, c, delta);
}

core::Status check(const ProducerRegister& op, const PublicKey&) {
  if (op.signing_key.is_zero()) return chain_error("producer.bad_signing_key", "the signing key is missing");
  if (!is_clean_text(op.url, 1, 128)) return chain_error("producer.bad_field", "url must be 1 to 128 bytes");
  if (!is_clean_text(op.region, 1, 32)) return chain_error("producer.bad_field", "region must be 1 to 32 bytes");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const ProducerRegister& op, const ApplyContext& ctx) {
  if (auto st = require_approved_dealer(s, ctx.sender); !st) return st;
  const auto existing = load_producer(s, ctx.sender);
  auto p = existing.value_or(Producer{});
  if (p.registered)
    return chain_error("producer.already_registered", "already a candidate; use producer_update_key to change the key");
  if (auto st = require_unused_key(s, ctx.genesis, op.signing_key, ctx.sender); !st) return st;
  take_key(s, ctx.sender, op.signing_key, existing ? std::optional(existing->signing_key) : std::nullopt);
  // A returning candidate keeps the votes that still name it.
  p.registered = true;
  p.signing_key = op.signing_key;
  p.url = op.url;
  p.region = op.region;
  p.registered_at = ctx.block_time;
  store_producer(s, ctx.sender, p);
  return core::Ok();
}

core::Status check(const ProducerUpdateKey& op, const PublicKey&) {
  if (op.signing_key.is_zero()) return chain_error("producer.bad_signing_key", "the signing key is missing");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const ProducerUpdateKey& op, const ApplyContext& ctx) {
  if (auto st = require_approved_dealer(s, ctx.sender); !st) return st;
  auto p = load_producer(s, ctx.sender);
  if (!p || !p->registered) return chain_error("producer.not_registered", "this account is not a candidate");
  if (auto st = require_unused_key(s, ctx.genesis, op.signing_key, ctx.sender); !st) return st;
  take_key(s, ctx.sender, op.signing_key, p->signing_key);
  p->signing_key = op.signing_key;
  store_producer(s, ctx.sender, *p);
  return core::Ok();
}

core::Status check(const ProducerUnregister&, const PublicKey&) { return core::Ok(); }

core::Status apply(StateOverlay& s, const ProducerUnregister&, const ApplyContext& ctx) {
  auto p = load_producer(s, ctx.sender);
  if (!p || !p->registered) return chain_error("producer.not_registered", "this account is not a candidate");
  p->registered = false;
  store_producer(s, ctx.sender, *p);
  return core::Ok();
}

core::Status check(const VoteProducers& op, const PublicKey&) {
  if (op.candidates.size() > kMaxVotesPerHolder)
    return chain_error("producer.too_many_votes", "a holder votes for at most 30 candidates");
  std::vector<PublicKey> sorted = op.candidates;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return chain_error("producer.duplicate_vote", "a candidate is named twice");
  return core::Ok();
}

core::Status apply(StateOverlay& s, const VoteProducers& op, const ApplyContext& ctx) {
  std::vector<PublicKey> next = op.candidates;
  std::sort(next.begin(), next.end());
  for (const auto& c : next) {
    auto p = load_producer(s, c);
    if (!p || !p->registered)
      return chain_error("producer.unknown_candidate", "a named account is not a registered candidate");
  }
  const int64_t weight = load_account(s, ctx.sender).balance.units();
  for (const auto& c : load_votes(s, ctx.sender)) add_votes(s, c, -weight);
  for (const auto& c : next) add_votes(s, c, weight);
  store_votes(s, ctx.sender, next);  // an empty list withdraws the vote
  return core::Ok();
}

std::vector<Candidate> elect(const State& s, size_t max_producers) {
  std::vector<Candidate> all;
  s.for_each(Bytes{key_prefix("candidate")}, [&](const Bytes& k, const Bytes&) {
    PublicKey account = *PublicKey::from(ByteView(k).subspan(1));
    auto p = load_producer(s, account);
    if (!p || !p->registered) return;
    auto d = load_dealer(s, account);
    if (!d || d->status != DealerStatus::kApproved) return;  // a suspended dealer cannot produce
    if (is_ejected(s, account)) return;  // an equivocator, until it registers a new key (ejection.h)
    all.push_back({account, *p});
  });
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    if (a.producer.votes != b.producer.votes) return a.producer.votes > b.producer.votes;
    return a.account < b.account;
  });
  if (all.size() > max_producers) all.resize(max_producers);
  return all;
}

std::vector<size_t> shuffled_positions(size_t n, const core::Hash256& seed) {
  // Fisher-Yates driven by BLAKE2b(seed || i); the tiny modulo bias (n <= 101 of 2^64) cannot
  // be steered by anyone, since the seed is a block id.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  for (size_t i = n; i > 1; --i) {
    core::Writer w;
    w.fixed(seed).u64(i);
    core::Hash256 h = core::blake2b_256(w.data());
    uint64_t r = 0;
    for (int b = 0; b < 8; ++b) r = r << 8 | h.bytes[b];
    std::swap(order[i - 1], order[r % i]);
  }
  return order;
}

std::vector<PublicKey> shuffle_schedule(std::vector<PublicKey> producers, const core::Hash256& seed) {
  std::vector<PublicKey> out;
  for (size_t i : shuffled_positions(producers.size(), seed)) out.push_back(producers[i]);
  return out;
}

}  // namespace lingji::chain
