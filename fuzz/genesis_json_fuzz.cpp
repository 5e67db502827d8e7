// genesis_json_fuzz.cpp: a genesis file (lingjid --genesis), which an operator may have been sent
// by anyone. Properties: parsing never crashes nor hits undefined behaviour; a genesis that parses
// is valid, and writing it out and parsing it again gives the same genesis (the same chain id).
#include "chain/genesis/genesis.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto g = chain::parse_genesis_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!g) return 0;
  fuzz::require(g->validate().ok(), "genesis: parsed but invalid");
  auto again = chain::parse_genesis_json(chain::genesis_to_json(*g));
  fuzz::require(again.ok(), "genesis: its own JSON does not parse");
  fuzz::require(again->encode() == g->encode(), "genesis: JSON round trip changed the genesis");
  return 0;
}
