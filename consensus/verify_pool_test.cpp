// The signature pool: the first bad signature is found whatever the thread count, and the
// start/finish halves that the pipelines use give verify()'s answer.
#include "consensus/verify_pool.h"

#include <gtest/gtest.h>

#include "chain/chain_test_util.h"
#include "chain/genesis/dev_keys.h"

namespace lingji::consensus {
namespace {

using chain::SignedTransaction;

std::vector<SignedTransaction> signed_transfers(size_t n) {
  const auto from = chain::dev_key("pool-sender");
  const auto to = chain::dev_key("pool-recipient").public_key();
  const core::Hash256 chain_id = core::blake2b_256(core::as_bytes("verify-pool-test"));
  std::vector<SignedTransaction> out;
  for (size_t i = 0; i < n; ++i) out.push_back(chain::testing::make_transfer(chain_id, from, to, core::Amount::ct(1), i, 1'000'000));
  return out;
}

// The same transaction with one bit of its signature flipped: it still decodes, and fails.
SignedTransaction with_bad_signature(const SignedTransaction& tx) {
  core::Bytes bytes = tx.bytes();
  bytes.back() ^= 0x01;
  auto decoded = SignedTransaction::decode(bytes);
  if (!decoded) {
    ADD_FAILURE() << "a flipped signature bit must still decode";
    return tx;
  }
  EXPECT_FALSE(decoded->verify_signature());
  return std::move(*decoded);
}

TEST(VerifyPoolTest, FindsTheFirstBadSignatureWithAnyNumberOfThreads) {
  auto txs = signed_transfers(300);
  for (unsigned threads : {1u, 2u, 4u}) {
    VerifyPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    EXPECT_EQ(pool.verify(txs), std::nullopt) << threads << " threads";
    auto bad = txs;
    bad[217] = with_bad_signature(txs[217]);
    bad[250] = with_bad_signature(txs[250]);
    EXPECT_EQ(pool.verify(bad), std::optional<size_t>(217)) << threads << " threads";
    EXPECT_EQ(pool.verify({}), std::nullopt);
  }
}

TEST(VerifyPoolTest, StartThenFinishGivesVerifysAnswerBatchAfterBatch) {
  VerifyPool pool(2);
  auto good = signed_transfers(200);
  auto bad = good;
  bad[5] = with_bad_signature(good[5]);
  EXPECT_EQ(pool.finish(), std::nullopt) << "finish without a batch has nothing to report";
  for (int round = 0; round < 3; ++round) {
    pool.start(bad);
    // The caller's own work while the worker checks (as a pipeline applies the previous block).
    size_t busy = 0;
    for (const auto& tx : good) busy += tx.verify_signature();
    EXPECT_EQ(busy, good.size());
    EXPECT_EQ(pool.finish(), std::optional<size_t>(5));
    pool.start(good);
    EXPECT_EQ(pool.finish(), std::nullopt);
  }
}

}  // namespace
}  // namespace lingji::consensus
