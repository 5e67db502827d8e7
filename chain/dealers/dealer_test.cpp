// dealer_test.cpp: the dealer registry (DealerApply, DealerSetStatus): every dealer.* error,
// each asserted by name with the state left as it was (and nothing written before the refusal),
// the edges of each field rule, the status changes the foundation may make, and a refused
// dealer transaction in a block.
#include "chain/dealers/dealer.h"

#include <gtest/gtest.h>

#include "chain/chain_test_util.h"
#include "chain/token/account.h"

namespace lingji::chain {
namespace {

using testing::entries_of;
using testing::make_tx;
using testing::run_operation;

constexpr TimeMs kT0 = 1'790'000'000'000;
constexpr TimeMs kNow = kT0 + 1000;

// A DealerApply valid in every field; tests change one field at a time.
DealerApply valid_application() { return DealerApply{"Shop", "Jakarta", "ID", "+62 21 555"}; }

// valid_application() with `field` set to `value`.
DealerApply with(std::string DealerApply::*field, std::string value) {
  DealerApply op = valid_application();
  op.*field = std::move(value);
  return op;
}

class DealerTest : public ::testing::Test {
 protected:
  DealerTest() { (void)state.apply(genesis.initial_state()); }

  core::Status run(const core::PrivateKey& who, const Operation& op) {
    return run_operation(state, genesis, kNow, who.public_key(), op);
  }
  std::string error_of(const core::PrivateKey& who, Operation op) {
    auto st = run(who, std::move(op));
    return st ? "ok" : st.error().name;
  }
  // `who`'s `op` is refused with `name` (and a message that contains `hint`): it wrote nothing
  // before it failed, and every entry of the state, and its root, are as they were.
  void expect_refused(const core::PrivateKey& who, const Operation& op, const std::string& name,
                      const std::string& hint = "") {
    const auto entries = entries_of(state);
    const Hash256 root = state.root();
    ChangeSet dropped;
    auto st = run_operation(state, genesis, kNow, who.public_key(), op, &dropped);
    ASSERT_FALSE(st) << "expected " << name;
    EXPECT_EQ(st.error().name, name) << st.error().message;
    EXPECT_NE(st.error().message.find(hint), std::string::npos) << st.error().message << " (expected: " << hint << ")";
    EXPECT_TRUE(dropped.empty()) << name << ": the refused operation wrote before it failed";
    EXPECT_TRUE(entries_of(state) == entries) << name << ": the refused operation changed the state";
    EXPECT_EQ(state.root(), root);
  }
  // `op` from the shop is accepted; the shop's record then holds it.
  void expect_applied(const DealerApply& op) {
    ASSERT_EQ(error_of(shop, op), "ok");
    auto d = load_dealer(state, shop.public_key());
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, DealerStatus::kPending);
    EXPECT_EQ(d->name, op.name);
    EXPECT_EQ(d->region, op.region);
    EXPECT_EQ(d->country, op.country);
    EXPECT_EQ(d->contact, op.contact);
  }
  void set_status(DealerStatus status) {
    ASSERT_EQ(error_of(foundation, DealerSetStatus{shop.public_key(), status}), "ok");
    EXPECT_EQ(load_dealer(state, shop.public_key())->status, status);
  }

