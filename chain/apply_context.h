// apply_context.h: what an operation may know while it is applied: the genesis (parameters,
// the foundation's key, the time zone), the block's timestamp, the transaction's sender, and
// the block's height (the next block's when a transaction is checked against the head).
#pragma once

#include "chain/genesis/genesis.h"

namespace lingji::chain {

struct ApplyContext {
  const Genesis& genesis;
  TimeMs block_time;
  PublicKey sender;
  uint64_t height = 0;
};

}  // namespace lingji::chain
