// kdf_policy_test.cpp: LINGJI_INSECURE_FAST_KDF is announced and allowed only for a development
// chain (cli/kdf_policy.h).
#include "cli/kdf_policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chain/genesis/dev_keys.h"
#include "chain/genesis/genesis.h"
#include "cli/wallet_errors.h"
#include "core/address.h"

namespace lingji::cli {
namespace {

std::string dev_foundation() { return core::encode_address(chain::dev_key("foundation").public_key()); }

bool same(const KdfLimits& a, const KdfLimits& b) { return a.opslimit == b.opslimit && a.memlimit == b.memlimit; }

TEST(KdfPolicyTest, FastKdfIsRefusedForAChainThatIsNotADevChain) {
  std::ostringstream err;
  const std::string other = core::encode_address(chain::dev_key("someone else").public_key());
  auto limits = new_key_kdf_limits(true, other, err);
  ASSERT_FALSE(limits.ok());
  EXPECT_EQ(limits.error().code, 6009);
  EXPECT_EQ(limits.error().name, "wallet.insecure_kdf_refused");
  EXPECT_NE(limits.error().message.find("not a development chain"), std::string::npos) << limits.error().message;
  EXPECT_NE(err.str().find("WARNING: LINGJI_INSECURE_FAST_KDF is set"), std::string::npos) << err.str();
}

TEST(KdfPolicyTest, FastKdfIsRefusedWhenTheChainIsUnknown) {
  std::ostringstream err;
  auto limits = new_key_kdf_limits(true, std::nullopt, err);
  ASSERT_FALSE(limits.ok());
  EXPECT_TRUE(WalletErrorRef("wallet.insecure_kdf_refused").matches(limits.error()));
  EXPECT_NE(err.str().find("WARNING"), std::string::npos);
}

TEST(KdfPolicyTest, FastKdfOnADevChainWarnsAndUsesTheMinimum) {
  std::ostringstream err;
  auto limits = new_key_kdf_limits(true, dev_foundation(), err);
  ASSERT_TRUE(limits.ok());
  EXPECT_TRUE(same(*limits, KdfLimits::minimum()));
  EXPECT_NE(err.str().find("WARNING: LINGJI_INSECURE_FAST_KDF is set"), std::string::npos) << err.str();
}

TEST(KdfPolicyTest, WithoutTheVariableEveryChainGetsTheInteractiveCostSilently) {
  for (const std::optional<std::string>& foundation : {std::optional<std::string>(), std::optional(dev_foundation())}) {
    std::ostringstream err;
    auto limits = new_key_kdf_limits(false, foundation, err);
    ASSERT_TRUE(limits.ok());
    EXPECT_TRUE(same(*limits, KdfLimits::interactive()));
    EXPECT_EQ(err.str(), "");
  }
}

// `lingjid --dev` runs the built-in genesis: its foundation is the dev key, so it is a dev chain.
TEST(KdfPolicyTest, TheBuiltInDevGenesisIsADevChain) {
  std::ifstream in(std::string(LINGJI_SOURCE_DIR) + "/genesis/default.json");
  std::stringstream text;
  text << in.rdbuf();
  auto g = chain::parse_genesis_json(text.str());
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_TRUE(is_dev_chain_foundation(core::encode_address(g->foundation)));
  EXPECT_FALSE(is_dev_chain_foundation(core::encode_address(chain::dev_key("producer").public_key())));
  EXPECT_FALSE(is_dev_chain_foundation(""));
}

}  // namespace
}  // namespace lingji::cli
