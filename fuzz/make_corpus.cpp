// make_corpus.cpp: writes the seed corpora of the fuzz harnesses (fuzz/corpus/<harness>/) from
// real encodings: a transaction of every operation (api/operation_samples.cpp), blocks with and
// without a certificate, votes, certificates, evidence and finality proofs signed by the keys of
// fuzz_common.h, genesis files, API request bodies, and P2P streams. Deterministic (Ed25519 is):
// running it again rewrites the same files.
//   build-fuzz/fuzz/make_corpus fuzz/corpus
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/operation_samples.h"
#include "chain/finality/evidence.h"
#include "chain/finality/finality_proof.h"
#include "chain/genesis/genesis.h"
#include "chain/protocol/block.h"
#include "fuzz/fuzz_common.h"
#include "net/frame.h"
#include "node/messages.h"

using namespace lingji;
using namespace lingji::chain;
using namespace lingji::chain::finality;
namespace fs = std::filesystem;

namespace {

fs::path g_root;

void put(const std::string& harness, const std::string& name, core::ByteView bytes) {
  fs::create_directories(g_root / harness);
  std::ofstream out(g_root / harness / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
void put(const std::string& harness, const std::string& name, std::string_view text) {
  put(harness, name, core::as_bytes(text));
}

template <class Op>
SignedTransaction sample_tx(uint64_t sequence) {
  TransactionBody body{fuzz::chain_id(), 1'800'000'000'000, dev_key("fuzz-sender").public_key(), sequence,
                       {api::sample_operation<Op>()}};
  return SignedTransaction::sign(std::move(body), dev_key("fuzz-sender"));
}

template <size_t... I>
std::vector<SignedTransaction> every_operation(std::index_sequence<I...>) {
  return {sample_tx<std::variant_alternative_t<I, Operation>>(I)...};
}

// The certificate of `signers` producers (0..signers-1) on `vote`, signers sorted by key.
QuorumCertificate certificate(const Vote& vote, size_t signers) {
  QuorumCertificate qc{vote, {}};
  for (size_t i = 0; i < signers; ++i) {
    auto v = SignedVote::sign(fuzz::chain_id(), vote, fuzz::producer_key(i));
    qc.signers.emplace_back(v.voter, v.signature);
  }
  std::sort(qc.signers.begin(), qc.signers.end());
  return qc;
}

BlockHeader header(uint64_t height, const Hash256& previous, uint64_t slot, const QcClaim& justify, size_t producer) {
  BlockHeader h;
  h.height = height;
  h.previous = previous;
  h.slot = slot;
  h.timestamp = 1'790'000'000'000 + static_cast<int64_t>(slot) * 1000;
  h.producer = fuzz::producer_key(producer).public_key();
  h.state_root = core::blake2b_256(core::as_bytes("state " + std::to_string(height)));
  h.justify = justify;
  return h;
}

Block block(BlockHeader h, std::vector<SignedTransaction> txs, std::optional<QuorumCertificate> qc, size_t producer) {
  Block b;
  h.tx_root = transactions_root(txs);
  h.tx_count = static_cast<uint32_t>(txs.size());
  b.header = h;
  b.transactions = std::move(txs);
  b.justify_qc = std::move(qc);
  b.sign(fuzz::chain_id(), fuzz::producer_key(producer));
  return b;
}

core::Bytes frame(uint8_t type, core::ByteView payload) { return net::encode_frame(type, payload); }

void append(core::Bytes& out, const core::Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_corpus <corpus dir>\n";
    return 2;
  }
  g_root = argv[1];
  const Hash256 chain_id = fuzz::chain_id();

  // Transactions: one of each operation, and one with several.
  auto txs = every_operation(std::make_index_sequence<std::variant_size_v<Operation>>());
  for (const auto& tx : txs) put("transaction", std::string(operation_name(tx.body().operations[0])), tx.bytes());
  {
    TransactionBody body{chain_id, 1'800'000'000'000, dev_key("fuzz-sender").public_key(), 99,
                         {api::sample_operation<Transfer>(), api::sample_operation<VoteProducers>(),
                          api::sample_operation<ReportEvidence>()}};
    put("transaction", "three_operations", SignedTransaction::sign(std::move(body), dev_key("fuzz-sender")).bytes());
  }

  // A chain F(1) <- A(2) <- B(3), one block a slot, each justifying its parent; QC(B) by 3 of 4.
  const BlockHeader f = header(1, chain_id, 1, QcClaim{0, 0, chain_id}, 0);
  const BlockHeader a = header(2, f.id(), 2, QcClaim{1, 1, f.id()}, 1);
  const BlockHeader b = header(3, a.id(), 3, QcClaim{2, 2, a.id()}, 2);
  const QuorumCertificate qc_a = certificate(vote_for(block_ref(a)), 3);
  const QuorumCertificate qc_b = certificate(vote_for(block_ref(b)), 3);

  // Blocks: empty, with transactions, with a justify certificate.
  const Block empty = block(f, {}, std::nullopt, 0);
  const Block full = block(b, {txs[0], txs[4], txs[12]}, qc_a, 2);
  const Block one = block(a, {txs[0]}, certificate(vote_for(block_ref(f)), 4), 1);
  put("block", "empty", empty.encode());
  put("block", "with_transactions_and_qc", full.encode());
  put("block", "one_transaction", one.encode());

  // Votes, certificates.
  const SignedVote vote = SignedVote::sign(chain_id, vote_for(block_ref(b)), fuzz::producer_key(0));
  put("vote", "vote", vote.encode());
  put("vote", "vote_other_key", SignedVote::sign(chain_id, vote_for(block_ref(a)), fuzz::producer_key(3)).encode());
  put("certificate", "quorum_of_3", qc_b.encode());
  put("certificate", "all_4", certificate(vote_for(block_ref(a)), 4).encode());
  put("certificate", "one_signer", certificate(vote_for(block_ref(f)), 1).encode());

  // Evidence: two votes by one key in one slot; two headers by one producer in one slot.
  {
    Vote other = vote_for(block_ref(b));
    other.block_id = core::blake2b_256(core::as_bytes("a competing block"));
    put("evidence", "double_vote", DoubleVoteEvidence::make(vote, SignedVote::sign(chain_id, other, fuzz::producer_key(0))).encode());
    BlockHeader b2 = b;
    b2.state_root = core::blake2b_256(core::as_bytes("another state"));
    put("evidence", "double_block",
        DoubleBlockEvidence::make(SignedHeader::sign(chain_id, b, fuzz::producer_key(2)),
                                  SignedHeader::sign(chain_id, b2, fuzz::producer_key(2)))
            .encode());
  }

  // Finality proofs: F..B and A..B with QC(B); the rule's own two-ref proof.
  put("finality_proof", "three_headers", BlockFinalityProof{{f, a, b}, qc_b}.encode());
  put("finality_proof", "two_headers", BlockFinalityProof{{a, b}, qc_b}.encode());
  put("finality_proof", "block_refs", FinalityProof{block_ref(a), block_ref(b), qc_b}.encode());

  // Genesis files: the built-in one, and one with the four fuzz producers.
  const std::string default_genesis = read_text(fs::path(LINGJI_SOURCE_DIR) / "genesis/default.json");
  put("genesis_json", "default", default_genesis);
  if (auto g = parse_genesis_json(default_genesis)) {
    g->producers = fuzz::producer_set();
    g->chain_name = "lingji-fuzz";
    put("genesis_json", "four_producers", genesis_to_json(*g));
  }

  // API request bodies.
  put("request_body", "transaction", "{\"transaction\": \"" + core::to_hex(txs[0].bytes()) + "\"}");
  put("request_body", "other_members",
      "{\"transaction\":\"00ff\",\"extra\":[1,-2,3.5e3,{\"a\":null,\"b\":[true,false]}],\"n\":\"\\u00e9\\ud83d\\ude00\"}");
  put("request_body", "empty_object", "{}");
  put("request_body", "nested", "{\"a\":{\"b\":{\"c\":[\"d\"]}}}");

  // The node's messages (the first byte picks the decoder) and whole P2P streams.
  const core::Bytes status = node::encode_status({3, b.id(), 1});
  const core::Bytes get_blocks = node::encode_get_blocks({2, node::kSyncBatchBlocks});
  const core::Bytes batch = node::encode_blocks({empty.encode(), one.encode(), full.encode()});
  auto selected = [](uint8_t which, const core::Bytes& payload) {
    core::Bytes out{which};
    append(out, payload);
    return out;
  };
  put("node_messages", "status", selected(0, status));
  put("node_messages", "get_blocks", selected(1, get_blocks));
  put("node_messages", "blocks", selected(2, batch));
  put("node_messages", "no_blocks", selected(2, node::encode_blocks({})));

  net::Hello hello{2, chain_id, core::blake2b_256(core::as_bytes("node")), 7000, status,
                   core::blake2b_256(core::as_bytes("nonce"))};
  core::Bytes session = frame(net::kHello, net::encode_hello(hello));
  put("p2p_frames", "hello", session);
  // An auth of the right size; its signature is checked (and fails) against the harness's hello.
  append(session, frame(net::kAuth, core::Bytes(64, 7)));
  append(session, frame(net::kPing, net::encode_ping(42)));
  append(session, frame(net::kPong, net::encode_ping(42)));
  append(session, frame(node::kTransaction, txs[0].bytes()));
  append(session, frame(node::kBlock, one.encode()));
  append(session, frame(node::kVote, vote.encode()));
  append(session, frame(node::kGetBlocks, get_blocks));
  append(session, frame(node::kBlocks, batch));
  append(session, frame(net::kGoodbye, net::encode_goodbye({5001, "bye"})));
  put("p2p_frames", "session", session);
  put("p2p_frames", "goodbye", frame(net::kGoodbye, net::encode_goodbye({5001, "wrong chain"})));
  put("p2p_frames", "block", frame(node::kBlock, full.encode()));
  put("p2p_frames", "transaction", frame(node::kTransaction, txs[12].bytes()));
  std::cout << "seed corpora written under " << g_root << "\n";
  return 0;
}
