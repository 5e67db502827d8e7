// node_messages_fuzz.cpp: the payloads of the node's own peer messages (node/messages.h): the
// handshake status, get_blocks and a batch of blocks. The first byte picks the decoder.
// Properties: decode never crashes; what decodes re-encodes to the same bytes; each block of a
// batch goes on to the block decoder, as node/network.cpp does.
#include "chain/protocol/block.h"
#include "fuzz/fuzz_common.h"
#include "node/messages.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const core::ByteView in = fuzz::input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      if (auto s = node::decode_status(in))
        fuzz::require(fuzz::same_bytes(node::encode_status(*s), in), "status: decode -> encode changed the bytes");
      break;
    case 1:
      if (auto g = node::decode_get_blocks(in))
        fuzz::require(fuzz::same_bytes(node::encode_get_blocks(*g), in), "get_blocks: decode -> encode changed the bytes");
      break;
    default:
      if (auto batch = node::decode_blocks(in)) {
        std::vector<core::Bytes> copies;
        for (const auto& b : *batch) {
          copies.emplace_back(b.begin(), b.end());
          (void)chain::Block::decode(b);
        }
        fuzz::require(batch->size() <= node::kSyncBatchBlocks, "blocks: over the batch limit");
        fuzz::require(fuzz::same_bytes(node::encode_blocks(copies), in), "blocks: decode -> encode changed the bytes");
      }
      break;
  }
  return 0;
}
