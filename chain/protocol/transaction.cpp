#include "chain/protocol/transaction.h"

#include "chain/chain_errors.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

bool decode_op(core::Reader& r, Operation& out, bool& unknown) {
  uint16_t type;
  return r.u16(type) && decode_operation(r, type, out, unknown);
}

}  // namespace

Bytes encode_body(const TransactionBody& body) {
  core::Writer w;
  w.fixed(body.chain_id).i64(body.expiration).fixed(body.sender).u64(body.sequence);
  w.u32(static_cast<uint32_t>(body.operations.size()));
  for (const auto& op : body.operations) encode_operation(w, op);
  return w.take();
}

Bytes signing_bytes(ByteView body) {
  Bytes msg(kTxSigningDomain.begin(), kTxSigningDomain.end());
  msg.insert(msg.end(), body.begin(), body.end());
  return msg;
}

SignedTransaction SignedTransaction::sign(TransactionBody body, const core::PrivateKey& key) {
  SignedTransaction tx;
  tx.bytes_ = encode_body(body);
  tx.id_ = core::blake2b_256(tx.bytes_);
  tx.signature_ = key.sign(signing_bytes(tx.bytes_));
  tx.bytes_.insert(tx.bytes_.end(), tx.signature_.bytes.begin(), tx.signature_.bytes.end());
  tx.body_ = std::move(body);
  return tx;
}

core::Result<SignedTransaction> SignedTransaction::decode(ByteView bytes) {
  if (bytes.size() > kMaxTransactionBytes)
    return chain_error("tx.too_large", "transaction of " + std::to_string(bytes.size()) +
                                                   " bytes exceeds the limit of " +
                                                   std::to_string(kMaxTransactionBytes));
  if (bytes.size() < 64) return chain_error("tx.malformed", "transaction is truncated");
  SignedTransaction tx;
  ByteView body = bytes.first(bytes.size() - 64);
  core::Reader r(body);
  uint32_t n = 0;
  bool unknown_op = false;
  r.fixed(tx.body_.chain_id);
  r.i64(tx.body_.expiration);
  r.fixed(tx.body_.sender);
  r.u64(tx.body_.sequence);
  if (r.count(n, kMaxOperations)) {
    tx.body_.operations.resize(n);
    for (auto& op : tx.body_.operations)
      if (!decode_op(r, op, unknown_op)) break;
  }
  if (auto st = r.finish(); !st) {
    if (unknown_op) return chain_error("tx.unknown_operation", st.error().message);
    if (r.failed() && st.error().message.find("count ") == 0)
      return chain_error("tx.too_many_operations", st.error().message);
    return chain_error("tx.malformed", "malformed transaction: " + st.error().message);
  }
  auto sig = Signature::from(bytes.last(64));
  tx.signature_ = *sig;
  tx.bytes_.assign(bytes.begin(), bytes.end());
  tx.id_ = core::blake2b_256(body);
  return tx;
}

bool SignedTransaction::verify_signature() const {
  return core::verify(body_.sender, signing_bytes(body_bytes()), signature_);
}

}  // namespace lingji::chain
