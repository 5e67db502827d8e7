// encoding_test.cpp: the canonical encoding of transactions and blocks. The committed vectors in
// tests/vectors/chain_vectors.json pin the exact bytes, signing bytes, ids and signatures so that
// another implementation (the browser app, an SDK) can check itself; the rest checks that the
// decoders accept exactly one encoding per value and refuse everything else.
#include <gtest/gtest.h>

#include <fstream>  // purity-ok: tests read committed vector files
#include <map>
#include <nlohmann/json.hpp>

#include "chain/chain_errors.h"
#include "chain/genesis/dev_keys.h"
#include "chain/protocol/block.h"
#include "core/address.h"
#include "core/codec.h"

namespace lingji::chain {
namespace {

using Json = nlohmann::json;

Bytes H(const std::string& hex) {
  auto b = core::from_hex(hex);
  EXPECT_TRUE(b.has_value()) << "bad hex " << hex;
  return b ? *b : Bytes{};
}
std::string S(const Json& j, const char* field) { return j.at(field).get<std::string>(); }
PublicKey addr(const std::string& a) {
  auto k = core::parse_address(a);
  EXPECT_TRUE(k) << a;
  return k ? *k : PublicKey{};
}
Hash256 hash_of(const std::string& hex) { return Hash256::from(H(hex)).value_or(Hash256{}); }

const Hash256 kChain = core::blake2b_256(core::as_bytes("encoding-test-chain"));
const PublicKey kAlice = dev_key("alice").public_key();

TransactionBody body_with(std::vector<Operation> ops, uint64_t sequence = 7) {
  TransactionBody b;
  b.chain_id = kChain;
  b.expiration = 1'793'463'000'000;
  b.sender = dev_key("dev").public_key();
  b.sequence = sequence;
  b.operations = std::move(ops);
  return b;
}
// Body bytes followed by a placeholder signature: enough for the decoder, which checks no signature.
Bytes unsigned_tx(const TransactionBody& b) {
  Bytes out = encode_body(b);
  out.resize(out.size() + 64, 0);
  return out;
}
std::string decode_error(ByteView bytes) {
  auto tx = SignedTransaction::decode(bytes);
  return tx ? "ok" : tx.error().name;
}

// --- Committed vectors ---

TransactionBody body_from(const Json& o) {
  TransactionBody b;
  b.chain_id = hash_of(S(o, "chain_id"));
  b.expiration = std::stoll(S(o, "expiration"));
  b.sender = addr(S(o, "sender"));
  b.sequence = std::stoull(S(o, "sequence"));
  for (const auto& op : o.at("operations")) {
    if (S(op, "type") == "transfer") {
      auto amount = Amount::parse(S(op, "amount"));
      EXPECT_TRUE(amount);
      EXPECT_EQ(amount->units(), std::stoll(S(op, "amount_units")));
      EXPECT_EQ(core::to_hex(core::as_bytes(S(op, "memo"))), S(op, "memo_hex"));
      b.operations.push_back(Transfer{addr(S(op, "to")), *amount, S(op, "memo")});
    } else if (S(op, "type") == "declare_listing") {
      b.operations.push_back(DeclareListing{S(op, "exchange")});
    } else {
      ADD_FAILURE() << "unknown operation type " << S(op, "type");
    }
  }
  return b;
}

void check_tx_vector(const Json& v, std::map<std::string, SignedTransaction>& txs) {
  TransactionBody body = body_from(v.at("object"));
  Bytes body_bytes = encode_body(body);
  EXPECT_EQ(core::to_hex(body_bytes), S(v, "body"));
  EXPECT_EQ(core::to_hex(signing_bytes(body_bytes)), S(v, "signing_bytes"));
  EXPECT_EQ(S(v, "signing_bytes").substr(0, 24), core::to_hex(core::as_bytes("LINGJI/TX/v1")));
  EXPECT_EQ(core::blake2b_256(body_bytes).hex(), S(v, "hash"));
  core::PrivateKey key = dev_key(S(v, "signer"));
  EXPECT_EQ(key.public_key(), body.sender);
  SignedTransaction tx = SignedTransaction::sign(body, key);  // Ed25519 is deterministic
  EXPECT_EQ(tx.signature().hex(), S(v, "signature"));
  EXPECT_EQ(core::to_hex(tx.bytes()), S(v, "bytes"));
  EXPECT_EQ(tx.id().hex(), S(v, "hash"));
  auto sig = Signature::from(H(S(v, "signature")));
  ASSERT_TRUE(sig);
  EXPECT_TRUE(core::verify(key.public_key(), H(S(v, "signing_bytes")), *sig));
  auto decoded = SignedTransaction::decode(H(S(v, "bytes")));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(encode_body(decoded->body()), body_bytes);
  EXPECT_EQ(decoded->body().operations, body.operations);
  EXPECT_TRUE(decoded->verify_signature());
  txs.emplace(S(v, "name"), std::move(*decoded));
}

void check_block_vector(const Json& v, const std::map<std::string, SignedTransaction>& txs) {
  const Json& o = v.at("object");
  Block blk;
  BlockHeader& h = blk.header;
  Hash256 chain_id = hash_of(S(o, "chain_id"));
  h.height = std::stoull(S(o, "height"));
  h.previous = hash_of(S(o, "previous"));
  h.slot = std::stoull(S(o, "slot"));
  h.timestamp = std::stoll(S(o, "timestamp"));
  h.producer = addr(S(o, "producer"));
  h.tx_root = hash_of(S(o, "tx_root"));
  h.state_root = hash_of(S(o, "state_root"));
  h.tx_count = static_cast<uint32_t>(std::stoul(S(o, "tx_count")));
  h.justify = QcClaim{std::stoull(S(o, "justify_slot")), std::stoull(S(o, "justify_height")), hash_of(S(o, "justify_id"))};
  EXPECT_EQ(core::to_hex(h.encode()), S(v, "bytes"));
  EXPECT_EQ(h.id().hex(), S(v, "hash"));
  core::Writer w;
  w.raw(core::as_bytes("LINGJI/BLOCK/v1")).fixed(chain_id).raw(h.encode());
  EXPECT_EQ(core::to_hex(w.data()), S(v, "signing_bytes"));
  core::PrivateKey key = dev_key(S(v, "signer"));
  EXPECT_EQ(key.public_key(), h.producer);
  blk.sign(chain_id, key);
  EXPECT_EQ(blk.signature.hex(), S(v, "signature"));
  EXPECT_TRUE(blk.verify_signature(chain_id));
  for (const auto& name : o.at("transactions")) {
    auto it = txs.find(name.get<std::string>());
    ASSERT_NE(it, txs.end()) << name;
    blk.transactions.push_back(it->second);
  }
  EXPECT_EQ(blk.transactions.size(), h.tx_count);
  EXPECT_EQ(transactions_root(blk.transactions), h.tx_root);
  EXPECT_EQ(core::to_hex(blk.encode()), S(v, "block_bytes"));
  auto decoded = Block::decode(H(S(v, "block_bytes")));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->header, h);
  EXPECT_EQ(decoded->signature, blk.signature);
}

TEST(ChainVectorsTest, EveryVectorReproducesFromItsObject) {
  std::ifstream f(LINGJI_SOURCE_DIR "/tests/vectors/chain_vectors.json");
  ASSERT_TRUE(f.good()) << "cannot open tests/vectors/chain_vectors.json";
  Json vectors = Json::parse(f);
  ASSERT_TRUE(vectors.is_array());
  std::map<std::string, SignedTransaction> txs;
  std::vector<std::string> names;
  for (const auto& v : vectors) {  // transactions first: the block refers to them by name
    names.push_back(S(v, "name"));
    SCOPED_TRACE(names.back());
    if (S(v.at("object"), "type") == "transaction") check_tx_vector(v, txs);
  }
  for (const auto& v : vectors) {
    SCOPED_TRACE(S(v, "name"));
    if (S(v.at("object"), "type") == "block_header") check_block_vector(v, txs);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"tx_transfer", "tx_multi_op_memo", "tx_declare_listing", "block_header"}));
}

