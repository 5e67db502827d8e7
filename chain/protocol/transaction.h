// transaction.h: transactions and their operations, and their canonical encoding.
//
// Grammar (primitives as in core/codec.h):
//   transaction      := body signature:fixed<64>
//   body             := chain_id:fixed<32> expiration:i64 sender:fixed<32> sequence:u64
//                       operations:vector<operation>          (1..kMaxOperations)
//   operation        := type:u16 payload          (payloads: chain/protocol/operations.h)
// The signature is Ed25519 by `sender` over kTxSigningDomain || body. The transaction id is
// BLAKE2b-256(body): it is known before signing and cannot be changed by re-signing.
// Replay protection: chain_id (across chains), sequence (within the chain), expiration (late
// inclusion); see chain/executor.h.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "chain/protocol/operations.h"
#include "core/amount.h"
#include "core/calendar.h"
#include "core/hash.h"
#include "core/keys.h"
#include "core/result.h"

namespace lingji::chain {

using core::Amount;
using core::Bytes;
using core::ByteView;
using core::Hash256;
using core::PublicKey;
using core::Signature;
using core::TimeMs;

inline constexpr std::string_view kTxSigningDomain = "LINGJI/TX/v1";
inline constexpr size_t kMaxMemoBytes = 256;
inline constexpr size_t kMaxExchangeNameBytes = 64;
inline constexpr uint32_t kMaxOperations = 16;
inline constexpr size_t kMaxTransactionBytes = 8 * 1024;

// The operations and their payload encodings: chain/protocol/operations.h.

struct TransactionBody {
  Hash256 chain_id;
  TimeMs expiration = 0;
  PublicKey sender;
  uint64_t sequence = 0;
  std::vector<Operation> operations;
};

class SignedTransaction {
 public:
  // Encodes and signs. Requires: key is the sender's key.
  static SignedTransaction sign(TransactionBody body, const core::PrivateKey& key);
  // Decodes; rejects malformed, non-canonical, oversized input. Errors: tx.too_large (over
  // kMaxTransactionBytes), tx.too_many_operations, tx.unknown_operation, else tx.malformed.
  static core::Result<SignedTransaction> decode(ByteView bytes);

  const TransactionBody& body() const { return body_; }
  const Signature& signature() const { return signature_; }
  const Hash256& id() const { return id_; }
  const Bytes& bytes() const { return bytes_; }  // body || signature
  ByteView body_bytes() const { return ByteView(bytes_).first(bytes_.size() - 64); }
  bool verify_signature() const;

 private:
  TransactionBody body_;
  Signature signature_;
  Hash256 id_;
  Bytes bytes_;
};

Bytes encode_body(const TransactionBody& body);
// The bytes that the sender signs: kTxSigningDomain || body.
Bytes signing_bytes(ByteView body);

}  // namespace lingji::chain
