// producer_ops.h: the producer module's operations (R14, R15). Rules: producer.cpp.
//
// Grammar (after type:u16):
//   producer_register (5)   := signing_key:fixed<32> url:string region:string
//   producer_update_key (6) := signing_key:fixed<32>
//   producer_unregister (7) := (nothing)
//   vote_producers (8)      := candidates:vector<fixed<32>>
#pragma once

#include <string>
#include <vector>

#include "chain/protocol/op_base.h"

namespace lingji::chain {

// An approved dealer becomes a producer candidate with the key it will sign blocks with.
struct ProducerRegister {
  static constexpr uint16_t kType = 5;
  static constexpr std::string_view kName = "producer_register";
  PublicKey signing_key;
  std::string url, region;
  void encode(core::Writer& w) const { w.fixed(signing_key).string(url).string(region); }
  bool decode(core::Reader& r) {
    return r.fixed(signing_key) && r.string(url, kMaxOpTextBytes) && r.string(region, kMaxOpTextBytes);
  }
  bool operator==(const ProducerRegister&) const = default;
};
[[nodiscard]] core::Status check(const ProducerRegister& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const ProducerRegister& op, const ApplyContext& ctx);

struct ProducerUpdateKey {
  static constexpr uint16_t kType = 6;
  static constexpr std::string_view kName = "producer_update_key";
  PublicKey signing_key;
  void encode(core::Writer& w) const { w.fixed(signing_key); }
  bool decode(core::Reader& r) { return r.fixed(signing_key); }
  bool operator==(const ProducerUpdateKey&) const = default;
};
[[nodiscard]] core::Status check(const ProducerUpdateKey& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const ProducerUpdateKey& op, const ApplyContext& ctx);

struct ProducerUnregister {
  static constexpr uint16_t kType = 7;
  static constexpr std::string_view kName = "producer_unregister";
  void encode(core::Writer&) const {}
  bool decode(core::Reader&) { return true; }
  bool operator==(const ProducerUnregister&) const = default;
};
[[nodiscard]] core::Status check(const ProducerUnregister& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const ProducerUnregister& op, const ApplyContext& ctx);

// A holder's approval vote for up to 30 candidates; it replaces the holder's previous vote, and
// weighs the holder's whole balance (locked CT included) as it changes.
struct VoteProducers {
  static constexpr uint16_t kType = 8;
  static constexpr std::string_view kName = "vote_producers";
  std::vector<PublicKey> candidates;
  void encode(core::Writer& w) const {
    w.u32(static_cast<uint32_t>(candidates.size()));
    for (const auto& c : candidates) w.fixed(c);
  }
  bool decode(core::Reader& r) {
    uint32_t n = 0;
    if (!r.count(n, kMaxOpTextBytes / 32)) return false;
    candidates.resize(n);
    for (auto& c : candidates)
      if (!r.fixed(c)) return false;
    return true;
  }
  bool operator==(const VoteProducers&) const = default;
};
// At most 30 candidates, none twice.
[[nodiscard]] core::Status check(const VoteProducers& op, const PublicKey& sender);
[[nodiscard]] core::Status apply(StateOverlay& s, const VoteProducers& op, const ApplyContext& ctx);

}  // namespace lingji::chain
