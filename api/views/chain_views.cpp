// chain_views.cpp: the views of the chain itself: any operation (dispatched over the registry
// to its module's operation_fields), a transaction, a block, the node's info, a finality proof,
// an error, and the serialiser.
#include "api/views/views.h"

#include <variant>

#include "chain/finality/finality_proof.h"
#include "chain/producers/schedule.h"
#include "core/address.h"

namespace lingji::api {

Json operation_json(const chain::Operation& op) {
  return std::visit(
      [](const auto& o) {
        // "type" first, then the operation's own fields in its view's order.
        Json j = {{"type", std::string(o.kName)}};
        j.update(operation_fields(o));
        return j;
      },
      op);
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json error_json(const core::Error& e) {
  return {{"error", {{"code", e.code}, {"name", e.name}, {"message", e.message}}}};
}

Json transaction_json(const chain::SignedTransaction& tx) {
  const auto& b = tx.body();
  Json ops = Json::array();
  for (const auto& op : b.operations) ops.push_back(operation_json(op));
  Json j;
  j["id"] = tx.id().hex();
  j["chain_id"] = b.chain_id.hex();
  j["sender"] = core::encode_address(b.sender);
  j["sequence"] = b.sequence;
  put_time(j, "expiration", b.expiration);
  j["operations"] = std::move(ops);
  j["signature"] = tx.signature().hex();
  j["size"] = tx.bytes().size();
  return j;
}

Json block_json(const chain::Block& block) {
  const auto& h = block.header;
  Json j;
  j["height"] = h.height;
  j["id"] = h.id().hex();
  j["previous"] = h.previous.hex();
  j["slot"] = h.slot;
  put_time(j, "timestamp", h.timestamp);
  j["producer"] = core::encode_address(h.producer);
  j["tx_root"] = h.tx_root.hex();
  j["state_root"] = h.state_root.hex();
  j["justify"] = {{"slot", h.justify.slot}, {"height", h.justify.height}, {"block_id", h.justify.block_id.hex()}};
  if (block.justify_qc) {
    Json signers = Json::array();
    for (const auto& [key, sig] : block.justify_qc->signers) signers.push_back(key.hex());
    j["justify_certificate"] = {{"signers", std::move(signers)}};
  } else {
    j["justify_certificate"] = nullptr;
  }
  j["signature"] = block.signature.hex();
  j["transaction_count"] = h.tx_count;
  j["transactions"] = Json::array();
  for (const auto& tx : block.transactions) j["transactions"].push_back(transaction_json(tx));
  return j;
}

Json info_json(const chain::Chain& chain, const consensus::Controller& node) {
  const auto& g = chain.genesis();
  Json j;
  j["chain_id"] = chain.chain_id().hex();
  j["chain_name"] = g.chain_name;
  put_time(j, "genesis_time", g.genesis_time);
  j["utc_offset_minutes"] = g.utc_offset_minutes;
  j["head_height"] = chain.head().height;
  j["head_id"] = chain.head_id().hex();
  put_time(j, "head_time", chain.head().timestamp);
  j["head_state_root"] = chain.head().state_root.hex();
  j["head_slot"] = chain.head().slot;
  // The last final block by the two-chain rule (shared/CONSENSUS.md), as the head's state knows it.
  const auto fin = chain.final_block();
  j["lib_height"] = fin.height;
  j["lib_id"] = fin.id.hex();
  j["producing"] = node.is_producer();
  j["equivocations_seen"] = node.equivocations_seen();
  j["foundation"] = core::encode_address(g.foundation);
  j["block_interval_ms"] = chain::load_params(chain.state()).block_interval_ms;  // as the committee set it
  j["max_transaction_lifetime_ms"] = g.params.max_transaction_lifetime_ms;
  return j;
}

std::optional<Json> finality_proof_json(const consensus::Controller& node, uint64_t height) {
  using chain::finality::block_ref;
  // One consistent view of the tip under the lock; then the headers, outside it. The headers up
  // to the final block never change; a branch switch may replace those above it meanwhile, and
  // then the proof built from them does not verify and none is served.
  struct Tip {
    uint64_t fin, head, generation;
    core::Hash256 chain_id;
  };
  const Tip tip = node.read([](const chain::Chain& c, const storage::BlockStore&) {
    return Tip{c.final_block().height, c.head().height, chain::load_schedule(c.state()).generation, c.chain_id()};
  });
  const storage::BlockStore& store = node.blocks();
  const uint64_t fin = tip.fin;
  const uint64_t head = tip.head;
  if (height == 0 || height > fin) return std::nullopt;
  // The nearest A >= height proved final by its child B, and the block that carries QC(B).
  constexpr uint64_t kSearch = 64;
  chain::finality::BlockFinalityProof proof;
  for (uint64_t a = height; a <= fin && a + 1 <= head && a < height + chain::finality::kMaxProofHeaders - 1; ++a) {
    auto ha = store.header_at(a), hb = store.header_at(a + 1);
    if (!ha || !hb || !chain::finality::proves_final(block_ref(*ha), block_ref(*hb))) continue;
    const core::Hash256 b_id = hb->id();
    std::optional<chain::finality::QuorumCertificate> qc;
    for (uint64_t k = a + 2; k <= head && k <= a + 1 + kSearch && !qc; ++k) {
      auto hk = store.header_at(k);
      if (!hk || hk->justify.block_id != b_id) continue;
      if (auto blk = store.block_at(k); blk && blk->justify_qc) qc = blk->justify_qc;
    }
    if (!qc) continue;
    bool whole = true;
    for (uint64_t h = height; h <= a + 1 && whole; ++h) {
      auto hh = store.header_at(h);
      if (hh) proof.headers.push_back(*hh);
      else whole = false;  // popped by a branch switch meanwhile
    }
    if (!whole) return std::nullopt;
    proof.qc_on_b = std::move(*qc);
    break;
  }
  if (proof.headers.empty()) return std::nullopt;
  // The generation whose quorum signed it (alone, or jointly with the next while a set change
  // is pending), newest first. The key sets are read under the lock, one generation at a time;
  // the signatures are checked outside it.
  for (uint64_t g = tip.generation + 1; g-- > 0;) {
    auto [set, next] = node.read([g](const chain::Chain& c, const storage::BlockStore&) {
      return std::pair{chain::generation_keys(c.state(), g), chain::generation_keys(c.state(), g + 1)};
    });
    if (set.empty()) continue;
    std::optional<std::vector<core::PublicKey>> joint;
    if (proof.verify(tip.chain_id, set)) {
    } else if (!next.empty() && proof.verify(tip.chain_id, set, next)) {
      joint = next;
    } else {
      continue;
    }
    auto keys = [](const std::vector<core::PublicKey>& ks) {
      Json out = Json::array();
      for (const auto& k : ks) out.push_back(k.hex());
      return out;
    };
    const auto& a = proof.headers[proof.headers.size() - 2];
    return Json{{"height", height},
                {"id", proof.headers.front().id().hex()},
                {"proved_final", {{"height", a.height}, {"id", a.id().hex()}}},
                {"generation", g},
                {"producer_set", keys(set)},
                {"next_set", joint ? keys(*joint) : Json(nullptr)},
                {"proof", core::to_hex(proof.encode())}};
  }
  return std::nullopt;
}

}  // namespace lingji::api