// --- Round trips ---

TEST(TransactionEncodingTest, DecodeOfEncodeIsTheSameTransaction) {
  std::vector<TransactionBody> bodies = {
      body_with({Transfer{kAlice, Amount::units(1), ""}}),
      body_with({Transfer{kAlice, Amount::ct(5), "令吉"}, DeclareListing{"Huobi"},
                 Transfer{kAlice, Amount::units(Amount::kMaxMoney), std::string(256, 'z')}}),
      body_with({DeclareListing{std::string(64, 'e')}}, UINT64_MAX),
      body_with({}, 0),  // decodes; check_transaction refuses it (tx.no_operations)
      body_with(std::vector<Operation>(16, Transfer{kAlice, Amount::units(-1), "m"})),
      // Any kind byte and any evidence bytes decode; check() judges them.
      body_with({ReportEvidence{EvidenceKind::kDoubleBlock, Bytes(536, 7)}, ReportEvidence{static_cast<EvidenceKind>(200), {}}}),
  };
  bodies[0].expiration = INT64_MIN;  // every field is full width, whatever its meaning
  for (size_t i = 0; i < bodies.size(); ++i) {
    SCOPED_TRACE(i);
    SignedTransaction tx = SignedTransaction::sign(bodies[i], dev_key("dev"));
    auto back = SignedTransaction::decode(tx.bytes());
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->body().chain_id, bodies[i].chain_id);
    EXPECT_EQ(back->body().expiration, bodies[i].expiration);
    EXPECT_EQ(back->body().sender, bodies[i].sender);
    EXPECT_EQ(back->body().sequence, bodies[i].sequence);
    EXPECT_EQ(back->body().operations, bodies[i].operations);
    EXPECT_EQ(back->signature(), tx.signature());
    EXPECT_EQ(back->id(), tx.id());
    EXPECT_EQ(back->bytes(), tx.bytes());
    EXPECT_TRUE(back->verify_signature());
  }
}

