#include "consensus/node_parts.h"

namespace lingji::consensus {

NodeParts::NodeParts(chain::Chain& chain, storage::BlockStore& store, const std::vector<core::PrivateKey>& producer_keys,
                     const std::filesystem::path& safety_dir, size_t mempool_capacity) {
  keys = std::make_unique<ProducerKeys>(producer_keys, safety_dir, chain);
  admission = std::make_unique<Admission>(chain, store, mempool_capacity);
  watch = std::make_unique<EquivocationWatch>(chain, *keys, *admission);
  votes = std::make_unique<VoteCollector>(chain, store, *keys, *watch);
  auto hook = [this](const chain::Block& block) { after_head_change(block); };
  fork_choice = std::make_unique<ForkChoice>(chain, store, *admission, *votes, *watch, hook);
  producer = std::make_unique<BlockProducer>(chain, store, *keys, *admission, *votes, hook);
  fork_choice->set_outbox(&outbox);
  producer->set_outbox(&outbox);
}

void NodeParts::after_head_change(const chain::Block& block) {
  ++head_changes;
  admission->remove_included(block);
  fork_choice->forget_final();
  watch->forget_final();
  votes->after_head_change();  // last: the early votes it counts may be evidence
}

}  // namespace lingji::consensus
