// node_parts.h: the parts of one node (controller.h), built in dependency order and wired to
// each other in one place. The Controller holds one behind its lock; the parts' own tests build
// one directly, so they run the very wiring the node runs.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "chain/chain.h"
#include "consensus/admission.h"
#include "consensus/block_producer.h"
#include "consensus/chain_events.h"
#include "consensus/equivocation_watch.h"
#include "consensus/fork_choice.h"
#include "consensus/producer_keys.h"
#include "consensus/vote_collector.h"
#include "storage/block_store.h"

namespace lingji::consensus {

class NodeParts {
 public:
  // chain and store must outlive this object. Keys listed twice are kept once; each key's
  // safety file lives in safety_dir.
  NodeParts(chain::Chain& chain, storage::BlockStore& store, const std::vector<core::PrivateKey>& producer_keys,
            const std::filesystem::path& safety_dir, size_t mempool_capacity);
  NodeParts(const NodeParts&) = delete;
  NodeParts& operator=(const NodeParts&) = delete;

  // What every part forgets once the head changed: the block's transactions, the fork database
  // and undo records at or below the final block, the equivocation watch's old slots, and stale
  // certificates and votes (the votes that came before the block are counted now). The fork
  // choice and the producer call it, under the caller's lock.
  void after_head_change(const chain::Block& block);

  // Declared in dependency order: each part refers to those above it, and is destroyed first.
  EventOutbox outbox;  // what stored and popped blocks did (chain_events.h)
  std::unique_ptr<ProducerKeys> keys;
  std::unique_ptr<Admission> admission;
  std::unique_ptr<EquivocationWatch> watch;
  std::unique_ptr<VoteCollector> votes;
  std::unique_ptr<ForkChoice> fork_choice;
  std::unique_ptr<BlockProducer> producer;
  uint64_t head_changes = 0;  // after_head_change calls (for the tests and diagnostics)
};

}  // namespace lingji::consensus
