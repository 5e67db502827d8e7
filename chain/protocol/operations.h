// operations.h: the operation registry. Every operation of the chain is one line of the
// Operation variant below, in type order; its struct, codec, grammar, check() and apply() live
// in its module (chain/<module>/*_ops.h and the module's .cpp). Adding an operation is its
// module's code, one line here (and its include), its JSON view (api/views/), its CLI command
// (cli/commands/) and its vectors (tests/vectors/operation_vectors.json): see
// docs/adding-an-operation.md.
//
// Wire form of an operation: type:u16 payload, with the payload's grammar in the module header.
// Type numbers and names are stable: a released operation keeps both (a retired one still
// decodes, and its apply() refuses it), and a number is never reused.
#pragma once

#include <string>
#include <variant>

#include "chain/dealers/dealer_ops.h"
#include "chain/governance/governance_ops.h"
#include "chain/producers/evidence_ops.h"
#include "chain/producers/producer_ops.h"
#include "chain/token/token_ops.h"
#include "chain/vesting/listing_ops.h"

namespace lingji::chain {

using Operation = std::variant<
    Transfer,                  // 1  token
    DeclareListing,            // 2  vesting (retired)
    DealerApply,               // 3  dealers
    DealerSetStatus,           // 4  dealers
    ProducerRegister,          // 5  producers
    ProducerUpdateKey,         // 6  producers
    ProducerUnregister,        // 7  producers
    VoteProducers,             // 8  producers
    GovernancePropose,         // 9  governance
    GovernanceApprove,         // 10 governance
    GovernanceProposeListing,  // 11 governance
    GovernanceUnapprove,       // 12 governance
    ReportEvidence>;           // 13 producers (evidence)

namespace detail {
template <class... Ops>
consteval bool registry_is_well_formed(std::variant<Ops...>*) {
  const uint16_t types[] = {Ops::kType...};
  const std::string_view names[] = {Ops::kName...};
  for (size_t i = 0; i < sizeof...(Ops); ++i) {
    if (types[i] == 0 || names[i].empty()) return false;
    if (i > 0 && types[i] <= types[i - 1]) return false;  // ascending, so unique
    for (size_t j = 0; j < i; ++j)
      if (names[j] == names[i]) return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::registry_is_well_formed(static_cast<Operation*>(nullptr)),
              "operation types must ascend and operation names must be unique");

inline uint16_t operation_type(const Operation& op) {
  return std::visit([](const auto& o) { return o.kType; }, op);
}
inline std::string_view operation_name(const Operation& op) {
  return std::visit([](const auto& o) { return o.kName; }, op);
}

// The name of the operation with type number `type` ("" for a type this version does not know).
template <size_t I = 0>
constexpr std::string_view operation_name_of(uint16_t type) {
  if constexpr (I == std::variant_size_v<Operation>) {
    return {};
  } else {
    using T = std::variant_alternative_t<I, Operation>;
    return T::kType == type ? T::kName : operation_name_of<I + 1>(type);
  }
}

inline void encode_operation(core::Writer& w, const Operation& op) {
  std::visit([&](const auto& o) {
    w.u16(o.kType);
    o.encode(w);
  }, op);
}

// Decodes one operation; `unknown` is set when the type is not one this version knows.
template <size_t I = 0>
bool decode_operation(core::Reader& r, uint16_t type, Operation& out, bool& unknown) {
  if constexpr (I == std::variant_size_v<Operation>) {
    unknown = true;
    r.fail("unknown operation type " + std::to_string(type));
    return false;
  } else {
    using T = std::variant_alternative_t<I, Operation>;
    if (T::kType != type) return decode_operation<I + 1>(r, type, out, unknown);
    T op;
    if (!op.decode(r)) return false;
    out = std::move(op);
    return true;
  }
}

}  // namespace lingji::chain
