// token_transfer_test.cpp: the transfer operation and the transaction executor: every error code
// they can return, each leaving the state exactly as it was; amount edges; atomicity of a
// multi-operation transaction; the replay rules (sequence, expiration window); and that no
// sequence of transfers creates or destroys CT.
#include "chain/token/money.h"
#include "chain/token/token_ops.h"

#include <gtest/gtest.h>

#include "chain/chain_errors.h"
#include "chain/chain_test_util.h"
#include "chain/executor.h"
#include "chain/token/account.h"

namespace lingji::chain {
namespace {

using testing::dev_genesis;
using testing::make_transfer;
using testing::produce_at;
using testing::make_tx;

constexpr TimeMs kT0 = 1'790'000'000'000;  // 2026-09-21T14:13:20Z
const Amount kDevBalance = Amount::ct(1'000'000);

int64_t total_supply(const State& s) {
  int64_t total = 0;
  s.for_each(Bytes{'A'}, [&](const Bytes& k, const Bytes&) {
    total += load_account(s, *PublicKey::from(ByteView(k).subspan(1))).balance.units();
  });
  return total;
}

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override { (void)state.apply(genesis.initial_state()); }

  // Runs a transaction as a block does on top of `s`.
  core::Status run(StateOverlay& s, const SignedTransaction& tx, TimeMs t) {
    return execute_transaction(s, tx, TxContext{genesis, chain_id, t});
  }

  // Expects `tx` to fail with `code` at time t, in a block where an earlier transaction has
  // already succeeded, and the block's writes to be exactly what they were before it.
  void expect_rejected(const SignedTransaction& tx, ChainErrorRef code, TimeMs t = kNow) {
    StateOverlay block(state);
    ASSERT_TRUE(run(block, make_transfer(chain_id, community, carol, Amount::ct(1), 0, t + 1000), t));
    const ChangeSet before = block.writes();
    auto st = run(block, tx, t);
    ASSERT_FALSE(st) << "expected " << code.def->name;
    EXPECT_EQ(st.error().code, code.def->code) << st.error().name << ": " << st.error().message;
    EXPECT_EQ(st.error().name, code.def->name);
    EXPECT_EQ(block.writes(), before) << "a rejected transaction left writes";
    EXPECT_EQ(load_account(block, tx.body().sender).sequence, load_account(state, tx.body().sender).sequence);
  }

  Amount balance(const StateReader& s, const PublicKey& k) { return load_account(s, k).balance; }

