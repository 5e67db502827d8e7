// keystore_test.cpp: the encrypted keystore (cli/keystore.h), one fresh temp directory per test.
#include "cli/keystore.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "cli/wallet_errors.h"
#include "core/address.h"
#include "core/hash.h"

namespace lingji::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// RFC 8032 section 7.1, TEST 1.
constexpr char kRfcSeed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kRfcPublic[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kRfcSigEmpty[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

core::Seed rfc_seed() { return *core::Seed::from(*core::from_hex(kRfcSeed)); }

class KeystoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::ensure_sodium();
    std::array<uint8_t, 8> rnd{};
    randombytes_buf(rnd.data(), rnd.size());
    root_ = fs::temp_directory_path() / ("lingji-keystore-test-" + core::to_hex(rnd));
    fs::create_directories(root_);
    dir_ = root_ / "keys";  // not created yet: the keystore makes it
  }
  void TearDown() override { fs::remove_all(root_); }

  Keystore store() const { return Keystore(dir_, KdfLimits::minimum()); }
  fs::path file(const std::string& name) const { return dir_ / (name + ".json"); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
  }
  // Rewrites one field of a key file through `edit`.
  template <class F>
  void edit_json(const std::string& name, F edit) {
    auto j = ordered_json::parse(read(file(name)));
    edit(j);
    write(file(name), j.dump(2));
  }

  fs::path root_;
  fs::path dir_;
};

template <class T>
void expect_error(const core::Result<T>& r, int code, const std::string& name) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_EQ(r.error().name, name);
}

TEST_F(KeystoreTest, CreateThenUnlockSignsVerifiably) {
  auto ks = store();
  auto created = ks.create("alice", "correct horse");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->name, "alice");
  EXPECT_EQ(created->address, core::encode_address(created->public_key));
  EXPECT_EQ(created->address.substr(0, 4), "lj1q");

  auto key = ks.unlock("alice", "correct horse");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->public_key(), created->public_key);
  const auto msg = core::as_bytes("transfer 5 CT");
  EXPECT_TRUE(core::verify(created->public_key, msg, key->sign(msg)));

  auto info = ks.info("alice");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->public_key, created->public_key);
  EXPECT_EQ(info->address, created->address);
}

TEST_F(KeystoreTest, TwoCreatesGiveDifferentKeys) {
  auto ks = store();
  auto a = ks.create("a", "pw");
  auto b = ks.create("b", "pw");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key, b->public_key);
}

TEST_F(KeystoreTest, WrongPasswordIs6001) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "right").ok());
  expect_error(ks.unlock("alice", "wrong"), 6001, "wallet.wrong_password");
  expect_error(ks.unlock("alice", ""), 6001, "wallet.wrong_password");
  expect_error(ks.unlock("alice", "righ"), 6001, "wallet.wrong_password");
}

TEST_F(KeystoreTest, EmptyPasswordIsAPassword) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "").ok());
  EXPECT_TRUE(ks.unlock("alice", "").ok());
  expect_error(ks.unlock("alice", "x"), 6001, "wallet.wrong_password");
}

TEST_F(KeystoreTest, FileIs0600DirectoryIs0700AndNoTempFileRemains) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  struct stat st {};
  ASSERT_EQ(::stat(file("alice").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(dir_)) {
    entries.push_back(e.path().filename().string());
  }
  EXPECT_EQ(entries, std::vector<std::string>{"alice.json"});
}

TEST_F(KeystoreTest, FileHasDocumentedFields) {
  auto ks = store();
  auto info = ks.import_seed("alice", rfc_seed(), "pw");
  ASSERT_TRUE(info.ok());
  auto j = nlohmann::json::parse(read(file("alice")));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["name"], "alice");
  EXPECT_EQ(j["address"], info->address);
  EXPECT_EQ(j["public_key"], kRfcPublic);
  EXPECT_EQ(j["kdf"]["algorithm"], "argon2id13");
  EXPECT_EQ(j["kdf"]["opslimit"], crypto_pwhash_OPSLIMIT_MIN);
  EXPECT_EQ(j["kdf"]["memlimit"], crypto_pwhash_MEMLIMIT_MIN);
  EXPECT_EQ(j["kdf"]["salt"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["cipher"]["algorithm"], "xchacha20poly1305-ietf");
  EXPECT_EQ(j["cipher"]["nonce"].get<std::string>().size(), 48u);
  EXPECT_EQ(j["cipher"]["ciphertext"].get<std::string>().size(), 96u);
  // The seed must not appear in the clear.
  EXPECT_EQ(read(file("alice")).find(kRfcSeed), std::string::npos);
}

