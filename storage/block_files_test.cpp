// block_files_test.cpp: block bodies appended to flat files read back exactly, across file
// boundaries and reopens, with dead bytes after a crash left harmless.
#include "storage/block_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace lingji::storage {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  auto p = fs::temp_directory_path() / ("lingji-blockfiles-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(p);
  return p;
}

core::Bytes record(size_t size, uint8_t seed) {
  core::Bytes b(size);
  for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

TEST(BlockFilesTest, AppendsReadBackAcrossFilesAndReopens) {
  auto dir = temp_dir();
  std::vector<std::pair<BlockFileLocation, core::Bytes>> written;
  {
    auto files = BlockFiles::open(dir, 1000);
    ASSERT_TRUE(files) << files.error().message;
    for (uint8_t i = 0; i < 10; ++i) {
      core::Bytes r = record(300 + i, i);
      auto loc = (*files)->append(r, i % 2 == 0);
      ASSERT_TRUE(loc) << loc.error().message;
      written.emplace_back(*loc, r);
    }
    // 3 records of ~300 bytes fit in 1000: the 4th starts the next file.
    EXPECT_EQ(written[0].first, (BlockFileLocation{0, 0, 300}));
    EXPECT_EQ(written[1].first, (BlockFileLocation{0, 300, 301}));
    EXPECT_EQ(written[3].first.file, 1u);
    EXPECT_EQ(written[3].first.offset, 0u);
    for (const auto& [loc, bytes] : written) EXPECT_EQ((*files)->read(loc), bytes);
  }
  EXPECT_TRUE(fs::exists(dir / "blk00000.dat"));
  EXPECT_TRUE(fs::exists(dir / "blk00003.dat"));
  auto files = BlockFiles::open(dir, 1000);
  ASSERT_TRUE(files);
  for (const auto& [loc, bytes] : written) EXPECT_EQ((*files)->read(loc), bytes);
  // Appends continue after the last record of the last file.
  auto loc = (*files)->append(record(50, 99), true);
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->file, written.back().first.file);
  EXPECT_EQ(loc->offset, written.back().first.offset + written.back().first.size);
  EXPECT_EQ((*files)->read(*loc), record(50, 99));
  // A prefix, a middle range, and ranges outside the record.
  const auto& [first_loc, first_bytes] = written[0];
  EXPECT_EQ((*files)->read(first_loc, 0, 10), core::Bytes(first_bytes.begin(), first_bytes.begin() + 10));
  EXPECT_EQ((*files)->read(first_loc, 290, 10), core::Bytes(first_bytes.begin() + 290, first_bytes.end()));
  EXPECT_FALSE((*files)->read(first_loc, 291, 10));
  EXPECT_FALSE((*files)->read(first_loc, 301));
  EXPECT_FALSE((*files)->read(BlockFileLocation{77, 0, 10}));  // no such file
  EXPECT_FALSE((*files)->read(BlockFileLocation{0, 950, 100}));  // past the file's end
  fs::remove_all(dir);
}

// A crash after the bytes were written and before the store committed their location leaves a
// (possibly partial) record at the end; later appends go after it and nothing reads it.
TEST(BlockFilesTest, DeadBytesAtTheEndAreSkipped) {
  auto dir = temp_dir();
  BlockFileLocation first;
  {
    auto files = BlockFiles::open(dir);
    ASSERT_TRUE(files);
    first = *(*files)->append(record(100, 1), true);
  }
  {
    std::ofstream torn(dir / "blk00000.dat", std::ios::binary | std::ios::app);
    torn << "half a block";
  }
  auto files = BlockFiles::open(dir);
  ASSERT_TRUE(files);
  auto next = (*files)->append(record(40, 2), true);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->offset, 100u + 12u);
  EXPECT_EQ((*files)->read(first), record(100, 1));
  EXPECT_EQ((*files)->read(*next), record(40, 2));
  fs::remove_all(dir);
}

TEST(BlockFilesTest, LocationEncodingIsFixedAndStrict) {
  BlockFileLocation loc{3, 0x0102030405, 77};
  core::Bytes b = loc.encode();
  ASSERT_EQ(b.size(), BlockFileLocation::kEncodedBytes);
  EXPECT_EQ(BlockFileLocation::decode(b), loc);
  b.push_back(0);
  EXPECT_FALSE(BlockFileLocation::decode(b));
  b.resize(BlockFileLocation::kEncodedBytes - 1);
  EXPECT_FALSE(BlockFileLocation::decode(b));
}

TEST(BlockFilesTest, OtherFilesInTheDirectoryAreIgnored) {
  auto dir = temp_dir();
  fs::create_directories(dir);
  std::ofstream(dir / "blkXY.dat") << "x";
  std::ofstream(dir / "notes.txt") << "x";
  std::ofstream(dir / "blk999999999.dat") << "x";  // not a name file_name() writes
  std::ofstream(dir / "blk12.dat") << "x";
  auto files = BlockFiles::open(dir);
  ASSERT_TRUE(files) << files.error().message;
  auto loc = (*files)->append(record(10, 5), false);
  ASSERT_TRUE(loc);
  EXPECT_EQ(*loc, (BlockFileLocation{0, 0, 10}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lingji::storage
