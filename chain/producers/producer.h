// producer.h: producer candidates (R14, R15) and the holders' votes for them.
//
// Only an approved dealer (dealers/dealer.h) registers as a candidate, with the key it signs
// blocks with, a URL and a region. Any holder votes for up to 30 registered candidates; a vote
// weighs the holder's whole balance (locked CT included) and follows it: every balance change
// moves the candidates' totals at once (adjust_vote_weight, called by the token module).
//
// State keys: 'P' || account -> registered:u8 signing_key:fixed<32> url:string region:string
//                               votes:i64 registered_at:i64
//             'V' || voter   -> candidates:vector<fixed<32>>   (sorted)
//             'K' || signing key -> account:fixed<32>   (the candidate whose record holds the key)
// A signing key is unique: no two candidates, and no candidate and a bootstrap producer or a
// member of the set in force or the pending one, share one (a set that repeats a key can never
// certify a block: the chain would halt).
// Invariant: a candidate's votes = the sum of the balances of the holders whose vote names it.
#pragma once

#include <optional>
#include <vector>

#include "chain/apply_context.h"
#include "chain/producers/producer_ops.h"
#include "chain/state/state.h"

namespace lingji::chain {

inline constexpr size_t kMaxVotesPerHolder = 30;
inline constexpr size_t kMaxActiveProducers = 101;

struct Producer {
  bool registered = false;
  PublicKey signing_key;
  std::string url, region;
  Amount votes;
  TimeMs registered_at = 0;
};

StateKey producer_key(const PublicKey& account);
std::optional<Producer> load_producer(const StateReader& s, const PublicKey& account);
void store_producer(StateOverlay& s, const PublicKey& account, const Producer& p);
std::vector<PublicKey> load_votes(const StateReader& s, const PublicKey& voter);

// Moves the weight of voter's vote by delta (a balance change). No-op if voter has not voted.
void adjust_vote_weight(StateOverlay& s, const PublicKey& voter, int64_t delta);


struct Candidate {
  PublicKey account;
  Producer producer;
};
// The active set: registered candidates whose dealer is approved and who are not ejected for
// equivocation (ejection.h), by votes (most first; ties by account key), at most max_producers.
std::vector<Candidate> elect(const State& s, size_t max_producers);
// A deterministic shuffle of the active set for a round, seeded from chain data (e.g. the id of
// the block that ends the previous round), so the order is known to all and chosen by none.
std::vector<PublicKey> shuffle_schedule(std::vector<PublicKey> producers, const core::Hash256& seed);
// The permutation behind shuffle_schedule: position i of the result holds element out[i].
std::vector<size_t> shuffled_positions(size_t n, const core::Hash256& seed);

}  // namespace lingji::chain
