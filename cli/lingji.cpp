// lingji: the command-line wallet. Keys live in an encrypted keystore (cli/keystore.h) and
// never leave this process: transactions are built and signed here and sent to a node as hex.
// The password comes from $LINGJI_PASSWORD, --password-file, or a prompt on the terminal.
// The commands are in cli/commands/, one file per group; this file reads the global options.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli/commands/commands.h"
#include "cli/commands/common.h"

using namespace lingji;

int main(int argc, char** argv) {
  CLI::App app{"lingji: the Lingji wallet"};
  app.require_subcommand(1);
  cli::Settings s;
  if (const char* env = std::getenv("LINGJI_NODE")) s.node = env;
  app.add_option("--node", s.node, "URL of the node's API (or $LINGJI_NODE)");
  app.add_option("--wallet", s.wallet_dir, "keystore directory (default ~/.lingji/wallet)");
  app.add_option("--password-file", s.password_file, "read the key password from this file");
  app.add_flag("--json", s.json, "print the node's JSON answers");

  cli::add_key_commands(app, s);
  cli::add_account_commands(app, s);
  cli::add_governance_commands(app, s);
  cli::add_dealer_commands(app, s);
  cli::add_producer_commands(app, s);

  // The chosen command runs as its subcommand's callback inside parse(). CLI11 reports --help
  // and a bad command line only by throwing ParseError, which app.exit() prints and turns into
  // the exit code (what the CLI11_PARSE macro expands to).
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
