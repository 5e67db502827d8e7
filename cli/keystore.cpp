// keystore.cpp: the encrypted key files described in keystore.h.
#include "cli/keystore.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "cli/wallet_errors.h"
#include "core/address.h"
#include "core/hash.h"
#include "core/secret.h"

namespace lingji::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;  // keeps the documented field order in written files

constexpr uint64_t kVersion = 1;
constexpr std::string_view kKdfAlgorithm = "argon2id13";
constexpr std::string_view kCipherAlgorithm = "xchacha20poly1305-ietf";
constexpr size_t kMaxNameLength = 32;
constexpr size_t kSaltBytes = crypto_pwhash_argon2id_SALTBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t kCiphertextBytes = core::Seed::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSaltBytes == 16 && kNonceBytes == 24 && kKeyBytes == 32 && kCiphertextBytes == 48);
// A key file is about 600 bytes. The cap stops a planted huge file from exhausting memory.
constexpr off_t kMaxFileBytes = 64 * 1024;

// Everything a key file holds, decoded and validated.
struct KeyFile {
  KeyInfo info;
  KdfLimits limits{};
  std::array<uint8_t, kSaltBytes> salt{};
  std::array<uint8_t, kNonceBytes> nonce{};
  std::array<uint8_t, kCiphertextBytes> ciphertext{};
};

// The key derived from a password; wiped on every return path.
using DerivedKey = core::Secret<std::array<uint8_t, kKeyBytes>>;

// The bad name is not echoed: it may hold terminal control characters.
core::Error invalid_name() {
  return wallet_error("wallet.invalid_name", "key name must be 1-32 characters of [A-Za-z0-9_-]");
}

core::Error corrupt(const std::string& name, const std::string& why) {
  return wallet_error("wallet.corrupt_keystore", name + ".json: " + why);
}

core::Error key_exists(const std::string& name) {
  return wallet_error("wallet.key_exists", "a key named " + name + " exists");
}

core::Error io_error(const std::string& what, const fs::path& path, int err) {
  return wallet_error("wallet.io_error", what + " " + path.string() + ": " +
                                             std::error_code(err, std::generic_category()).message());
}

bool limits_in_range(const KdfLimits& l) {
  const KdfLimits lo = KdfLimits::minimum(), hi = KdfLimits::maximum();
  return l.opslimit >= lo.opslimit && l.opslimit <= hi.opslimit && l.memlimit >= lo.memlimit &&
         l.memlimit <= hi.memlimit;
}

