// block_producer.h: block production. It makes and stores the block of the slot in progress,
// signed with whichever of this node's keys the schedule names for that slot, from the oldest
// mempool transactions and the newest certificate this node holds (shared/CONSENSUS.md
// "Producer": extend the head, put the highest known QC in justify).
//
// Not thread-safe: the Controller calls it under the node's lock and it locks nothing itself.
// Voting on the produced block is the caller's next step (VoteCollector::vote_on_head).
//
// Durability: before the header is signed, the slot is recorded as the key's last signed slot in
// its safety file, durably (SafetyStore::record_signed_slot), so that no restart can sign a
// second header for it; a key without a safety state signs nothing. The block is then written in
// one atomic batch; if that write fails the process stops, so the node never serves a block
// that is not on disk.
#pragma once

#include <functional>

#include "chain/chain.h"
#include "consensus/admission.h"
#include "consensus/chain_events.h"
#include "consensus/producer_keys.h"
#include "consensus/vote_collector.h"
#include "storage/block_store.h"

namespace lingji::consensus {

class BlockProducer {
 public:
  // Runs once the head is the new block (the Controller's after_head_change); called on the
  // calling thread, under the caller's lock.
  using HeadChanged = std::function<void(const chain::Block&)>;

  // chain, store, keys, admission and votes must outlive this object.
  BlockProducer(chain::Chain& chain, storage::BlockStore& store, ProducerKeys& keys, Admission& admission,
                const VoteCollector& votes, HeadChanged after_head_change)
      : chain_(chain), store_(store), keys_(keys), admission_(admission), votes_(votes),
        after_head_change_(std::move(after_head_change)) {}

  // Produces, stores and returns the block of the slot in progress at `time` (after the head's).
  // On success the head is that block, the transactions left out are recorded as rejected, and
  // the mempool is re-applied on top of it. Errors: block.wrong_producer when the slot is none of
  // this node's keys', block.bad_slot, producer.no_safety_state (the key has no usable safety
  // file: voting_disabled says why), producer.slot_already_signed, the safety file's errors
  // (after an I/O error the key signs nothing more until restart), and produce_block's.
  [[nodiscard]] core::Result<chain::Block> produce(core::TimeMs time);

  // Records each block it stores from now on (chain_events.h); null: none.
  void set_outbox(EventOutbox* outbox) { outbox_ = outbox; }

 private:
  chain::Chain& chain_;
  storage::BlockStore& store_;
  ProducerKeys& keys_;
  Admission& admission_;
  const VoteCollector& votes_;
  HeadChanged after_head_change_;
  EventOutbox* outbox_ = nullptr;
};

}  // namespace lingji::consensus
