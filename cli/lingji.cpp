// lingji: the command-line wallet. Keys live in an encrypted keystore (cli/keystore.h) and
// never leave this process: transactions are built and signed here and sent to a node as hex.
// The password comes from $LINGJI_PASSWORD, --password-file, or a prompt on the terminal.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "chain/genesis/dev_keys.h"
#include "chain/governance/governance.h"
#include "chain/protocol/transaction.h"
#include "cli/http_client.h"
#include "cli/keystore.h"
#include "core/address.h"

using namespace lingji;
using Json = nlohmann::ordered_json;  // keep the node's field order when printing

namespace {

struct Settings {
  std::string node = "http://127.0.0.1:8780";
  std::string wallet_dir;
  std::string password_file;
  bool json = false;
};

[[noreturn]] void die(const std::string& message, int code = 1) {
  std::cerr << "lingji: " << message << "\n";
  std::exit(code);
}

std::string read_password(const Settings& s, bool confirm) {
  if (const char* env = std::getenv("LINGJI_PASSWORD")) return env;
  if (!s.password_file.empty()) {
    std::ifstream in(s.password_file);
    std::string line;
    if (!in || !std::getline(in, line)) die("cannot read the password file " + s.password_file);
    return line;
  }
  if (!isatty(STDIN_FILENO)) die("no password: set LINGJI_PASSWORD or use --password-file");
  auto prompt = [](const char* text) {
    std::cerr << text << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string pw;
    std::getline(std::cin, pw);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return pw;
  };
  std::string pw = prompt("Password: ");
  if (confirm && prompt("Repeat password: ") != pw) die("the passwords differ");
  return pw;
}

cli::Keystore keystore(const Settings& s) {
  std::string dir = s.wallet_dir;
  if (dir.empty()) {
    const char* home = std::getenv("HOME");
    dir = std::string(home ? home : ".") + "/.lingji/wallet";
  }
  // Tests may lower the Argon2id cost; never a default.
  if (std::getenv("LINGJI_INSECURE_FAST_KDF")) return cli::Keystore(dir, cli::KdfLimits::minimum());
  return cli::Keystore(dir);
}

// Calls the node; dies with the node's own error message on failure.
Json call(const Settings& s, const std::string& method, const std::string& target, const std::string& body = "") {
  auto out = cli::http_request(s.node, method, target, body);
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

void print_account(const Settings& s, const Json& a) {
  if (s.json) {
    std::cout << a.dump(2) << "\n";
    return;
  }
  std::cout << "address   " << a["address"].get<std::string>() << "\n"
            << "balance   " << a["balance"].get<std::string>() << " CT\n"
            << "free      " << a["free"].get<std::string>() << " CT\n"
            << "locked    " << a["locked"].get<std::string>() << " CT\n"
            << "sequence  " << a["sequence"] << "\n";
  if (a["vesting"].is_object()) {
    const auto& v = a["vesting"];
    std::cout << "vesting   " << v["category"].get<std::string>() << ", " << v["original"].get<std::string>()
              << " CT locked at genesis; all free on " << v["cliff_end"].get<std::string>()
              << (v["monthly_unlocks_started"].get<bool>() ? "; 10% monthly unlocks running" : "") << "\n";
    for (const auto& e : v["schedule"])
      std::cout << "  unlock  " << e["time"].get<std::string>() << "  " << e["amount"].get<std::string>() << " CT\n";
  }
}

// Follows a transaction until it is in a block or rejected; returns the final status JSON.
Json wait_for(const Settings& s, const std::string& id, int timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int unknown = 0;
  for (;;) {
    auto out = cli::http_request(s.node, "GET", "/v1/transactions/" + id);
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

// Builds, signs and submits one transaction from a wallet key; returns its id.
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
  auto key = ks.unlock(from, read_password(s, false));
  if (!key) die(key.error().message);
  auto tx = chain::SignedTransaction::sign(std::move(body), *key);
  Json answer = call(s, "POST", "/v1/transactions", Json{{"transaction", core::to_hex(tx.bytes())}}.dump());
  return answer["id"].get<std::string>();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lingji: the Lingji wallet"};
  app.require_subcommand(1);
  Settings s;
  if (const char* env = std::getenv("LINGJI_NODE")) s.node = env;
  app.add_option("--node", s.node, "URL of the node's API (or $LINGJI_NODE)");
  app.add_option("--wallet", s.wallet_dir, "keystore directory (default ~/.lingji/wallet)");
  app.add_option("--password-file", s.password_file, "read the key password from this file");
  app.add_flag("--json", s.json, "print the node's JSON answers");

  auto* key = app.add_subcommand("key", "manage the keys in the wallet");
  key->require_subcommand(1);
  std::string name, seed_file, dev_name;
  auto* key_new = key->add_subcommand("new", "create a new key");
  key_new->add_option("name", name, "a name for the key")->required();
  auto* key_import = key->add_subcommand("import", "import a key from a file holding its 32-byte seed in hex");
  key_import->add_option("name", name)->required();
  key_import->add_option("--seed-file", seed_file)->required();
  auto* key_dev = key->add_subcommand("import-dev", "import a documented dev-chain key (dev, foundation, team, ...)");
  key_dev->add_option("dev-name", dev_name, "dev key name, see docs/dev-chain.md")->required();
  key_dev->add_option("--as", name, "wallet name (default: the dev name)");
  auto* key_list = key->add_subcommand("list", "list the wallet's keys");
  auto* key_show = key->add_subcommand("show", "show a key's address");
  key_show->add_option("name", name)->required();

  std::string who;
  auto* balance = app.add_subcommand("balance", "show an account: free, locked, vesting schedule");
  balance->add_option("account", who, "an address or a wallet key name")->required();

  std::string to, amount_text, memo, exchange;
  bool wait = false;
  int wait_s = 30;
  auto* send = app.add_subcommand("send", "send CT");
  send->add_option("--from", name, "wallet key to send from")->required();
  send->add_option("--to", to, "recipient address or wallet key name")->required();
  send->add_option("--amount", amount_text, "amount in CT, e.g. 12.5 (at most 8 decimals)")->required();
  send->add_option("--memo", memo, "a note for the recipient (up to 256 bytes)");
  send->add_flag("--wait", wait, "follow the transaction until it is in a block");
  send->add_option("--timeout", wait_s, "seconds to wait with --wait");

  std::string tx_id;
  auto* tx = app.add_subcommand("tx", "show a transaction's status");
  tx->add_option("id", tx_id)->required();
  tx->add_flag("--wait", wait, "follow it until it is in a block");
  tx->add_option("--timeout", wait_s, "seconds to wait with --wait");

  auto* info = app.add_subcommand("info", "show the node's chain and head");
  auto* supply = app.add_subcommand("supply", "show the total supply by category, locked and unlocked");
  std::string block_ref;
  auto* block = app.add_subcommand("block", "show a block by height or id");
  block->add_option("ref", block_ref)->required();

  // The governance committee (R14): the active producers' accounts propose and approve.
  std::vector<std::string> settings;
  uint64_t proposal_id = 0, expires_in = 600, effect_delay = 0;
  std::string description;
  auto* gov = app.add_subcommand("governance", "the committee's parameters and proposals");
  gov->require_subcommand(1);
  auto* gov_params = gov->add_subcommand("params", "the parameters in force, the committee and the fee pool");
  auto* gov_list = gov->add_subcommand("proposals", "the proposals, newest first");
  auto* gov_show = gov->add_subcommand("show", "one proposal");
  gov_show->add_option("id", proposal_id)->required();
  auto* gov_propose = gov->add_subcommand("propose", "propose parameter values (a producer's account)");
  gov_propose->add_option("--set", settings, "name=value, e.g. bet_fee_default_bp=300 or bet_max=150 (CT)")->required();
  auto* gov_listing = gov->add_subcommand("propose-listing", "propose to declare that CT is listed (a producer's account)");
  gov_listing->add_option("--exchange", exchange, "the exchange's name")->required();
  for (auto* c : {gov_propose, gov_listing}) {
    c->add_option("--expires-in", expires_in, "blocks after the head in which approvals count (default 600)");
    c->add_option("--effect-delay", effect_delay, "blocks from the expiry to the effect (default 0)");
    c->add_option("--description", description, "up to 256 bytes");
  }
  auto* gov_approve = gov->add_subcommand("approve", "approve a pending proposal (a producer's account)");
  auto* gov_unapprove = gov->add_subcommand("unapprove", "take back an approval of a pending proposal");
  for (auto* c : {gov_approve, gov_unapprove}) c->add_option("id", proposal_id)->required();
  for (auto* c : {gov_propose, gov_listing, gov_approve, gov_unapprove}) {
    c->add_option("--from", name, "the producer's wallet key")->required();
    c->add_flag("--wait", wait, "follow the transaction until it is in a block");
    c->add_option("--timeout", wait_s, "seconds to wait with --wait");
  }

  // Dealers (R12) and producer candidates and votes (R14, R15).
  std::string d_name, d_region, d_country, d_contact, target, url;
  std::vector<std::string> candidates;
  auto* dealer = app.add_subcommand("dealer", "the dealer registry");
  dealer->require_subcommand(1);
  auto* dealer_apply = dealer->add_subcommand("apply", "apply to be a dealer");
  dealer_apply->add_option("--from", name, "your wallet key")->required();
  dealer_apply->add_option("--name", d_name, "the shop's name")->required();
  dealer_apply->add_option("--region", d_region, "city or region")->required();
  dealer_apply->add_option("--country", d_country, "ISO 3166-1 alpha-2 code, e.g. ID, JP, KR")->required();
  dealer_apply->add_option("--contact", d_contact, "phone, e-mail or address")->required();
  auto* dealer_approve = dealer->add_subcommand("approve", "approve a dealer (the foundation's key)");
  auto* dealer_suspend = dealer->add_subcommand("suspend", "suspend a dealer (the foundation's key)");
  for (auto* c : {dealer_approve, dealer_suspend}) {
    c->add_option("--from", name, "the foundation's wallet key")->required();
    c->add_option("dealer", target, "the dealer's address or wallet key name")->required();
  }
  auto* dealer_show = dealer->add_subcommand("show", "show a dealer");
  dealer_show->add_option("dealer", target)->required();
  auto* producer = app.add_subcommand("producer", "stand as a producer candidate (approved dealers)");
  producer->require_subcommand(1);
  auto* producer_register = producer->add_subcommand("register", "register as a candidate");
  auto* producer_key = producer->add_subcommand("update-key", "change the block-signing key");
  for (auto* c : {producer_register, producer_key}) {
    c->add_option("--from", name, "the dealer's wallet key")->required();
    c->add_option("--signing-key", target, "address or wallet key name of the block-signing key")->required();
  }
  producer_register->add_option("--url", url, "the node's public URL")->required();
  producer_register->add_option("--region", d_region, "where the node runs")->required();
  auto* producer_unregister = producer->add_subcommand("unregister", "stop being a candidate");
  producer_unregister->add_option("--from", name)->required();
  auto* producers = app.add_subcommand("producers", "the candidates that would be active now, by votes");
  auto* vote = app.add_subcommand("vote", "vote for up to 30 candidates (replaces your vote; none withdraws it)");
  vote->add_option("--from", name, "your wallet key")->required();
  vote->add_option("candidates", candidates, "candidate addresses or wallet key names");
  for (auto* c : {dealer_apply, dealer_approve, dealer_suspend, producer_register, producer_key, producer_unregister, vote})
    c->add_flag("--wait", wait, "follow the transaction until it is in a block");

  CLI11_PARSE(app, argc, argv);

  // Submits one operation from --from and reports it (pending, or its block with --wait).
  auto send_op = [&](chain::Operation op) {
    std::string id = submit(s, name, {std::move(op)});
    if (wait) report_tx(s, wait_for(s, id, wait_s));
    else std::cout << "transaction " << id << " pending\n";
  };

  if (*key_new || *key_import || *key_dev) {
    auto ks = keystore(s);
    core::Result<cli::KeyInfo> made = core::Error{};
    if (*key_new) {
      made = ks.create(name, read_password(s, true));
    } else if (*key_import) {
      std::ifstream in(seed_file);
      std::string hex;
      in >> hex;
      auto bytes = core::from_hex(hex);
      if (!bytes || bytes->size() != 32) die("the seed file must hold 64 hex digits");
      made = ks.import_seed(name, *core::Seed::from(*bytes), read_password(s, true));
    } else {
      made = ks.import_seed(name.empty() ? dev_name : name, chain::dev_seed(dev_name), read_password(s, true));
    }
    if (!made) die(made.error().message);
    std::cout << made->address << "\n";
  } else if (*key_list) {
    auto keys = keystore(s).list();
    if (!keys) die(keys.error().message);
    for (const auto& k : *keys) std::cout << k.name << "  " << k.address << "\n";
  } else if (*key_show) {
    auto k = keystore(s).info(name);
    if (!k) die(k.error().message);
    std::cout << k->address << "\n";
  } else if (*balance) {
    print_account(s, call(s, "GET", "/v1/accounts/" + core::encode_address(resolve_account(s, who))));
  } else if (*send) {
    auto amount = core::Amount::parse(amount_text);
    if (!amount) die(amount.error().message);
    if (memo.size() > chain::kMaxMemoBytes) die("the memo is longer than 256 bytes");
    std::string id = submit(s, name, {chain::Transfer{resolve_account(s, to), *amount, memo}});
    if (wait) report_tx(s, wait_for(s, id, wait_s));
    else std::cout << (s.json ? Json{{"id", id}, {"status", "pending"}}.dump() : "transaction " + id + " pending") << "\n";
  } else if (*tx) {
    report_tx(s, wait ? wait_for(s, tx_id, wait_s) : call(s, "GET", "/v1/transactions/" + tx_id));
  } else if (*info) {
    std::cout << call(s, "GET", "/v1/info").dump(2) << "\n";
  } else if (*supply) {
    std::cout << call(s, "GET", "/v1/supply").dump(2) << "\n";
  } else if (*block) {
    std::cout << call(s, "GET", "/v1/blocks/" + block_ref).dump(2) << "\n";
  } else if (*dealer_apply) {
    send_op(chain::DealerApply{d_name, d_region, d_country, d_contact});
  } else if (*dealer_approve || *dealer_suspend) {
    send_op(chain::DealerSetStatus{resolve_account(s, target),
                                   *dealer_approve ? chain::DealerStatus::kApproved : chain::DealerStatus::kSuspended});
  } else if (*dealer_show) {
    std::cout << call(s, "GET", "/v1/dealers/" + core::encode_address(resolve_account(s, target))).dump(2) << "\n";
  } else if (*producer_register) {
    send_op(chain::ProducerRegister{resolve_account(s, target), url, d_region});
  } else if (*producer_key) {
    send_op(chain::ProducerUpdateKey{resolve_account(s, target)});
  } else if (*producer_unregister) {
    send_op(chain::ProducerUnregister{});
  } else if (*producers) {
    std::cout << call(s, "GET", "/v1/producers").dump(2) << "\n";
  } else if (*vote) {
    chain::VoteProducers v;
    for (const auto& c : candidates) v.candidates.push_back(resolve_account(s, c));
    send_op(std::move(v));
  } else if (*gov_params) {
    std::cout << call(s, "GET", "/v1/governance/params").dump(2) << "\n";
  } else if (*gov_list) {
    std::cout << call(s, "GET", "/v1/governance/proposals").dump(2) << "\n";
  } else if (*gov_show) {
    std::cout << call(s, "GET", "/v1/governance/proposals/" + std::to_string(proposal_id)).dump(2) << "\n";
  } else if (*gov_propose || *gov_listing) {
    const uint64_t head = call(s, "GET", "/v1/info")["head_height"].get<uint64_t>();
    const chain::ProposalHeights heights{head + expires_in + effect_delay, head + expires_in};
    if (*gov_listing) {
      send_op(chain::GovernanceProposeListing{exchange, heights, description});
    } else {
      chain::GovernancePropose op{{}, heights, description};
      for (const auto& setting : settings) {
        auto eq = setting.find('=');
        if (eq == std::string::npos) die("--set takes name=value, not \"" + setting + "\"");
        const std::string param = setting.substr(0, eq), value = setting.substr(eq + 1);
        std::optional<chain::ParamId> id;
        for (uint8_t i = 1; i <= 7; ++i)
          if (param == chain::param_name(static_cast<chain::ParamId>(i))) id = static_cast<chain::ParamId>(i);
        if (!id) die("unknown parameter \"" + param + "\" (see lingji governance params)");
        int64_t v = 0;
        if (*id == chain::ParamId::kBetMin || *id == chain::ParamId::kBetMax || *id == chain::ParamId::kBlockReward) {
          auto amount = core::Amount::parse(value);
          if (!amount) die(param + ": " + amount.error().message);
          v = amount->units();
        } else {
          try {
            size_t used = 0;
            v = std::stoll(value, &used);
            if (used != value.size()) throw std::invalid_argument(value);
          } catch (const std::exception&) {
            die(param + " takes a whole number, not \"" + value + "\"");
          }
        }
        op.changes.push_back({*id, v});
      }
      send_op(std::move(op));
    }
  } else if (*gov_approve) {
    send_op(chain::GovernanceApprove{proposal_id});
  } else if (*gov_unapprove) {
    send_op(chain::GovernanceUnapprove{proposal_id});
  }
  return 0;
}