  Genesis genesis = testing::dev_genesis(kT0);
  State state;
  core::PrivateKey foundation = dev_key("foundation");
  core::PrivateKey dev = dev_key("dev");
  core::PrivateKey shop = dev_key("shop");
};

// Moved from producer_test.cpp (ProducerTest.DealerApplicationAndApproval).
TEST_F(DealerTest, DealerApplicationAndApproval) {
  auto shop = dev_key("shop");
  EXPECT_EQ(error_of(shop, DealerApply{"", "Jakarta", "ID", "x"}), "dealer.bad_field");
  EXPECT_EQ(error_of(shop, DealerApply{"Shop", "Jakarta", "Indonesia", "x"}), "dealer.bad_field");
  EXPECT_EQ(error_of(shop, DealerApply{"Shop", "Jakarta", "id", "x"}), "dealer.bad_field");
  EXPECT_EQ(error_of(shop, DealerApply{"Shop\n", "Jakarta", "ID", "x"}), "dealer.bad_field");
  EXPECT_EQ(error_of(shop, DealerApply{"Shop", "Jakarta", "ID", std::string(129, 'c')}), "dealer.bad_field");
  ASSERT_EQ(error_of(shop, DealerApply{"Shop", "Jakarta", "ID", "+62"}), "ok");
  EXPECT_EQ(load_dealer(state, shop.public_key())->status, DealerStatus::kPending);
  EXPECT_EQ(error_of(shop, DealerApply{"Shop 2", "Bandung", "ID", "+62"}), "ok");  // pending: may update
  EXPECT_EQ(load_dealer(state, shop.public_key())->region, "Bandung");
  EXPECT_EQ(error_of(dev, DealerSetStatus{shop.public_key(), DealerStatus::kApproved}), "dealer.not_foundation");
  EXPECT_EQ(error_of(foundation, DealerSetStatus{dev.public_key(), DealerStatus::kApproved}), "dealer.unknown");
  EXPECT_EQ(error_of(foundation, DealerSetStatus{shop.public_key(), DealerStatus::kPending}), "dealer.bad_status");
  ASSERT_EQ(error_of(foundation, DealerSetStatus{shop.public_key(), DealerStatus::kApproved}), "ok");
  EXPECT_EQ(load_dealer(state, shop.public_key())->status, DealerStatus::kApproved);
  EXPECT_EQ(error_of(shop, DealerApply{"Shop 3", "Bandung", "ID", "+62"}), "dealer.already_registered");
}

// --- DealerApply: dealer.bad_field, one field at a time ------------------------------------------

// Lengths are in bytes, not characters: U+96C5 is 3 bytes of UTF-8 (E9 9B 85), so 21 of them and
// one letter are 64 bytes, and two letters 65. Bytes >= 0x80 are allowed; a control character
// (< 0x20, or DEL) is not, anywhere in the field, since it could forge lines in logs and UIs.
TEST_F(DealerTest, NameIsOneTo64BytesWithoutControlCharacters) {
  for (std::string bad : {std::string(), std::string(65, 'n'), std::string("Shop\n"), std::string("\tShop"),
                          std::string("Sh\x1fop"), std::string("Shop\x7f"), std::string("Sh\0op", 5)})
    expect_refused(shop, with(&DealerApply::name, bad), "dealer.bad_field", "name");
  std::string utf8_63;
  for (int i = 0; i < 21; ++i) utf8_63 += "\xe9\x9b\x85";
  ASSERT_EQ(utf8_63.size(), 63u);
  expect_refused(shop, with(&DealerApply::name, utf8_63 + "xy"), "dealer.bad_field", "name");
  EXPECT_FALSE(load_dealer(state, shop.public_key()));
  for (std::string good : {std::string("N"), std::string(64, 'n'), std::string(" "), utf8_63 + "x",
                           std::string("Toko ~!")})
    expect_applied(with(&DealerApply::name, good));
}

TEST_F(DealerTest, RegionIsOneTo32BytesWithoutControlCharacters) {
  for (std::string bad : {std::string(), std::string(33, 'r'), std::string("Jakarta\r"), std::string("Jak\x7f")})
    expect_refused(shop, with(&DealerApply::region, bad), "dealer.bad_field", "region");
  EXPECT_FALSE(load_dealer(state, shop.public_key()));
  for (std::string good : {std::string("J"), std::string(32, 'r'), std::string("Daerah Khusus Ibukota")})
    expect_applied(with(&DealerApply::region, good));
}

// Exactly two ASCII capitals: the edges of [A, Z] are '@' (A - 1) and '[' (Z + 1).
TEST_F(DealerTest, CountryIsTwoCapitalLetters) {
  for (std::string bad :
       {"", "I", "IDN", "Indonesia", "id", "iD", "Id", "@A", "[A", "A@", "A[", "I1", "I ", "\xc3\x89X"})
    expect_refused(shop, with(&DealerApply::country, bad), "dealer.bad_field", "country");
  EXPECT_FALSE(load_dealer(state, shop.public_key()));
  for (std::string good : {"AA", "AZ", "ZA", "ZZ", "JP"}) expect_applied(with(&DealerApply::country, good));
}

TEST_F(DealerTest, ContactIsOneTo128BytesWithoutControlCharacters) {
  for (std::string bad : {std::string(), std::string(129, 'c'), std::string("+62\n21"), std::string("\x01")})
    expect_refused(shop, with(&DealerApply::contact, bad), "dealer.bad_field", "contact");
  EXPECT_FALSE(load_dealer(state, shop.public_key()));
  for (std::string good : {std::string("c"), std::string(128, 'c'), std::string("shop@example.id, +62 21 555")})
    expect_applied(with(&DealerApply::contact, good));
}

// --- DealerApply: the registry ---------------------------------------------------------------------

TEST_F(DealerTest, AnApplicationIsStoredAsPending) {
  ASSERT_FALSE(load_dealer(state, shop.public_key()));
  ASSERT_TRUE(run(shop, valid_application()));
  auto d = load_dealer(state, shop.public_key());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, DealerStatus::kPending);
  EXPECT_EQ(d->name, "Shop");
  EXPECT_EQ(d->region, "Jakarta");
  EXPECT_EQ(d->country, "ID");
  EXPECT_EQ(d->contact, "+62 21 555");
  EXPECT_EQ(d->applied_at, kNow);
  EXPECT_STREQ(dealer_status_name(d->status), "pending");
  EXPECT_FALSE(load_dealer(state, dev.public_key()));  // one record per applicant
}

