// safety_store_test.cpp: the durable safety state and prepare_vote (persist before send).
#include "consensus/safety_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "chain/finality/finality_test_util.h"
#include "core/codec.h"

namespace lingji::consensus {
namespace {

namespace fs = std::filesystem;
using namespace chain::finality;
using namespace chain::finality::test_util;
using core::Bytes;
using core::ByteView;

class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    static int counter = 0;
    path_ = fs::path(::testing::TempDir()) /
            ("lingji-safety-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Bytes read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}
void write_file(const fs::path& p, const Bytes& b) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

const SafetyState kInitial = SafetyState::initial(kGenesis.slot, kGenesis.id);
const BlockRef kA = block(1, "A", kGenesis, kGenesis);
const BlockRef kB = block(2, "B", kA, kA);
const BlockRef kB2 = block(2, "B2", kA, kA);  // conflicts with B in the same slot

// A state holding a signed vote, as after voting A.
SafetyState voted_state(const core::PrivateKey& k) {
  SafetyState s = kInitial;
  s.last_vote_slot = kA.slot;
  s.last_vote_id = kA.id;
  s.last_vote = SignedVote::sign(kChain, vote_for(kA), k);
  return s;
}

TEST(SafetyStoreTest, CreateLoadPersistRoundTrip) {
  TempDir d("roundtrip");
  auto k = test_key(1);
  const fs::path dir = d.path() / "nested";  // create makes the directory
  EXPECT_EQ(SafetyStore::load(dir, k.public_key()).status, SafetyLoad::kMissing);
  ASSERT_TRUE(SafetyStore::create(dir, k.public_key(), kInitial));
  EXPECT_EQ(SafetyStore::file_path(dir, k.public_key()).filename(), k.public_key().hex() + ".safety");
  EXPECT_FALSE(fs::exists(SafetyStore::temp_path(dir, k.public_key())));
  LoadedSafety l = SafetyStore::load(dir, k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk) << l.reason;
  EXPECT_EQ(l.state, kInitial);

  SafetyState s = voted_state(k);
  ASSERT_TRUE(SafetyStore::persist(dir, k.public_key(), s));
  l = SafetyStore::load(dir, k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk) << l.reason;
  EXPECT_EQ(l.state, s);
  EXPECT_EQ(read_file(SafetyStore::file_path(dir, k.public_key())), SafetyStore::encode_file(k.public_key(), s));
  EXPECT_FALSE(fs::exists(SafetyStore::temp_path(dir, k.public_key())));
  // Keys do not see each other's files.
  EXPECT_EQ(SafetyStore::load(dir, test_key(2).public_key()).status, SafetyLoad::kMissing);
}

TEST(SafetyStoreTest, FileLayoutFollowsTheGrammar) {
  auto k = test_key(1);
  SafetyState s = voted_state(k);
  Bytes f = SafetyStore::encode_file(k.public_key(), s);
  ASSERT_EQ(f.size(), 8 + 4 + 32 + s.encode().size() + 32);
  EXPECT_EQ(std::string(f.begin(), f.begin() + 8), "LJSAFE01");
  EXPECT_EQ(f[8], 2);
  EXPECT_EQ(f[9] | f[10] | f[11], 0);
  EXPECT_TRUE(std::equal(k.public_key().bytes.begin(), k.public_key().bytes.end(), f.begin() + 12));
  core::Hash256 sum = core::blake2b_256(ByteView(f).first(f.size() - 32));
  EXPECT_TRUE(std::equal(sum.bytes.begin(), sum.bytes.end(), f.end() - 32));
  EXPECT_LE(f.size(), kMaxSafetyFileBytes);
}

TEST(SafetyStoreTest, EveryByteFlipTruncationAndAppendIsDamage) {
  TempDir d("damage");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  ASSERT_TRUE(SafetyStore::persist(d.path(), k.public_key(), voted_state(k)));
  const fs::path path = SafetyStore::file_path(d.path(), k.public_key());
  const Bytes good = read_file(path);
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80}) {
      Bytes bad = good;
      bad[i] ^= mask;
      write_file(path, bad);
      LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
      ASSERT_EQ(l.status, SafetyLoad::kDamaged) << "flip of byte " << i;
      EXPECT_FALSE(l.reason.empty());
    }
  }
  for (size_t len = 0; len < good.size(); ++len) {
    write_file(path, Bytes(good.begin(), good.begin() + static_cast<long>(len)));
    ASSERT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kDamaged) << "truncated to " << len;
  }
  for (size_t extra : {size_t{1}, size_t{32}, kMaxSafetyFileBytes}) {
    Bytes longer = good;
    longer.resize(good.size() + extra, 0);
    write_file(path, longer);
    ASSERT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kDamaged) << "appended " << extra;
  }
  write_file(path, good);
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kOk);
}

