// network_util.h: what the multi-node tests share: waiting for a condition.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace lingji::functional {

// Waits until pred() holds, polling; fails the test with `what` on timeout.
template <class Pred>
void wait_until(Pred pred, const std::string& what, int timeout_ms = 30'000) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL() << "timed out waiting for " << what;
}

}  // namespace lingji::functional
