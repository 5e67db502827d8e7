// handshake.h: the proof of identity in the P2P handshake (docs/p2p.md), without sockets.
//
// Each node's node_id is its Ed25519 identity key (net/identity.h). Both sides send a hello with
// a fresh random nonce; once a side has the peer's hello it sends auth, a signature over
//   auth_message := "LINGJI/P2P-AUTH/v1" chain_id:fixed<32> signer_id:fixed<32>
//                   verifier_id:fixed<32> verifier_nonce:fixed<32> signer_nonce:fixed<32>
// The verifier's nonce makes every proof good for one connection only (a recorded proof is
// worthless), the chain id keeps it on one chain, and the verifier's id names whom it was made
// for: a proof that X made for a man in the middle M names M, so M cannot hand it to V as its
// own proof of being X (V checks that the proof names V).
#pragma once

#include "core/bytes.h"
#include "core/keys.h"
#include "core/result.h"
#include "net/frame.h"

namespace lingji::net {

// The bytes signed by `signer` for `verifier` (both hellos of one connection, same chain).
core::Bytes auth_message(const Hello& signer, const Hello& verifier);

// The auth payload proving that `key` (whose public key is mine.node_id) holds mine.node_id,
// for the peer that sent `theirs`. Requires: key.public_key() == mine.node_id.
core::Bytes encode_auth(const core::PrivateKey& key, const Hello& mine, const Hello& theirs);

// Ok if payload is a signature by theirs.node_id over auth_message(theirs, mine). Errors:
// net.protocol_violation (not 64 bytes), net.bad_auth (the signature does not verify: a forged,
// replayed or relayed proof).
[[nodiscard]] core::Status check_auth(core::ByteView payload, const Hello& theirs, const Hello& mine);

}  // namespace lingji::net