TEST(SafetyStoreTest, DamageReasons) {
  auto k = test_key(1);
  const Bytes good = SafetyStore::encode_file(k.public_key(), voted_state(k));
  auto reason = [&](const Bytes& b, const core::PublicKey& key) {
    LoadedSafety l = SafetyStore::decode_file(b, key);
    return l.status == SafetyLoad::kOk ? std::string("ok") : l.reason;
  };
  EXPECT_EQ(reason(good, k.public_key()), "ok");
  Bytes b = good;
  b[0] = 'X';
  EXPECT_EQ(reason(b, k.public_key()), "wrong magic");
  b = good;
  b[8] = 3;
  EXPECT_EQ(reason(b, k.public_key()), "unknown version 3");
  // Version 1 did not record the last slot its key signed a header in: refused, not damage.
  b[8] = 1;
  EXPECT_EQ(SafetyStore::decode_file(b, k.public_key()).status, SafetyLoad::kOldVersion);
  EXPECT_EQ(reason(good, test_key(2).public_key()).rfind("the file is for key", 0), 0u);
  b = good;
  b.back() ^= 1;
  EXPECT_EQ(reason(b, k.public_key()), "checksum mismatch");
  EXPECT_EQ(reason(Bytes{}, k.public_key()).rfind("truncated", 0), 0u);
  // A correctly checksummed file whose state does not decode, or whose vote is another key's.
  auto reseal = [&](const core::PublicKey& key, Bytes state_bytes) {
    core::Writer w;
    w.raw(core::as_bytes(kSafetyMagic)).u32(kSafetyVersion).fixed(key).raw(state_bytes);
    core::Hash256 sum = core::blake2b_256(w.data());
    w.fixed(sum);
    return w.take();
  };
  Bytes state = voted_state(k).encode();
  state.push_back(0);
  EXPECT_EQ(reason(reseal(k.public_key(), state), k.public_key()).rfind("bad state", 0), 0u);
  auto other = test_key(2);
  EXPECT_EQ(reason(SafetyStore::encode_file(k.public_key(), voted_state(other)), k.public_key()),
            "the stored vote is by another key");
}

TEST(SafetyStoreTest, MissingDamagedAndUnreadableAreDistinguished) {
  TempDir d("missing");
  auto k = test_key(1);
  fs::create_directories(d.path());
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kMissing);
  EXPECT_EQ(SafetyStore::load(d.path() / "no-such-dir", k.public_key()).status, SafetyLoad::kMissing);
  write_file(SafetyStore::file_path(d.path(), k.public_key()), {});
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kDamaged);
  // Another key's file copied under this key's name is damage, not this key's state.
  auto other = test_key(2);
  write_file(SafetyStore::file_path(d.path(), k.public_key()), SafetyStore::encode_file(other.public_key(), kInitial));
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kDamaged);
  // A symbolic link is not followed.
  fs::remove(SafetyStore::file_path(d.path(), k.public_key()));
  write_file(d.path() / "elsewhere", SafetyStore::encode_file(k.public_key(), kInitial));
  fs::create_symlink(d.path() / "elsewhere", SafetyStore::file_path(d.path(), k.public_key()));
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kDamaged);
  // A directory under the file's name cannot be read as a file.
  fs::remove(SafetyStore::file_path(d.path(), k.public_key()));
  fs::create_directory(SafetyStore::file_path(d.path(), k.public_key()));
  LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
  EXPECT_EQ(l.status, SafetyLoad::kUnreadable) << l.reason;
}

