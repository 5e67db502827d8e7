#include "consensus/block_gate.h"

#include "chain/chain_errors.h"
#include "chain/producers/schedule.h"

namespace lingji::consensus {

using chain::chain_error;
using Accepted = ForkChoice::Accepted;
using Gate = std::optional<Accepted>;

core::Result<std::optional<Accepted>> gate_block(const chain::Chain& chain, const ForkChoice& fork_choice,
                                                 const chain::BlockHeader& h) {
  // The same answers, in the same order, as ForkChoice::accept gives before any signature.
  const core::Hash256 id = h.id();
  if (fork_choice.on_branch(h.height, id) || fork_choice.fork_db().contains(id)) return Gate(Accepted::kKnown);
  if (h.height <= chain.final_block().height) return Gate(Accepted::kStale);
  if (h.previous == chain.head_id()) {
    if (h.slot <= chain.head().slot)
      return chain_error("block.bad_slot", "slot " + std::to_string(h.slot) + " is not after the parent's slot " +
                                               std::to_string(chain.head().slot));
    const auto expected = chain.producer_at(h.slot);
    if (!expected || *expected != h.producer)
      return chain_error("block.wrong_producer", "slot " + std::to_string(h.slot) + " belongs to " +
                                                     (expected ? expected->hex() : std::string("no one")) + ", not " +
                                                     h.producer.hex());
    return Gate();
  }
  if (h.height == 0) return Gate(Accepted::kStale);
  const bool parent_known =
      fork_choice.on_branch(h.height - 1, h.previous) || fork_choice.fork_db().contains(h.previous);
  if (!parent_known) return Gate(h.height > chain.head().height + 1 ? Accepted::kAhead : Accepted::kUnknownParent);
  if (!chain::is_producer_key(chain.state(), h.producer))
    return chain_error("block.wrong_producer", "block signed by a key that is no producer's");
  return Gate();
}

}  // namespace lingji::consensus
