// vote_fuzz.cpp: a signed finality vote from a peer (P2P type 20). Properties: decode never
// crashes; what decodes is exactly kSignedVoteBytes and re-encodes to the same bytes.
#include "chain/finality/vote.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto vote = chain::finality::SignedVote::decode(fuzz::input(data, size));
  if (!vote) return 0;
  fuzz::require(size == chain::finality::kSignedVoteBytes, "vote: decoded from the wrong length");
  fuzz::require(fuzz::same_bytes(vote->encode(), fuzz::input(data, size)), "vote: decode -> encode changed the bytes");
  (void)vote->verify(fuzz::chain_id());
  return 0;
}
