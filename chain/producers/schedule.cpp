#include "chain/producers/schedule.h"

#include <algorithm>
#include <map>
#include <set>

#include "chain/state/key_prefixes.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

const Bytes kScheduleKey{key_prefix("schedule")};

StateKey generation_key(uint64_t generation) { return numbered_record_key(key_prefix("generation"), generation); }

StateKey record_key(const PublicKey& account) { return account_record_key(key_prefix("producer_record"), account); }

void write_members(core::Writer& w, const std::vector<Member>& members) {
  w.u32(static_cast<uint32_t>(members.size()));
  for (const auto& m : members) w.fixed(m.account).fixed(m.signing_key);
}

bool read_members(core::Reader& r, std::vector<Member>& out) {
  uint32_t n = 0;
  if (!r.count(n, 2 * kMaxActiveProducers)) return false;
  out.resize(n);
  for (auto& m : out)
    if (!r.fixed(m.account) || !r.fixed(m.signing_key)) return false;
  return true;
}

std::vector<Member> sorted_by_key(std::vector<Member> members) {
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.signing_key < b.signing_key; });
  return members;
}

void store_generation(StateOverlay& s, uint64_t generation, const std::vector<Member>& members) {
  core::Writer w;
  write_members(w, sorted_by_key(members));
  s.put(generation_key(generation), w.take());
}

void store_record(StateOverlay& s, const PublicKey& account, const ProducerRecord& r) {
  core::Writer w;
  w.u64(r.produced).u64(r.missed).u64(r.votes_cast).u64(r.last_height).u64(r.last_slot);
  s.put(record_key(account), w.take());
}

bool same_keys(std::vector<Member> a, std::vector<Member> b) {
  return sorted_by_key(std::move(a)) == sorted_by_key(std::move(b));
}

}  // namespace

void init_schedule(StateOverlay& s, const std::vector<PublicKey>& bootstrap) {
  Schedule sc;
  for (const auto& k : bootstrap) sc.producers.push_back({k, k});
  store_generation(s, 0, sc.producers);
  store_schedule(s, sc);
}

Schedule load_schedule(const StateReader& s) {
  Schedule sc;
  const Bytes* v = s.get(kScheduleKey);
  if (!v) return sc;  // no schedule (a state built without a genesis): no producer at all
  core::Reader r(*v);
  uint8_t has_pending = 0;
  bool ok = r.u64(sc.generation) && r.u64(sc.round_start) && read_members(r, sc.producers) && r.u8(has_pending);
  if (ok && has_pending) {
    PendingSet p;
    ok = r.u64(p.generation) && read_members(r, p.producers) && r.u64(p.proposed_height) && r.u64(p.joint_from);
    sc.pending = std::move(p);
  }
  if (!ok || !r.finish()) return Schedule{};  // unreachable for a state this module wrote
  return sc;
}

void store_schedule(StateOverlay& s, const Schedule& sc) {
  core::Writer w;
  w.u64(sc.generation).u64(sc.round_start);
  write_members(w, sc.producers);
  w.u8(sc.pending ? 1 : 0);
  if (sc.pending) {
    w.u64(sc.pending->generation);
    write_members(w, sc.pending->producers);
    w.u64(sc.pending->proposed_height).u64(sc.pending->joint_from);
  }
  s.put(kScheduleKey, w.take());
}

std::vector<Member> load_generation(const StateReader& s, uint64_t generation) {
  std::vector<Member> out;
  const Bytes* v = s.get(generation_key(generation));
  if (!v) return out;
  core::Reader r(*v);
  if (!read_members(r, out) || !r.finish()) out.clear();
  return out;
}

std::vector<PublicKey> generation_keys(const StateReader& s, uint64_t generation) {
  std::vector<PublicKey> keys;
  for (const auto& m : load_generation(s, generation)) keys.push_back(m.signing_key);
  return keys;
}

bool is_producer_key(const StateReader& s, const PublicKey& key) {
  const Schedule sc = load_schedule(s);
  for (uint64_t g : {sc.generation, sc.generation + 1})
    for (const auto& m : load_generation(s, g))
      if (m.signing_key == key) return true;
  return false;
}

