// block_fuzz.cpp: a block from a peer (P2P types 17 and 19). Properties: decode never crashes;
// what decodes re-encodes to the same bytes; the header decodes alone to the same header; the
// API's single-transaction lookup agrees with the full decode.
#include "chain/protocol/block.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const core::ByteView in = fuzz::input(data, size);
  if (size >= chain::BlockHeader::kEncodedBytes) {
    auto header = chain::BlockHeader::decode(in.first(chain::BlockHeader::kEncodedBytes));
    fuzz::require(header.ok(), "block: a header of kEncodedBytes failed to decode");
    fuzz::require(fuzz::same_bytes(header->encode(), in.first(chain::BlockHeader::kEncodedBytes)),
                  "block header: decode -> encode changed the bytes");
  }
  auto block = chain::Block::decode(in);
  if (!block) return 0;
  fuzz::require(fuzz::same_bytes(block->encode(), in), "block: decode -> encode changed the bytes");
  const size_t n = block->transactions.size();
  for (uint32_t i = 0; i < n && i < 4; ++i) {
    auto tx = chain::Block::transaction_in(in, i);
    fuzz::require(tx && tx->bytes() == block->transactions[i].bytes(), "block: transaction_in disagrees with decode");
  }
  fuzz::require(!chain::Block::transaction_in(in, static_cast<uint32_t>(n)), "block: transaction_in past the end");
  (void)chain::transactions_root(block->transactions);
  (void)block->verify_signature(fuzz::chain_id());
  return 0;
}