TEST(SafetyStoreTest, CreateRefusesAKeyThatHasAnyFile) {
  TempDir d("create");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  auto again = SafetyStore::create(d.path(), k.public_key(), kInitial);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "finality.safety_file_exists");
  EXPECT_EQ(again.error().code, 2717);
  // Even a damaged file, or only a leftover .tmp, blocks a fresh start.
  write_file(SafetyStore::file_path(d.path(), k.public_key()), {1, 2, 3});
  EXPECT_EQ(SafetyStore::create(d.path(), k.public_key(), kInitial).error().name, "finality.safety_file_exists");
  auto k2 = test_key(2);
  write_file(SafetyStore::temp_path(d.path(), k2.public_key()), {1});
  EXPECT_EQ(SafetyStore::create(d.path(), k2.public_key(), kInitial).error().name, "finality.safety_file_exists");
  EXPECT_TRUE(SafetyStore::create(d.path(), test_key(3).public_key(), kInitial));
}

TEST(SafetyStoreTest, PersistNeedsAnExistingFile) {
  TempDir d("persist-missing");
  auto k = test_key(1);
  fs::create_directories(d.path());
  auto st = SafetyStore::persist(d.path(), k.public_key(), kInitial);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "finality.safety_file_missing");
  EXPECT_EQ(st.error().code, 2718);
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).status, SafetyLoad::kMissing);
  // prepare_vote for a key whose file is gone refuses, and changes nothing.
  SafetyState s = kInitial;
  auto v = SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().name, "finality.safety_file_missing");
  EXPECT_EQ(s, kInitial);
  // An I/O failure: a directory sits where the .tmp must be written.
  fs::remove_all(d.path());
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  fs::remove(SafetyStore::file_path(d.path(), k.public_key()));
  fs::create_directory(SafetyStore::temp_path(d.path(), k.public_key()));  // cannot be replaced
  write_file(SafetyStore::file_path(d.path(), k.public_key()), SafetyStore::encode_file(k.public_key(), kInitial));
  auto io = SafetyStore::persist(d.path(), k.public_key(), voted_state(k));
  ASSERT_FALSE(io);
  EXPECT_EQ(io.error().name, "finality.safety_io_error");
}

TEST(SafetyStoreTest, PersistNeverRollsTheFileBackOrOverwritesDamage) {
  TempDir d("rollback");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  SafetyState s = kInitial;
  ASSERT_TRUE(SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true));
  ASSERT_TRUE(SafetyStore::prepare_vote(d.path(), kChain, k, s, kB, true));  // lock on A
  const Bytes on_disk = read_file(SafetyStore::file_path(d.path(), k.public_key()));
  auto behind = [&](const SafetyState& stale) {
    auto st = SafetyStore::persist(d.path(), k.public_key(), stale);
    EXPECT_EQ(read_file(SafetyStore::file_path(d.path(), k.public_key())), on_disk);
    return st ? std::string("ok") : st.error().name;
  };
  EXPECT_EQ(behind(kInitial), "finality.bad_safety_state");  // an older copy of the state
  SafetyState older_lock = s;
  older_lock.lock_slot = 0;
  older_lock.lock_id = kGenesis.id;
  EXPECT_EQ(behind(older_lock), "finality.bad_safety_state");
  SafetyState other_block = s;
  other_block.last_vote_id = kB2.id;
  other_block.last_vote = SignedVote::sign(kChain, vote_for(kB2), k);
  EXPECT_EQ(behind(other_block), "finality.bad_safety_state");
  EXPECT_EQ(behind(s), "ok");  // rewriting the same state is harmless
  // A damaged file is not overwritten: the key's history is unknown.
  Bytes bad = on_disk;
  bad[20] ^= 1;
  write_file(SafetyStore::file_path(d.path(), k.public_key()), bad);
  auto st = SafetyStore::persist(d.path(), k.public_key(), s);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "finality.safety_file_damaged");
  EXPECT_EQ(st.error().code, 2719);
  EXPECT_EQ(read_file(SafetyStore::file_path(d.path(), k.public_key())), bad);
}