TEST(BlockEncodingTest, DecodeOfEncodeIsTheSameBlock) {
  Block b;
  b.transactions = {SignedTransaction::sign(body_with({Transfer{kAlice, Amount::ct(1), ""}}), dev_key("dev")),
                    SignedTransaction::sign(body_with({DeclareListing{"X"}}, 0), dev_key("foundation"))};
  b.header = BlockHeader{9, kChain, 12, 1'793'463'000'000, dev_key("producer").public_key(),
                         transactions_root(b.transactions), kChain, 2, QcClaim{11, 8, kChain}};
  b.sign(kChain, dev_key("producer"));
  auto back = Block::decode(b.encode());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->header, b.header);
  EXPECT_EQ(back->signature, b.signature);
  ASSERT_EQ(back->transactions.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(back->transactions[i].bytes(), b.transactions[i].bytes());
  EXPECT_TRUE(back->verify_signature(kChain));
  EXPECT_FALSE(back->verify_signature(hash_of(std::string(64, '0'))));  // bound to its chain

  // tx_count must match the transactions actually present.
  for (uint32_t count : {0u, 1u, 3u}) {
    Block bad = b;
    bad.header.tx_count = count;
    auto r = Block::decode(bad.encode());
    ASSERT_FALSE(r) << count;
    EXPECT_EQ(r.error().name, "block.malformed");
  }
  // Truncated or extended blocks are refused.
  Bytes bytes = b.encode();
  for (size_t len = 0; len < bytes.size(); ++len)
    ASSERT_FALSE(Block::decode(ByteView(bytes).first(len))) << len;
  bytes.push_back(0);
  EXPECT_EQ(Block::decode(bytes).error().name, "block.malformed");
}

TEST(BlockEncodingTest, ClaimedTransactionCountBeyondTheInputIsRefused) {
  Block b;
  b.header.tx_count = 1u << 20;
  Bytes bytes = b.encode();  // header || signature || count 0
  for (uint32_t claimed : {1u << 20, (1u << 20) + 1, 0xFFFFFFFFu}) {
    for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<uint8_t>(claimed >> (8 * i));
    auto r = Block::decode(bytes);
    ASSERT_FALSE(r) << claimed;
    EXPECT_EQ(r.error().name, "block.malformed");
  }
}

