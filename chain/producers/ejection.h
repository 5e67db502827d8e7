// ejection.h: equivocation evidence recorded on the chain, and the ejection of the offending
// producer from the schedule until it is re-elected (shared/CONSENSUS.md (b), "Evidence").
//
// report_evidence (operations.h) carries a DoubleVoteEvidence or a DoubleBlockEvidence
// (chain/finality/evidence.h); any account may send it. It is accepted iff
//   1. the evidence is well formed and valid: one key, one slot, two different blocks, both
//      signatures good on this chain (finality.malformed, finality.not_equivocation,
//      finality.bad_signature; an unknown kind is finality.bad_evidence_kind);
//   2. the key is a voting key of the generation in force or of the pending one (their 'G'
//      member lists): that is what the state can check. An offence by a key of an older
//      generation can no longer be reported once that generation is gone
//      (finality.evidence_unknown_key). Ejected keys stay in those lists, so a second offence in
//      another slot is recorded too;
//   3. no offence of that key in that slot is recorded yet, whatever its kind
//      (finality.evidence_duplicate): one equivocation, one record.
// Cheap checks run before the signatures, so junk evidence costs little.
//
// Applying it:
//   - records the offence under (key, slot): its kind, the two block ids, the offender's
//     account, the reporter and the height of the block that records it;
//   - marks each account whose member key it is as ejected with that key ('J');
//   - removes the key from the producers of the round in force, at once: a new round of the
//     remaining producers starts at the slot after the recording block, in round_order with the
//     last final block's id (as roll_to_slot orders every round), so every node derives the same
//     schedule; and removes it from the pending set's producers, so it does not produce once
//     that set is active. A list is never emptied: its last producer keeps its slots (the record
//     and the mark stand, and the next election leaves it out);
//   - does not change who votes now: a generation's certificates need a quorum of its fixed
//     member list ('G', chain/finality/quorum_certificate.h), so the ejected key still counts as
//     one of n (a faulty one). Safety needs at most f faulty keys per set, whether or not they
//     still produce. The key leaves the voters through the usual set change: elections compare
//     the elected keys with the generation's members (schedule.h maybe_propose), so the next
//     round boundary with enough candidates proposes a generation without it.
// Re-election: an account is ejected while its signing key (a bootstrap producer's is its
// account) is the key it was ejected with. Elections skip ejected candidates (elect()); once a
// candidate registers a new signing key (producer_update_key) it can be elected again at a round
// boundary, as a new generation through the usual set change. The ejected key stays barred.
//
// State keys (codec.h primitives):
//   'E' || key:fixed<32> || slot:u64be -> offence := kind:u8 account:fixed<32> block_a:fixed<32>
//                                           block_b:fixed<32> reporter:fixed<32> height:u64
//   'J' || account -> ejection := signing_key:fixed<32> height:u64
#pragma once

#include <optional>
#include <vector>

#include "chain/apply_context.h"
#include "chain/producers/evidence_ops.h"
#include "chain/state/state.h"

namespace lingji::chain {

struct EvidenceRecord {
  PublicKey offender;  // the key that signed both messages
  uint64_t slot = 0;
  EvidenceKind kind = EvidenceKind::kDoubleVote;
  PublicKey account;           // the producer the key belongs to
  core::Hash256 block_a, block_b;    // the two blocks (voted for, or headed), in the evidence's order
  PublicKey reporter;          // the transaction's sender
  uint64_t height = 0;         // the block that recorded it
  bool operator==(const EvidenceRecord&) const = default;
};

std::optional<EvidenceRecord> load_evidence(const StateReader& s, const PublicKey& offender, uint64_t slot);
// Every recorded offence, by offender key then slot.
std::vector<EvidenceRecord> list_evidence(const State& s);

struct Ejection {
  PublicKey signing_key;  // the key the account was ejected with
  uint64_t height = 0;    // the block that recorded the (first) offence
};
std::optional<Ejection> load_ejection(const StateReader& s, const PublicKey& account);
// True while the account's signing key is the one it was ejected with.
bool is_ejected(const StateReader& s, const PublicKey& account);

const char* evidence_kind_name(EvidenceKind kind);


}  // namespace lingji::chain
