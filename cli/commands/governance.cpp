// governance.cpp: `lingji governance ...`, the committee of R14: the active producers' accounts
// propose parameter values or the listing declaration, and approve proposals.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "chain/chain_errors.h"
#include "chain/governance/governance.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace lingji::cli {
namespace {

// The --set name=value pairs as parameter changes, read by the parameter table
// (chain/governance/params.h): amounts in CT, the others whole numbers. The node checks the
// values' ranges. A bad pair is the chain's governance.bad_param (an amount keeps the amount's
// own error), refused here before any signing.
core::Result<std::vector<chain::ParamChange>> parse_settings(const std::vector<std::string>& settings) {
  std::vector<chain::ParamChange> changes;
  for (const auto& setting : settings) {
    auto eq = setting.find('=');
    if (eq == std::string::npos)
      return chain::chain_error("governance.bad_param", "--set takes name=value, not \"" + setting + "\"");
    const std::string param = setting.substr(0, eq), value = setting.substr(eq + 1);
    const chain::ParamRow* row = chain::find_param(param);
    if (!row)
      return chain::chain_error("governance.bad_param",
                                "unknown parameter \"" + param + "\" (see lingji governance params)");
    auto v = chain::parse_param_value(*row, value);
    if (!v) return v.error();
    changes.push_back({row->id, *v});
  }
  return changes;
}

// The heights of a proposal made now: approvals count for expires_in blocks after the head, and
// it takes effect effect_delay blocks after that.
chain::ProposalHeights heights_from_head(const Settings& s, uint64_t expires_in, uint64_t effect_delay) {
  const uint64_t head = call(s, "GET", "/v1/info")["head_height"].get<uint64_t>();
  return chain::ProposalHeights{head + expires_in + effect_delay, head + expires_in};
}

}  // namespace

void add_governance_commands(CLI::App& app, const Settings& s) {
  struct Options {
    std::vector<std::string> settings;
    uint64_t proposal_id = 0, expires_in = 600, effect_delay = 0;
    std::string description, exchange;
    TxOptions tx;
  };
  auto o = std::make_shared<Options>();
  auto show = [&s](const std::string& target) { std::cout << call(s, "GET", target).dump(2) << "\n"; };

  auto* gov = app.add_subcommand("governance", "the committee's parameters and proposals");
  gov->require_subcommand(1);
  gov->add_subcommand("params", "the parameters in force, the committee and the fee pool")->callback([show] {
    show("/v1/governance/params");
  });
  gov->add_subcommand("proposals", "the proposals, newest first")->callback([show] {
    show("/v1/governance/proposals");
  });
  auto* gov_show = gov->add_subcommand("show", "one proposal");
  gov_show->add_option("id", o->proposal_id)->required();
  gov_show->callback([show, o] { show("/v1/governance/proposals/" + std::to_string(o->proposal_id)); });

  auto* gov_propose = gov->add_subcommand("propose", "propose parameter values (a producer's account)");
  gov_propose->add_option("--set", o->settings, "name=value, e.g. bet_fee_default_bp=300 or bet_max=150 (CT)")
      ->required();
  auto* gov_listing =
      gov->add_subcommand("propose-listing", "propose to declare that CT is listed (a producer's account)");
  gov_listing->add_option("--exchange", o->exchange, "the exchange's name")->required();
  for (auto* c : {gov_propose, gov_listing}) {
    c->add_option("--expires-in", o->expires_in, "blocks after the head in which approvals count (default 600)");
    c->add_option("--effect-delay", o->effect_delay, "blocks from the expiry to the effect (default 0)");
    c->add_option("--description", o->description, "up to 256 bytes");
  }
  auto* gov_approve = gov->add_subcommand("approve", "approve a pending proposal (a producer's account)");
  auto* gov_unapprove = gov->add_subcommand("unapprove", "take back an approval of a pending proposal");
  for (auto* c : {gov_approve, gov_unapprove}) c->add_option("id", o->proposal_id)->required();
  for (auto* c : {gov_propose, gov_listing, gov_approve, gov_unapprove}) {
    c->add_option("--from", o->tx.from, "the producer's wallet key")->required();
    c->add_flag("--wait", o->tx.wait, "follow the transaction until it is in a block");
    c->add_option("--timeout", o->tx.wait_s, "seconds to wait with --wait");
  }

  gov_propose->callback([&s, o] {
    const chain::ProposalHeights heights = heights_from_head(s, o->expires_in, o->effect_delay);
    auto changes = parse_settings(o->settings);
    if (!changes) die(changes.error().message);
    send_op(s, o->tx, chain::GovernancePropose{std::move(*changes), heights, o->description});
  });
  gov_listing->callback([&s, o] {
    const chain::ProposalHeights heights = heights_from_head(s, o->expires_in, o->effect_delay);
    send_op(s, o->tx, chain::GovernanceProposeListing{o->exchange, heights, o->description});
  });
  gov_approve->callback([&s, o] { send_op(s, o->tx, chain::GovernanceApprove{o->proposal_id}); });
  gov_unapprove->callback([&s, o] { send_op(s, o->tx, chain::GovernanceUnapprove{o->proposal_id}); });
}

}  // namespace lingji::cli