// Once the foundation has decided (approved or suspended), the dealer cannot apply again: a
// re-application would put it back to pending and undo the decision.
TEST_F(DealerTest, ApprovedAndSuspendedDealersCannotReApply) {
  ASSERT_TRUE(run(shop, valid_application()));
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kApproved));
  DealerApply again{"Shop 2", "Bandung", "ID", "+62"};
  expect_refused(shop, again, "dealer.already_registered", "approved");
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kSuspended));
  expect_refused(shop, again, "dealer.already_registered", "suspended");
  EXPECT_EQ(load_dealer(state, shop.public_key())->name, "Shop");
  // The field rules come first (check() is stateless): a bad field is bad_field even here.
  expect_refused(shop, DealerApply{"", "Bandung", "ID", "+62"}, "dealer.bad_field", "name");
}

// --- DealerSetStatus ---------------------------------------------------------------------------------

// Only approved (2) and suspended (3) can be set; pending is where every dealer starts, and
// any other byte is no status at all (the decoder takes any u8).
TEST_F(DealerTest, OnlyApprovedOrSuspendedCanBeSet) {
  ASSERT_TRUE(run(shop, valid_application()));
  for (uint8_t status : {uint8_t{0}, uint8_t{1}, uint8_t{4}, uint8_t{255}}) {
    const DealerSetStatus op{shop.public_key(), static_cast<DealerStatus>(status)};
    expect_refused(foundation, op, "dealer.bad_status", "approved");
    // Stateless, so it is checked before the sender: bad_status from anyone.
    expect_refused(dev, op, "dealer.bad_status", "approved");
  }
  EXPECT_EQ(load_dealer(state, shop.public_key())->status, DealerStatus::kPending);
}

TEST_F(DealerTest, OnlyTheFoundationSetsAStatus) {
  ASSERT_TRUE(run(shop, valid_application()));
  for (const auto& who : {dev, shop, dev_key("producer"), dev_key("team")}) {
    expect_refused(who, DealerSetStatus{shop.public_key(), DealerStatus::kApproved}, "dealer.not_foundation");
    expect_refused(who, DealerSetStatus{shop.public_key(), DealerStatus::kSuspended}, "dealer.not_foundation");
    // The sender is checked before the dealer: an unknown account gives not_foundation too.
    expect_refused(who, DealerSetStatus{dev_key("nobody").public_key(), DealerStatus::kApproved},
                   "dealer.not_foundation");
  }
  EXPECT_EQ(load_dealer(state, shop.public_key())->status, DealerStatus::kPending);
}