  static constexpr TimeMs kNow = kT0 + 1000;
  static constexpr TimeMs kExp = kNow + 60'000;
  Genesis genesis = dev_genesis(kT0);
  Hash256 chain_id = genesis.chain_id();
  State state;
  core::PrivateKey dev = dev_key("dev");
  core::PrivateKey community = dev_key("community");
  PublicKey alice = dev_key("alice").public_key();
  PublicKey bob = dev_key("bob").public_key();
  PublicKey carol = dev_key("carol").public_key();
};

TEST_F(TransferTest, ErrorCodesAndNamesAreStable) {
  struct Row {
    ChainErrorRef ref;
    int code;
  };
  const Row table[] = {
      {"tx.malformed", 2000},          {"tx.wrong_chain_id", 2001},        {"tx.bad_signature", 2002},
      {"tx.expired", 2003},            {"tx.expiration_too_far", 2004},    {"tx.stale_sequence", 2005},
      {"tx.future_sequence", 2006},    {"tx.no_operations", 2007},         {"tx.too_many_operations", 2008},
      {"tx.too_large", 2009},          {"tx.duplicate", 2010},             {"tx.unknown_operation", 2011},
      {"token.non_positive_amount", 2101}, {"token.self_transfer", 2102}, {"token.insufficient_balance", 2103},
      {"token.locked_balance", 2104},  {"token.memo_too_long", 2105},     {"token.balance_overflow", 2106},
      {"token.amount_too_large", 2107},
  };
  for (const auto& [ref, code] : table) EXPECT_EQ(ref.def->code, code) << ref.def->name;
}

TEST_F(TransferTest, OneUnitMovesExactlyOneUnitAndAdvancesTheSequence) {
  StateOverlay s(state);
  ASSERT_TRUE(run(s, make_transfer(chain_id, dev, alice, Amount::units(1), 0, kExp), kNow));
  EXPECT_EQ(balance(s, dev.public_key()), Amount::units(kDevBalance.units() - 1));
  EXPECT_EQ(balance(s, alice), Amount::units(1));
  EXPECT_EQ(load_account(s, dev.public_key()).sequence, 1u);
  EXPECT_EQ(load_account(s, alice).sequence, 0u);  // receiving does not use a sequence
  EXPECT_EQ(s.writes().size(), 2u);                // the two accounts, nothing else
}

TEST_F(TransferTest, WholeFreeBalanceButNotOneUnitMore) {
  Amount plus_one = Amount::units(kDevBalance.units() + 1);
  expect_rejected(make_transfer(chain_id, dev, alice, plus_one, 0, kExp), "token.insufficient_balance");
  StateOverlay s(state);
  ASSERT_TRUE(run(s, make_transfer(chain_id, dev, alice, kDevBalance, 0, kExp), kNow));
  EXPECT_EQ(balance(s, dev.public_key()), Amount::zero());
  EXPECT_EQ(balance(s, alice), kDevBalance);
  EXPECT_FALSE(run(s, make_transfer(chain_id, dev, alice, Amount::units(1), 1, kExp), kNow));
}

TEST_F(TransferTest, AmountEdges) {
  const PublicKey from = dev.public_key();
  EXPECT_TRUE(check(Transfer{alice, Amount::units(1), ""}, from));
  EXPECT_TRUE(check(Transfer{alice, Amount::units(Amount::kMaxMoney), ""}, from));
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::zero(), 0, kExp), "token.non_positive_amount");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::units(-1), 0, kExp), "token.non_positive_amount");
  // kMaxMoney is a valid amount that nobody holds; one unit more is not an amount at all.
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::units(Amount::kMaxMoney), 0, kExp),
                  "token.insufficient_balance");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::units(Amount::kMaxMoney + 1), 0, kExp),
                  "token.amount_too_large");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::units(INT64_MIN), 0, kExp),
                  "token.non_positive_amount");
}

TEST_F(TransferTest, EmptyAccountHasNothingToSend) {
  expect_rejected(make_transfer(chain_id, dev_key("nobody"), alice, Amount::units(1), 0, kExp),
                  "token.insufficient_balance");
}

TEST_F(TransferTest, LockedBalanceCannotMove) {
  expect_rejected(make_transfer(chain_id, dev_key("team"), alice, Amount::units(1), 0, kExp),
                  "token.locked_balance");
}

TEST_F(TransferTest, SelfTransferAndMemoLength) {
  expect_rejected(make_transfer(chain_id, dev, dev.public_key(), Amount::ct(1), 0, kExp), "token.self_transfer");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kExp, std::string(257, 'm')),
                  "token.memo_too_long");
  auto tx = make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kExp, std::string(256, 'm'));
  StateOverlay s(state);
  ASSERT_TRUE(run(s, tx, kNow));
  auto decoded = SignedTransaction::decode(tx.bytes());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::get<Transfer>(decoded->body().operations[0]).memo, std::string(256, 'm'));
}

// What would mint CT (a self-move writes the sender twice) or take it (a negative amount) is
// refused by the executor, which always runs check() before apply(), and again by the money
// primitive itself, which every module's apply() goes through.
TEST_F(TransferTest, ApplyRefusesWhatCheckRefuses) {
  StateOverlay s(state);
  ApplyContext ctx{genesis, kNow, dev.public_key()};
  auto st = token::move(s, dev.public_key(), dev.public_key(), Amount::ct(10), ctx);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "token.self_transfer");
  st = token::move(s, dev.public_key(), alice, Amount::units(-5), ctx);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "token.non_positive_amount");
  st = token::move(s, dev.public_key(), alice, Amount::zero(), ctx);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "token.non_positive_amount");
  EXPECT_TRUE(s.writes().empty());
  // The executor alone, with no separate check_transaction call.
  auto self = make_transfer(chain_id, dev, dev.public_key(), Amount::ct(10), 0, kExp);
  st = execute_transaction(s, self, TxContext{genesis, chain_id, kNow});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "token.self_transfer");
  EXPECT_TRUE(s.writes().empty());
}