// Found by fuzz/block_fuzz (docs/fuzzing.md, corpus fuzz/corpus/block/regression-has-qc-flag-2):
// a has_qc byte other than 0 or 1 as the last byte of the input stopped the decoder without
// marking the reader failed, so header || signature || 0x02 decoded as a block with no
// certificate and no transactions: a second encoding of that block.
TEST(BlockEncodingTest, HasQcFlagOtherThanZeroOrOneIsRefused) {
  Block b;
  b.sign(kChain, dev_key("producer"));
  Bytes bytes = b.encode();  // header || signature || has_qc 0 || count 0
  bytes.resize(bytes.size() - 4);
  for (uint8_t flag : {uint8_t{2}, uint8_t{0xf4}, uint8_t{0xff}}) {
    bytes.back() = flag;
    auto r = Block::decode(bytes);
    ASSERT_FALSE(r) << int(flag);
    EXPECT_EQ(r.error().name, "block.malformed");
    EXPECT_FALSE(Block::transaction_in(bytes, 0));
  }
}

// --- Refusals ---

TEST(TransactionEncodingTest, EveryTruncationAndAnyTrailingByteIsRejected) {
  SignedTransaction tx = SignedTransaction::sign(
      body_with({Transfer{kAlice, Amount::ct(1), "memo"}, DeclareListing{"Huobi"}}), dev_key("dev"));
  const Bytes& bytes = tx.bytes();
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = SignedTransaction::decode(ByteView(bytes).first(len));
    ASSERT_FALSE(r) << "prefix of " << len << " bytes was accepted";
    EXPECT_EQ(r.error().code, 2000) << len << ": " << r.error().message;
  }
  for (uint8_t extra : {0x00, 0xff}) {
    Bytes longer = bytes;
    longer.push_back(extra);
    EXPECT_EQ(decode_error(longer), "tx.malformed");
  }
}

TEST(TransactionEncodingTest, UnknownOperationTypeIsRejected) {
  TransactionBody b = body_with({Transfer{kAlice, Amount::ct(1), ""}, DeclareListing{"X"}});
  Bytes good = unsigned_tx(b);
  ASSERT_EQ(decode_error(good), "ok");
  const size_t first_op = 32 + 8 + 32 + 8 + 4;          // chain_id expiration sender sequence count
  const size_t second_op = first_op + 2 + 32 + 8 + 4;   // type to amount memo("")
  ASSERT_EQ(good[first_op], 1);
  ASSERT_EQ(good[second_op], 2);
  for (size_t at : {first_op, second_op}) {
    for (uint16_t type : {0, 200, 0x0100, 0xffff}) {  // 1..13 are the known operations
      Bytes bad = good;
      bad[at] = static_cast<uint8_t>(type);
      bad[at + 1] = static_cast<uint8_t>(type >> 8);
      auto r = SignedTransaction::decode(bad);
      ASSERT_FALSE(r) << at << " type " << type;
      EXPECT_EQ(r.error().name, "tx.unknown_operation");
      EXPECT_EQ(r.error().code, 2011);
    }
  }
}

TEST(TransactionEncodingTest, FieldLimitsAreEnforcedAtDecode) {
  // Long memos and names decode (bounded by the transaction size) so that check() can refuse
  // them with their own errors (token.memo_too_long, listing.bad_exchange_name).
  EXPECT_EQ(decode_error(unsigned_tx(body_with({Transfer{kAlice, Amount::ct(1), std::string(257, 'm')}}))), "ok");
  EXPECT_EQ(decode_error(unsigned_tx(body_with({DeclareListing{std::string(65, 'e')}}))), "ok");
  EXPECT_EQ(decode_error(unsigned_tx(body_with({Transfer{kAlice, Amount::ct(1), std::string(9000, 'm')}}))),
            "tx.too_large");
  std::vector<Operation> ops(16, Transfer{kAlice, Amount::units(1), ""});
  EXPECT_EQ(decode_error(unsigned_tx(body_with(ops))), "ok");
  ops.push_back(DeclareListing{"X"});
  EXPECT_EQ(decode_error(unsigned_tx(body_with(ops))), "tx.too_many_operations");
  Bytes huge_count = unsigned_tx(body_with({}));
  for (int i = 0; i < 4; ++i) huge_count[80 + i] = 0xff;  // the operation count: 2^32 - 1
  EXPECT_EQ(decode_error(huge_count), "tx.too_many_operations");
}

