// invariants.h: properties every committed state has, checked after every block in Debug builds
// (so in every multi-block test, unit and multi-process alike: lingjid in the functional tests
// is a Debug build too). A violation is a bug in the chain's code, never bad input: the process
// stops at once, naming it, rather than commit a block on top of a broken state.
//
//   supply  the balances of all accounts, module escrows included, sum to exactly
//           10,000,000,000 CT (no operation mints or burns CT: chain/token/money.h)
//   votes   each candidate's votes are the sum of the balances of the holders whose vote
//           names it, and every vote names a candidate (chain/producers/producer.h)
#pragma once

#include <optional>
#include <string>

#include "chain/state/state.h"

namespace lingji::chain {

#ifdef NDEBUG
inline constexpr bool kCheckInvariantsAfterEveryBlock = false;
#else
inline constexpr bool kCheckInvariantsAfterEveryBlock = true;
#endif

// What is wrong with s, or nullopt when every invariant holds.
std::optional<std::string> broken_invariant(const State& s);

// Aborts the process with the violation if one invariant does not hold (see above).
void enforce_invariants(const State& s, uint64_t height);

}  // namespace lingji::chain
