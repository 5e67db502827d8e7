// evidence_fuzz.cpp: equivocation evidence, as a report_evidence operation carries it. Both
// decoders read each input. Properties: decode never crashes; what decodes re-encodes to the same
// bytes (one canonical order per pair); evidence whose shape is valid is verified.
#include "chain/finality/evidence.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;
using namespace lingji::chain::finality;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const core::ByteView in = fuzz::input(data, size);
  if (auto votes = DoubleVoteEvidence::decode(in)) {
    fuzz::require(fuzz::same_bytes(votes->encode(), in), "double vote evidence: decode -> encode changed the bytes");
    if (votes->verify_shape()) (void)votes->verify(fuzz::chain_id());
  }
  if (auto blocks = DoubleBlockEvidence::decode(in)) {
    fuzz::require(fuzz::same_bytes(blocks->encode(), in), "double block evidence: decode -> encode changed the bytes");
    if (blocks->verify_shape()) (void)blocks->verify(fuzz::chain_id());
  }
  return 0;
}
