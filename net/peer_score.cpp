#include "net/peer_score.h"

#include <algorithm>

#include "net/net_errors.h"

namespace lingji::net {

int64_t misbehaviour_points(int code) {
  if (code == kNetRejectedTx) return 1;
  if (code == kNetRateLimited) return 5;
  if (code == kNetUnsolicited) return 20;
  if (code == kNetMalformedMessage) return 50;
  if (code == kNetProtocolViolation || code == kNetPenalized || code == kNetBadAuth || code == kNetMisbehaving)
    return kBanScore;
  return 0;
}

int64_t PeerScore::value(Clock::time_point now) const {
  if (milli_ == 0 || now <= at_) return milli_ / 1000;
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - at_).count();
  // points/s * ms = milli-points; capped so that a long quiet spell cannot overflow.
  const int64_t decayed = std::min<int64_t>(ms, int64_t{1} << 40) * kDecayPerSecond;
  return std::max<int64_t>(0, milli_ - decayed) / 1000;
}

bool PeerScore::add(int64_t points, Clock::time_point now) {
  if (now > at_) {
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - at_).count();
    milli_ = std::max<int64_t>(0, milli_ - std::min<int64_t>(ms, int64_t{1} << 40) * kDecayPerSecond);
    at_ = now;
  }
  milli_ = std::min<int64_t>(milli_ + points * 1000, kBanScore * 1000);
  return milli_ >= kBanScore * 1000;
}

void TokenBucket::refill(Clock::time_point now) {
  if (!started_) {
    started_ = true;
    at_ = now;
    return;
  }
  if (now <= at_) return;
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - at_).count();
  // rate tokens/s * us / 1000 = milli-tokens.
  milli_ = std::min<int64_t>(int64_t{burst_} * 1000, milli_ + std::min<int64_t>(us, int64_t{1} << 36) * rate_ / 1000);
  at_ = now;
}

bool TokenBucket::take(Clock::time_point now) {
  refill(now);
  if (milli_ < 1000) return false;
  milli_ -= 1000;
  return true;
}

std::chrono::milliseconds TokenBucket::wait(Clock::time_point now) {
  refill(now);
  if (milli_ >= 1000 || rate_ == 0) return std::chrono::milliseconds(milli_ >= 1000 ? 0 : 1000);
  return std::chrono::milliseconds((1000 - milli_) / rate_ + 1);
}

int64_t TokenBucket::available(Clock::time_point now) {
  refill(now);
  return milli_ >= 0 ? milli_ / 1000 : -((-milli_ + 999) / 1000);
}

void TokenBucket::spend(uint64_t n) {
  // Bounded overdraft: one spend is at most a batch (tens of MiB in KiB tokens).
  milli_ -= static_cast<int64_t>(std::min<uint64_t>(n, uint64_t{1} << 40)) * 1000;
}

}  // namespace lingji::net