TEST_F(KeystoreTest, ImportKnownSeedGivesKnownKey) {
  auto ks = store();
  auto info = ks.import_seed("rfc", rfc_seed(), "pw");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->public_key.hex(), kRfcPublic);
  auto key = ks.unlock("rfc", "pw");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key().hex(), kRfcPublic);
  EXPECT_EQ(key->seed().hex(), kRfcSeed);
  EXPECT_EQ(key->sign({}).hex(), kRfcSigEmpty);
}

TEST_F(KeystoreTest, DuplicateNameRefusedAndOriginalKept) {
  auto ks = store();
  auto first = ks.create("alice", "one");
  ASSERT_TRUE(first.ok());
  expect_error(ks.create("alice", "two"), 6002, "wallet.key_exists");
  expect_error(ks.import_seed("alice", rfc_seed(), "two"), 6002, "wallet.key_exists");
  auto key = ks.unlock("alice", "one");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key(), first->public_key);
}

TEST_F(KeystoreTest, ConcurrentCreatesOfOneNameStoreExactlyOne) {
  auto ks = store();
  constexpr int kThreads = 4;
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = ks.create("same", "pw" + std::to_string(i));
      if (r.ok()) ++ok;
      else if (r.error().code == 6002) ++exists;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
  int unlocked = 0;
  for (int i = 0; i < kThreads; ++i) unlocked += ks.unlock("same", "pw" + std::to_string(i)).ok();
  EXPECT_EQ(unlocked, 1);
}

TEST_F(KeystoreTest, NameEdges) {
  EXPECT_TRUE(is_valid_key_name("a"));
  EXPECT_TRUE(is_valid_key_name(std::string(32, 'z')));
  EXPECT_TRUE(is_valid_key_name("Az09_-"));
  EXPECT_FALSE(is_valid_key_name(""));
  EXPECT_FALSE(is_valid_key_name(std::string(33, 'z')));
  auto ks = store();
  EXPECT_TRUE(ks.create(std::string(32, 'z'), "pw").ok());
  EXPECT_TRUE(ks.create("-", "pw").ok());
}

TEST_F(KeystoreTest, InvalidNamesRefusedEverywhere) {
  auto ks = store();
  const std::vector<std::string> bad = {"",     std::string(33, 'a'), "a b", "../evil", "a.b",
                                        ".x",   "x/y",                "\xc3\xa9", "a\n", "..",
                                        std::string("a\0b", 3), "CON.json"};
  for (const auto& name : bad) {
    SCOPED_TRACE(name);
    expect_error(ks.create(name, "pw"), 6005, "wallet.invalid_name");
    expect_error(ks.import_seed(name, rfc_seed(), "pw"), 6005, "wallet.invalid_name");
    expect_error(ks.info(name), 6005, "wallet.invalid_name");
    expect_error(ks.unlock(name, "pw"), 6005, "wallet.invalid_name");
  }
  EXPECT_FALSE(fs::exists(dir_));  // nothing was written anywhere
  EXPECT_FALSE(fs::exists(root_ / "evil.json"));
}

TEST_F(KeystoreTest, MissingKeyIs6003AndMissingDirectoryIsEmpty) {
  auto ks = store();
  auto all = ks.list();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
  expect_error(ks.info("bob"), 6003, "wallet.key_not_found");
  expect_error(ks.unlock("bob", "pw"), 6003, "wallet.key_not_found");
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  expect_error(ks.info("bob"), 6003, "wallet.key_not_found");
}

// The class is what a caller branches on (not found, a duplicate, bad input), never the message.
TEST_F(KeystoreTest, ErrorsCarryTheirClassAndWalletRangeCodes) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  EXPECT_EQ(ks.info("bob").error().cls, core::ErrorClass::kNotFound);
  EXPECT_EQ(ks.create("alice", "pw").error().cls, core::ErrorClass::kConflict);
  EXPECT_EQ(ks.unlock("alice", "wrong").error().cls, core::ErrorClass::kInvalid);
  EXPECT_EQ(ks.info("../x").error().cls, core::ErrorClass::kInvalid);
  EXPECT_EQ(WalletErrorRef("wallet.io_error").def->code, 6006);
  EXPECT_EQ(WalletErrorRef("wallet.kdf_failed").def->code, 6008);
  EXPECT_EQ(WalletErrorRef("wallet.kdf_failed").def->cls, core::ErrorClass::kInternal);
}

