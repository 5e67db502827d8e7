// identity.h: this node's P2P identity key (Ed25519), kept in its data directory.
//
// The key's public half is the node_id every hello carries, and the handshake proves possession
// of it (net/handshake.h), so a peer cannot pose as another node. It is not a producer key and
// signs nothing but handshakes; losing it only gives the node a new identity.
// File: the 32-byte seed as 64 hex digits and a newline, mode 0600, created at first start.
#pragma once

#include <filesystem>

#include "core/keys.h"
#include "core/result.h"

namespace lingji::net {

// Reads the identity key at path, or creates one there (random seed; written to a temporary file
// with mode 0600, synced, then renamed) if no file exists. Errors: net.bad_identity when the file
// cannot be read or written, does not hold 64 hex digits, or is readable by others than its owner
// (a leaked identity key lets anyone pose as this node).
[[nodiscard]] core::Result<core::PrivateKey> load_or_create_identity(const std::filesystem::path& path);

// A fresh random identity that is never stored (tests and tools).
core::PrivateKey random_identity();

}  // namespace lingji::net