TEST(SafetyStoreTest, LeftoverTmpDoesNotConfuseLoadAndIsReplaced) {
  TempDir d("tmp");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  const fs::path tmp = SafetyStore::temp_path(d.path(), k.public_key());
  // A crash between writing the .tmp and the rename: a newer state (or junk) in .tmp.
  write_file(tmp, SafetyStore::encode_file(k.public_key(), voted_state(k)));
  LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk);
  EXPECT_EQ(l.state, kInitial);  // the vote in .tmp was never durable, so never sent
  write_file(tmp, {0xde, 0xad});
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).state, kInitial);
  SafetyState s = kInitial;
  auto v = SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).state, s);
}

TEST(SafetyStoreTest, PrepareVotePersistsBeforeReturning) {
  TempDir d("prepare");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  SafetyState s = kInitial;
  auto v = SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_FALSE(v->resend);
  EXPECT_EQ(v->vote.vote, vote_for(kA));
  EXPECT_EQ(v->vote.voter, k.public_key());
  EXPECT_TRUE(v->vote.verify(kChain));
  ASSERT_TRUE(s.last_vote);
  EXPECT_EQ(*s.last_vote, v->vote);
  LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk);
  EXPECT_EQ(l.state, s);
  ASSERT_TRUE(l.state.last_vote);
  EXPECT_EQ(*l.state.last_vote, v->vote);

  // B moves the lock to A; the file follows.
  auto vb = SafetyStore::prepare_vote(d.path(), kChain, k, s, kB, true);
  ASSERT_TRUE(vb);
  EXPECT_EQ(s.lock_id, kA.id);
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).state.lock_id, kA.id);
}

TEST(SafetyStoreTest, NoSecondVoteInASlotEvenAfterReloading) {
  TempDir d("reload");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  {
    SafetyState s = kInitial;
    ASSERT_TRUE(SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true));
    ASSERT_TRUE(SafetyStore::prepare_vote(d.path(), kChain, k, s, kB, true));
  }  // "restart": the in-memory state is gone
  LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk);
  SafetyState s = l.state;
  const Bytes before = read_file(SafetyStore::file_path(d.path(), k.public_key()));
  auto conflict = SafetyStore::prepare_vote(d.path(), kChain, k, s, kB2, true);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().name, "finality.already_voted_in_slot");
  auto older = SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true);
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().name, "finality.slot_not_newer");
  // The same block again: the stored vote, byte for byte, and nothing written.
  auto again = SafetyStore::prepare_vote(d.path(), kChain, k, s, kB, true);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->resend);
  EXPECT_EQ(again->vote, SignedVote::sign(kChain, vote_for(kB), k));
  EXPECT_EQ(read_file(SafetyStore::file_path(d.path(), k.public_key())), before);
  EXPECT_EQ(s, l.state);
  // A conflicting block with an old justify in a later slot is refused by the lock (on A).
  BlockRef x = block(5, "X", kGenesis, kGenesis);
  EXPECT_EQ(SafetyStore::prepare_vote(d.path(), kChain, k, s, x, false).error().name, "finality.lock_conflict");
}