TEST_F(KeystoreTest, ListIsSortedNeedsNoPasswordAndSkipsOtherFiles) {
  auto ks = store();
  for (const char* n : {"charlie", "alice", "bob", "B"}) ASSERT_TRUE(ks.create(n, n).ok());
  write(dir_ / "README", "not a key");
  write(dir_ / ".alice.json.tmp-0011223344556677", "{");  // left by a crash
  write(dir_ / "bad name.json", "{");
  auto all = ks.list();
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::vector<std::string> names;
  for (const auto& k : *all) names.push_back(k.name);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "alice", "bob", "charlie"}));
  for (const auto& k : *all) EXPECT_EQ(k.public_key, ks.info(k.name)->public_key);
}

TEST_F(KeystoreTest, ListReportsACorruptKeyFile) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  write(file("broken"), "{\"version\":1");
  expect_error(ks.list(), 6004, "wallet.corrupt_keystore");
}

TEST_F(KeystoreTest, TamperedCiphertextSaltOrNonceFailsAuthentication) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  const std::string original = read(file("alice"));
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"cipher", "ciphertext"}, {"cipher", "nonce"}, {"kdf", "salt"}};
  for (const auto& [obj, field] : fields) {
    SCOPED_TRACE(field);
    edit_json("alice", [&](ordered_json& j) {
      std::string hex = j[obj][field];
      hex[0] = hex[0] == '0' ? '1' : '0';
      j[obj][field] = hex;
    });
    expect_error(ks.unlock("alice", "pw"), 6001, "wallet.wrong_password");
    write(file("alice"), original);
  }
  EXPECT_TRUE(ks.unlock("alice", "pw").ok());
}

TEST_F(KeystoreTest, SwappedPublicKeyIsDetected) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  auto other = core::PrivateKey::from_seed(rfc_seed()).public_key();
  // Consistent swap (address updated too): only the AEAD's associated data can catch it.
  edit_json("alice", [&](ordered_json& j) {
    j["public_key"] = other.hex();
    j["address"] = core::encode_address(other);
  });
  expect_error(ks.unlock("alice", "pw"), 6001, "wallet.wrong_password");
  // Inconsistent swap: refused before any decryption, also by info().
  edit_json("alice", [&](ordered_json& j) { j["address"] = core::encode_address({}); });
  expect_error(ks.info("alice"), 6004, "wallet.corrupt_keystore");
  expect_error(ks.unlock("alice", "pw"), 6004, "wallet.corrupt_keystore");
}

TEST_F(KeystoreTest, EveryTruncationIsCorruptNotACrash) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  const std::string original = read(file("alice"));
  const size_t close = original.rfind('}');
  for (size_t len = 0; len < close; ++len) {
    write(file("alice"), original.substr(0, len));
    auto r = ks.unlock("alice", "pw");
    ASSERT_FALSE(r.ok()) << len;
    ASSERT_EQ(r.error().code, 6004) << len;
    ASSERT_FALSE(ks.info("alice").ok()) << len;
  }
}

