#include "node/network.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "chain/chain_errors.h"
#include "core/core_errors.h"
#include "core/codec.h"
#include "net/identity.h"
#include "net/p2p.h"
#include "net/peer_score.h"
#include "node/messages.h"

namespace lingji::node {
namespace {

// An honest node keeps one get_blocks outstanding per peer, so it asks once a round trip; a burst
// of 100 batches is 25,600 blocks of catching up before the rate applies.
constexpr uint32_t kGetBlocksPerSecond = 50;
constexpr uint32_t kGetBlocksBurst = 100;

core::TimeMs wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();  // purity-ok: node layer
}

}  // namespace

struct Network::Impl : net::Handler {
  consensus::Controller& node;
  std::unique_ptr<net::P2p> p2p;
  std::mutex sync_mu;
  std::map<net::PeerId, bool> syncing;  // a get_blocks is outstanding to this peer
  std::map<net::PeerId, uint64_t> sync_from;  // the height the last get_blocks asked from
  std::map<net::PeerId, net::TokenBucket> serve_budget;  // get_blocks this peer may still ask; network thread only
  std::map<net::PeerId, net::TokenBucket> serve_bytes;   // KiB of blocks it may still take; network thread only
  uint32_t serve_kib_per_second = 0;
  uint32_t serve_kib_burst = 0;

  explicit Impl(consensus::Controller& n) : node(n) {}

  core::Bytes status() const {
    return node.read([](const chain::Chain& c, const storage::BlockStore&) {
      return encode_status({c.head().height, c.head_id(), c.final_block().height});
    });
  }
  uint64_t head_height() const {
    return node.read([](const chain::Chain& c, const storage::BlockStore&) { return c.head().height; });
  }

  uint64_t final_height() const {
    return node.read([](const chain::Chain& c, const storage::BlockStore&) { return c.final_block().height; });
  }

  // Asks the peer for its blocks from height `from` (its branch's, in order); one request per
  // peer is outstanding at a time.
  void request_blocks(net::PeerId peer, uint64_t from) {
    {
      std::lock_guard lock(sync_mu);
      if (syncing[peer]) return;
      syncing[peer] = true;
      sync_from[peer] = from;
    }
    (void)p2p->send(peer, kGetBlocks, encode_get_blocks({from, kSyncBatchBlocks}));
  }
  void request_blocks(net::PeerId peer) { request_blocks(peer, head_height() + 1); }
  uint64_t requested_from(net::PeerId peer) {
    std::lock_guard lock(sync_mu);
    return sync_from[peer];
  }

  void on_connected(const net::PeerInfo& peer) override {
    auto status = decode_status(peer.status);
    if (!status) {
      p2p->penalize(peer.id, "bad status in the handshake");
      return;
    }
    const uint64_t their_head = status->head_height;
    spdlog::info("peer {} connected ({}), its head {}", peer.id, peer.remote, their_head);
    if (their_head > head_height()) request_blocks(peer.id);
  }

  void on_disconnected(net::PeerId peer, const std::string& reason) override {
    serve_budget.erase(peer);
    serve_bytes.erase(peer);
    std::lock_guard lock(sync_mu);
    syncing.erase(peer);
    sync_from.erase(peer);
    spdlog::info("peer {} disconnected: {}", peer, reason);
  }

  enum class Taken { kOk, kUnknownParent, kInvalid };
  // Applies one block from a peer (its height goes to *height); kInvalid: the peer was penalized.
  Taken take_block(net::PeerId peer, core::ByteView bytes, bool gossip, uint64_t* height = nullptr) {
    auto block = chain::Block::decode(bytes);
    if (!block) {
      p2p->penalize(peer, "undecodable block: " + block.error().message);
      return Taken::kInvalid;
    }
    if (height) *height = block->header.height;
    auto accepted = node.accept_block(*block, wall_clock_ms());
    if (!accepted) {
      p2p->penalize(peer, "invalid block " + std::to_string(block->header.height) + ": " + accepted.error().message);
      return Taken::kInvalid;
    }
    switch (*accepted) {
      case consensus::Controller::Accepted::kApplied:
      case consensus::Controller::Accepted::kFork:  // others should see the competing branch too
        if (gossip) (void)p2p->broadcast(kBlock, core::Bytes(bytes.begin(), bytes.end()), peer);
        break;
      case consensus::Controller::Accepted::kAhead:
        if (gossip) request_blocks(peer);
        break;
      case consensus::Controller::Accepted::kUnknownParent:
        // The peer's branch left this node's below the head: fetch it from the last final block
        // (the fork database keeps it, and the node switches if it has the higher certificate).
        if (gossip) request_blocks(peer, final_height() + 1);
        return Taken::kUnknownParent;
      case consensus::Controller::Accepted::kKnown:
      case consensus::Controller::Accepted::kStale:
        break;
    }
    return Taken::kOk;
  }

