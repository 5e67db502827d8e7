// keys.cpp: `lingji key ...`, the wallet's keys. Needs no node.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "chain/genesis/dev_keys.h"
#include "cli/commands/commands.h"
#include "cli/commands/common.h"

namespace lingji::cli {
namespace {

void print_stored(const core::Result<KeyInfo>& made) {
  if (!made) die(made.error().message);
  std::cout << made->address << "\n";
}

}  // namespace

void add_key_commands(CLI::App& app, const Settings& s) {
  struct Options {
    std::string name, seed_file, dev_name;
  };
  auto o = std::make_shared<Options>();

  auto* key = app.add_subcommand("key", "manage the keys in the wallet");
  key->require_subcommand(1);

  auto* key_new = key->add_subcommand("new", "create a new key");
  key_new->add_option("name", o->name, "a name for the key")->required();
  key_new->callback([&s, o] {
    auto ks = keystore_for_new_key(s);
    print_stored(ks.create(o->name, read_password(s, true).view()));
  });

  auto* key_import = key->add_subcommand("import", "import a key from a file holding its 32-byte seed in hex");
  key_import->add_option("name", o->name)->required();
  key_import->add_option("--seed-file", o->seed_file)->required();
  key_import->callback([&s, o] {
    auto ks = keystore_for_new_key(s);
    std::ifstream in(o->seed_file);
    std::string hex;
    in >> hex;
    auto bytes = core::from_hex(hex);
    core::wipe_string(hex);
    if (!bytes || bytes->size() != 32) die("the seed file must hold 64 hex digits");
    core::Secret<core::Seed> seed;
    std::copy(bytes->begin(), bytes->end(), seed.get().bytes.begin());
    core::wipe_bytes(bytes->data(), bytes->size());
    print_stored(ks.import_seed(o->name, seed.get(), read_password(s, true).view()));
  });

  auto* key_dev = key->add_subcommand("import-dev", "import a documented dev-chain key (dev, foundation, team, ...)");
  key_dev->add_option("dev-name", o->dev_name, "dev key name, see docs/dev-chain.md")->required();
  key_dev->add_option("--as", o->name, "wallet name (default: the dev name)");
  key_dev->callback([&s, o] {
    auto ks = keystore_for_new_key(s);
    const std::string& name = o->name.empty() ? o->dev_name : o->name;
    print_stored(ks.import_seed(name, chain::dev_seed(o->dev_name), read_password(s, true).view()));
  });

  auto* key_list = key->add_subcommand("list", "list the wallet's keys");
  key_list->callback([&s] {
    auto keys = keystore(s).list();
    if (!keys) die(keys.error().message);
    for (const auto& k : *keys) std::cout << k.name << "  " << k.address << "\n";
  });

  auto* key_show = key->add_subcommand("show", "show a key's address");
  key_show->add_option("name", o->name)->required();
  key_show->callback([&s, o] {
    auto k = keystore(s).info(o->name);
    if (!k) die(k.error().message);
    std::cout << k->address << "\n";
  });
}

}  // namespace lingji::cli
