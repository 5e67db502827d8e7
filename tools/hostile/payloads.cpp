#include "tools/hostile/payloads.h"

#include <chrono>

#include "chain/finality/vote.h"
#include "chain/genesis/dev_keys.h"
#include "chain/protocol/transaction.h"
#include "node/messages.h"

namespace lingji::hostile {
namespace {

core::TimeMs wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

core::Hash256 Payloads::random_hash() {
  core::Hash256 h;
  for (size_t i = 0; i < h.bytes.size(); i += 8) {
    const uint64_t r = rng_();
    for (size_t j = 0; j < 8; ++j) h.bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  return h;
}

core::Bytes Payloads::transfer(const core::PrivateKey& from, const core::Hash256& chain_id, uint64_t sequence) {
  chain::TransactionBody body;
  body.chain_id = chain_id;
  body.expiration = wall_ms() + 30'000;  // inside every node's expiry bounds
  body.sender = from.public_key();
  body.sequence = sequence;
  body.operations = {chain::Transfer{chain::dev_key("p0").public_key(), core::Amount::ct(1), "hostile"}};
  return chain::SignedTransaction::sign(std::move(body), from).bytes();
}

core::Bytes Payloads::malformed_tx() {
  if (rng_() % 2 == 0) {
    core::Bytes junk(64 + rng_() % 256);
    for (auto& b : junk) b = static_cast<uint8_t>(rng_());
    return junk;
  }
  // Validly signed, but for another chain: its signature is never checked.
  static const core::PrivateKey key = chain::dev_key("hostile-other-chain");
  return transfer(key, random_hash(), sequence_++);
}

core::Bytes Payloads::bad_signature_tx() {
  static const core::PrivateKey key = chain::dev_key("hostile-forger");
  core::Bytes tx = transfer(key, view_.chain_id, sequence_++);
  tx.back() ^= 1;
  return tx;
}

const core::Bytes& Payloads::rejected_tx() {
  if (rejected_.empty()) rejected_ = transfer(chain::dev_key("hostile-pauper"), view_.chain_id, 0);
  return rejected_;
}

void Payloads::refresh(core::ByteView status) {
  auto s = node::decode_status(status);
  if (!s) return;
  view_.head_height = s->head_height;
  view_.head_id = s->head_id;
  view_.final_height = s->final_height;
}

uint64_t Payloads::slot_now() const {
  const core::TimeMs now = wall_ms();
  if (now <= view_.genesis_time || view_.interval_ms == 0) return 0;
  return static_cast<uint64_t>(now - view_.genesis_time) / view_.interval_ms;
}

core::Bytes Payloads::bad_block(size_t forged_txs) {
  while (forged_.size() < forged_txs) {
    auto tx = chain::SignedTransaction::decode(bad_signature_tx());
    if (tx) forged_.push_back(std::move(*tx));
  }
  chain::Block b = view_.head;
  b.header.previous = view_.head_id;
  b.header.height = view_.head_height + 1;
  b.header.slot = slot_now() + 1;
  b.header.timestamp = view_.genesis_time + static_cast<core::TimeMs>(b.header.slot * view_.interval_ms);
  b.transactions.assign(forged_.begin(), forged_.begin() + static_cast<ptrdiff_t>(forged_txs));
  b.header.tx_count = static_cast<uint32_t>(b.transactions.size());
  return b.encode();
}

core::Bytes Payloads::far_block(uint64_t ahead) {
  chain::Block b = view_.head;
  b.header.previous = random_hash();
  b.header.height = view_.final_height + ahead;
  b.header.slot = slot_now() + ahead;
  b.transactions.clear();
  b.header.tx_count = 0;
  return b.encode();
}

core::Bytes Payloads::forged_vote() {
  chain::finality::SignedVote v;
  v.vote = {slot_now() + 1, view_.head_height + 1, random_hash(), view_.head.header.justify.slot};
  v.voter = view_.some_producer;
  const core::Hash256 a = random_hash(), b = random_hash();
  std::copy(a.bytes.begin(), a.bytes.end(), v.signature.bytes.begin());
  std::copy(b.bytes.begin(), b.bytes.end(), v.signature.bytes.begin() + 32);
  return v.encode();
}

core::Bytes Payloads::window_vote(uint64_t ahead) {
  chain::finality::SignedVote v;
  v.vote = {slot_now() + ahead, view_.head_height + ahead, random_hash(), view_.head.header.justify.slot};
  v.voter = view_.some_producer;
  return v.encode();
}

core::Bytes Payloads::unsolicited_batch() { return node::encode_blocks({view_.head.encode()}); }

core::Bytes Payloads::get_blocks(uint64_t from, uint32_t max) { return node::encode_get_blocks({from, max}); }

}  // namespace lingji::hostile
