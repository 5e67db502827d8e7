#include "consensus/safety_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "chain/chain_errors.h"
#include "consensus/consensus_errors.h"
#include "core/codec.h"
#include "core/hash.h"

namespace lingji::consensus {
namespace fs = std::filesystem;
using chain::chain_error;
using chain::finality::SafetyState;

namespace {

constexpr size_t kHeaderBytes = 8 + 4 + 32;
constexpr size_t kChecksumBytes = 32;

core::Error io_error(const std::string& what, const fs::path& path, int err) {
  return chain_error("finality.safety_io_error", what + " " + path.string() + ": " + std::strerror(err));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool exists_no_follow(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 || errno != ENOENT;  // anything but "not there" counts
}

core::Status fsync_dir(const fs::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return io_error("cannot open", dir, errno);
  if (::fsync(d.fd) != 0) return io_error("cannot sync", dir, errno);
  return core::Ok();
}

// Writes bytes to `tmp` (which must not exist) and fsyncs it. On error tmp is removed.
core::Status write_synced(const fs::path& tmp, const core::Bytes& bytes) {
  Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (f.fd < 0) return io_error("cannot create", tmp, errno);
  auto fail = [&](const char* what, int err) {
    ::unlink(tmp.c_str());
    return core::Status(io_error(what, tmp, err));
  };
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write", errno);
    done += static_cast<size_t>(n);
  }
  // Without this fsync, a crash after the rename could leave an empty or partial file under the
  // real name: the key's lock and last vote would be lost.
  if (::fsync(f.fd) != 0) return fail("cannot sync", errno);
  int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) return fail("cannot close", errno);
  return core::Ok();
}

LoadedSafety damaged(std::string reason) { return LoadedSafety{SafetyLoad::kDamaged, {}, std::move(reason)}; }

}  // namespace

void crash_point(std::string_view name) {
  static const std::optional<std::string> configured = []() -> std::optional<std::string> {
    const char* v = std::getenv("LINGJI_CRASH_POINT");
    if (!v) return std::nullopt;
    return std::string(v);
  }();
  if (configured && *configured == name) std::_Exit(kCrashExitCode);
}

fs::path SafetyStore::file_path(const fs::path& dir, const core::PublicKey& key) {
  return dir / (key.hex() + ".safety");
}

fs::path SafetyStore::temp_path(const fs::path& dir, const core::PublicKey& key) {
  return dir / (key.hex() + ".safety.tmp");
}

core::Bytes SafetyStore::encode_file(const core::PublicKey& key, const SafetyState& state) {
  core::Writer w;
  w.raw(core::as_bytes(kSafetyMagic)).u32(kSafetyVersion).fixed(key).raw(state.encode());
  core::Hash256 sum = core::blake2b_256(w.data());
  w.fixed(sum);
  return w.take();
}

LoadedSafety SafetyStore::decode_file(core::ByteView bytes, const core::PublicKey& key) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) return damaged("truncated: " + std::to_string(bytes.size()) + " bytes");
  core::Reader r(bytes.first(bytes.size() - kChecksumBytes));
  core::ByteView magic;
  uint32_t version = 0;
  core::PublicKey file_key;
  (void)(r.raw(kSafetyMagic.size(), magic) && r.u32(version) && r.fixed(file_key));
  if (!std::equal(magic.begin(), magic.end(), kSafetyMagic.begin(), kSafetyMagic.end())) return damaged("wrong magic");
  if (version == 1)
    return LoadedSafety{SafetyLoad::kOldVersion, {},
                        "a version-1 safety file does not record the last slot its key signed a block in"};
  if (version != kSafetyVersion) return damaged("unknown version " + std::to_string(version));
  if (file_key != key) return damaged("the file is for key " + file_key.hex());
  // The checksum covers everything, so truncation and appended bytes both fail here.
  core::Hash256 want = core::blake2b_256(bytes.first(bytes.size() - kChecksumBytes));
  if (!std::equal(want.bytes.begin(), want.bytes.end(), bytes.end() - kChecksumBytes)) return damaged("checksum mismatch");
  core::ByteView rest;
  (void)r.raw(r.remaining(), rest);
  auto state = SafetyState::decode(rest);
  if (!state) return damaged("bad state: " + state.error().message);
  if (state->last_vote && state->last_vote->voter != key) return damaged("the stored vote is by another key");
  return LoadedSafety{SafetyLoad::kOk, std::move(*state), ""};
}

LoadedSafety SafetyStore::load(const fs::path& dir, const core::PublicKey& key) {
  const fs::path path = file_path(dir, key);
  Fd f{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return LoadedSafety{SafetyLoad::kMissing, {}, ""};
    if (errno == ELOOP) return damaged("the file is a symbolic link");
    return LoadedSafety{SafetyLoad::kUnreadable, {}, io_error("cannot open", path, errno).message};
  }
  core::Bytes bytes(kMaxSafetyFileBytes + 1);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LoadedSafety{SafetyLoad::kUnreadable, {}, io_error("cannot read", path, errno).message};
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  if (done > kMaxSafetyFileBytes) return damaged("larger than " + std::to_string(kMaxSafetyFileBytes) + " bytes");
  bytes.resize(done);
  return decode_file(bytes, key);
}

