// operation_samples.cpp: the sample of every operation (operation_samples.h). Keys are dev keys
// (chain/genesis/dev_keys.h), so anyone can rebuild them; changing a sample changes the committed
// vectors, which must then be regenerated (tests/vectors/README.md).
#include "api/operation_samples.h"

#include "chain/finality/evidence.h"
#include "chain/genesis/dev_keys.h"
#include "chain/protocol/operations.h"
#include "core/hash.h"

namespace lingji::api {

using chain::dev_key;

template <>
chain::Transfer sample_operation() {
  return {dev_key("alice").public_key(), core::Amount::units(123'456'789'012), "令吉 bet #42"};
}

template <>
chain::DeclareListing sample_operation() {
  return {"Huobi Global"};
}

template <>
chain::DealerApply sample_operation() {
  return {"Lucky Star Lottery Sdn Bhd", "Selangor", "MY", "+60 3-1234 5678"};
}

template <>
chain::DealerSetStatus sample_operation() {
  return {dev_key("dealers").public_key(), chain::DealerStatus::kSuspended};
}

template <>
chain::ProducerRegister sample_operation() {
  return {dev_key("producer").public_key(), "https://bp1.lingji.example", "Kuala Lumpur"};
}

template <>
chain::ProducerUpdateKey sample_operation() {
  return {dev_key("producer-rotated").public_key()};
}

template <>
chain::ProducerUnregister sample_operation() {
  return {};
}

template <>
chain::VoteProducers sample_operation() {
  return {{dev_key("producer").public_key(), dev_key("dealers").public_key(), dev_key("alice").public_key()}};
}

template <>
chain::GovernancePropose sample_operation() {
  return {{{chain::ParamId::kBetFeeDefaultBp, 150},
           {chain::ParamId::kBetMax, core::Amount::ct(5'000).units()},
           {chain::ParamId::kBlockIntervalMs, 3'000}},
          {1'200, 1'100},
          "Lower the default fee, cap bets at 5000 CT, 3 s blocks"};
}

template <>
chain::GovernanceApprove sample_operation() {
  return {42};
}

template <>
chain::GovernanceProposeListing sample_operation() {
  return {"Binance", {20'000, 19'000}, "CT is listed on Binance from 2026-12-01"};
}

template <>
chain::GovernanceUnapprove sample_operation() {
  return {43};
}

// A real, verifiable double vote: the dev key "producer" signs two different blocks for slot
// 1000 on the chain of tests/vectors/chain_vectors.json (genesis/default.json's chain id until the
// genesis gained resource_window_ms; the vectors keep it).
template <>
chain::ReportEvidence sample_operation() {
  const auto chain_id = core::Hash256::from(*core::from_hex("ece0156a9f6a424a89623c5020f7433d58c1d0ce600d85ea9b7a8eebc7a60fea"));
  const core::PrivateKey key = dev_key("producer");
  auto vote_for = [&](std::string_view block) {
    const chain::finality::Vote v{1'000, 990, core::blake2b_256(core::as_bytes(block)), 999};
    return chain::finality::SignedVote::sign(*chain_id, v, key);
  };
  const auto evidence = chain::finality::DoubleVoteEvidence::make(vote_for("block a"), vote_for("block b"));
  return {chain::EvidenceKind::kDoubleVote, evidence.encode()};
}

}  // namespace lingji::api
