// ancestry.h: what one branch's state knows about its own blocks: a summary of every block from
// its last final block on ('H' records), and that final block ('F'). With them the state machine
// checks that a justify names an ancestor, which generation must have certified it, and when the
// two-chain rule of shared/CONSENSUS.md makes a block final, without any store or fork database.
//
// State keys (codec.h primitives; the height in the key is big-endian):
//   'H' || height:u64be -> ancestor := slot:u64 parent:fixed<32> justify_slot:u64
//                                      justify_height:u64 justify_id:fixed<32> generation:u64 joint:u8
//   'F'                 -> final    := height:u64 slot:u64 id:fixed<32>
// A block's own id is not in its record (the id hashes the header, and the header's state root
// commits to this record): it is the next block's `parent`, or the child header's `previous`.
// Records below the final block are erased: a justify never names a block below it, since
// justifies never go back and the one that made it final named its child.
#pragma once

#include <optional>

#include "chain/protocol/block.h"
#include "chain/state/state.h"

namespace lingji::chain::finality {

struct Ancestor {
  uint64_t slot = 0;
  Hash256 parent;
  QcClaim justify;
  uint64_t generation = 0;  // the producer set whose quorum certifies this block
  bool joint = false;       // ... together with generation + 1 (the pending phase of a set change)
};

struct FinalBlock {
  uint64_t height = 0;
  uint64_t slot = 0;
  Hash256 id;
};

// The genesis (height 0, slot 0, id = chain id) as the first ancestor and the first final block.
void init_ancestry(StateOverlay& s, const Hash256& chain_id);
std::optional<Ancestor> load_ancestor(const StateReader& s, uint64_t height);
void store_ancestor(StateOverlay& s, uint64_t height, const Ancestor& a);
FinalBlock load_final(const StateReader& s);
// Records `f` as final and erases the ancestor records below it. Requires: f.height > current.
void advance_final(StateOverlay& s, const FinalBlock& f);
// The id of the block at `height` on the branch of `child` (whose parent's record is in s), or
// nullopt if it is below the final block or not below child.
std::optional<Hash256> ancestor_id(const StateReader& s, const BlockHeader& child, uint64_t height);

}  // namespace lingji::chain::finality
