// account.cpp: accounts, transfers and the chain's state: `lingji balance|send|tx|info|supply|block`.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "chain/protocol/transaction.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "core/address.h"

namespace lingji::cli {
namespace {

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

// Prints the node's answer to a GET as indented JSON.
void show(const Settings& s, const std::string& target) { std::cout << call(s, "GET", target).dump(2) << "\n"; }

}  // namespace

void add_account_commands(CLI::App& app, const Settings& s) {
  struct Options {
    std::string who, to, amount_text, memo, tx_id, block_ref;
    TxOptions tx;
  };
  auto o = std::make_shared<Options>();

  auto* balance = app.add_subcommand("balance", "show an account: free, locked, vesting schedule");
  balance->add_option("account", o->who, "an address or a wallet key name")->required();
  balance->callback([&s, o] {
    print_account(s, call(s, "GET", "/v1/accounts/" + core::encode_address(resolve_account(s, o->who))));
  });

  auto* send = app.add_subcommand("send", "send CT");
  send->add_option("--from", o->tx.from, "wallet key to send from")->required();
  send->add_option("--to", o->to, "recipient address or wallet key name")->required();
  send->add_option("--amount", o->amount_text, "amount in CT, e.g. 12.5 (at most 8 decimals)")->required();
  send->add_option("--memo", o->memo, "a note for the recipient (up to 256 bytes)");
  send->add_flag("--wait", o->tx.wait, "follow the transaction until it is in a block");
  send->add_option("--timeout", o->tx.wait_s, "seconds to wait with --wait");
  send->callback([&s, o] {
    auto amount = core::Amount::parse(o->amount_text);
    if (!amount) die(amount.error().message);
    if (o->memo.size() > chain::kMaxMemoBytes) die("the memo is longer than 256 bytes");
    std::string id = submit(s, o->tx.from, {chain::Transfer{resolve_account(s, o->to), *amount, o->memo}});
    if (o->tx.wait) report_tx(s, wait_for(s, id, o->tx.wait_s));
    else std::cout << (s.json ? Json{{"id", id}, {"status", "pending"}}.dump() : "transaction " + id + " pending") << "\n";
  });

  auto* tx = app.add_subcommand("tx", "show a transaction's status");
  tx->add_option("id", o->tx_id)->required();
  tx->add_flag("--wait", o->tx.wait, "follow it until it is in a block");
  tx->add_option("--timeout", o->tx.wait_s, "seconds to wait with --wait");
  tx->callback([&s, o] {
    report_tx(s, o->tx.wait ? wait_for(s, o->tx_id, o->tx.wait_s) : call(s, "GET", "/v1/transactions/" + o->tx_id));
  });

  app.add_subcommand("info", "show the node's chain and head")->callback([&s] { show(s, "/v1/info"); });
  app.add_subcommand("supply", "show the total supply by category, locked and unlocked")->callback([&s] {
    show(s, "/v1/supply");
  });
  auto* block = app.add_subcommand("block", "show a block by height or id");
  block->add_option("ref", o->block_ref)->required();
  block->callback([&s, o] { show(s, "/v1/blocks/" + o->block_ref); });
}

}  // namespace lingji::cli
