// common.h: what the lingji commands share (cli/commands/*.cpp): the global options, the key
// password, the keystore, calls to the node, naming accounts, and signing, sending and following
// a transaction.
//
// A command stops at its first failure: die() prints "lingji: <message>" and exits with 1 (a
// fault here: bad input, no node, a wrong password) or 2 (the node or the chain refused it; its
// error name and code are printed). docs/ and tests/functional rely on these texts and codes.
// This header stays free of CLI11 (only the commands' .cpp files include it).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/protocol/operations.h"
#include "cli/keystore.h"
#include "core/keys.h"
#include "core/secret.h"

namespace lingji::cli {

using Json = nlohmann::ordered_json;  // keep the node's field order when printing

// The global options, read before any command runs.
struct Settings {
  std::string node = "http://127.0.0.1:8780";
  std::string wallet_dir;
  std::string password_file;
  bool json = false;
};

[[noreturn]] void die(const std::string& message, int code = 1);

// From $LINGJI_PASSWORD, else --password-file, else a prompt on the terminal (twice if confirm).
// Wiped when it goes out of scope (core/secret.h).
core::SecretString read_password(const Settings& s, bool confirm);

// The keystore in --wallet (default ~/.lingji/wallet), to read and unlock keys. Does no I/O.
Keystore keystore(const Settings& s);
// The same keystore, to create or import a key: its Argon2id cost follows cli/kdf_policy.h.
// With $LINGJI_INSECURE_FAST_KDF it warns on stderr, asks the node which chain it runs, and dies
// with wallet.insecure_kdf_refused unless that is a development chain.
Keystore keystore_for_new_key(const Settings& s);

// Calls the node; dies with the node's own error message (exit 2) on an error answer.
Json call(const Settings& s, const std::string& method, const std::string& target, const std::string& body = "");

// An address, or the name of a key in the wallet.
core::PublicKey resolve_account(const Settings& s, const std::string& who);

// Follows a transaction until it is in a block or rejected; returns the final status JSON.
Json wait_for(const Settings& s, const std::string& id, int timeout_s);

// Prints a transaction's status; exits with 2 when it was rejected.
void report_tx(const Settings& s, const Json& j);

// Builds, signs and submits one transaction from a wallet key; returns its id.
std::string submit(const Settings& s, const std::string& from, std::vector<chain::Operation> ops);

// --from, --wait and --timeout of a command that sends one operation.
struct TxOptions {
  std::string from;
  bool wait = false;
  int wait_s = 30;
};

// Submits one operation from --from and reports it (pending, or its block with --wait).
void send_op(const Settings& s, const TxOptions& tx, chain::Operation op);

}  // namespace lingji::cli
