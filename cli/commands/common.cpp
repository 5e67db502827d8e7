// common.cpp: the helpers of common.h, shared by every lingji command.
#include "cli/commands/common.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "chain/protocol/transaction.h"
#include "cli/http_client.h"
#include "cli/kdf_policy.h"
#include "core/address.h"

namespace lingji::cli {

void die(const std::string& message, int code) {
  std::cerr << "lingji: " << message << "\n";
  std::exit(code);
}

core::SecretString read_password(const Settings& s, bool confirm) {
  // The environment's copy cannot be wiped (getenv's string must not be written); ours is.
  if (const char* env = std::getenv("LINGJI_PASSWORD")) return core::SecretString(env);
  if (!s.password_file.empty()) {
    std::ifstream in(s.password_file);
    std::string line;
    if (!in || !std::getline(in, line)) die("cannot read the password file " + s.password_file);
    core::SecretString pw(line);
    core::wipe_string(line);
    return pw;
  }
  if (!isatty(STDIN_FILENO)) die("no password: set LINGJI_PASSWORD or use --password-file");
  auto prompt = [](const char* text) {
    std::cerr << text << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    // Read into the secret's own buffer, a character at a time: no std::string copy to wipe.
    core::SecretString pw;
    bool fits = true;
    for (int c = std::cin.get(); c != EOF && c != '\n'; c = std::cin.get()) fits = fits && pw.push_back(static_cast<char>(c));
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    if (!fits) die("the password is longer than " + std::to_string(core::SecretString::kReserve) + " bytes");
    return pw;
  };
  core::SecretString pw = prompt("Password: ");
  if (confirm && !(prompt("Repeat password: ") == pw)) die("the passwords differ");
  return pw;
}

namespace {

std::string wallet_dir(const Settings& s) {
  if (!s.wallet_dir.empty()) return s.wallet_dir;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.lingji/wallet";
}

}  // namespace

Keystore keystore(const Settings& s) { return Keystore(wallet_dir(s)); }

Keystore keystore_for_new_key(const Settings& s) {
  const bool insecure = std::getenv(kInsecureFastKdfVariable) != nullptr;
  std::optional<std::string> foundation;
  if (insecure) {  // only then does a new key need to know the chain
    auto out = http_request(s.node, "GET", "/v1/info");
    auto j = out.ok && out.result.status == 200 ? Json::parse(out.result.body, nullptr, false) : Json();
    if (j.is_object() && j.contains("foundation") && j["foundation"].is_string()) foundation = j["foundation"].get<std::string>();
  }
  auto limits = new_key_kdf_limits(insecure, foundation, std::cerr);
  if (!limits) die(limits.error().name + " (" + std::to_string(limits.error().code) + "): " + limits.error().message);
  return Keystore(wallet_dir(s), *limits);
}

Json call(const Settings& s, const std::string& method, const std::string& target, const std::string& body) {
  auto out = http_request(s.node, method, target, body);
  if (!out.ok) die("cannot reach the node at " + s.node + ": " + out.error);
  auto j = Json::parse(out.result.body, nullptr, false);
  if (j.is_discarded()) die("the node sent an answer that is not JSON (HTTP " + std::to_string(out.result.status) + ")");
  if (out.result.status >= 400 && j.contains("error")) {
    const auto& e = j["error"];
    die(e.value("name", "error") + " (" + std::to_string(e.value("code", 0)) + "): " + e.value("message", ""), 2);
  }
  return j;
}

core::PublicKey resolve_account(const Settings& s, const std::string& who) {
  if (auto key = core::parse_address(who)) return *key;
  else if (who.rfind("lj1", 0) == 0) die(key.error().message);
  auto info = keystore(s).info(who);
  if (!info) die("\"" + who + "\" is neither an address nor a key in the wallet: " + info.error().message);
  return info->public_key;
}

Json wait_for(const Settings& s, const std::string& id, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int unknown = 0;
  for (;;) {
    auto out = http_request(s.node, "GET", "/v1/transactions/" + id);
    if (out.ok && out.result.status == 200) {
      auto j = Json::parse(out.result.body, nullptr, false);
      if (!j.is_discarded() && j.value("status", "") != "pending") return j;
      unknown = 0;
    } else if (out.ok && out.result.status == 404 && ++unknown >= 10) {
      // Neither pending nor in a block for 2 s: the node dropped it (e.g. it restarted, and
      // pending transactions are not kept across restarts). It never took effect.
      die("transaction " + id + " is unknown to the node: it was dropped before reaching a block; "
          "send it again", 2);
    }
    if (std::chrono::steady_clock::now() > deadline) die("transaction " + id + " is still not in a block after " + std::to_string(timeout_s) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void report_tx(const Settings& s, const Json& j) {
  if (s.json) {
    std::cout << j.dump(2) << "\n";
  } else if (j.value("status", "") == "committed") {
    std::cout << "transaction " << j["id"].get<std::string>() << " committed in block " << j["block_height"]
              << (j.value("final", false) ? " (final)" : "") << "\n";
  } else if (j.value("status", "") == "rejected") {
    std::cout << "transaction " << j["id"].get<std::string>() << " rejected: " << j["error"]["name"].get<std::string>()
              << ": " << j["error"]["message"].get<std::string>() << "\n";
  } else {
    std::cout << "transaction " << j["id"].get<std::string>() << " " << j.value("status", "unknown") << "\n";
  }
  if (j.value("status", "") == "rejected") std::exit(2);
}

std::string submit(const Settings& s, const std::string& from, std::vector<chain::Operation> ops) {
  auto ks = keystore(s);
  auto info = ks.info(from);
  if (!info) die(info.error().message);
  Json node_info = call(s, "GET", "/v1/info");
  Json account = call(s, "GET", "/v1/accounts/" + info->address);
  chain::TransactionBody body;
  auto chain_id = core::from_hex(node_info["chain_id"].get<std::string>());
  if (!chain_id || chain_id->size() != 32) die("the node reported a malformed chain id");
  body.chain_id = *core::Hash256::from(*chain_id);
  // Expire five minutes after the node's head time (never past the chain's limit): the node's
  // clock, not this machine's, is what the chain judges expiry by.
  int64_t lifetime = std::min<int64_t>(300'000, node_info["max_transaction_lifetime_ms"].get<int64_t>() - 1000);
  body.expiration = node_info["head_time_ms"].get<int64_t>() + lifetime;
  body.sender = info->public_key;
  body.sequence = account["next_sequence"].get<uint64_t>();
  body.operations = std::move(ops);
  auto key = ks.unlock(from, read_password(s, false).view());
  if (!key) die(key.error().message);
  auto tx = chain::SignedTransaction::sign(std::move(body), *key);
  Json answer = call(s, "POST", "/v1/transactions", Json{{"transaction", core::to_hex(tx.bytes())}}.dump());
  return answer["id"].get<std::string>();
}

void send_op(const Settings& s, const TxOptions& tx, chain::Operation op) {
  std::string id = submit(s, tx.from, {std::move(op)});
  if (tx.wait) report_tx(s, wait_for(s, id, tx.wait_s));
  else std::cout << "transaction " << id << " pending\n";
}

}  // namespace lingji::cli
