// finality_proof_fuzz.cpp: the proofs a light client receives from GET /v1/finality/... (and the
// rule's own two-ref proof). Both decoders read each input. Properties: decode never crashes;
// what decodes re-encodes to the same bytes; verification never crashes.
#include "chain/finality/finality_proof.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;
using namespace lingji::chain::finality;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto set = fuzz::producer_set();
  const core::ByteView in = fuzz::input(data, size);
  if (auto proof = BlockFinalityProof::decode(in)) {
    fuzz::require(fuzz::same_bytes(proof->encode(), in), "block finality proof: decode -> encode changed the bytes");
    fuzz::require(proof->headers.size() >= 2 && proof->headers.size() <= kMaxProofHeaders,
                  "block finality proof: header count out of range");
    (void)proof->verify(fuzz::chain_id(), set);
  }
  if (auto proof = FinalityProof::decode(in)) {
    fuzz::require(fuzz::same_bytes(proof->encode(), in), "finality proof: decode -> encode changed the bytes");
    (void)proof->verify(fuzz::chain_id(), set);
  }
  return 0;
}
