// secret_test.cpp: the wiping containers (core/secret.h). Each test looks at the bytes after an
// explicit wipe(), never after destruction (reading freed memory would be undefined).
#include "core/secret.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/keys.h"

namespace lingji::core {
namespace {

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '\0'; });
}

TEST(SecretTest, SecretStringWipeZeroesEveryByte) {
  SecretString pw("correct horse battery staple");
  const char* buffer = pw.view().data();
  ASSERT_EQ(pw.view(), "correct horse battery staple");
  pw.wipe();
  EXPECT_EQ(pw.size(), 28u);
  EXPECT_EQ(pw.view().data(), buffer);  // wiped in place, not replaced by a fresh buffer
  EXPECT_TRUE(all_zero(pw.view()));
}

TEST(SecretTest, SecretStringGrowsInPlaceUpToItsReserve) {
  SecretString pw;
  ASSERT_TRUE(pw.push_back('a'));
  const char* buffer = pw.view().data();
  for (size_t i = 1; i < SecretString::kReserve; ++i) ASSERT_TRUE(pw.push_back('a'));
  EXPECT_EQ(pw.view().data(), buffer);  // no reallocation left a copy behind
  EXPECT_FALSE(pw.push_back('b'));      // one more would reallocate: refused
  EXPECT_EQ(pw.size(), SecretString::kReserve);
}

TEST(SecretTest, MovingHandsTheBufferOver) {
  SecretString a("hunter2");
  const char* buffer = a.view().data();
  SecretString b(std::move(a));
  EXPECT_EQ(b.view(), "hunter2");
  EXPECT_EQ(b.view().data(), buffer);
  SecretString c("other");
  c = std::move(b);
  EXPECT_EQ(c.view(), "hunter2");
  EXPECT_EQ(c.view().data(), buffer);
}

TEST(SecretTest, SecretValueWipe) {
  Seed seed;
  seed.bytes.fill(0xab);
  Secret<Seed> secret(seed);
  EXPECT_EQ(secret.get(), seed);
  secret.wipe();
  EXPECT_TRUE(secret.get().is_zero());
}

TEST(SecretTest, WipeString) {
  std::string line = "a password read by getline";
  wipe_string(line);
  EXPECT_TRUE(line.empty());
}

}  // namespace
}  // namespace lingji::core
