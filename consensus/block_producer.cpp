#include "consensus/block_producer.h"

#include <cstdio>
#include <cstdlib>

#include "chain/chain_errors.h"
#include "consensus/consensus_errors.h"
#include "consensus/safety_store.h"

namespace lingji::consensus {

using chain::chain_error;

core::Result<chain::Block> BlockProducer::produce(core::TimeMs time) {
  if (keys_.empty()) return chain_error("block.wrong_producer", "this node has no producer key");
  const uint64_t slot = chain_.slot_at(time);
  if (slot <= chain_.head().slot)
    return chain_error("block.bad_slot", "slot " + std::to_string(slot) + " is not after the head's");
  // The key the schedule names, if this node holds it; otherwise the first key, which
  // produce_block refuses with block.wrong_producer.
  const auto named = chain_.producer_at(slot);
  ProducerKey* signer = named ? keys_.find_mutable(*named) : nullptr;
  if (signer) {
    if (signer->reload_pending) keys_.retry_reload(*signer);
    if (!signer->safety)
      return consensus_error("producer.no_safety_state",
                             "key " + signer->public_key.hex() + " signs no block: " + signer->voting_disabled);
    // Durable before the signature (CONSENSUS.md "Evidence"); a crash from here on costs this
    // slot only.
    if (auto st = SafetyStore::record_signed_slot(keys_.safety_dir(), signer->public_key, *signer->safety, slot); !st) {
      if (st.error().name != "producer.slot_already_signed") {
        // The file may hold either state: read it back before the next vote or block (an I/O
        // error such as EMFILE passes; issue 14, item 9).
        signer->voting_disabled = "cannot persist the last signed slot (retried at each block): " + st.error().message;
        signer->safety.reset();
        signer->reload_pending = true;
      }
      return st.error();
    }
  } else {
    signer = &keys_.all().front();
  }
  auto candidates = admission_.oldest(chain_.genesis().params.max_block_transactions);
  auto result = chain_.produce_block(candidates, slot, signer->key, votes_.next_justify());
  if (!result) return result.error();
  crash_point("after-block-sign");  // signed, not yet stored or sent
  auto& produced = *result;
  if (auto st = store_.commit_block(produced.block, produced.changes.writes, produced.changes.undo); !st) {
    // Memory is now ahead of disk; stopping keeps the promise that a served block is stored.
    std::fprintf(stderr, "lingjid: fatal: cannot store block %llu: %s\n",
                 static_cast<unsigned long long>(produced.block.header.height), st.error().message.c_str());
    std::abort();
  }
  if (outbox_) outbox_->committed(produced.block, std::move(produced.changes.events), chain_.final_block().height);
  for (const auto& [id, error] : produced.rejected) admission_.reject(id, error);
  after_head_change_(produced.block);
  // Re-apply what is left on top of the new head (O(mempool), bounded by its capacity): the
  // block's writes can depend on its own time (a listing's date), which admission could not know.
  admission_.rebuild_pending(produced.block.header.timestamp);
  return std::move(produced.block);
}

}  // namespace lingji::consensus
