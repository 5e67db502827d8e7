#include "chain/invariants.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include "chain/producers/producer.h"
#include "chain/state/key_prefixes.h"
#include "chain/token/account.h"
#include "chain/token/money.h"

namespace lingji::chain {

namespace {

// Each candidate's votes are the sum of the balances of the holders whose vote names it.
std::optional<std::string> broken_vote_weights(const State& s) {
  std::map<core::PublicKey, int64_t> expected;
  s.for_each(Bytes{key_prefix("votes")}, [&](const Bytes& k, const Bytes&) {
    const auto voter = core::PublicKey::from(core::ByteView(k).subspan(1));
    if (!voter) return;
    const int64_t weight = load_account(s, *voter).balance.units();
    for (const auto& c : load_votes(s, *voter)) expected[c] += weight;
  });
  std::optional<std::string> broken;
  s.for_each(Bytes{key_prefix("candidate")}, [&](const Bytes& k, const Bytes&) {
    const auto candidate = core::PublicKey::from(core::ByteView(k).subspan(1));
    if (!candidate || broken) return;
    const auto p = load_producer(s, *candidate);
    const auto it = expected.find(*candidate);
    const int64_t want = it == expected.end() ? 0 : it->second;
    if (p && p->votes.units() != want)
      broken = "votes: candidate " + candidate->hex() + " holds " + p->votes.to_string() + " CT of votes, its voters " +
               core::Amount::units(want).to_string() + " CT";
    if (it != expected.end()) expected.erase(it);
  });
  if (!broken && !expected.empty()) broken = "votes: a vote names " + expected.begin()->first.hex() + ", no candidate";
  return broken;
}

}  // namespace

std::optional<std::string> broken_invariant(const State& s) {
  const auto total = token::total_balances(s);
  if (!total) return "supply: the balances overflow an i64 when summed";
  if (total->units() != core::Amount::kMaxMoney)
    return "supply: the balances sum to " + total->to_string() + " CT, not 10000000000.00000000 CT";
  return broken_vote_weights(s);
}

void enforce_invariants(const State& s, uint64_t height) {
  if (auto broken = broken_invariant(s)) {
    std::fprintf(stderr, "lingji: invariant broken after block %llu: %s\n", static_cast<unsigned long long>(height),  // purity-ok: a bug report on the way to abort
                 broken->c_str());
    std::abort();
  }
}

}  // namespace lingji::chain