core::Status SafetyStore::create(const fs::path& dir, const core::PublicKey& key, const SafetyState& initial) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return io_error("cannot create", dir, ec.value());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const fs::path path = file_path(dir, key), tmp = temp_path(dir, key);
  // A .tmp means the key was used (or its creation began): refusing keeps a key from ever
  // starting over with an empty state after it may have voted.
  if (exists_no_follow(path) || exists_no_follow(tmp))
    return chain_error("finality.safety_file_exists", "key " + key.hex() + " already has a safety file");
  if (auto st = write_synced(tmp, encode_file(key, initial)); !st) return st;
  // link() refuses to replace an existing file, so a concurrent creator cannot be overwritten.
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (err == EEXIST)
      return chain_error("finality.safety_file_exists", "key " + key.hex() + " already has a safety file");
    return io_error("cannot link", path, err);
  }
  ::unlink(tmp.c_str());
  return fsync_dir(dir);
}

core::Status SafetyStore::persist(const fs::path& dir, const core::PublicKey& key, const SafetyState& state) {
  const fs::path path = file_path(dir, key), tmp = temp_path(dir, key);
  // Read what is on disk first (about 300 bytes, cheap next to the fsyncs below) so that a stale
  // in-memory copy can never roll the file back to an older vote or lock (I2, I4).
  LoadedSafety on_disk = load(dir, key);
  switch (on_disk.status) {
    case SafetyLoad::kOk: break;
    case SafetyLoad::kMissing:
      return chain_error("finality.safety_file_missing",
                         "key " + key.hex() + " has no safety file: it must not vote (create() is for new keys)");
    case SafetyLoad::kDamaged:
      return chain_error("finality.safety_file_damaged", "key " + key.hex() + ": " + on_disk.reason);
    case SafetyLoad::kOldVersion:
      return consensus_error("safety.old_version", "key " + key.hex() + ": " + on_disk.reason);
    case SafetyLoad::kUnreadable:
      return chain_error("finality.safety_io_error", on_disk.reason);
  }
  const SafetyState& old = on_disk.state;
  if (state.last_vote_slot < old.last_vote_slot || state.lock_slot < old.lock_slot ||
      state.last_signed_slot < old.last_signed_slot ||
      (state.last_vote_slot == old.last_vote_slot && state.last_vote_id != old.last_vote_id))
    return chain_error("finality.bad_safety_state",
                       "the new state is behind the one on disk (last vote slot " +
                           std::to_string(old.last_vote_slot) + ", lock slot " + std::to_string(old.lock_slot) +
                           ", last signed slot " + std::to_string(old.last_signed_slot) + ")");
  // A leftover .tmp from a crash is replaced; unlink first so that O_EXCL never follows a link.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", tmp, errno);
  if (auto s = write_synced(tmp, encode_file(key, state)); !s) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error("cannot rename", tmp, err);
  }
  // The rename is durable only once the directory is.
  return fsync_dir(dir);
}

core::Result<PreparedVote> SafetyStore::prepare_vote(const fs::path& dir, const core::Hash256& chain_id,
                                                     const core::PrivateKey& key, SafetyState& state,
                                                     const chain::finality::BlockRef& candidate, bool extends_lock) {
  using namespace chain::finality;
  VoteDecision d = decide_vote(state, candidate, extends_lock);
  if (auto* r = std::get_if<RefuseVote>(&d)) return r->reason;
  if (auto* r = std::get_if<ResendVote>(&d)) return PreparedVote{r->stored, true};
  CastVote& c = std::get<CastVote>(d);
  SignedVote vote = SignedVote::sign(chain_id, c.vote, key);
  crash_point("after-sign");
  c.next.last_vote = vote;
  // Persist before the vote leaves this function: a vote that is sent but not durable could be
  // followed, after a restart, by a conflicting vote in the same slot (CONSENSUS.md I2).
  if (auto st = persist(dir, key.public_key(), c.next); !st) return st.error();
  crash_point("after-fsync");
  state = std::move(c.next);
  return PreparedVote{std::move(vote), false};
}

core::Status SafetyStore::record_signed_slot(const fs::path& dir, const core::PublicKey& key, SafetyState& state,
                                             uint64_t slot) {
  if (slot <= state.last_signed_slot)
    return consensus_error("producer.slot_already_signed",
                           "key " + key.hex() + " already signed a block header in slot " +
                               std::to_string(state.last_signed_slot) + "; slot " + std::to_string(slot) +
                               " is not after it (a second header in a slot is evidence that ejects the producer)");
  SafetyState next = state;
  next.last_signed_slot = slot;
  // Durable before the header is signed, so a crash at any point after it cannot be followed by
  // a second header for this slot (a crash before the signature costs only the slot).
  if (auto st = persist(dir, key, next); !st) return st;
  state = std::move(next);
  return core::Ok();
}

}  // namespace lingji::consensus