TEST(TransactionEncodingTest, OversizedAndUndersizedInputs) {
  EXPECT_EQ(decode_error(Bytes(kMaxTransactionBytes + 1, 0)), "tx.too_large");
  EXPECT_EQ(decode_error(Bytes(1 << 20, 0)), "tx.too_large");
  EXPECT_EQ(decode_error(Bytes(kMaxTransactionBytes, 0)), "tx.malformed");  // at the limit: decoded, then refused
  EXPECT_EQ(decode_error(Bytes(63, 0)), "tx.malformed");
  EXPECT_EQ(decode_error(Bytes{}), "tx.malformed");
}

TEST(TransactionSignatureTest, IdDoesNotDependOnTheSignature) {
  TransactionBody b = body_with({Transfer{kAlice, Amount::ct(3), "x"}});
  SignedTransaction tx = SignedTransaction::sign(b, dev_key("dev"));
  SignedTransaction again = SignedTransaction::sign(b, dev_key("dev"));
  SignedTransaction other = SignedTransaction::sign(b, dev_key("mallory"));  // not the sender's key
  EXPECT_EQ(again.signature(), tx.signature());
  EXPECT_NE(other.signature(), tx.signature());
  EXPECT_EQ(other.id(), tx.id());
  EXPECT_EQ(tx.id(), core::blake2b_256(encode_body(b)));
  EXPECT_TRUE(tx.verify_signature());
  EXPECT_FALSE(other.verify_signature());
  Bytes resigned = tx.bytes();
  resigned.back() ^= 0x80;
  auto r = SignedTransaction::decode(resigned);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id(), tx.id());
}

// The id leaves the signature out, so the transaction root's leaf must add it: a block whose
// transaction carries other signature bytes (same id) has another root.
TEST(BlockEncodingTest, TransactionRootBindsEveryByteOfEachTransaction) {
  SignedTransaction tx = SignedTransaction::sign(body_with({Transfer{kAlice, Amount::ct(3), "x"}}), dev_key("dev"));
  SignedTransaction tx2 = SignedTransaction::sign(body_with({Transfer{kAlice, Amount::ct(4), "y"}}), dev_key("dev"));
  const Hash256 root = transactions_root({tx, tx2});
  EXPECT_NE(root, transactions_root({tx2, tx}));
  EXPECT_NE(root, transactions_root({tx}));
  for (size_t i = 0; i < tx.bytes().size(); i += 5) {
    Bytes changed = tx.bytes();
    changed[i] ^= 0x01;
    auto r = SignedTransaction::decode(changed);
    if (!r) continue;
    EXPECT_NE(transactions_root({*r, tx2}), root) << "byte " << i;
  }
  // One leaf: BLAKE2b(0x00 || id || signature).
  Bytes leaf{0x00};
  leaf.insert(leaf.end(), tx.id().bytes.begin(), tx.id().bytes.end());
  leaf.insert(leaf.end(), tx.signature().bytes.begin(), tx.signature().bytes.end());
  EXPECT_EQ(transactions_root({tx}), core::blake2b_256(leaf));
  EXPECT_EQ(transactions_root({}), Hash256{});
}

TEST(TransactionSignatureTest, AnyChangeBreaksTheSignature) {
  SignedTransaction tx = SignedTransaction::sign(body_with({Transfer{kAlice, Amount::ct(3), "x"}}), dev_key("dev"));
  const size_t body_size = tx.bytes().size() - 64;
  for (size_t i = 0; i < tx.bytes().size(); i += 7) {
    Bytes changed = tx.bytes();
    changed[i] ^= 0x01;
    auto r = SignedTransaction::decode(changed);
    if (!r) continue;  // e.g. a memo length that no longer fits: refused anyway
    EXPECT_FALSE(r->verify_signature()) << "byte " << i;
    if (i < body_size) {
      EXPECT_NE(r->id(), tx.id()) << "byte " << i;
    }
  }
  // A signature over the body without the domain prefix is not valid either.
  Bytes no_domain = encode_body(tx.body());
  Signature raw = dev_key("dev").sign(no_domain);
  no_domain.insert(no_domain.end(), raw.bytes.begin(), raw.bytes.end());
  auto r = SignedTransaction::decode(no_domain);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->verify_signature());
}

}  // namespace
}  // namespace lingji::chain
