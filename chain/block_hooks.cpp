#include "chain/block_hooks.h"

#include "chain/governance/governance.h"

namespace lingji::chain {
namespace {

// The order is a consensus rule: a new row changes how every block applies.
constexpr BlockHookRow kBlockHooks[] = {
    {"governance", begin_block, nullptr},       // proposals due take effect first,
    {"rewards", pay_block_reward, nullptr},     // so a new block_reward applies to this block
};

void run(StateOverlay& s, const BlockContext& b, BlockHook BlockHookRow::*which) {
  if (b.events) b.events->set_source(EventSource{});
  for (const auto& row : kBlockHooks)
    if (row.*which) (row.*which)(s, b);
}

}  // namespace

void run_begin_block(StateOverlay& s, const BlockContext& b) { run(s, b, &BlockHookRow::begin_block); }
void run_end_block(StateOverlay& s, const BlockContext& b) { run(s, b, &BlockHookRow::end_block); }

}  // namespace lingji::chain
