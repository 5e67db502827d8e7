#include "net/identity.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/hash.h"
#include "net/net_errors.h"

namespace lingji::net {
namespace {

core::Error bad(const std::filesystem::path& path, const std::string& why) {
  return net_error("net.bad_identity", "identity key " + path.string() + ": " + why);
}

core::Result<core::PrivateKey> read_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return bad(path, std::strerror(errno));
  if ((st.st_mode & 077) != 0) return bad(path, "readable by others than its owner (chmod 600 it)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto bytes = text.size() == 64 ? core::from_hex(text) : std::nullopt;
  sodium_memzero(text.data(), text.size());
  if (!bytes || bytes->size() != 32) return bad(path, "does not hold 64 hex digits");
  core::PrivateKey key = core::PrivateKey::from_seed(*core::Seed::from(*bytes));
  sodium_memzero(bytes->data(), bytes->size());
  return key;
}

bool write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

core::PrivateKey random_identity() {
  core::ensure_sodium();
  core::Seed seed;
  randombytes_buf(seed.bytes.data(), seed.bytes.size());
  core::PrivateKey key = core::PrivateKey::from_seed(seed);
  sodium_memzero(seed.bytes.data(), seed.bytes.size());
  return key;
}

core::Result<core::PrivateKey> load_or_create_identity(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return read_identity(path);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const core::PrivateKey key = random_identity();
  std::string text = key.seed().hex() + "\n";
  const std::filesystem::path tmp = path.string() + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of a crash during an earlier first start
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return bad(tmp, std::strerror(errno));
  const bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return bad(path, std::string("cannot write: ") + std::strerror(errno));
  }
  // The rename itself must survive a power cut, or the node restarts with a new identity.
  const std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return key;
}

}  // namespace lingji::net
