#include "chain/invariants.h"

#include <cstdio>
#include <cstdlib>

#include "chain/token/money.h"

namespace lingji::chain {

std::optional<std::string> broken_invariant(const State& s) {
  const auto total = token::total_balances(s);
  if (!total) return "supply: the balances overflow an i64 when summed";
  if (total->units() != core::Amount::kMaxMoney)
    return "supply: the balances sum to " + total->to_string() + " CT, not 10000000000.00000000 CT";
  return std::nullopt;
}

void enforce_invariants(const State& s, uint64_t height) {
  if (auto broken = broken_invariant(s)) {
    std::fprintf(stderr, "lingji: invariant broken after block %llu: %s\n", static_cast<unsigned long long>(height),  // purity-ok: a bug report on the way to abort
                 broken->c_str());
    std::abort();
  }
}

}  // namespace lingji::chain