TEST_F(KeystoreTest, MalformedFieldsAreCorrupt) {
  auto ks = store();
  ASSERT_TRUE(ks.create("alice", "pw").ok());
  const std::string original = read(file("alice"));
  using Edit = void (*)(ordered_json&);
  const std::vector<std::pair<const char*, Edit>> edits = {
      {"version 2", [](ordered_json& j) { j["version"] = 2; }},
      {"version string", [](ordered_json& j) { j["version"] = "1"; }},
      {"version -1", [](ordered_json& j) { j["version"] = -1; }},
      {"no name", [](ordered_json& j) { j.erase("name"); }},
      {"other name", [](ordered_json& j) { j["name"] = "bob"; }},
      {"short key", [](ordered_json& j) { j["public_key"] = "abcd"; }},
      {"non-hex key", [](ordered_json& j) { j["public_key"] = std::string(64, 'g'); }},
      {"kdf array", [](ordered_json& j) { j["kdf"] = ordered_json::array(); }},
      {"kdf alg", [](ordered_json& j) { j["kdf"]["algorithm"] = "scrypt"; }},
      {"ops 0", [](ordered_json& j) { j["kdf"]["opslimit"] = 0; }},
      {"ops huge", [](ordered_json& j) { j["kdf"]["opslimit"] = UINT64_MAX; }},
      {"mem huge", [](ordered_json& j) { j["kdf"]["memlimit"] = 1ull << 40; }},
      {"mem float", [](ordered_json& j) { j["kdf"]["memlimit"] = 8192.5; }},
      {"mem null", [](ordered_json& j) { j["kdf"]["memlimit"] = nullptr; }},
      {"short salt", [](ordered_json& j) { j["kdf"]["salt"] = "00"; }},
      {"no cipher", [](ordered_json& j) { j.erase("cipher"); }},
      {"cipher alg", [](ordered_json& j) { j["cipher"]["algorithm"] = "aes-256-gcm"; }},
      {"short nonce", [](ordered_json& j) { j["cipher"]["nonce"] = "00"; }},
      {"long ct", [](ordered_json& j) { j["cipher"]["ciphertext"] = std::string(98, '0'); }},
      {"ct number", [](ordered_json& j) { j["cipher"]["ciphertext"] = 7; }},
  };
  for (const auto& [what, edit] : edits) {
    SCOPED_TRACE(what);
    write(file("alice"), original);
    edit_json("alice", edit);
    expect_error(ks.info("alice"), 6004, "wallet.corrupt_keystore");
    expect_error(ks.unlock("alice", "pw"), 6004, "wallet.corrupt_keystore");
  }
  const std::string deep = std::string(32000, '[') + std::string(32000, ']');  // stack depth
  const std::vector<std::string> garbage = {
      "",   "[]", "null", "\"x\"", std::string("\x00\xff{", 3), std::string(1000, '['),
      deep, "{\"version\":1,\"name\":" + deep + "}", std::string(70000, ' ')};
  for (const auto& text : garbage) {
    write(file("alice"), text);
    expect_error(ks.unlock("alice", "pw"), 6004, "wallet.corrupt_keystore");
  }
  // A key file copied under another name is refused rather than unlocking as "bob".
  write(file("bob"), original);
  expect_error(ks.unlock("bob", "pw"), 6004, "wallet.corrupt_keystore");
  // A directory or a FIFO where a key file should be: refused, and the FIFO must not block.
  fs::create_directory(file("dir"));
  expect_error(ks.info("dir"), 6004, "wallet.corrupt_keystore");
  ASSERT_EQ(::mkfifo(file("fifo").c_str(), 0600), 0);
  expect_error(ks.info("fifo"), 6004, "wallet.corrupt_keystore");
}

TEST_F(KeystoreTest, KdfLimitsOutsideRangeRefused) {
  const KdfLimits lo = KdfLimits::minimum(), hi = KdfLimits::maximum();
  const std::vector<KdfLimits> bad_limits = {
      {lo.opslimit - 1, lo.memlimit}, {lo.opslimit, lo.memlimit - 1},
      {hi.opslimit + 1, lo.memlimit}, {lo.opslimit, hi.memlimit + 1}};
  for (const KdfLimits& bad : bad_limits) {
    Keystore ks(dir_, bad);
    expect_error(ks.create("alice", "pw"), 6007, "wallet.invalid_kdf_limits");
  }
  EXPECT_FALSE(fs::exists(dir_));
  EXPECT_EQ(KdfLimits::interactive().opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(KdfLimits::interactive().memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

TEST_F(KeystoreTest, DefaultInteractiveLimitsRoundTrip) {  // the one slow (64 MiB) test
  Keystore ks(dir_);
  auto info = ks.import_seed("rfc", rfc_seed(), "pw");
  ASSERT_TRUE(info.ok()) << info.error().message;
  auto j = nlohmann::json::parse(read(file("rfc")));
  EXPECT_EQ(j["kdf"]["memlimit"], crypto_pwhash_MEMLIMIT_INTERACTIVE);
  auto key = ks.unlock("rfc", "pw");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key().hex(), kRfcPublic);
}

TEST_F(KeystoreTest, UnlockUsesTheLimitsRecordedInTheFile) {
  ASSERT_TRUE(store().create("alice", "pw").ok());
  Keystore default_limits(dir_);  // interactive; the file says minimum
  EXPECT_TRUE(default_limits.unlock("alice", "pw").ok());
}

}  // namespace
}  // namespace lingji::cli
