// schedule.h: who produces each slot, the producer-set generations, and each producer's record
// (R14, R15; shared/CONSENSUS.md (b) "Set change").
//
// Slots: slot s starts at genesis_time + s * block_interval; slot 0 is the genesis. A round is one
// slot per active producer, in an order shuffled for each round from chain data; a slot whose
// block never comes is a missed slot of its producer.
// Generations: generation 0 is the genesis' bootstrap producers (account = signing key). At the
// first block of each round the holders' votes elect the top 101 approved candidates; if their
// signing keys differ from the active set's, they become the pending generation g+1, proposed in
// that block P. The switch follows the finality of this branch (chain/finality/ancestry.h):
//   proposed  -> joint    at R, the first block whose justify completes a finality proof of P:
//                         from R on, a certificate needs a quorum of both sets;
//   joint     -> active   at R2, the first block whose justify proves R final: from R2 on only
//                         the new set certifies, and it produces from the slot after R2.
// At most one generation is pending; elections wait until it is active.
//
// State keys (codec.h primitives; heights big-endian in keys):
//   'S'               -> schedule := generation:u64 round_start:u64 producers:vector<member>
//                        has_pending:u8 [generation:u64 producers:vector<member>
//                        proposed_height:u64 joint_from:u64]        (joint_from 0 = not yet)
//   'G' || gen:u64be  -> vector<member>, sorted by signing key: who votes in that generation
//   'R' || account    -> record := produced:u64 missed:u64 votes_cast:u64 last_height:u64 last_slot:u64
//   member            := account:fixed<32> signing_key:fixed<32>
#pragma once

#include <optional>
#include <vector>

#include "chain/producers/producer.h"

namespace lingji::chain {

struct Member {
  PublicKey account;
  PublicKey signing_key;
  bool operator==(const Member&) const = default;
};

struct PendingSet {
  uint64_t generation = 0;
  std::vector<Member> producers;
  uint64_t proposed_height = 0;  // P
  uint64_t joint_from = 0;       // R, or 0 while P is not final in this branch
};

struct Schedule {
  uint64_t generation = 0;
  uint64_t round_start = 1;        // first slot of the current round
  std::vector<Member> producers;   // this round's order
  std::optional<PendingSet> pending;

  // The producer of slot s, for round_start <= s < round_start + producers.size().
  const Member& at(uint64_t slot) const { return producers[(slot - round_start) % producers.size()]; }
  uint64_t round_end() const { return round_start + producers.size(); }
};

struct ProducerRecord {
  uint64_t produced = 0, missed = 0, votes_cast = 0, last_height = 0, last_slot = 0;
};

// Writes generation 0 (the bootstrap keys, in the given order) starting at slot 1.
void init_schedule(StateOverlay& s, const std::vector<PublicKey>& bootstrap);
Schedule load_schedule(const StateReader& s);
void store_schedule(StateOverlay& s, const Schedule& schedule);
// The members of a generation, sorted by signing key (empty if unknown).
std::vector<Member> load_generation(const StateReader& s, uint64_t generation);
std::vector<PublicKey> generation_keys(const StateReader& s, uint64_t generation);
ProducerRecord load_producer_record(const StateReader& s, const PublicKey& account);
// Is key a signing key of the active or the pending generation? (A node keeps a competing
// branch's block only if such a key signed it.)
bool is_producer_key(const StateReader& s, const PublicKey& key);

// Moves the schedule forward to the round holding `slot` (later rounds keep the set and get a
// new order from seed_base and their first slot).
// Returns the producers of the slots in [from_slot, slot) (missed slots when from_slot is the
// parent's slot + 1): those of the first and the last round listed, the whole rounds between
// only counted. O(set size) whatever the gap.
struct Rolled {
  std::vector<Member> skipped;
  uint64_t unlisted_full_rounds = 0;  // whole rounds with no block: every member missed one in each
  uint64_t rounds_started = 0;        // > 0: slot opens a new round (the election runs)
};
Rolled roll_to_slot(Schedule& schedule, uint64_t from_slot, uint64_t slot, const core::Hash256& seed_base);

// The order of one round: the members, sorted by signing key, shuffled by
// BLAKE2b("LINGJI/ROUND/v1" || seed_base || round_start); the same for any history.
std::vector<Member> round_order(const std::vector<Member>& members, const core::Hash256& seed_base,
                                uint64_t round_start);

// The record keeping of one block at `slot` by `producer`: the missed slots before it, the
// producer's block count and last block.
void record_block(StateOverlay& s, const Rolled& rolled, const Schedule& schedule, const Member& producer,
                  uint64_t height, uint64_t slot);
void record_votes(StateOverlay& s, const std::vector<Member>& voters);

// An elected set replaces the bootstrap producers only once it has at least this many members
// with votes: fewer cannot tolerate one faulty producer (n >= 3f + 1), and a candidate nobody
// voted for must not take the chain over.
inline constexpr size_t kMinElectedProducers = 4;

// Runs the election of a new round: if the elected keys (candidates with votes > 0, at least
// kMinElectedProducers of them) differ from the active generation's members (its voters, ejected
// producers included) and no generation is pending, makes them pending, proposed at `height`.
// The pending generation's members are written to s ('G' record) for the joint certificates.
void maybe_propose(const State& parent_state, StateOverlay& s, Schedule& schedule, uint64_t height);

}  // namespace lingji::chain
