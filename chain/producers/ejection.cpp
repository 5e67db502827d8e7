#include "chain/producers/ejection.h"

#include <algorithm>

#include "chain/chain_errors.h"
#include "chain/finality/ancestry.h"
#include "chain/finality/evidence.h"
#include "chain/governance/governance.h"
#include "chain/producers/producer.h"
#include "chain/producers/schedule.h"
#include "chain/state/key_prefixes.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

Bytes evidence_key(const PublicKey& offender, uint64_t slot) {
  Bytes k = account_record_key(key_prefix("offence"), offender).bytes();
  for (int i = 7; i >= 0; --i) k.push_back(static_cast<uint8_t>(slot >> (8 * i)));
  return k;
}

StateKey ejection_key(const PublicKey& account) { return account_record_key(key_prefix("ejection"), account); }

void store_evidence(StateOverlay& s, const EvidenceRecord& e) {
  core::Writer w;
  w.u8(static_cast<uint8_t>(e.kind)).fixed(e.account).fixed(e.block_a).fixed(e.block_b).fixed(e.reporter).u64(e.height);
  s.put(evidence_key(e.offender, e.slot), w.take());
}

std::optional<EvidenceRecord> read_evidence(ByteView key, const Bytes& value) {
  EvidenceRecord e;
  core::Reader k(key.subspan(1));
  ByteView slot_be;
  if (!k.fixed(e.offender) || !k.raw(8, slot_be) || !k.finish()) return std::nullopt;
  for (uint8_t b : slot_be) e.slot = e.slot << 8 | b;
  core::Reader r(value);
  uint8_t kind = 0;
  if (!r.u8(kind) || !r.fixed(e.account) || !r.fixed(e.block_a) || !r.fixed(e.block_b) || !r.fixed(e.reporter) ||
      !r.u64(e.height) || !r.finish())
    return std::nullopt;
  e.kind = static_cast<EvidenceKind>(kind);
  return e;
}

// What one piece of evidence proves: `key` signed two different blocks a, b in `slot`.
struct Offence {
  PublicKey key;
  uint64_t slot = 0;
  Hash256 block_a, block_b;
};

// Decodes op's evidence and checks its shape; with chain_id, its signatures too.
core::Result<Offence> read_offence(const ReportEvidence& op, const Hash256* chain_id) {
  switch (op.kind) {
    case EvidenceKind::kDoubleVote: {
      auto e = finality::DoubleVoteEvidence::decode(op.evidence);
      if (!e) return e.error();
      if (auto st = chain_id ? e->verify(*chain_id) : e->verify_shape(); !st) return st.error();
      return Offence{e->a.voter, e->a.vote.slot, e->a.vote.block_id, e->b.vote.block_id};
    }
    case EvidenceKind::kDoubleBlock: {
      auto e = finality::DoubleBlockEvidence::decode(op.evidence);
      if (!e) return e.error();
      if (auto st = chain_id ? e->verify(*chain_id) : e->verify_shape(); !st) return st.error();
      return Offence{e->a.header.producer, e->a.header.slot, e->a.header.id(), e->b.header.id()};
    }
  }
  return chain_error("finality.bad_evidence_kind",
                     "evidence kind " + std::to_string(static_cast<int>(op.kind)) + " is not 1 (two votes) or 2 (two headers)");
}

// The members (of the generation in force, then of the pending one) whose signing key is `key`.
std::vector<Member> members_with_key(const StateReader& s, const Schedule& sc, const PublicKey& key) {
  std::vector<Member> out;
  auto scan = [&](uint64_t generation) {
    for (const auto& m : load_generation(s, generation))
      if (m.signing_key == key && std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  };
  scan(sc.generation);
  if (sc.pending) scan(sc.pending->generation);
  return out;
}

// Drops `key` from a producer list unless it is the list's last producer; true if dropped.
bool drop_producer(std::vector<Member>& list, const PublicKey& key) {
  auto it = std::find_if(list.begin(), list.end(), [&](const Member& m) { return m.signing_key == key; });
  if (it == list.end() || list.size() <= 1) return false;
  list.erase(it);
  return true;
}

// Removes `key` from the schedule: the round in force restarts at next_slot without it.
void eject_from_schedule(StateOverlay& s, const PublicKey& key, uint64_t next_slot) {
  Schedule sc = load_schedule(s);
  if (drop_producer(sc.producers, key)) {
    sc.round_start = next_slot;
    sc.producers = round_order(sc.producers, finality::load_final(s).id, sc.round_start);
  }
  if (sc.pending) drop_producer(sc.pending->producers, key);
  store_schedule(s, sc);
}

}  // namespace