  void on_message(net::PeerId peer, uint8_t type, core::Bytes payload) override {
    switch (type) {
      case kTransaction: {
        auto r = node.submit_from_peer(payload, wall_clock_ms());  // the tx listener gossips it on
        using Outcome = consensus::Controller::TxOutcome;
        switch (r.outcome) {
          case Outcome::kBadSignature:  // only a forgery
            p2p->penalize(peer, "invalid transaction: " + r.result.error().message);
            break;
          case Outcome::kMalformed:  // never valid anywhere: an honest node never relays it
            p2p->report(peer, "net.malformed_message", "transaction: " + r.result.error().message);
            break;
          case Outcome::kRejected:  // may have applied on the sender's mempool: a small cost
            p2p->report(peer, "net.rejected_tx", r.result.error().message);
            break;
          case Outcome::kAdmitted:
          case Outcome::kKnown:
          case Outcome::kBusy:
            break;
        }
        break;
      }
      case kBlock:
        (void)take_block(peer, payload, true);
        break;
      case kGetBlocks: {
        auto ask = decode_get_blocks(payload);
        if (!ask) return p2p->penalize(peer, "bad get_blocks");
        const auto now = net::Clock::now();
        auto budget = serve_budget.try_emplace(peer, kGetBlocksPerSecond, kGetBlocksBurst).first;
        auto bytes = serve_bytes.try_emplace(peer, serve_kib_per_second, serve_kib_burst).first;
        std::vector<core::Bytes> blocks;
        const int64_t kib = bytes->second.available(now);
        if (kib > 0 && budget->second.take(now)) {
          const size_t max_bytes = std::min<size_t>(kSyncBatchBytes, static_cast<size_t>(kib) * 1024);
          blocks = node.blocks_from(ask->from, std::min(ask->max_blocks, kSyncBatchBlocks), max_bytes);
          size_t served = 0;
          for (const auto& b : blocks) served += b.size();
          bytes->second.spend((served + 1023) / 1024);
        } else {
          // An empty answer, not none: an honest requester waits for one (it asks again on the
          // next block it hears of).
          p2p->report(peer, "net.rate_limited",
                      kib > 0 ? "over " + std::to_string(kGetBlocksPerSecond) + " get_blocks a second"
                              : "over " + std::to_string(serve_kib_per_second) + " KiB of blocks a second");
        }
        (void)p2p->send(peer, kBlocks, encode_blocks(blocks));
        break;
      }
      case kBlocks: {
        {
          // Only an answer to our own get_blocks is read: a batch nobody asked for would be up to
          // 256 blocks of work at the sender's choice.
          std::lock_guard lock(sync_mu);
          auto it = syncing.find(peer);
          if (it == syncing.end() || !it->second)
            return p2p->report(peer, "net.unsolicited", "a blocks batch that was not asked for");
          it->second = false;
        }
        // The batch's framing is checked whole before any of its blocks is applied.
        auto batch = decode_blocks(payload);
        if (!batch) return p2p->penalize(peer, "bad blocks message");
        const uint32_t n = static_cast<uint32_t>(batch->size());
        uint64_t last = 0;
        for (uint32_t i = 0; i < n; ++i) {
          uint64_t height = 0;
          auto outcome = take_block(peer, (*batch)[i], false, &height);
          if (outcome == Taken::kInvalid) return;
          if (outcome == Taken::kUnknownParent) {
            // A batch that does not connect: start again from the last final block, once.
            const uint64_t from = final_height() + 1;
            if (i == 0 && requested_from(peer) == from) return p2p->penalize(peer, "blocks that connect to nothing");
            return request_blocks(peer, from);
          }
          last = height;
        }
        // More may follow: ask until a batch comes back empty. Blocks of a branch that is not
        // (yet) better stay in the fork database, so ask past them rather than from the head.
        if (n > 0) request_blocks(peer, std::max(head_height(), last) + 1);
        break;
      }
      case kVote: {
        auto vote = chain::finality::SignedVote::decode(payload);
        if (!vote) return p2p->penalize(peer, "undecodable vote");
        auto added = node.add_vote(*vote);
        if (!added) {
          if (chain::ChainErrorRef("finality.bad_signature").matches(added.error())) p2p->penalize(peer, "vote with a bad signature");
          return;
        }
        if (*added) (void)p2p->broadcast(kVote, payload, peer);
        break;
      }
      default:
        break;
    }
  }
};

Network::Network(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Network::~Network() { stop(); }

core::Result<std::unique_ptr<Network>> Network::start(consensus::Controller& node, const NetworkOptions& options) {
  auto impl = std::make_unique<Impl>(node);
  impl->serve_kib_per_second = options.serve_kib_per_second;
  impl->serve_kib_burst = options.serve_kib_burst;
  net::P2pOptions o;
  o.chain_id = node.read([](const chain::Chain& c, const storage::BlockStore&) { return c.chain_id(); });
  o.listen = options.listen;
  o.peers = options.peers;
  o.max_payload = payload_limits();
  if (!options.identity_file.empty()) {
    auto key = net::load_or_create_identity(options.identity_file);
    if (!key) return key.error();
    o.identity = std::move(*key);
  }
  Impl* raw = impl.get();
  o.status = [raw] { return raw->status(); };
  auto p2p = net::P2p::start(std::move(o), *impl);
  if (!p2p) return p2p.error();
  impl->p2p = std::move(*p2p);
  node.set_vote_listener([raw](const chain::finality::SignedVote& v) { (void)raw->p2p->broadcast(kVote, v.encode()); });
  node.set_tx_listener([raw](core::ByteView tx) { (void)raw->p2p->broadcast(kTransaction, core::Bytes(tx.begin(), tx.end())); });
  return std::unique_ptr<Network>(new Network(std::move(impl)));
}

uint16_t Network::listen_port() const { return impl_->p2p->listen_port(); }

size_t Network::peer_count() const { return impl_->p2p->peers().size(); }

void Network::announce_block(const chain::Block& block) { (void)impl_->p2p->broadcast(kBlock, block.encode()); }

void Network::stop() {
  if (!impl_ || !impl_->p2p) return;
  impl_->node.set_vote_listener(nullptr);
  impl_->node.set_tx_listener(nullptr);
  impl_->p2p->stop();
}

}  // namespace lingji::node