// Requires: limits_in_range(f.limits).
core::Status derive_key(std::string_view password, const KeyFile& f, uint8_t* key) {
  const char* pw = password.empty() ? "" : password.data();
  if (crypto_pwhash(key, kKeyBytes, pw, password.size(), f.salt.data(), f.limits.opslimit,
                    f.limits.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return wallet_error("wallet.kdf_failed", "Argon2id key derivation failed (out of memory?)");
  }
  return core::Ok();
}

std::string encode(const KeyFile& f) {
  Json j;
  j["version"] = kVersion;
  j["name"] = f.info.name;
  j["address"] = f.info.address;
  j["public_key"] = f.info.public_key.hex();
  j["kdf"] = {{"algorithm", kKdfAlgorithm},
              {"opslimit", f.limits.opslimit},
              {"memlimit", f.limits.memlimit},
              {"salt", core::to_hex(f.salt)}};
  j["cipher"] = {{"algorithm", kCipherAlgorithm},
                 {"nonce", core::to_hex(f.nonce)},
                 {"ciphertext", core::to_hex(f.ciphertext)}};
  return j.dump(2) + "\n";  // every string is ASCII, so dump() cannot throw
}

const Json* member(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> get_string(const Json& obj, const char* key) {
  const Json* v = member(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<uint64_t> get_uint(const Json& obj, const char* key) {
  const Json* v = member(obj, key);
  if (!v || !v->is_number_unsigned()) return std::nullopt;
  return v->get<uint64_t>();
}

// Fills out from a hex string of exactly N bytes.
template <size_t N>
bool get_hex(const Json& obj, const char* key, std::array<uint8_t, N>& out) {
  auto s = get_string(obj, key);
  if (!s) return false;
  auto bytes = core::from_hex(*s);
  if (!bytes || bytes->size() != N) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

// Parses and validates a key file. Never throws on any input: the file may have been truncated
// by a crash or edited by an attacker, and a bad file must not take the wallet down.
core::Result<KeyFile> decode(const std::string& name, const std::string& text) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return corrupt(name, "not a JSON object");
  auto version = get_uint(j, "version");
  if (!version) return corrupt(name, "missing version");
  if (*version != kVersion) return corrupt(name, "unsupported version " + std::to_string(*version));

  KeyFile f;
  auto file_name = get_string(j, "name");
  // A mismatch means the file was copied or renamed by hand; refusing it keeps name -> key unique.
  if (!file_name || *file_name != name) return corrupt(name, "name field does not match file name");
  f.info.name = name;
  if (!get_hex(j, "public_key", f.info.public_key.bytes)) return corrupt(name, "bad public_key");
  auto address = get_string(j, "address");
  f.info.address = core::encode_address(f.info.public_key);
  if (!address || *address != f.info.address) {
    return corrupt(name, "address does not match public_key");
  }

  const Json* kdf = member(j, "kdf");
  if (!kdf || !kdf->is_object()) return corrupt(name, "missing kdf");
  if (get_string(*kdf, "algorithm") != kKdfAlgorithm) return corrupt(name, "unknown kdf algorithm");
  auto ops = get_uint(*kdf, "opslimit");
  auto mem = get_uint(*kdf, "memlimit");
  if (!ops || !mem) return corrupt(name, "bad kdf limits");
  f.limits = {*ops, static_cast<size_t>(*mem)};
  if (*mem > SIZE_MAX || !limits_in_range(f.limits)) {
    return corrupt(name, "kdf limits out of range");  // bounds unlock()'s CPU and memory
  }
  if (!get_hex(*kdf, "salt", f.salt)) return corrupt(name, "bad kdf salt");

  const Json* cipher = member(j, "cipher");
  if (!cipher || !cipher->is_object()) return corrupt(name, "missing cipher");
  if (get_string(*cipher, "algorithm") != kCipherAlgorithm) {
    return corrupt(name, "unknown cipher algorithm");
  }
  if (!get_hex(*cipher, "nonce", f.nonce)) return corrupt(name, "bad cipher nonce");
  if (!get_hex(*cipher, "ciphertext", f.ciphertext)) return corrupt(name, "bad ciphertext");
  return f;
}

// Closes a file descriptor on every return path.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

core::Result<std::string> read_small_file(const std::string& name, const fs::path& path) {
  // O_NONBLOCK: a FIFO planted as "<name>.json" must not hang list(); regular reads ignore it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ENOENT) {
    return wallet_error("wallet.key_not_found", "no key named " + name);
  }
  if (fd < 0) return io_error("cannot open", path, errno);
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxFileBytes) {
    return corrupt(name, "not a regular file of at most 64 KiB");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path, errno);
    if (n == 0) break;  // shrank while reading; decode() will refuse the short text
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  return text;
}

core::Status ensure_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return core::Ok();
  if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (ec) return io_error("cannot create", dir.parent_path(), ec.value());
  if (::mkdir(dir.c_str(), 0700) == 0) {
    ::chmod(dir.c_str(), 0700);  // exact mode whatever the umask
  } else if (errno != EEXIST) {
    return io_error("cannot create", dir, errno);
  }
  if (!fs::is_directory(dir, ec)) return io_error("not a directory", dir, ENOTDIR);
  return core::Ok();
}

core::Status fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", dir, errno);
  FdCloser closer{fd};
  if (::fsync(fd) != 0) return io_error("cannot sync", dir, errno);
  return core::Ok();
}

// Writes content to dir/<name>.json atomically, refusing to replace an existing file.
// rename() would silently replace a key created concurrently under the same name, and losing a
// key loses its funds; link() fails with EEXIST instead, so exactly one creator wins.
core::Status write_new_file(const fs::path& dir, const std::string& name, const std::string& text) {
  std::array<uint8_t, 8> rnd{};
  randombytes_buf(rnd.data(), rnd.size());
  const fs::path final_path = dir / (name + ".json");
  const fs::path tmp = dir / ("." + name + ".json.tmp-" + core::to_hex(rnd));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp, errno);
  auto fail = [&](const std::string& what, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return core::Status(io_error(what, tmp, err));
  };
  if (::fchmod(fd, 0600) != 0) return fail("cannot chmod", errno);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", errno);
    done += static_cast<size_t>(n);
  }
  // Without fsync a crash after the link could leave an empty key file under the final name.
  if (::fsync(fd) != 0) return fail("cannot sync", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error("cannot close", tmp, err);
  }
  if (::link(tmp.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST) return key_exists(name);
    return io_error("cannot link", final_path, err);
  }
  ::unlink(tmp.c_str());
  auto synced = fsync_dir(dir);
  if (!synced) {
    return wallet_error("wallet.io_error", "key " + name + " was written but " + synced.error().message);
  }
  return core::Ok();
}