ProducerRecord load_producer_record(const StateReader& s, const PublicKey& account) {
  ProducerRecord rec;
  const Bytes* v = s.get(record_key(account));
  if (!v) return rec;
  core::Reader r(*v);
  if (!r.u64(rec.produced) || !r.u64(rec.missed) || !r.u64(rec.votes_cast) || !r.u64(rec.last_height) ||
      !r.u64(rec.last_slot) || !r.finish())
    return ProducerRecord{};
  return rec;
}

std::vector<Member> round_order(const std::vector<Member>& members, const core::Hash256& seed_base,
                                uint64_t round_start) {
  // From the members sorted by key, so that any round's order is computed directly: a gap of
  // many rounds costs one shuffle, not one per round (a block far in the future is cheap to check).
  const std::vector<Member> sorted = sorted_by_key(members);
  core::Writer w;
  w.raw(core::as_bytes("LINGJI/ROUND/v1")).fixed(seed_base).u64(round_start);
  std::vector<Member> out;
  for (size_t i : shuffled_positions(sorted.size(), core::blake2b_256(w.data()))) out.push_back(sorted[i]);
  return out;
}

Rolled roll_to_slot(Schedule& sc, uint64_t from_slot, uint64_t slot, const core::Hash256& seed_base) {
  Rolled out;
  if (sc.producers.empty()) return out;
  const uint64_t n = sc.producers.size();
  uint64_t t = std::max(from_slot, sc.round_start);
  // The rest of the current round, slot by slot.
  for (; t < slot && t < sc.round_end(); ++t) out.skipped.push_back(sc.at(t));
  if (slot < sc.round_end()) return out;
  // Whole rounds in between are only counted; the round holding `slot` is listed up to it.
  const uint64_t slot_round = sc.round_start + (slot - sc.round_start) / n * n;
  if (t < slot_round) out.unlisted_full_rounds = (slot_round - std::max(t, sc.round_end())) / n;
  out.rounds_started = (slot_round - sc.round_start) / n;
  sc.round_start = slot_round;
  sc.producers = round_order(sc.producers, seed_base, sc.round_start);
  for (t = sc.round_start; t < slot && t >= from_slot; ++t) out.skipped.push_back(sc.at(t));
  return out;
}

void record_block(StateOverlay& s, const Rolled& rolled, const Schedule& sc, const Member& producer,
                  uint64_t height, uint64_t slot) {
  std::map<PublicKey, uint64_t> missed;
  for (const auto& m : rolled.skipped) ++missed[m.account];
  if (rolled.unlisted_full_rounds)
    for (const auto& m : sc.producers) missed[m.account] += rolled.unlisted_full_rounds;
  for (const auto& [account, n] : missed) {
    ProducerRecord r = load_producer_record(s, account);
    r.missed += n;
    store_record(s, account, r);
  }
  ProducerRecord r = load_producer_record(s, producer.account);
  ++r.produced;
  r.last_height = height;
  r.last_slot = slot;
  store_record(s, producer.account, r);
}

void record_votes(StateOverlay& s, const std::vector<Member>& voters) {
  for (const auto& m : voters) {
    ProducerRecord r = load_producer_record(s, m.account);
    ++r.votes_cast;
    store_record(s, m.account, r);
  }
}

void maybe_propose(const State& parent_state, StateOverlay& s, Schedule& sc, uint64_t height) {
  if (sc.pending) return;
  std::vector<Member> elected;
  std::set<PublicKey> keys;  // defence in depth: a set that repeats a key could never certify
  for (const auto& c : elect(parent_state, kMaxActiveProducers))
    if (c.producer.votes.units() > 0 && keys.insert(c.producer.signing_key).second)
      elected.push_back({c.account, c.producer.signing_key});
  // Against the generation's members, not this round's producers: they differ once a producer is
  // ejected (producers/ejection.h), and the election then takes its key out of the voters too.
  if (elected.size() < kMinElectedProducers || same_keys(elected, load_generation(s, sc.generation))) return;
  store_generation(s, sc.generation + 1, elected);
  sc.pending = PendingSet{sc.generation + 1, std::move(elected), height, 0};
}

}  // namespace lingji::chain
