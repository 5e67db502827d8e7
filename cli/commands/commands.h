// commands.h: the lingji command groups. Each add_*_commands() adds one group's subcommands to
// the app; each subcommand runs as its CLI11 callback once the whole command line has been
// parsed, reading the global options from `s` (which must outlive the parse).
// CLI11 itself is included only by the .cpp files under cli/.
#pragma once

namespace CLI {
class App;
}  // namespace CLI

namespace lingji::cli {

struct Settings;  // cli/commands/common.h

void add_key_commands(CLI::App& app, const Settings& s);         // key new|import|import-dev|list|show
void add_account_commands(CLI::App& app, const Settings& s);     // balance, send, tx, info, supply, block
void add_governance_commands(CLI::App& app, const Settings& s);  // governance ...
void add_dealer_commands(CLI::App& app, const Settings& s);      // dealer apply|approve|suspend|show
void add_producer_commands(CLI::App& app, const Settings& s);    // producer ..., producers, vote

}  // namespace lingji::cli
