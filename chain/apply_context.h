// apply_context.h: what an operation may know while it is applied: the genesis (parameters,
// the foundation's key, the time zone), the block's timestamp, and the transaction's sender.
#pragma once

#include "chain/genesis/genesis.h"

namespace lingji::chain {

struct ApplyContext {
  const Genesis& genesis;
  TimeMs block_time;
  PublicKey sender;
};

}  // namespace lingji::chain
