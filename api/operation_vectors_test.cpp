// operation_vectors_test.cpp: the golden vectors of every operation
// (tests/vectors/operation_vectors.json), built from the registry. For each alternative of
// chain::Operation the file must hold an entry whose bytes, hash and JSON are exactly those of the
// operation's sample (operation_samples.h), and whose bytes decode back to that sample. An
// operation without a sample or a JSON view fails to link; one without an entry fails here.
//
// Regenerate after a deliberate change (a new operation, a new sample):
//   LINGJI_WRITE_VECTORS=1 build/tests/operation_vectors_test
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api/json_views.h"
#include "api/operation_samples.h"
#include "chain/finality/evidence.h"
#include "chain/protocol/operations.h"
#include "core/codec.h"
#include "core/hash.h"

namespace lingji::api {
namespace {

constexpr const char* kPath = LINGJI_SOURCE_DIR "/tests/vectors/operation_vectors.json";

core::Bytes encode(const chain::Operation& op) {
  core::Writer w;
  chain::encode_operation(w, op);
  return w.take();
}

// The vector of Op, as the file holds it.
template <class Op>
Json vector_of() {
  const chain::Operation op = sample_operation<Op>();
  const core::Bytes bytes = encode(op);
  return {{"type", Op::kType},
          {"name", std::string(Op::kName)},
          {"json", operation_json(op)},
          {"hex", core::to_hex(bytes)},
          {"hash", core::blake2b_256(bytes).hex()}};
}

template <size_t... I>
Json all_vectors(std::index_sequence<I...>) {
  Json out = Json::array();
  (out.push_back(vector_of<std::variant_alternative_t<I, chain::Operation>>()), ...);
  return out;
}

Json all_vectors() { return all_vectors(std::make_index_sequence<std::variant_size_v<chain::Operation>>()); }

const Json* entry_for(const Json& file, uint16_t type) {
  for (const auto& v : file)
    if (v.contains("type") && v["type"] == type) return &v;
  return nullptr;
}

// Checks the file's entry for Op against Op's sample, field by field.
template <class Op>
void check_operation(const Json& file) {
  SCOPED_TRACE(std::string(Op::kName));
  const Json* v = entry_for(file, Op::kType);
  if (v == nullptr) {
    ADD_FAILURE() << "tests/vectors/operation_vectors.json has no entry for operation type " << Op::kType << " ("
                  << Op::kName << "); regenerate it (tests/vectors/README.md)";
    return;
  }
  const Op sample = sample_operation<Op>();
  const core::Bytes bytes = encode(sample);
  EXPECT_EQ(v->at("name").get<std::string>(), Op::kName);
  EXPECT_EQ(core::to_hex(bytes), v->at("hex").get<std::string>());

  // The committed bytes, not ours, decode back to the sample: type first, then the payload.
  auto committed = core::from_hex(v->at("hex").get<std::string>());
  ASSERT_TRUE(committed.has_value()) << "bad hex";
  EXPECT_EQ(core::blake2b_256(*committed).hex(), v->at("hash").get<std::string>());
  core::Reader r(*committed);
  uint16_t type = 0;
  ASSERT_TRUE(r.u16(type));
  EXPECT_EQ(type, Op::kType);
  chain::Operation decoded;
  bool unknown = false;
  ASSERT_TRUE(chain::decode_operation(r, type, decoded, unknown)) << "does not decode";
  EXPECT_FALSE(unknown);
  EXPECT_TRUE(r.finish().ok()) << "trailing bytes";
  ASSERT_TRUE(std::holds_alternative<Op>(decoded)) << "decodes to another operation";
  EXPECT_TRUE(std::get<Op>(decoded) == sample) << "decodes to another value than the sample";

  // The JSON as the API shows it: same keys, same order, same values.
  EXPECT_EQ(dump(operation_json(sample)), dump(v->at("json")));
}

template <size_t... I>
void check_every_operation(const Json& file, std::index_sequence<I...>) {
  (check_operation<std::variant_alternative_t<I, chain::Operation>>(file), ...);
}

TEST(OperationVectorsTest, EveryOperationMatchesItsCommittedVector) {
  if (const char* w = std::getenv("LINGJI_WRITE_VECTORS"); w && std::string(w) == "1") {
    std::ofstream out(kPath);
    ASSERT_TRUE(out.good()) << "cannot write " << kPath;
    out << all_vectors().dump(2) << "\n";
    ASSERT_TRUE(out.good());
    GTEST_SKIP() << "wrote " << kPath << "; run again without LINGJI_WRITE_VECTORS to check it";
  }
  std::ifstream f(kPath);
  ASSERT_TRUE(f.good()) << "cannot open tests/vectors/operation_vectors.json";
  const Json file = Json::parse(f);
  ASSERT_TRUE(file.is_array());
  check_every_operation(file, std::make_index_sequence<std::variant_size_v<chain::Operation>>());
  // Nothing more than the registry, in its order: an entry for a type that no longer exists is
  // stale, and one type twice would leave the second unchecked.
  std::vector<uint16_t> types, registry;
  for (const auto& v : file) {
    types.push_back(v.at("type").get<uint16_t>());
    EXPECT_EQ(v.size(), 5u) << "fields other than type, name, json, hex, hash in " << v.dump();
  }
  for (const auto& v : all_vectors()) registry.push_back(v.at("type").get<uint16_t>());
  EXPECT_EQ(types, registry) << "one entry per operation of chain/protocol/operations.h, in type order";
}

TEST(OperationVectorsTest, EvidenceSampleIsARealDoubleVote) {
  const auto op = sample_operation<chain::ReportEvidence>();
  ASSERT_EQ(op.kind, chain::EvidenceKind::kDoubleVote);
  auto evidence = chain::finality::DoubleVoteEvidence::decode(op.evidence);
  ASSERT_TRUE(evidence) << evidence.error().message;
  EXPECT_TRUE(evidence->verify_shape().ok());
  EXPECT_NE(evidence->a.vote.block_id, evidence->b.vote.block_id);
  EXPECT_EQ(evidence->a.vote.slot, evidence->b.vote.slot);
}

}  // namespace
}  // namespace lingji::api
