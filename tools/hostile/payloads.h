// payloads.h: the hostile peer's messages (tools/hostile): what a forger can make without any
// producer key, from what every peer is told (the chain id, the head in a node's hello, the head
// block it serves). Each builder returns the payload of one node/messages.h message.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "chain/protocol/block.h"
#include "core/bytes.h"
#include "core/keys.h"

namespace lingji::hostile {

// What the tool knows of the chain: read from a node at start (scout()).
struct ChainView {
  core::Hash256 chain_id;
  core::TimeMs genesis_time = 0;
  uint32_t interval_ms = 1000;
  uint64_t head_height = 0;
  core::Hash256 head_id;
  uint64_t final_height = 0;
  chain::Block head;               // a block the node served: the template of forged ones
  core::PublicKey some_producer;   // a key the node counts as a producer's (the head's producer)
};

class Payloads {
 public:
  Payloads(ChainView view, uint64_t seed) : view_(std::move(view)), rng_(seed) {}
  const ChainView& view() const { return view_; }
  // The head and final block a node announced in its hello (node/messages.h status).
  void refresh(core::ByteView status);
  // The slot of the wall clock (the genesis interval: the tool's chains never change it).
  uint64_t slot_now() const;

  // Random bytes, or a validly signed transfer for another chain: never valid anywhere.
  core::Bytes malformed_tx();
  // A transfer for this chain whose signature is broken (one flipped bit): a forgery.
  core::Bytes bad_signature_tx();
  // One validly signed transfer from a key that holds nothing: it fails the state checks every
  // time it is sent (the same bytes each call).
  const core::Bytes& rejected_tx();
  // A block on the head with the next slot and height, padded with `forged_txs` transactions
  // with broken signatures, its tx root and signature those of an older block (so it fails the
  // cheap checks: producer, block signature, tx root).
  core::Bytes bad_block(size_t forged_txs);
  // A block `ahead` heights above the head with a random parent and a slot as far ahead.
  core::Bytes far_block(uint64_t ahead);
  // A vote by a producer's key for the next slot with a random signature.
  core::Bytes forged_vote();
  // A vote by a producer's key `ahead` slots after the head (outside the vote window from 33 on).
  core::Bytes window_vote(uint64_t ahead);
  // A blocks batch holding the head block (nobody asked for it).
  core::Bytes unsolicited_batch();
  core::Bytes get_blocks(uint64_t from, uint32_t max);

 private:
  core::Hash256 random_hash();
  core::Bytes transfer(const core::PrivateKey& from, const core::Hash256& chain_id, uint64_t sequence);

  ChainView view_;
  std::mt19937_64 rng_;
  uint64_t sequence_ = 0;
  core::Bytes rejected_;
  std::vector<chain::SignedTransaction> forged_;  // made once: signing is the tool's cost
};

}  // namespace lingji::hostile
