// block_files.h: block bodies in append-only flat files, DIR/blk00000.dat, blk00001.dat, ...
//
// A block is written once and read rarely (serving peers and the API, replay), so its bytes do
// not belong in RocksDB's write path: there each body was copied into the write batch, the WAL
// (with a CRC), the memtable and finally a blob file. Here it is one pwrite. BlockStore keeps the
// location of each block in the same RocksDB batch as the block's state changes, so a block
// becomes visible atomically with its state; its bytes are written (and, with sync, flushed)
// before that batch, so a committed location always points at complete bytes.
//
// Files are only appended to, never rewritten: bytes nothing points at (a block written just
// before a crash and never committed, or one taken off by a branch switch) stay as dead space.
// A new file is started once the current one would exceed max_file_bytes.
// Thread-safe: appends are serialized; reads may run beside them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/bytes.h"
#include "core/result.h"
#include "storage/storage_errors.h"

namespace lingji::storage {

struct BlockFileLocation {
  uint32_t file = 0;    // n in blkNNNNN.dat
  uint64_t offset = 0;  // of the first byte
  uint32_t size = 0;

  static constexpr size_t kEncodedBytes = 4 + 8 + 4;
  core::Bytes encode() const;
  static std::optional<BlockFileLocation> decode(core::ByteView bytes);
  friend bool operator==(const BlockFileLocation&, const BlockFileLocation&) = default;
};

class BlockFiles {
 public:
  static constexpr uint64_t kDefaultMaxFileBytes = 256ull << 20;

  // Opens (creating) the directory; appends continue at the end of the highest-numbered file.
  static core::Result<std::unique_ptr<BlockFiles>> open(const std::filesystem::path& dir,
                                                        uint64_t max_file_bytes = kDefaultMaxFileBytes);
  ~BlockFiles();
  BlockFiles(const BlockFiles&) = delete;
  BlockFiles& operator=(const BlockFiles&) = delete;

  // Appends bytes; with sync they are on stable storage (fdatasync) when this returns.
  // Errors: storage.io_error.
  [[nodiscard]] core::Result<BlockFileLocation> append(core::ByteView bytes, bool sync);

  // The `length` bytes starting `skip` bytes into the record at loc (the whole record by default);
  // nullopt if the range lies outside the record or cannot be read.
  std::optional<core::Bytes> read(const BlockFileLocation& loc, uint64_t skip = 0,
                                  std::optional<uint64_t> length = std::nullopt) const;

 private:
  struct Impl;
  explicit BlockFiles(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::storage
