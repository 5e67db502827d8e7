// peer_rules.h: the P2P decisions that need no socket and no clock of their own (the caller
// passes the time): parsing "host:port", dial backoff, the IP ban list, and which of two
// connections to one node is kept. p2p.cpp applies them; peer_rules_test.cpp checks the edges.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/result.h"

namespace lingji::net {

using Clock = std::chrono::steady_clock;

struct HostPort {
  std::string host;  // "127.0.0.1", "::1" (brackets removed) or a host name
  uint16_t port = 0;
};

// Parses "host:port" and "[v6]:port". The port is decimal, 1..65535, or 0 if allow_port_zero
// (a listen address: "any free port"). Fails with net.bad_address (kNetBadAddress).
[[nodiscard]] core::Result<HostPort> parse_host_port(std::string_view text, bool allow_port_zero);

// Delay before the next dial of an address: 0.5 s, doubled after every failure, at most 5 s (a
// healed partition reconnects within seconds; the peer list is short, so dialing is cheap);
// reset() after a successful handshake.
class Backoff {
 public:
  static constexpr std::chrono::milliseconds kInitial{500};
  static constexpr std::chrono::milliseconds kMax{5000};
  // Returns the delay to wait now, and doubles the next one.
  std::chrono::milliseconds next();
  void reset() { current_ = kInitial; }

 private:
  std::chrono::milliseconds current_ = kInitial;
};

// Banned keys until a time: remote IP addresses as text ("127.0.0.2") and node identities
// (identity_ban_key). Expired entries are removed when looked up; at max_entries the entry that
// expires first is dropped for a new one, so identities minted by the million cannot grow it.
class BanList {
 public:
  explicit BanList(size_t max_entries = 100'000) : max_entries_(max_entries) {}
  // A later ban of the same key extends it; an earlier one never shortens it.
  void ban(const std::string& key, Clock::time_point until);
  bool is_banned(const std::string& key, Clock::time_point now);
  size_t size() const { return until_.size(); }

 private:
  size_t max_entries_;
  std::map<std::string, Clock::time_point> until_;
};

// The ban-list key of a node identity (never a valid IP address text).
std::string identity_ban_key(const core::Hash256& node_id);

// Two connections to one remote node: keep the one dialled by the node with the smaller node_id,
// so that both ends choose the same connection without talking. When one node dialled both,
// keep the existing one. `inbound` is from our side: an inbound connection was dialled by them.
// Requires: ours != theirs.
bool keep_new_connection(const core::Hash256& ours, const core::Hash256& theirs,
                         bool existing_inbound, bool new_inbound);

}  // namespace lingji::net
