// network.h: the node's peer protocol on top of the net/ transport: transactions, blocks and
// votes spread to every peer, and a node behind its peers catches up in batches.
//
// Messages (net/ frames of these types; primitives as in core/codec.h):
//   16 transaction  := signed transaction bytes
//   17 block        := block bytes (chain/protocol/block.h), a new head
//   18 get_blocks   := from_height:u64 max_blocks:u32
//   19 blocks       := count:u32 (length:u32 block bytes)[count], consecutive heights
//   20 vote         := signed vote (chain/finality/vote.h)
//   handshake status := head_height:u64 head_id:fixed<32> final_height:u64
// Gossip: what is new to a node (an admitted transaction, an applied block, a counted vote) is
// sent on to its other peers; what it already knew stops there.
// What a peer may cost (net/peer_score.h): a transaction or vote with a bad signature, an invalid
// block, or undecodable data other than a transaction bans it at once (net.penalized); a
// transaction that can never be valid (undecodable or against a stateless rule) costs
// net.malformed_message, one that fails the state checks net.rejected_tx (and is remembered, so a
// resend costs no verification), a blocks batch nobody asked for net.unsolicited (and is
// dropped unread), and more than kGetBlocksPerSecond requests net.rate_limited (and is not
// served); the score bans at kBanScore.
// Not yet: a fork database. A block that does not extend this node's head is ignored, so a node
// that ends up on a losing branch stays there until restarted from a peer's chain.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "consensus/controller.h"

namespace lingji::node {

struct NetworkOptions {
  std::string listen;               // "127.0.0.1:PORT"; empty: no inbound connections
  std::vector<std::string> peers;   // "host:port" to keep connected
  // This node's P2P identity key file (net/identity.h), created at first start; empty: a random
  // identity for this process only.
  std::filesystem::path identity_file;
  // Bytes of blocks one peer's get_blocks may take, in KiB: on average a second, and at once. A
  // peer that asks faster than it reads would otherwise fill its 64 MiB send queue with answers
  // (and the disk reads behind them) before the request count bans it; over the budget it is
  // not served and is reported (net.rate_limited). An honest node keeps one request
  // outstanding, so it catches up at about one 8 MiB batch a second at worst.
  uint32_t serve_kib_per_second = 8 * 1024;
  uint32_t serve_kib_burst = 32 * 1024;
};

class Network {
 public:
  // Starts the transport and hooks into the controller (its votes and admitted transactions).
  static core::Result<std::unique_ptr<Network>> start(consensus::Controller& node, const NetworkOptions& options);
  ~Network();
  uint16_t listen_port() const;
  size_t peer_count() const;
  // Sends a block this node produced to every peer.
  void announce_block(const chain::Block& block);
  void stop();

 private:
  struct Impl;
  explicit Network(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::node
