// error_table.h: how every layer declares its errors (STYLE.md rule 2, Antelope's error ranges).
//
// Each layer owns one table: one row per error, {code, name, class}, sorted by code. The code
// and the dotted name are stable: a released row is never renumbered or renamed, and a row that
// is no longer produced stays in the table as ErrorClass::kRetired, so that its code is never
// given to another error. The class says what kind of refusal it is; the API edge turns the
// class into an HTTP status (api/), and nothing classifies an error by its message or by a
// numeric threshold.
//
// Code is written against a table by the error's name, checked at compile time:
//   chain_error("token.insufficient_balance", "balance 1 CT is less than 2 CT")
// does not compile when the name is not a live row of the chain's table (a typo, or a retired
// error). check_table() (a static_assert beside each table) proves the codes ascend, the names
// are unique, and every code lies in the layer's range of kErrorRanges below, so no two layers
// can ever hand out the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lingji::core {

// The one map of code ranges, by layer. A new layer takes a range here first.
struct ErrorRange {
  int first;
  int last;
  std::string_view layer;
};
inline constexpr ErrorRange kErrorRanges[] = {
    {1000, 1099, "core"},       // decoding, parsing (core/core_errors.h)
    {2000, 2999, "chain"},      // the state machine (chain/chain_errors.h)
    {3000, 3099, "storage"},    // RocksDB and block files (storage/storage_errors.h)
    {3100, 3199, "consensus"},  // the node's controller: mempool, production (consensus/consensus_errors.h)
    {4000, 4099, "api"},        // the HTTP edge (api/api_errors.h)
    {5000, 5099, "net"},        // the P2P transport; also on the wire (net/net_errors.h)
    {6000, 6099, "wallet"},     // the lingji wallet (cli/wallet_errors.h)
    {8100, 8199, "relay"},      // lingji-relay, test tooling only (tests/relay)
};

consteval bool ranges_are_disjoint() {
  for (size_t i = 1; i < std::size(kErrorRanges); ++i)
    if (kErrorRanges[i].first <= kErrorRanges[i - 1].last || kErrorRanges[i].first > kErrorRanges[i].last) return false;
  return true;
}
static_assert(ranges_are_disjoint(), "error ranges must ascend and never overlap");

// constexpr rather than consteval: clang 14 rejects a consteval call on a parameter of the
// consteval check_table() below (it checks the call as if outside an immediate function). It is
// only ever evaluated inside check_table(), at compile time, where the throw is a compile error.
constexpr const ErrorRange& error_range(std::string_view layer) {
  for (const auto& r : kErrorRanges)
    if (r.layer == layer) return r;
  throw "no such layer in kErrorRanges";
}

struct ErrorDef {
  int code;
  std::string_view name;
  ErrorClass cls;
};

// Codes strictly ascending, names unique and non-empty, every code in the layer's range.
template <size_t N>
consteval bool check_table(const ErrorDef (&table)[N], std::string_view layer) {
  const ErrorRange& range = error_range(layer);
  for (size_t i = 0; i < N; ++i) {
    if (table[i].code < range.first || table[i].code > range.last || table[i].name.empty()) return false;
    if (i > 0 && table[i].code <= table[i - 1].code) return false;
    for (size_t j = 0; j < i; ++j)
      if (table[j].name == table[i].name) return false;
  }
  return true;
}

// The live row named `name`; not a constant expression (so a compile error) when there is none.
template <size_t N>
consteval const ErrorDef& find_error(const ErrorDef (&table)[N], std::string_view name) {
  for (const auto& row : table)
    if (row.name == name && row.cls != ErrorClass::kRetired) return row;
  throw "no live error of that name in this layer's table";
}

// A reference to a live row of Table, made from the error's name at compile time.
template <const auto& Table>
struct ErrorRef {
  const ErrorDef* def;
  consteval ErrorRef(const char* name) : def(&find_error(Table, name)) {}  // NOLINT: implicit by design
  // Is e this error? (by code: names and messages are for people)
  bool matches(const Error& e) const { return e.code == def->code; }
};

inline Error make_error(const ErrorDef& def, std::string message) {
  return Error{def.code, std::string(def.name), std::move(message), def.cls};
}

// The row of `code` in table, or nullptr (for codes read from a peer or a stored record).
inline const ErrorDef* find_code(std::span<const ErrorDef> table, int code) {
  for (const auto& row : table)
    if (row.code == code) return &row;
  return nullptr;
}

}  // namespace lingji::core