core::Result<KeyInfo> store(const fs::path& dir, const KdfLimits& limits, const std::string& name,
                            const core::Seed& seed, std::string_view password) {
  if (!is_valid_key_name(name)) return invalid_name();
  if (!limits_in_range(limits)) {
    return wallet_error("wallet.invalid_kdf_limits", "kdf limits outside [minimum, maximum]");
  }
  core::ensure_sodium();
  // Cheap early refusal before the slow KDF; write_new_file() makes the race-free check.
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir / (name + ".json"), ec))) return key_exists(name);

  KeyFile f;
  const core::PrivateKey key = core::PrivateKey::from_seed(seed);
  f.info = {name, key.public_key(), core::encode_address(key.public_key())};
  f.limits = limits;
  randombytes_buf(f.salt.data(), f.salt.size());
  randombytes_buf(f.nonce.data(), f.nonce.size());

  DerivedKey secret;
  if (auto s = derive_key(password, f, secret.get().data()); !s) return s.error();
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      f.ciphertext.data(), &ct_len, seed.bytes.data(), seed.bytes.size(),
      f.info.public_key.bytes.data(), f.info.public_key.bytes.size(), nullptr, f.nonce.data(),
      secret.get().data());

  if (auto s = ensure_dir(dir); !s) return s.error();
  if (auto s = write_new_file(dir, name, encode(f)); !s) return s.error();
  return f.info;
}

core::Result<KeyFile> load(const fs::path& dir, const std::string& name) {
  if (!is_valid_key_name(name)) return invalid_name();
  auto text = read_small_file(name, dir / (name + ".json"));
  if (!text) return text.error();
  return decode(name, *text);
}

}  // namespace

KdfLimits KdfLimits::interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}
KdfLimits KdfLimits::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}
KdfLimits KdfLimits::maximum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
}

bool is_valid_key_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

Keystore::Keystore(fs::path dir, KdfLimits limits) : dir_(std::move(dir)), limits_(limits) {}

core::Result<KeyInfo> Keystore::create(const std::string& name, std::string_view password) {
  core::ensure_sodium();
  core::Secret<core::Seed> seed;
  randombytes_buf(seed.get().bytes.data(), seed.get().bytes.size());
  return store(dir_, limits_, name, seed.get(), password);
}

core::Result<KeyInfo> Keystore::import_seed(const std::string& name, const core::Seed& seed,
                                            std::string_view password) {
  return store(dir_, limits_, name, seed, password);
}

core::Result<std::vector<KeyInfo>> Keystore::list() const {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) {
    if (ec) return io_error("cannot stat", dir_, ec.value());
    return std::vector<KeyInfo>{};
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;
    std::string stem = p.stem().string();
    if (is_valid_key_name(stem)) names.push_back(std::move(stem));
  }
  if (ec) return io_error("cannot list", dir_, ec.value());
  std::sort(names.begin(), names.end());

  std::vector<KeyInfo> out;
  for (const auto& name : names) {
    auto f = load(dir_, name);
    if (!f && WalletErrorRef("wallet.key_not_found").matches(f.error())) continue;  // deleted while listing
    if (!f) return f.error();
    out.push_back(std::move(f->info));
  }
  return out;
}

core::Result<KeyInfo> Keystore::info(const std::string& name) const {
  auto f = load(dir_, name);
  if (!f) return f.error();
  return std::move(f->info);
}

core::Result<core::PrivateKey> Keystore::unlock(const std::string& name,
                                                std::string_view password) const {
  auto f = load(dir_, name);
  if (!f) return f.error();
  core::ensure_sodium();
  DerivedKey secret;
  if (auto s = derive_key(password, *f, secret.get().data()); !s) return s.error();

  core::Secret<core::Seed> seed;
  unsigned long long seed_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          seed.get().bytes.data(), &seed_len, nullptr, f->ciphertext.data(), f->ciphertext.size(),
          f->info.public_key.bytes.data(), f->info.public_key.bytes.size(), f->nonce.data(),
          secret.get().data()) != 0 ||
      seed_len != seed.get().bytes.size()) {
    return wallet_error("wallet.wrong_password",
                        "wrong password for key " + name + " (or the file was altered)");
  }
  core::PrivateKey key = core::PrivateKey::from_seed(seed.get());
  // The AEAD binds public_key, so this only fails for a file written by someone who knew the
  // password but paired the seed with another key; never hand out a key for the wrong address.
  if (key.public_key() != f->info.public_key) {
    return corrupt(name, "seed does not match public_key");
  }
  return key;
}

}  // namespace lingji::cli
