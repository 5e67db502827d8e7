// hostile.h: the floods of lingji-hostile (issue 14 item 8), each a peer that speaks the wire
// protocol (net/wire_client.h) and misbehaves at full speed against one node:
//   malformed-tx   undecodable transactions and transactions for another chain
//   bad-sig-tx     transactions with forged signatures
//   rejected-tx    one validly signed transaction that fails the state checks, resent
//   bad-block      blocks on the head that fail the cheap checks, padded with forged transactions
//   far-block      blocks a million heights above the final block (unknown parent)
//   forged-vote    votes by a producer's key with forged signatures, in the window
//   window-vote    votes far outside the vote window
//   get-blocks     get_blocks requests
//   unsolicited    blocks batches nobody asked for
//   frames         pings (the cheapest frame that costs the node an answer)
//   connections    connections from one address, held open
//   impersonate    a hello claiming another node's id (read from that node's own hello)
// A flood goes on from a fresh identity and a fresh 127/8 source address each time the node
// closes its connection (an attacker with many addresses), so the node is under load for the
// whole duration. After each close it dials again from the address just closed: a refused
// hello there shows that the node banned it.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "tools/hostile/payloads.h"

namespace lingji::hostile {

inline const std::vector<std::string>& mode_names() {
  static const std::vector<std::string> names = {"malformed-tx", "bad-sig-tx",  "rejected-tx", "bad-block",
                                                 "far-block",    "forged-vote", "window-vote", "get-blocks",
                                                 "unsolicited",  "frames",      "connections", "impersonate"};
  return names;
}

struct Target {
  std::string ip = "127.0.0.1";
  uint16_t port = 0;
  core::Hash256 chain_id;
  std::optional<std::pair<std::string, uint16_t>> pose_as;  // impersonate: the node to pose as
};

struct FloodOptions {
  std::chrono::milliseconds duration{10'000};
  int address_block = 20;  // sources are 127.<address_block>.x.y, one per connection
  size_t max_connections = 200;  // connections: how many to try to hold from one address
  uint64_t seed = 1;
};

// What one flood did. A "close" is the node ending one of our connections; "banned" counts the
// closes after which a hello from the same address was refused.
struct FloodReport {
  std::string mode;
  uint64_t connections = 0;      // handshakes completed
  uint64_t handshakes_refused = 0;
  uint64_t messages = 0;         // application frames sent
  uint64_t bytes = 0;
  uint64_t closes = 0;
  std::map<int, uint64_t> goodbyes;  // goodbye code (0: closed without one) -> count
  uint64_t banned = 0;           // redial from the closed address refused
  uint64_t redials = 0;
  std::vector<int64_t> close_ms;  // per close: ms from the first message to the close
  uint64_t held = 0;             // connections: open at the end
  std::string error;             // why the flood could not run
};

// Reads the chain's head from the node (a hello and a get_blocks from `scout_ip`).
[[nodiscard]] core::Result<ChainView> scout(const Target& target, const std::string& scout_ip);

// Runs one flood for options.duration.
FloodReport run_flood(const std::string& mode, const Target& target, const ChainView& view, const FloodOptions& options);

// One line of JSON.
std::string to_json(const FloodReport& r);

}  // namespace lingji::hostile
