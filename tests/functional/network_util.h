// network_util.h: what the multi-node tests share: waiting for a condition, and a genesis file
// whose schedule is a given list of dev producer keys.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "chain/genesis/dev_keys.h"
#include "chain/genesis/genesis.h"

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

// genesis/default.json with the dev keys "p0".."p<n-1>" as its producers and its first slot
// two seconds from now, written to dir/genesis.json; returns the genesis.
inline chain::Genesis write_network_genesis(const std::filesystem::path& dir, int producers) {
  std::ifstream in(LINGJI_SOURCE_DIR "/genesis/default.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto genesis = chain::parse_genesis_json(text);
  EXPECT_TRUE(genesis);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  genesis->genesis_time = (now / 1000 + 2) * 1000;
  genesis->producers.clear();
  for (int i = 0; i < producers; ++i) genesis->producers.push_back(chain::dev_key("p" + std::to_string(i)).public_key());
  std::ofstream(dir / "genesis.json") << chain::genesis_to_json(*genesis);
  return *genesis;
}

// Writes the seed of dev key "p<i>" to dir/p<i>.seed and returns the file's path.
inline std::filesystem::path write_producer_seed(const std::filesystem::path& dir, int i) {
  const auto file = dir / ("p" + std::to_string(i) + ".seed");
  std::ofstream(file) << chain::dev_seed("p" + std::to_string(i)).hex();
  return file;
}

}  // namespace lingji::functional
