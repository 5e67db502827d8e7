// wallet_flow_test.cpp: what a newcomer does on the dev chain, with the real lingjid and lingji:
// import the documented dev key, create a key, send CT with a memo, follow it into a block,
// check balances, be refused clearly (typo, locked CT, overdraft), restart the node.
#include <gtest/gtest.h>

#include "tests/functional/harness.h"

namespace lingji::functional {
namespace {

TEST(WalletFlow, SendFollowAndRestart) {
  TempDir tmp;
  NodeProcess node(tmp.path() / "node");
  auto wallet = tmp.path() / "wallet";
  auto cli = [&](std::vector<std::string> args) { return run_cli(node.url(), wallet, args); };

  auto dev = cli({"key", "import-dev", "dev"});
  ASSERT_EQ(dev.exit_code, 0) << dev.err;
  EXPECT_EQ(dev.out, "lj1qyq26r78ra284atms2fg62hptza2lfgc2sqmnu5c5a9jnma6d2fyq7qpxen\n");  // docs/dev-chain.md
  auto alice = cli({"key", "new", "alice"});
  ASSERT_EQ(alice.exit_code, 0) << alice.err;
  std::string alice_addr = alice.out.substr(0, alice.out.size() - 1);

  auto sent = cli({"send", "--from", "dev", "--to", alice_addr, "--amount", "12.5", "--memo", "for the match", "--wait"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(sent.out.find("committed in block"), std::string::npos) << sent.out;
  std::string tx_id = sent.out.substr(std::string("transaction ").size(), 64);

  auto bal = cli({"--json", "balance", "alice"});
  ASSERT_EQ(bal.exit_code, 0) << bal.err;
  Json a = Json::parse(bal.out);
  EXPECT_EQ(a["free"], "12.50000000");
  EXPECT_EQ(a["locked"], "0.00000000");

  auto tx = cli({"--json", "tx", tx_id});
  ASSERT_EQ(tx.exit_code, 0) << tx.err;
  Json t = Json::parse(tx.out);
  EXPECT_EQ(t["status"], "committed");
  EXPECT_EQ(t["operations"][0]["memo"], "for the match");
  EXPECT_EQ(t["operations"][0]["amount"], "12.50000000");

  // A typo in the address is caught by its checksum; nothing is sent.
  std::string typo = alice_addr;
  typo[20] = typo[20] == 'x' ? 'y' : 'x';
  auto bad = cli({"send", "--from", "dev", "--to", typo, "--amount", "1"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("checksum"), std::string::npos) << bad.err;
  // More than 8 decimals, and an overdraft.
  EXPECT_NE(cli({"send", "--from", "alice", "--to", "dev", "--amount", "0.123456789"}).err.find("more than 8 decimals"),
            std::string::npos);
  auto over = cli({"send", "--from", "alice", "--to", "dev", "--amount", "13"});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_NE(over.err.find("token.insufficient_balance"), std::string::npos) << over.err;
  // The team's CT is locked for 12 months.
  ASSERT_EQ(cli({"key", "import-dev", "team"}).exit_code, 0);
  auto locked = cli({"send", "--from", "team", "--to", alice_addr, "--amount", "1"});
  EXPECT_EQ(locked.exit_code, 2);
  EXPECT_NE(locked.err.find("token.locked_balance"), std::string::npos) << locked.err;
  Json team = Json::parse(cli({"--json", "balance", "team"}).out);
  EXPECT_EQ(team["locked"], "1500000000.00000000");
  EXPECT_EQ(team["vesting"]["schedule"].size(), 1u);
  // A wrong password unlocks nothing.
  auto wrong = run_binary("lingji", {"--node", node.url(), "--wallet", wallet.string(), "send", "--from", "dev", "--to",
                                     alice_addr, "--amount", "1"},
                          {{"LINGJI_PASSWORD", "not-it"}, {"LINGJI_INSECURE_FAST_KDF", "1"}});
  EXPECT_NE(wrong.exit_code, 0);

  Json info = node.get("/v1/info");
  node.stop();
  node.start();
  Json after = node.get("/v1/info");
  EXPECT_EQ(after["chain_id"], info["chain_id"]);
  EXPECT_GE(after["head_height"].get<uint64_t>(), info["head_height"].get<uint64_t>());
  EXPECT_EQ(Json::parse(cli({"--json", "balance", "alice"}).out)["free"], "12.50000000");
  EXPECT_EQ(node.get("/v1/supply")["total"], "10000000000.00000000");
  node.wait_for_height(after["head_height"].get<uint64_t>() + 1);  // and it keeps producing
}

}  // namespace
}  // namespace lingji::functional
