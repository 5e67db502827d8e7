// genesis.h: the genesis of a chain: its name, start time, time zone, parameters, the foundation
// and initial producer keys, and the allocation of the whole fixed supply (R1).
//
// The chain id is BLAKE2b-256("LINGJI/GENESIS/v1" || encode()), so two chains that differ in any
// genesis field have different ids, and a transaction signed for one is invalid on the other.
// Grammar of encode():
//   genesis    := chain_name:string genesis_time:i64 utc_offset_minutes:i64 params
//                 foundation:fixed<32> producers:vector<fixed<32>> allocations:vector<allocation>
//   params     := block_interval_ms:u32 max_block_transactions:u32 max_transaction_lifetime_ms:i64
//                 resource_window_ms:i64
//   allocation := category:u8 name:string account:fixed<32> amount:i64
// validate() enforces R1: exactly 10,000,000,000 CT in all, each category exactly its share,
// every amount positive, no account twice. Lock-ups follow from the category (R2), not from
// the file, so a genesis file cannot shorten them.
#pragma once

#include <string>
#include <vector>

#include "chain/state/state.h"
#include "chain/vesting/vesting.h"
#include "core/hash.h"
#include "core/result.h"

namespace lingji::chain {

struct ChainParams {
  uint32_t block_interval_ms = 1000;
  uint32_t max_block_transactions = 10000;
  int64_t max_transaction_lifetime_ms = 3'600'000;
  // The first value of the committee's resource_window_ms (chain/resources/resources.h): a dev
  // chain, whose fresh accounts must act at once, shortens it.
  int64_t resource_window_ms = 86'400'000;
  bool operator==(const ChainParams&) const = default;
};

struct Allocation {
  Category category;
  std::string name;
  PublicKey account;
  Amount amount;
};

struct Genesis {
  std::string chain_name;
  TimeMs genesis_time = 0;
  int32_t utc_offset_minutes = 0;
  ChainParams params;
  PublicKey foundation;
  // The bootstrap producers' signing keys (1 to 101, distinct): the schedule until holders have
  // elected candidates (chain/producers/schedule.h).
  std::vector<PublicKey> producers;
  std::vector<Allocation> allocations;

  Bytes encode() const;
  core::Hash256 chain_id() const;
  [[nodiscard]] core::Status validate() const;
  // The state before block 1: balances, locks with their cliff dates, the first schedule.
  ChangeSet initial_state() const;
};

core::Result<Genesis> parse_genesis_json(std::string_view text);
std::string genesis_to_json(const Genesis& g);

}  // namespace lingji::chain