std::optional<EvidenceRecord> load_evidence(const StateReader& s, const PublicKey& offender, uint64_t slot) {
  const Bytes key = evidence_key(offender, slot);
  const Bytes* v = s.get(key);
  if (!v) return std::nullopt;
  return read_evidence(key, *v);
}

std::vector<EvidenceRecord> list_evidence(const State& s) {
  std::vector<EvidenceRecord> out;
  s.for_each(Bytes{key_prefix("offence")}, [&](const Bytes& k, const Bytes& v) {
    if (auto e = read_evidence(k, v)) out.push_back(*e);
  });
  return out;
}

std::optional<Ejection> load_ejection(const StateReader& s, const PublicKey& account) {
  const Bytes* v = s.get(ejection_key(account));
  if (!v) return std::nullopt;
  Ejection e;
  core::Reader r(*v);
  if (!r.fixed(e.signing_key) || !r.u64(e.height) || !r.finish()) return std::nullopt;
  return e;
}

bool is_ejected(const StateReader& s, const PublicKey& account) {
  auto e = load_ejection(s, account);
  if (!e) return false;
  auto p = load_producer(s, account);
  const PublicKey current = p ? p->signing_key : account;  // no candidate record: a bootstrap producer
  return current == e->signing_key;
}

const char* evidence_kind_name(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::kDoubleVote: return "double_vote";
    case EvidenceKind::kDoubleBlock: return "double_block";
  }
  return "unknown";
}

core::Status check(const ReportEvidence& op, const PublicKey&) {
  auto offence = read_offence(op, nullptr);
  if (!offence) return offence.error();
  return core::Ok();
}

core::Status apply(StateOverlay& s, const ReportEvidence& op, const ApplyContext& ctx) {
  auto shape = read_offence(op, nullptr);  // check() passed (the executor ran it); this parses the evidence
  if (!shape) return shape.error();
  const Schedule sc = load_schedule(s);
  const std::vector<Member> members = members_with_key(s, sc, shape->key);
  if (members.empty())
    return chain_error("finality.evidence_unknown_key",
                       "key " + shape->key.hex() + " votes in neither the generation in force nor the pending one");
  if (load_evidence(s, shape->key, shape->slot))
    return chain_error("finality.evidence_duplicate", "an offence of key " + shape->key.hex() + " in slot " +
                                                                  std::to_string(shape->slot) + " is already recorded");
  const Hash256 chain_id = ctx.genesis.chain_id();
  auto offence = read_offence(op, &chain_id);
  if (!offence) return offence.error();

  store_evidence(s, EvidenceRecord{offence->key, offence->slot, op.kind, members.front().account, offence->block_a,
                                   offence->block_b, ctx.sender, ctx.height});
  for (const auto& m : members)
    if (!load_ejection(s, m.account) || load_ejection(s, m.account)->signing_key != m.signing_key) {
      core::Writer w;
      w.fixed(m.signing_key).u64(ctx.height);
      s.put(ejection_key(m.account), w.take());
    }
  // The slot of this block under the block intervals the committee enacted (the schedule's own
  // slot function), not the genesis interval: after an interval change they differ.
  const uint64_t slot = slot_at_time(s, ctx.genesis, ctx.block_time);
  eject_from_schedule(s, offence->key, slot + 1);
  return core::Ok();
}

}  // namespace lingji::chain