// The slot of the last header signed is durable before the header is signed, travels with the
// vote state (a vote keeps it, it keeps the vote), and no slot at or below it is signed again,
// also after a reload (issue 14, item 3).
TEST(SafetyStoreTest, SignedSlotIsDurableAndNeverSignedTwice) {
  TempDir d("signed");
  auto k = test_key(1);
  ASSERT_TRUE(SafetyStore::create(d.path(), k.public_key(), kInitial));
  SafetyState s = kInitial;
  ASSERT_TRUE(SafetyStore::record_signed_slot(d.path(), k.public_key(), s, 1));
  EXPECT_EQ(s.last_signed_slot, 1u);
  EXPECT_EQ(SafetyStore::load(d.path(), k.public_key()).state.last_signed_slot, 1u);
  ASSERT_TRUE(SafetyStore::prepare_vote(d.path(), kChain, k, s, kA, true));
  LoadedSafety l = SafetyStore::load(d.path(), k.public_key());
  EXPECT_EQ(l.state.last_signed_slot, 1u) << "a vote dropped the signed slot";
  EXPECT_EQ(l.state.last_vote_slot, kA.slot);
  ASSERT_TRUE(SafetyStore::record_signed_slot(d.path(), k.public_key(), s, 3));
  l = SafetyStore::load(d.path(), k.public_key());
  EXPECT_EQ(l.state.last_vote_slot, kA.slot) << "the signed slot dropped the vote";
  EXPECT_EQ(l.state.last_signed_slot, 3u);
  const Bytes before = read_file(SafetyStore::file_path(d.path(), k.public_key()));
  SafetyState reloaded = l.state;  // "restart"
  for (uint64_t slot : {uint64_t{3}, uint64_t{2}, uint64_t{0}}) {
    auto again = SafetyStore::record_signed_slot(d.path(), k.public_key(), reloaded, slot);
    ASSERT_FALSE(again) << "slot " << slot;
    EXPECT_EQ(again.error().name, "producer.slot_already_signed");
  }
  EXPECT_EQ(read_file(SafetyStore::file_path(d.path(), k.public_key())), before);
  // A stale in-memory copy cannot roll the file's signed slot back.
  SafetyState stale = kInitial;
  auto rolled = SafetyStore::record_signed_slot(d.path(), k.public_key(), stale, 2);
  ASSERT_FALSE(rolled);
  EXPECT_EQ(rolled.error().name, "finality.bad_safety_state");
  EXPECT_EQ(stale.last_signed_slot, 0u);
  // Without a file nothing is signed.
  fs::remove(SafetyStore::file_path(d.path(), k.public_key()));
  EXPECT_EQ(SafetyStore::record_signed_slot(d.path(), k.public_key(), reloaded, 9).error().name,
            "finality.safety_file_missing");
}

// The crash hook, in a child process (gtest death test, "threadsafe" style: the child is a fresh
// exec of this binary, so it reads LINGJI_CRASH_POINT anew). The child re-runs the test body up
// to the EXPECT_EXIT, so the directory it uses is passed down in LINGJI_TEST_SAFETY_DIR.
void crash_test(const char* point, bool vote_on_disk) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto k = test_key(1);
  const char* inherited = std::getenv("LINGJI_TEST_SAFETY_DIR");
  TempDir own(std::string("crash-") + point);
  const fs::path dir = inherited ? fs::path(inherited) : own.path();
  if (!inherited) {
    ASSERT_TRUE(SafetyStore::create(dir, k.public_key(), kInitial));
    ::setenv("LINGJI_TEST_SAFETY_DIR", dir.c_str(), 1);
  }
  EXPECT_EXIT(
      {
        ::setenv("LINGJI_CRASH_POINT", point, 1);
        SafetyState s = kInitial;
        auto v = SafetyStore::prepare_vote(dir, kChain, k, s, kA, true);
        std::_Exit(v ? 0 : 1);
      },
      ::testing::ExitedWithCode(kCrashExitCode), "");
  ::unsetenv("LINGJI_TEST_SAFETY_DIR");
  LoadedSafety l = SafetyStore::load(dir, k.public_key());
  ASSERT_EQ(l.status, SafetyLoad::kOk) << l.reason;
  EXPECT_EQ(l.state.last_vote.has_value(), vote_on_disk);
  EXPECT_EQ(l.state.last_vote_slot, vote_on_disk ? kA.slot : 0u);
}

TEST(SafetyStoreCrashTest, AfterSignNothingIsOnDisk) { crash_test("after-sign", false); }
TEST(SafetyStoreCrashTest, AfterFsyncTheVoteIsOnDisk) { crash_test("after-fsync", true); }

}  // namespace
}  // namespace lingji::consensus
