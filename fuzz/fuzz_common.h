// fuzz_common.h: what the libFuzzer harnesses of fuzz/ share (docs/fuzzing.md): the assertion
// that turns a broken property into a crash libFuzzer records, and the chain id and keys the seed
// generator (make_corpus.cpp) signs with, so that seeds carry valid signatures and the fuzzer
// also reaches the code after a successful verification.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "chain/genesis/dev_keys.h"
#include "core/bytes.h"
#include "core/hash.h"
#include "core/keys.h"

namespace lingji::fuzz {

// A property of a decoder failed (e.g. decode -> encode did not give back the input): abort, so
// that libFuzzer saves the input as a crash.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

inline core::ByteView input(const uint8_t* data, size_t size) { return {data, size}; }

inline bool same_bytes(const core::Bytes& a, core::ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

inline core::Hash256 chain_id() { return core::blake2b_256(core::as_bytes("LINGJI/FUZZ/chain")); }

// Producer i's key ("fuzz-producer-<i>", a dev key: anyone can derive it).
inline core::PrivateKey producer_key(size_t i) { return chain::dev_key("fuzz-producer-" + std::to_string(i)); }
inline constexpr size_t kProducers = 4;

// The producer set of the harnesses that verify certificates: kProducers keys.
inline std::vector<core::PublicKey> producer_set() {
  std::vector<core::PublicKey> set;
  for (size_t i = 0; i < kProducers; ++i) set.push_back(producer_key(i).public_key());
  return set;
}

}  // namespace lingji::fuzz
