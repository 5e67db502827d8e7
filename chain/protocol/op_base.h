// op_base.h: what every operation header needs (chain/<module>/*_ops.h). An operation is a
// struct with a stable type number and name, its canonical encoding with the grammar written
// above it, and two free functions in its module:
//   check(op, sender)      stateless rules; run by the executor before apply, never skipped
//   apply(state, op, ctx)  stateful rules, then the writes; may assume check(op) passed
// The executor (chain/executor.h) pairs them; the registry (chain/protocol/operations.h) lists
// every operation. docs/adding-an-operation.md walks through adding one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/amount.h"
#include "core/codec.h"
#include "core/keys.h"
#include "core/result.h"

namespace lingji::chain {

using core::Amount;
using core::PublicKey;

class StateOverlay;
struct ApplyContext;

// The decoder's bound on a text or list field: the transaction size. check() enforces each
// field's own, smaller limit.
inline constexpr size_t kMaxOpTextBytes = 8 * 1024;

}  // namespace lingji::chain
