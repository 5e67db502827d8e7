// producer.cpp: producer candidates and votes (R14, R15): `lingji producer ...`, `lingji
// producers` and `lingji vote`.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace lingji::cli {

void add_producer_commands(CLI::App& app, const Settings& s) {
  struct Options {
    std::string signing_key, url, region;
    std::vector<std::string> candidates;
    TxOptions tx;
  };
  auto o = std::make_shared<Options>();

  auto* producer = app.add_subcommand("producer", "stand as a producer candidate (approved dealers)");
  producer->require_subcommand(1);
  auto* reg = producer->add_subcommand("register", "register as a candidate");
  auto* update_key = producer->add_subcommand("update-key", "change the block-signing key");
  for (auto* c : {reg, update_key}) {
    c->add_option("--from", o->tx.from, "the dealer's wallet key")->required();
    c->add_option("--signing-key", o->signing_key, "address or wallet key name of the block-signing key")->required();
  }
  reg->add_option("--url", o->url, "the node's public URL")->required();
  reg->add_option("--region", o->region, "where the node runs")->required();
  auto* unregister = producer->add_subcommand("unregister", "stop being a candidate");
  unregister->add_option("--from", o->tx.from)->required();

  auto* producers = app.add_subcommand("producers", "the candidates that would be active now, by votes");
  auto* vote = app.add_subcommand("vote", "vote for up to 30 candidates (replaces your vote; none withdraws it)");
  vote->add_option("--from", o->tx.from, "your wallet key")->required();
  vote->add_option("candidates", o->candidates, "candidate addresses or wallet key names");
  for (auto* c : {reg, update_key, unregister, vote})
    c->add_flag("--wait", o->tx.wait, "follow the transaction until it is in a block");

  reg->callback([&s, o] {
    send_op(s, o->tx, chain::ProducerRegister{resolve_account(s, o->signing_key), o->url, o->region});
  });
  update_key->callback([&s, o] { send_op(s, o->tx, chain::ProducerUpdateKey{resolve_account(s, o->signing_key)}); });
  unregister->callback([&s, o] { send_op(s, o->tx, chain::ProducerUnregister{}); });
  producers->callback([&s] { std::cout << call(s, "GET", "/v1/producers").dump(2) << "\n"; });
  vote->callback([&s, o] {
    chain::VoteProducers v;
    for (const auto& c : o->candidates) v.candidates.push_back(resolve_account(s, c));
    send_op(s, o->tx, std::move(v));
  });
}

}  // namespace lingji::cli