TEST_F(DealerTest, TheStatusOfAnAccountThatNeverAppliedCannotBeSet) {
  for (const auto& account : {dev.public_key(), foundation.public_key(), shop.public_key(), PublicKey{}}) {
    expect_refused(foundation, DealerSetStatus{account, DealerStatus::kApproved}, "dealer.unknown");
    expect_refused(foundation, DealerSetStatus{account, DealerStatus::kSuspended}, "dealer.unknown");
    EXPECT_FALSE(load_dealer(state, account));
  }
}

// The foundation may approve, suspend and reinstate, in any order; the dealer's details and
// application time stay as they were.
TEST_F(DealerTest, TheFoundationApprovesSuspendsAndReinstates) {
  ASSERT_TRUE(run(shop, valid_application()));
  const Dealer before = *load_dealer(state, shop.public_key());
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kSuspended));  // straight from pending
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kApproved));
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kApproved));  // again: no change, no error
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kSuspended));
  ASSERT_NO_FATAL_FAILURE(set_status(DealerStatus::kApproved));
  const Dealer after = *load_dealer(state, shop.public_key());
  EXPECT_EQ(after.name, before.name);
  EXPECT_EQ(after.region, before.region);
  EXPECT_EQ(after.country, before.country);
  EXPECT_EQ(after.contact, before.contact);
  EXPECT_EQ(after.applied_at, before.applied_at);
  EXPECT_STREQ(dealer_status_name(after.status), "approved");
  EXPECT_STREQ(dealer_status_name(DealerStatus::kSuspended), "suspended");
}

// --- Through a block -------------------------------------------------------------------------------

// The mempool refuses a dealer transaction with a bad field; a producer leaves out a dealer
// transaction that fails against the state, with its error, and the block changes neither the
// dealer nor the sender's sequence.
TEST_F(DealerTest, ARefusedDealerTransactionIsLeftOutOfTheBlock) {
  Chain c(genesis);
  const core::PrivateKey producer = dev_key("producer");
  const TimeMs expires = kT0 + 60'000;
  const auto application = make_tx(c.chain_id(), shop, 0, expires, {valid_application()});
  auto p1 = testing::produce_at(c, {application}, kT0 + 1000, producer);
  ASSERT_TRUE(p1.rejected.empty());
  ASSERT_EQ(load_account(c.state(), shop.public_key()).sequence, 1u);

  auto bad = make_tx(c.chain_id(), shop, 1, expires, {DealerApply{"Shop", "Jakarta", "id", "+62"}});
  auto st = c.check_against_head(bad, kT0 + 2000);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().name, "dealer.bad_field");

  const auto by_shop = make_tx(c.chain_id(), shop, 1, expires,
                               {DealerSetStatus{shop.public_key(), DealerStatus::kApproved}});
  const auto unknown = make_tx(c.chain_id(), foundation, 0, expires,
                               {DealerSetStatus{dev.public_key(), DealerStatus::kApproved}});
  auto p2 = testing::produce_at(c, {by_shop, unknown}, kT0 + 2000, producer);
  EXPECT_TRUE(p2.block.transactions.empty());
  ASSERT_EQ(p2.rejected.size(), 2u);
  EXPECT_EQ(p2.rejected[0].second.name, "dealer.not_foundation");
  EXPECT_EQ(p2.rejected[1].second.name, "dealer.unknown");
  EXPECT_EQ(load_dealer(c.state(), shop.public_key())->status, DealerStatus::kPending);
  EXPECT_FALSE(load_dealer(c.state(), dev.public_key()));
  EXPECT_EQ(load_account(c.state(), shop.public_key()).sequence, 1u);
  EXPECT_EQ(load_account(c.state(), foundation.public_key()).sequence, 0u);
}

}  // namespace
}  // namespace lingji::chain
