// key_prefixes.h: the registry of state-key prefixes. Every state key starts with one byte that
// names the module record it belongs to; this table is the only place a prefix is chosen, and
// the static_assert below refuses a byte or a name used twice (two modules sharing a prefix
// would see each other's records in their prefix scans, and could overwrite them).
//
// A module writes its keys with key_prefix("name"), checked at compile time. A new record
// takes a free byte here first. The bytes are part of the state root: a released prefix never
// changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lingji::chain {

struct KeyPrefix {
  uint8_t byte;
  std::string_view name;
  std::string_view owner;  // the header that documents the record's key and value
};

inline constexpr KeyPrefix kKeyPrefixes[] = {
    {'A', "account", "chain/token/account.h"},
    {'C', "governance", "chain/governance/governance.h"},  // 'C' "name" records and 'C' 'P' || id proposals
    {'D', "dealer", "chain/dealers/dealer.h"},
    {'E', "offence", "chain/producers/ejection.h"},
    {'F', "final", "chain/finality/ancestry.h"},
    {'G', "generation", "chain/producers/schedule.h"},
    {'H', "ancestor", "chain/finality/ancestry.h"},
    {'I', "listing", "chain/vesting/vesting.h"},  // was 'G' "listing", inside the generations' prefix
    {'J', "ejection", "chain/producers/ejection.h"},
    {'K', "signing_key", "chain/producers/producer.h"},
    {'L', "lock", "chain/vesting/vesting.h"},
    {'P', "candidate", "chain/producers/producer.h"},
    {'R', "producer_record", "chain/producers/schedule.h"},
    {'S', "schedule", "chain/producers/schedule.h"},
    {'V', "votes", "chain/producers/producer.h"},
};

consteval bool key_prefixes_are_unique() {
  for (size_t i = 0; i < std::size(kKeyPrefixes); ++i)
    for (size_t j = 0; j < i; ++j)
      if (kKeyPrefixes[i].byte == kKeyPrefixes[j].byte || kKeyPrefixes[i].name == kKeyPrefixes[j].name) return false;
  return true;
}
static_assert(key_prefixes_are_unique(), "a state-key prefix byte or name is registered twice");

// The byte of the record `name`; not a constant expression (a compile error) for an unknown name.
consteval uint8_t key_prefix(std::string_view name) {
  for (const auto& p : kKeyPrefixes)
    if (p.name == name) return p.byte;
  throw "no such state-key prefix in kKeyPrefixes";
}

}  // namespace lingji::chain
