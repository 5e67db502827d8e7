// transaction_fuzz.cpp: a signed transaction from a peer (P2P type 16) or from POST
// /v1/transactions. Properties: decode never crashes; what decodes re-encodes to the same bytes
// (one encoding per transaction, so the id cannot be malleated); the stateless checks of every
// operation (which decode embedded evidence) run on it.
#include "chain/executor.h"
#include "chain/protocol/transaction.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tx = chain::SignedTransaction::decode(fuzz::input(data, size));
  if (!tx) return 0;
  core::Bytes again = chain::encode_body(tx->body());
  again.insert(again.end(), tx->signature().bytes.begin(), tx->signature().bytes.end());
  fuzz::require(fuzz::same_bytes(again, fuzz::input(data, size)), "transaction: decode -> encode changed the bytes");
  fuzz::require(fuzz::same_bytes(tx->bytes(), fuzz::input(data, size)), "transaction: bytes() is not the input");
  fuzz::require(tx->id() == core::blake2b_256(tx->body_bytes()), "transaction: id is not the hash of the body");
  (void)chain::check_transaction(*tx, tx->body().chain_id);
  (void)tx->verify_signature();
  return 0;
}
