// safety_store.h: the durable safety state of each signing key (shared/CONSENSUS.md (b),
// "Persist"), and prepare_vote: decide, sign, persist, and only then hand the vote out.
//
// One file per key: <dir>/<public key hex>.safety. File grammar (primitives as in core/codec.h):
//   safety_file := magic:"LJSAFE01" (8 raw bytes) version:u32 (= 2) key:fixed<32>
//                  state:safety_state (chain/finality/voting_rules.h) checksum:fixed<32>
//   checksum    = BLAKE2b-256 of every byte before it
// Version 2 added last_signed_slot to the state. A version-1 file is refused (kOldVersion), never
// read as last_signed_slot = 0: it cannot say in which slot its key last signed a header, and
// only the wall clock would bound it, which a standby host or a stepped clock gets wrong. Its
// key never signs again; the producer registers a new signing key (as for a lost file).
// Every write goes to <dir>/<hex>.safety.tmp, which is fsynced, renamed over the real file, and
// then the directory is fsynced: after a crash the real file holds the old state or the new one,
// never a mix. A leftover .tmp (a crash before the rename) is never read, and the next write
// replaces it.
//
// Invariants (CONSENSUS.md I2): the slots of the votes persisted for a key strictly increase, and
// no vote leaves prepare_vote before the file that records it is durable. A crash before the
// fsync sends nothing; a crash after it loses at most the send (the vote is re-sent on request).
//
// A missing or damaged file for a key that has voted means that key must never vote again
// (CONSENSUS.md: no operator override; the producer registers a new key). Which keys may be
// created fresh is the caller's policy; this file only refuses to create over existing files.
//
// Before a key signs a block header, record_signed_slot makes its slot durable in the same file:
// a crash after the signature, then a restart inside that slot, cannot sign a second header
// (two headers by one producer in one slot is evidence that ejects it).
//
// Crash-test hook: if the environment variable LINGJI_CRASH_POINT is "after-sign" or
// "after-fsync", prepare_vote calls std::_Exit(86) right after signing a new vote (before
// anything is written) or right after the file holding it is durable (before returning it);
// "after-block-sign" exits right after a block is signed, before it is stored or sent
// (consensus/block_producer.cpp). The variable is read once, at the first crash point the
// process passes. Unset in production.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "chain/finality/voting_rules.h"

namespace lingji::consensus {

inline constexpr std::string_view kSafetyMagic = "LJSAFE01";
inline constexpr uint32_t kSafetyVersion = 2;
inline constexpr size_t kMaxSafetyFileBytes = 4096;  // a real file is at most 8+4+32+241+32 = 317 bytes
inline constexpr int kCrashExitCode = 86;

enum class SafetyLoad {
  kOk,          // state holds the key's state
  kMissing,     // no file for this key (a leftover .tmp alone does not count)
  kDamaged,     // the file exists but is not a valid file for this key: reason says why
  kOldVersion,  // a valid-looking version-1 file: refused (see the top of this file)
  kUnreadable,  // the file could not be read (permissions, I/O error): reason says why
};

struct LoadedSafety {
  SafetyLoad status = SafetyLoad::kMissing;
  chain::finality::SafetyState state;  // kOk only
  std::string reason;                  // kDamaged, kOldVersion and kUnreadable
};

// A vote ready to send: its file is durable. resend: the stored vote of an identical request.
struct PreparedVote {
  chain::finality::SignedVote vote;
  bool resend = false;
};

// Exits the process with kCrashExitCode when LINGJI_CRASH_POINT is `name` (see the top of this
// file); otherwise does nothing.
void crash_point(std::string_view name);

class SafetyStore {
 public:
  static std::filesystem::path file_path(const std::filesystem::path& dir, const core::PublicKey& key);
  static std::filesystem::path temp_path(const std::filesystem::path& dir, const core::PublicKey& key);

  // Reads the key's file. Wrong magic, an unknown version or key, a bad checksum, truncation,
  // trailing bytes and an undecodable or inconsistent state are all kDamaged; version 1 is
  // kOldVersion.
  static LoadedSafety load(const std::filesystem::path& dir, const core::PublicKey& key);

  // Writes the first file of a brand-new key (creating dir, mode 0700, if needed). Fails with
  // finality.safety_file_exists if the key has a file or a .tmp (it has been used: never reset).
  // Errors: finality.safety_file_exists, finality.safety_io_error.
  [[nodiscard]] static core::Status create(const std::filesystem::path& dir, const core::PublicKey& key,
                                           const chain::finality::SafetyState& initial);

  // Replaces the key's file with `state`, atomically and durably (see the top of this file).
  // The key's file must exist and be valid (create() makes it): a lost file is never silently
  // re-created. `state` must not be behind the file: a lower last_vote_slot, lock_slot or
  // last_signed_slot, or another block in the same last_vote_slot, is refused (a stale copy must
  // not roll it back).
  // Errors: finality.safety_file_missing, finality.safety_file_damaged, safety.old_version,
  // finality.bad_safety_state, finality.safety_io_error. After an I/O error the file may hold the
  // old state or the new one.
  [[nodiscard]] static core::Status persist(const std::filesystem::path& dir, const core::PublicKey& key,
                                            const chain::finality::SafetyState& state);

  // Applies the voting rules (chain/finality/voting_rules.h) to candidate with the key's state.
  // Vote: signs, stores the signed vote in the new state, persists it, sets state to it, and only
  //       then returns the vote; the caller may send it as soon as this returns.
  // Resend: returns the stored vote; nothing is written. Refuse: returns the rule's error.
  // Requires: state is the key's state as last loaded or persisted (the caller keeps it between
  // calls and serialises calls per key).
  // Errors: the refusals of decide_vote, and persist's. After a persist error `state` is left
  // unchanged but the file may already hold the new vote: the caller must not vote with this key
  // again until it has reloaded the state with load().
  [[nodiscard]] static core::Result<PreparedVote> prepare_vote(const std::filesystem::path& dir,
                                                               const core::Hash256& chain_id,
                                                               const core::PrivateKey& key,
                                                               chain::finality::SafetyState& state,
                                                               const chain::finality::BlockRef& candidate,
                                                               bool extends_lock);

  // Makes `slot` the key's last signed slot, durably, before the caller signs a header there.
  // Refuses a slot at or below the one recorded (producer.slot_already_signed): signing it could
  // be a second header in a slot, or one below a header already signed.
  // Requires: as prepare_vote's. Errors: producer.slot_already_signed, and persist's (after
  // which, as there, the key must not sign again until its state is reloaded).
  [[nodiscard]] static core::Status record_signed_slot(const std::filesystem::path& dir, const core::PublicKey& key,
                                                       chain::finality::SafetyState& state, uint64_t slot);

  // The file's bytes, and their decoding (exposed for tests and tools).
  static core::Bytes encode_file(const core::PublicKey& key, const chain::finality::SafetyState& state);
  // Ok, or kDamaged with the reason.
  static LoadedSafety decode_file(core::ByteView bytes, const core::PublicKey& key);
};

}  // namespace lingji::consensus
