// peer_score.h: how much a peer may cost us, without sockets and without a clock of its own (the
// caller passes the time): a misbehaviour score that decays and bans at a threshold, and a token
// bucket for message rates. p2p.cpp and node/network.cpp apply them; peer_score_test.cpp checks
// the edges.
//
// Points per reason (codes of net/net_errors.h). An honest node never sends data that cannot be
// valid, so malformed data costs half the budget; a transaction that fails the state checks or
// a rate overrun can come from an honest node that sees another mempool, so they cost little and
// decay: a peer is banned only when it keeps doing it faster than kDecayPerSecond.
#pragma once

#include <chrono>
#include <cstdint>

#include "net/peer_rules.h"

namespace lingji::net {

inline constexpr int64_t kBanScore = 100;
inline constexpr int64_t kDecayPerSecond = 10;

// The points a reason adds; 0 for a code that is no misbehaviour, kBanScore for one that bans at
// once (net.protocol_violation, net.penalized, net.bad_auth).
int64_t misbehaviour_points(int code);

class PeerScore {
 public:
  // Adds points after decaying the score to `now`; true if it reached kBanScore.
  bool add(int64_t points, Clock::time_point now);
  // The decayed score at `now`.
  int64_t value(Clock::time_point now) const;

 private:
  int64_t milli_ = 0;  // thousandths of a point, so that decay needs no floating point
  Clock::time_point at_{};
};

// At most `rate` events a second on average, `burst` at once.
class TokenBucket {
 public:
  TokenBucket(uint32_t rate, uint32_t burst) : rate_(rate), burst_(burst), milli_(int64_t{burst} * 1000) {}
  // Takes one token if there is one.
  bool take(Clock::time_point now);
  // How long until a token is there (0 if one is).
  std::chrono::milliseconds wait(Clock::time_point now);
  // Whole tokens there at `now` (negative after an overdraft), and taking n of them, which may
  // overdraw: a budget of bytes whose exact cost is known only after the work (a batch of
  // blocks ends on the block that crosses its limit).
  int64_t available(Clock::time_point now);
  void spend(uint64_t n);

 private:
  void refill(Clock::time_point now);
  uint32_t rate_;
  uint32_t burst_;
  int64_t milli_;  // thousandths of a token
  Clock::time_point at_{};
  bool started_ = false;
};

}  // namespace lingji::net
