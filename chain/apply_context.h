// apply_context.h: what an operation may know while it is applied: the genesis (parameters,
// the foundation's key, the time zone), the block's timestamp, the transaction's sender, the
// block's height (the next block's when a transaction is checked against the head), where its
// events go, and the resource parameters in force (token::move settles mana with them).
#pragma once

#include "chain/events.h"
#include "chain/genesis/genesis.h"
#include "chain/resources/resources.h"

namespace lingji::chain {

struct ApplyContext {
  const Genesis& genesis;
  TimeMs block_time;
  PublicKey sender;
  uint64_t height = 0;
  EventLog* events = nullptr;  // null: nobody listens (a mempool check)
  const ResourceParams* resources = nullptr;  // null: read from the state when needed
};

}  // namespace lingji::chain
