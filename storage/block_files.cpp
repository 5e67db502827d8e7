#include "storage/block_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "core/codec.h"

namespace lingji::storage {
namespace {

namespace fs = std::filesystem;

// err: the errno of the failed call, taken right after it (building `what` may change errno).
core::Error io_error(int err, const std::string& what) {
  return storage_error("storage.io_error", "block files: " + what + ": " + std::strerror(err));
}

std::string file_name(uint32_t n) {
  char name[32];
  std::snprintf(name, sizeof name, "blk%05u.dat", n);
  return name;
}

// The n of a "blkNNNNN.dat" name as file_name() writes it (5 digits, 6 past 99999), or nullopt
// for any other name: a stray "blk999999999.dat" must not size the fd table to a billion.
std::optional<uint32_t> file_number(const std::string& name) {
  if (name.size() < 8 || !name.starts_with("blk") || !name.ends_with(".dat")) return std::nullopt;
  const std::string digits = name.substr(3, name.size() - 7);
  if (digits.size() < 5 || digits.size() > 6) return std::nullopt;
  uint32_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

// Makes a new directory entry durable (a created file survives power loss only with this).
bool sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

core::Bytes BlockFileLocation::encode() const {
  core::Writer w;
  w.u32(file).u64(offset).u32(size);
  return w.take();
}

std::optional<BlockFileLocation> BlockFileLocation::decode(core::ByteView bytes) {
  core::Reader r(bytes);
  BlockFileLocation loc;
  if (!r.u32(loc.file) || !r.u64(loc.offset) || !r.u32(loc.size) || !r.finish()) return std::nullopt;
  return loc;
}

struct BlockFiles::Impl {
  fs::path dir;
  uint64_t max_file_bytes = 0;
  mutable std::mutex mutex;  // guards fds (readers look up an fd while an append may add one)
  std::vector<int> fds;      // fds[n] is blkNNNNN.dat, opened read-write; -1 if absent
  std::mutex append_mutex;   // one append at a time; `end` belongs to it
  uint64_t end = 0;          // size of the last file: where the next append goes

  ~Impl() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }

  int fd_of(uint32_t n) const {
    std::lock_guard lock(mutex);
    return n < fds.size() ? fds[n] : -1;
  }

  // Opens (creating if asked) file n and records its fd.
  core::Result<int> open_file(uint32_t n, bool create) {
    const fs::path p = dir / file_name(n);
    int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0) return io_error(errno, "cannot open " + p.string());
    if (create && !sync_directory(dir)) {
      const int err = errno;
      ::close(fd);
      return io_error(err, "cannot sync directory " + dir.string());
    }
    std::lock_guard lock(mutex);
    if (fds.size() <= n) fds.resize(n + 1, -1);
    fds[n] = fd;
    return fd;
  }
};

BlockFiles::BlockFiles(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlockFiles::~BlockFiles() = default;

core::Result<std::unique_ptr<BlockFiles>> BlockFiles::open(const fs::path& dir, uint64_t max_file_bytes) {
  std::error_code ec;
  const bool created = fs::create_directories(dir, ec);
  if (ec) return io_error(ec.value(), "cannot create " + dir.string());
  // The new directory's own entry, or a power cut could lose it under synced block locations.
  if (created && !sync_directory(dir.parent_path())) return io_error(errno, "cannot sync " + dir.parent_path().string());
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->max_file_bytes = max_file_bytes;
  std::vector<uint32_t> numbers;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (auto n = file_number(entry.path().filename().string())) numbers.push_back(*n);
  if (ec) return io_error(ec.value(), "cannot list " + dir.string());
  // Only a new store creates a file here (and syncs the directory for it); others open theirs.
  const bool fresh = numbers.empty();
  if (fresh) numbers.push_back(0);
  for (uint32_t n : numbers)
    if (auto fd = impl->open_file(n, fresh); !fd) return fd.error();
  const uint32_t last = *std::max_element(numbers.begin(), numbers.end());
  struct stat st{};
  if (::fstat(impl->fd_of(last), &st) != 0) return io_error(errno, "cannot stat " + file_name(last));
  impl->end = static_cast<uint64_t>(st.st_size);
  return std::unique_ptr<BlockFiles>(new BlockFiles(std::move(impl)));
}

core::Result<BlockFileLocation> BlockFiles::append(core::ByteView bytes, bool sync) {
  std::lock_guard lock(impl_->append_mutex);
  if (bytes.size() > UINT32_MAX) return io_error(EFBIG, "block too large");
  uint32_t file = 0;
  {
    std::lock_guard fds_lock(impl_->mutex);
    file = static_cast<uint32_t>(impl_->fds.size() - 1);
  }
  if (impl_->end > 0 && impl_->end + bytes.size() > impl_->max_file_bytes) {
    ++file;
    if (auto fd = impl_->open_file(file, true); !fd) return fd.error();
    impl_->end = 0;
  }
  const int fd = impl_->fd_of(file);
  BlockFileLocation loc{file, impl_->end, static_cast<uint32_t>(bytes.size())};
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(loc.offset + done));
    if (n < 0 && errno == EINTR) continue;
    // A partial record may be left behind; nothing points at it and the next append overwrites it.
    if (n <= 0) return io_error(n < 0 ? errno : EIO, "cannot write " + file_name(file));
    done += static_cast<size_t>(n);
  }
  if (sync && ::fdatasync(fd) != 0) return io_error(errno, "cannot sync " + file_name(file));
  impl_->end += bytes.size();
  return loc;
}

std::optional<core::Bytes> BlockFiles::read(const BlockFileLocation& loc, uint64_t skip,
                                            std::optional<uint64_t> length) const {
  if (skip > loc.size) return std::nullopt;
  const uint64_t n = length.value_or(loc.size - skip);
  if (n > loc.size - skip) return std::nullopt;
  const int fd = impl_->fd_of(loc.file);
  if (fd < 0) return std::nullopt;
  core::Bytes out(n);
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out.data() + done, n - done, static_cast<off_t>(loc.offset + skip + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return std::nullopt;  // an error, or the file ends early
    done += static_cast<size_t>(r);
  }
  return out;
}

}  // namespace lingji::storage