TEST_F(TransferTest, RecipientBalanceOverflowIsRefused) {
  // Not reachable with the real supply; a recipient at kMaxMoney shows the check is there.
  StateOverlay s(state);
  store_account(s, alice, Account{Amount::units(Amount::kMaxMoney), 0});
  const ChangeSet before = s.writes();
  auto st = run(s, make_transfer(chain_id, dev, alice, Amount::units(1), 0, kExp), kNow);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, 2106);
  EXPECT_EQ(st.error().name, "token.balance_overflow");
  EXPECT_EQ(s.writes(), before);
}

TEST_F(TransferTest, ChainIdAndOperationCount) {
  Genesis other = genesis;
  other.chain_name = "another-chain";
  expect_rejected(make_transfer(other.chain_id(), dev, alice, Amount::ct(1), 0, kExp), "tx.wrong_chain_id");
  expect_rejected(make_tx(chain_id, dev, 0, kExp, {}), "tx.no_operations");
  std::vector<Operation> ops(16, Transfer{alice, Amount::units(1), ""});
  auto sixteen = make_tx(chain_id, dev, 0, kExp, ops);
  ops.push_back(Transfer{alice, Amount::units(1), ""});
  expect_rejected(make_tx(chain_id, dev, 0, kExp, ops), "tx.too_many_operations");
  StateOverlay s(state);
  ASSERT_TRUE(run(s, sixteen, kNow));
  EXPECT_EQ(balance(s, alice), Amount::units(16));
}

TEST_F(TransferTest, ExpirationWindow) {
  const int64_t life = genesis.params.max_transaction_lifetime_ms;
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kNow), "tx.expired");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kNow - 1), "tx.expired");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kNow + life + 1), "tx.expiration_too_far");
  for (TimeMs exp : {kNow + 1, kNow + life}) {
    StateOverlay s(state);
    EXPECT_TRUE(run(s, make_transfer(chain_id, dev, alice, Amount::ct(1), 0, exp), kNow)) << exp - kNow;
  }
}

TEST_F(TransferTest, SequenceMustMatchExactly) {
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(1), 1, kExp), "tx.future_sequence");
  StateOverlay s(state);
  ASSERT_TRUE(run(s, make_transfer(chain_id, dev, alice, Amount::ct(1), 0, kExp), kNow));
  (void)state.apply(s.take_writes());
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(2), 0, kExp), "tx.stale_sequence");
  expect_rejected(make_transfer(chain_id, dev, alice, Amount::ct(2), 2, kExp), "tx.future_sequence");
  StateOverlay s2(state);
  ASSERT_TRUE(run(s2, make_transfer(chain_id, dev, alice, Amount::ct(2), 1, kExp), kNow));
  EXPECT_EQ(balance(s2, alice), Amount::ct(3));
  EXPECT_EQ(load_account(s2, dev.public_key()).sequence, 2u);
}

TEST_F(TransferTest, FailingSecondOperationLeavesNoTraceOfTheFirst) {
  // The second op fails on balance, on the lock rules of another module, or only because the
  // first one spent the money: each time alice must not have received the first op's CT.
  const std::vector<Operation> cases[] = {
      {Transfer{alice, Amount::ct(1), ""}, Transfer{bob, Amount::ct(2'000'000), ""}},
      {Transfer{alice, Amount::ct(1), ""}, DeclareListing{"Huobi"}},
      {Transfer{alice, Amount::ct(600'000), ""}, Transfer{bob, Amount::ct(600'000), ""}},
  };
  const ChainErrorRef codes[] = {"token.insufficient_balance", "listing.moved_to_committee",
                             "token.insufficient_balance"};
  for (size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(i);
    expect_rejected(make_tx(chain_id, dev, 0, kExp, cases[i]), codes[i]);
    StateOverlay s(state);
    EXPECT_FALSE(run(s, make_tx(chain_id, dev, 0, kExp, cases[i]), kNow));
    EXPECT_EQ(s.get(account_key(alice)), nullptr);
    EXPECT_EQ(s.get(account_key(bob)), nullptr);
    EXPECT_EQ(balance(s, dev.public_key()), kDevBalance);
  }
}

