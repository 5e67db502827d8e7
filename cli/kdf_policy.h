// kdf_policy.h: the Argon2id cost of a new wallet key. Always KdfLimits::interactive(), except
// that $LINGJI_INSECURE_FAST_KDF (the tests' shortcut: KdfLimits::minimum(), which offers no
// brute-force resistance) is allowed for a development chain only, and is announced on stderr
// every time it is used, whatever the chain.
//
// A development chain is one whose foundation key is the publicly known dev key
// (chain::dev_key("foundation"), the built-in genesis of `lingjid --dev`; docs/dev-chain.md):
// anyone can derive its keys, so its CT are worth nothing and a weak keystore loses nothing. The
// wallet learns the chain from the node it talks to (--node, GET /v1/info, "foundation"); when
// it cannot ask (no node) or the node runs another chain, the shortcut is refused with
// wallet.insecure_kdf_refused and no key is written. A key file records its own limits, so the
// policy matters only when a key is created or imported; unlocking reads what the file says.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/keystore.h"
#include "core/result.h"

namespace lingji::cli {

inline constexpr const char* kInsecureFastKdfVariable = "LINGJI_INSECURE_FAST_KDF";

// True iff foundation_address is the development chain's foundation ("lj1q..." of
// chain::dev_key("foundation")).
bool is_dev_chain_foundation(std::string_view foundation_address);

// The limits for a new key. insecure_requested: $LINGJI_INSECURE_FAST_KDF is set.
// node_foundation: the "foundation" of the node's GET /v1/info, nullopt if the node could not be
// asked. Whenever insecure_requested, writes a warning to `warnings` first.
// Errors: wallet.insecure_kdf_refused (6009) when insecure_requested and the chain is not a
// development chain (or is unknown).
[[nodiscard]] core::Result<KdfLimits> new_key_kdf_limits(bool insecure_requested,
                                                         const std::optional<std::string>& node_foundation,
                                                         std::ostream& warnings);

}  // namespace lingji::cli
