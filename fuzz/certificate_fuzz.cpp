// certificate_fuzz.cpp: a quorum certificate, as it travels in a block's body. Properties:
// decode never crashes; what decodes re-encodes to the same bytes (canonical signer order);
// verification against a set, and against two (a set change), never crashes.
#include "chain/finality/quorum_certificate.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto set = fuzz::producer_set();
  static const std::vector<core::PublicKey> first_two(set.begin(), set.begin() + 2);
  auto qc = chain::finality::QuorumCertificate::decode(fuzz::input(data, size));
  if (!qc) return 0;
  fuzz::require(fuzz::same_bytes(qc->encode(), fuzz::input(data, size)), "certificate: decode -> encode changed the bytes");
  fuzz::require(qc->signers.size() <= chain::finality::kMaxQcSigners, "certificate: too many signers decoded");
  (void)qc->verify(fuzz::chain_id(), set);
  (void)qc->verify_joint(fuzz::chain_id(), first_two, set);
  return 0;
}
