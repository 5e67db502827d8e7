// dealer.cpp: `lingji dealer ...`, the dealer registry of R12: a shop applies, the foundation
// approves or suspends it.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"
#include "core/address.h"

namespace lingji::cli {

void add_dealer_commands(CLI::App& app, const Settings& s) {
  struct Options {
    std::string name, region, country, contact, dealer;
    TxOptions tx;
  };
  auto o = std::make_shared<Options>();

  auto* dealer = app.add_subcommand("dealer", "the dealer registry");
  dealer->require_subcommand(1);
  auto* apply = dealer->add_subcommand("apply", "apply to be a dealer");
  apply->add_option("--from", o->tx.from, "your wallet key")->required();
  apply->add_option("--name", o->name, "the shop's name")->required();
  apply->add_option("--region", o->region, "city or region")->required();
  apply->add_option("--country", o->country, "ISO 3166-1 alpha-2 code, e.g. ID, JP, KR")->required();
  apply->add_option("--contact", o->contact, "phone, e-mail or address")->required();
  auto* approve = dealer->add_subcommand("approve", "approve a dealer (the foundation's key)");
  auto* suspend = dealer->add_subcommand("suspend", "suspend a dealer (the foundation's key)");
  for (auto* c : {approve, suspend}) {
    c->add_option("--from", o->tx.from, "the foundation's wallet key")->required();
    c->add_option("dealer", o->dealer, "the dealer's address or wallet key name")->required();
  }
  auto* show = dealer->add_subcommand("show", "show a dealer");
  show->add_option("dealer", o->dealer)->required();
  for (auto* c : {apply, approve, suspend})
    c->add_flag("--wait", o->tx.wait, "follow the transaction until it is in a block");

  apply->callback([&s, o] { send_op(s, o->tx, chain::DealerApply{o->name, o->region, o->country, o->contact}); });
  approve->callback([&s, o] {
    send_op(s, o->tx, chain::DealerSetStatus{resolve_account(s, o->dealer), chain::DealerStatus::kApproved});
  });
  suspend->callback([&s, o] {
    send_op(s, o->tx, chain::DealerSetStatus{resolve_account(s, o->dealer), chain::DealerStatus::kSuspended});
  });
  show->callback([&s, o] {
    std::cout << call(s, "GET", "/v1/dealers/" + core::encode_address(resolve_account(s, o->dealer))).dump(2) << "\n";
  });
}

}  // namespace lingji::cli
