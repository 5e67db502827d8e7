// block_hooks.h: the work modules do at the start and at the end of every block, outside any
// transaction, in one fixed order (the order is a consensus rule: every node runs the same hooks
// in the same order, so it is one table, kBlockHooks in block_hooks.cpp).
//
//   begin_block  after the block's consensus part (slot, producer, justify, finality, set
//                change), before its first transaction: governance (proposals due), rewards
//   end_block    after its last transaction: (later) market settlement, OTC deadlines, draws
//
// The producer schedule's own round work (shuffle, missed slots, the next generation) stays in
// Chain::apply_consensus: it decides who may sign the block, so it runs before any hook.
// A hook never fails: it acts on what the state allows (e.g. a reward the fee pool cannot pay
// is not paid), so a block can never be made invalid by a hook.
#pragma once

#include <string_view>

#include "chain/apply_context.h"
#include "chain/state/state.h"

namespace lingji::chain {

struct BlockContext {
  const Genesis& genesis;
  uint64_t height = 0;
  uint64_t slot = 0;
  TimeMs time = 0;
  PublicKey producer_account;  // the account paid for this block
  EventLog* events = nullptr;

  // The context of a move a hook makes on behalf of `account`.
  ApplyContext apply_context(const PublicKey& account) const {
    return ApplyContext{genesis, time, account, height, events};
  }
};

using BlockHook = void (*)(StateOverlay&, const BlockContext&);

struct BlockHookRow {
  std::string_view module;
  BlockHook begin_block = nullptr;  // null: the module has none
  BlockHook end_block = nullptr;
};

// Runs every module's begin_block (end_block) hook in table order; events carry
// EventSource::kBlockHook.
void run_begin_block(StateOverlay& s, const BlockContext& b);
void run_end_block(StateOverlay& s, const BlockContext& b);

}  // namespace lingji::chain
