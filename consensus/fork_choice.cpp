#include "consensus/fork_choice.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "chain/chain_errors.h"
#include "chain/producers/schedule.h"

namespace lingji::consensus {

using chain::chain_error;

core::Result<ForkChoice::Accepted> ForkChoice::accept(const chain::Block& block) {
  const auto& head = chain_.head();
  const uint64_t height = block.header.height;
  const core::Hash256 id = block.header.id();
  if (on_branch(height, id) || fork_db_.contains(id)) return Accepted::kKnown;
  if (height <= chain_.final_block().height) return Accepted::kStale;
  if (block.header.previous == chain_.head_id()) {
    if (auto st = apply_and_store(block); !st) return st.error();
    watch_.watch_for_double_block(block);
    after_head_change_(block);
    admission_.rebuild_pending(block.header.timestamp);
    return Accepted::kApplied;
  }
  if (height == 0) return Accepted::kStale;
  const bool parent_known = on_branch(height - 1, block.header.previous) || fork_db_.contains(block.header.previous);
  if (!parent_known) return height > head.height + 1 ? Accepted::kAhead : Accepted::kUnknownParent;
  // A competing branch. Only a producer's signed block is kept (anyone else's would be a
  // free way to fill the fork database); the rest is checked if the node switches to it.
  if (!chain::is_producer_key(chain_.state(), block.header.producer))
    return chain_error("block.wrong_producer", "block signed by a key that is no producer's");
  if (!block.verify_signature(chain_.chain_id())) return chain_error("block.bad_signature", "bad block signature");
  watch_.watch_for_double_block(block);
  if (!fork_db_.add(block)) return Accepted::kStale;
  // Follow the highest quorum certificate; on equal certificates, the longer branch.
  const auto rank = [](const chain::BlockHeader& h) { return std::pair(h.justify.slot, h.height); };
  if (rank(block.header) <= rank(head)) return Accepted::kFork;
  auto switched = switch_to(id);
  if (!switched) return switched.error();
  if (!*switched) return Accepted::kFork;
  return Accepted::kApplied;
}

bool ForkChoice::on_branch(uint64_t height, const core::Hash256& id) const {
  if (height == 0) return id == chain_.chain_id();
  if (height > chain_.head().height) return false;
  auto h = store_.header_at(height);
  return h && h->id() == id;
}

core::Status ForkChoice::apply_and_store(const chain::Block& block) {
  auto changes = chain_.apply_block(block, /*signatures_verified=*/true);
  if (!changes) return changes.error();
  if (auto st = store_.commit_block(block, changes->writes, changes->undo); !st) {
    // Memory is now ahead of disk; stopping keeps the promise that a served block is stored.
    std::fprintf(stderr, "lingjid: fatal: cannot store block %llu: %s\n",
                 static_cast<unsigned long long>(block.header.height), st.error().message.c_str());
    std::abort();
  }
  if (outbox_) outbox_->committed(block, std::move(changes->events), chain_.final_block().height);
  return core::Ok();
}

chain::Block ForkChoice::pop_and_unstore() {
  const uint64_t height = chain_.head().height;
  auto fatal = [&](const std::string& why) {
    std::fprintf(stderr, "lingjid: fatal: cannot pop block %llu: %s\n", static_cast<unsigned long long>(height),
                 why.c_str());
    std::abort();
  };
  auto undo = store_.undo_at(height);
  if (!undo) fatal("its undo record is missing");
  auto parent = height == 1 ? std::optional(chain_.genesis_header()) : store_.header_at(height - 1);
  if (!parent) fatal("its parent's header is missing");
  if (auto st = chain_.pop_head(*undo, *parent); !st) fatal(st.error().message);
  auto popped = store_.pop_head();
  if (!popped) fatal(popped.error().message);
  if (outbox_) outbox_->reverted(popped->header);
  return std::move(*popped);
}

core::Result<bool> ForkChoice::switch_to(const core::Hash256& tip) {
  // The branch, from the tip down to the first block whose parent is on the followed branch.
  std::vector<chain::Block> branch;
  for (const chain::Block* b = fork_db_.find(tip); b; b = fork_db_.find(b->header.previous)) branch.push_back(*b);
  std::reverse(branch.begin(), branch.end());
  const uint64_t ancestor = branch.front().header.height - 1;
  if (!on_branch(ancestor, branch.front().header.previous)) return false;  // (fork database inconsistent)
  if (ancestor < chain_.final_block().height) {
    fork_db_.erase_with_descendants(branch.front().header.id());  // it conflicts with a final block
    return false;
  }
  std::vector<chain::Block> popped;
  while (chain_.head().height > ancestor) popped.push_back(pop_and_unstore());
  std::reverse(popped.begin(), popped.end());
  for (size_t i = 0; i < branch.size(); ++i) {
    if (auto st = apply_and_store(branch[i]); !st) {
      // The branch is invalid from here: go back to the blocks this node followed.
      fork_db_.erase_with_descendants(branch[i].header.id());
      for (size_t j = i; j > 0; --j) (void)pop_and_unstore();
      for (const auto& b : popped)
        if (auto back = apply_and_store(b); !back) {
          std::fprintf(stderr, "lingjid: fatal: cannot re-apply block %llu after a failed switch: %s\n",
                       static_cast<unsigned long long>(b.header.height), back.error().message.c_str());
          std::abort();
        }
      return st.error();
    }
    fork_db_.erase(branch[i].header.id());
  }
  std::fprintf(stderr, "lingjid: switched to the branch of block %llu (%s): popped %zu blocks, applied %zu\n",
               static_cast<unsigned long long>(branch.back().header.height), tip.hex().substr(0, 12).c_str(),
               popped.size(), branch.size());
  for (const auto& b : branch) admission_.remove_included(b);
  after_head_change_(branch.back());
  if (votes_.next_justify() && !on_branch(votes_.next_justify()->claim.height, votes_.next_justify()->claim.block_id))
    votes_.reset_next_justify();
  // The blocks left behind may still win later (they wait in the fork database); their
  // transactions go back to the mempool ahead of the ones waiting there.
  admission_.requeue(popped);
  admission_.rebuild_pending(chain_.head().timestamp);  // drops (and records) what no longer applies
  for (auto& b : popped) (void)fork_db_.add(std::move(b));
  return true;
}

void ForkChoice::forget_final() {
  const uint64_t final_height = chain_.final_block().height;
  fork_db_.prune(final_height);
  if (auto st = store_.prune_undo(final_height); !st)
    std::fprintf(stderr, "lingjid: cannot prune undo records: %s\n", st.error().message.c_str());
}

}  // namespace lingji::consensus