TEST_F(TransferTest, MultiOperationTransactionAppliesEveryOperation) {
  StateOverlay s(state);
  ASSERT_TRUE(run(s, make_tx(chain_id, dev, 0, kExp,
                             {Transfer{alice, Amount::ct(1), "a"}, Transfer{bob, Amount::ct(2), "b"},
                              Transfer{alice, Amount::units(3), ""}}),
                  kNow));
  EXPECT_EQ(balance(s, alice), Amount::units(Amount::ct(1).units() + 3));
  EXPECT_EQ(balance(s, bob), Amount::ct(2));
  EXPECT_EQ(balance(s, dev.public_key()), Amount::units(kDevBalance.units() - Amount::ct(3).units() - 3));
  EXPECT_EQ(load_account(s, dev.public_key()).sequence, 1u);  // one transaction, one sequence
}

TEST_F(TransferTest, BadSignatureRejectsTheBlock) {
  Chain a(genesis);
  auto tx = make_transfer(a.chain_id(), dev, alice, Amount::ct(1), 0, kExp);
  Block blk = produce_at(a, {tx}, kNow, dev_key("producer")).block;
  Bytes forged = tx.bytes();
  forged.back() ^= 1;  // the signature is the last 64 bytes
  auto bad = SignedTransaction::decode(forged);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->verify_signature());
  blk.transactions = {*bad};
  blk.header.tx_root = transactions_root(blk.transactions);
  blk.sign(a.chain_id(), dev_key("producer"));
  Chain b(genesis);
  auto r = b.apply_block(blk, /*signatures_verified=*/false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().name, "block.invalid_transaction");
  EXPECT_NE(r.error().message.find("bad signature"), std::string::npos) << r.error().message;
  EXPECT_EQ(b.state().get(account_key(alice)), nullptr);
}

TEST_F(TransferTest, ManyTransfersNeverCreateOrDestroyCt) {
  Chain c(genesis);
  const core::PrivateKey keys[] = {dev, community, dev_key("alice"), dev_key("bob"), dev_key("carol")};
  uint64_t rng = 12345;
  auto next = [&] { return rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33; };
  size_t included = 0, rejected = 0;
  for (int b = 1; b <= 40; ++b) {
    TimeMs t = kT0 + 1000 * b;
    std::vector<SignedTransaction> txs;
    for (const auto& from : keys) {
      const PublicKey& to = keys[next() % std::size(keys)].public_key();  // sometimes oneself
      Amount have = load_account(c.state(), from.public_key()).balance;
      // Mostly affordable amounts, sometimes all of it, sometimes more than the balance.
      int64_t units = next() % 4 == 0 ? have.units() + static_cast<int64_t>(next() % 3)
                                      : 1 + static_cast<int64_t>(next() % 5'000'000'000'000ULL);
      uint64_t seq = load_account(c.state(), from.public_key()).sequence;
      txs.push_back(make_transfer(c.chain_id(), from, to, Amount::units(units), seq, t + 60'000));
    }
    auto p = produce_at(c, txs, t, dev_key("producer"));
    included += p.block.transactions.size();
    rejected += p.rejected.size();
    ASSERT_EQ(total_supply(c.state()), Amount::kMaxMoney) << "after block " << b;
  }
  EXPECT_GT(included, 80u);  // the test must move real money, and
  EXPECT_GT(rejected, 10u);  // must also see refused transfers
}

}  // namespace
}  // namespace lingji::chain
