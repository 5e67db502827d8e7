#include "consensus/fork_choice.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "chain/chain_errors.h"
#include "chain/producers/schedule.h"
#include "consensus/consensus_errors.h"

namespace lingji::consensus {

using chain::chain_error;

core::Result<ForkChoice::Accepted> ForkChoice::accept(const chain::Block& block) {
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
  return accept_competing(block, id);
}

core::Result<ForkChoice::Accepted> ForkChoice::accept_competing(const chain::Block& block, const core::Hash256& id) {
  const chain::BlockHeader& h = block.header;
  const auto fin = chain_.final_block();
  // Cheap checks first: nothing below costs a signature check until the block is within the
  // window, its parent is known and its producer has room.
  if (h.slot <= fin.slot) return Accepted::kStale;  // cannot descend from the final block
  const uint64_t window = kForkWindowRounds * producer_count();
  if (h.slot > fin.slot + window || h.height > fin.height + window)
    return consensus_error("consensus.fork_outside_window",
                           "competing block " + std::to_string(h.height) + " of slot " + std::to_string(h.slot) +
                               " is more than " + std::to_string(window) + " slots above the final block");
  const bool parent_known = on_branch(h.height - 1, h.previous) || fork_db_.contains(h.previous);
  if (!parent_known) return h.height > chain_.head().height + 1 ? Accepted::kAhead : Accepted::kUnknownParent;
  const auto parent = header_of(h.previous, h.height - 1);
  if (!parent || parent->height + 1 != h.height)
    return chain_error("block.bad_height", "block height is not its parent's plus one");
  if (h.slot <= parent->slot) return chain_error("block.bad_slot", "block slot is not after its parent's");
  // Only a producer's signed block is kept (anyone else's would be a free way to fill the fork
  // database), within its producer's share; the rest is checked if the node switches to it.
  if (!chain::is_producer_key(chain_.state(), h.producer))
    return chain_error("block.wrong_producer", "block signed by a key that is no producer's");
  const ForkDb::Share room = share();
  if (fork_db_.producer_blocks(h.producer) >= room.blocks)
    return consensus_error("consensus.fork_producer_cap",
                           "producer " + h.producer.hex() + " already holds its share of competing blocks");
  if (!block.verify_signature(chain_.chain_id())) return chain_error("block.bad_signature", "bad block signature");
  if (auto st = check_justify(block, *parent); !st) return st.error();
  watch_.watch_for_double_block(block);
  if (auto st = fork_db_.add(block, room); !st) return st.error();
  // Follow the highest quorum certificate; on equal certificates, the longer branch. The justify
  // ranks the block only as verified by check_justify.
  const auto rank = [](const chain::BlockHeader& b) { return std::pair(b.justify.slot, b.height); };
  if (rank(h) <= rank(chain_.head())) return Accepted::kFork;
  auto switched = switch_to(id);
  if (!switched) return switched.error();
  if (!*switched) return Accepted::kFork;
  return Accepted::kApplied;
}

core::Status ForkChoice::check_justify(const chain::Block& block, const chain::BlockHeader& parent) const {
  const chain::QcClaim& j = block.header.justify;
  const chain::QcClaim pj = parent.height == 0 ? chain::QcClaim{0, 0, chain_.chain_id()} : parent.justify;
  auto bad_justify = [](const std::string& why) { return consensus_error("consensus.fork_bad_justify", why); };
  auto bad_certificate = [](const std::string& why) { return consensus_error("consensus.fork_bad_certificate", why); };
  if (j.height >= block.header.height) return bad_justify("justify names a block that is not an ancestor");
  if (j.slot < pj.slot) return bad_justify("justify is older than the parent's");
  if (j == pj) {
    if (block.justify_qc) return bad_certificate("a certificate comes only with a new justify");
    return core::Ok();  // the parent's: verified when the parent was taken
  }
  if (!block.justify_qc) return bad_certificate("a new justify needs its certificate");
  // A claim below the head's never ranks the block (nor a descendant that repeats it) at or above
  // the head, whose rank only grows; the chain checks it in full if the branch is ever applied.
  if (j.slot < chain_.head().justify.slot) return core::Ok();
  // The claimed block, on the block's own branch: in here, or on the followed branch at or below
  // the fork point (the height where the branch leaves this database).
  std::optional<chain::BlockHeader> target;
  core::Hash256 at = block.header.previous;
  uint64_t at_height = parent.height;
  while (const chain::Block* b = fork_db_.find(at)) {
    if (at_height == j.height) target = b->header;
    at = b->header.previous;
    if (at_height-- == 0) return bad_justify("the branch does not reach the followed branch");
  }
  if (!on_branch(at_height, at)) return bad_justify("the branch does not reach the followed branch");
  const uint64_t fork_point = at_height;
  if (j.height <= fork_point) target = j.height == 0 ? header_of(chain_.chain_id(), 0) : store_.header_at(j.height);
  const core::Hash256 target_id = j.height == 0 ? chain_.chain_id() : (target ? target->id() : core::Hash256{});
  if (!target || target_id != j.block_id || target->slot != j.slot)
    return bad_justify("justify names a block that is not an ancestor");
  const uint64_t target_justify_slot = j.height == 0 ? 0 : target->justify.slot;
  const auto& qc = *block.justify_qc;
  if (qc.vote != chain::finality::Vote{j.slot, j.height, j.block_id, target_justify_slot})
    return bad_certificate("the certificate is not on the justified block");
  // The voters of the justified block: exact on the followed branch; for a block in here, those of
  // the fork point (a set change inside a competing branch is judged by the sets before it).
  const auto voters = chain_.voters_at(std::min(j.height, fork_point));
  if (voters.set.empty()) return bad_justify("justify names a block below the final block");
  const core::Status st = voters.next ? qc.verify_joint(chain_.chain_id(), voters.set, *voters.next)
                                      : qc.verify(chain_.chain_id(), voters.set);
  if (!st) return bad_certificate("certificate: " + st.error().message);
  return core::Ok();
}

std::optional<chain::BlockHeader> ForkChoice::header_of(const core::Hash256& id, uint64_t height) const {
  if (const chain::Block* b = fork_db_.find(id)) return b->header;
  if (!on_branch(height, id)) return std::nullopt;
  if (height == 0) {
    chain::BlockHeader g = chain_.genesis_header();
    g.justify = chain::QcClaim{0, 0, chain_.chain_id()};
    return g;
  }
  return store_.header_at(height);
}

size_t ForkChoice::producer_count() const {
  const auto voters = chain_.head_voters();
  size_t n = voters.set.size();
  if (voters.next)
    for (const auto& k : *voters.next) n += std::find(voters.set.begin(), voters.set.end(), k) == voters.set.end();
  return std::max<size_t>(n, 1);
}

ForkDb::Share ForkChoice::share() const {
  // Twice the fair share of bytes: an honest producer's large blocks fit, and the Byzantine
  // third holds at most two thirds of the total.
  return ForkDb::Share{kMaxForkBlocksPerProducer, 2 * (kMaxForkBytes / producer_count())};
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
      // The valid blocks below it go back here: another child of theirs may still win.
      for (size_t j = i; j > 0; --j) (void)fork_db_.add(pop_and_unstore(), share());
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
  for (auto& b : popped) (void)fork_db_.add(std::move(b), share());  // refused beyond its producer's share
  return true;
}

void ForkChoice::forget_final() {
  const uint64_t final_height = chain_.final_block().height;
  fork_db_.prune(final_height, chain_.final_block().slot);
  if (auto st = store_.prune_undo(final_height); !st)
    std::fprintf(stderr, "lingjid: cannot prune undo records: %s\n", st.error().message.c_str());
}

}  // namespace lingji::consensus
