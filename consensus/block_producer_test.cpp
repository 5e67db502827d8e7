// block_producer_test.cpp: block production, through the Controller and through BlockProducer
// alone.
#include <gtest/gtest.h>

#include "consensus/controller_test_util.h"

namespace lingji::consensus {
namespace {

using namespace lingji::chain;

TEST_F(ControllerTest, ListingDeclaredOnceByTheCommittee) {
  // The dev chain's one producer is the whole committee: its proposal is approved at once and
  // takes effect at the stated height.
  auto producer = dev_key("producer");
  ASSERT_TRUE(ctl->submit(testing::make_tx(chain_id(), producer, 0, kT0 + 60'000,
                                           {GovernanceProposeListing{"Huobi", {2, 2}, ""}}).bytes(), kT0));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto listing = ctl->read([](const Chain& c, const storage::BlockStore&) { return load_listing(c.state()); });
  EXPECT_FALSE(listing);
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  listing = ctl->read([](const Chain& c, const storage::BlockStore&) { return load_listing(c.state()); });
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->listed_at, kT0 + 2000);
  EXPECT_EQ(listing->exchange, "Huobi");
  auto again = ctl->submit(testing::make_tx(chain_id(), producer, 1, kT0 + 60'000,
                                            {GovernanceProposeListing{"Binance", {5, 5}, ""}}).bytes(), kT0 + 2500);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "listing.already_declared");
}

// The producer alone: it makes the slot's block with the scheduled key and the mempool's
// transactions, stores it, and runs the head-change hook; it refuses a slot that is not after
// the head's, and a node with no key.
TEST_F(PartsTest, TheProducerMakesAndStoresTheSlotsBlock) {
  const auto tx = testing::make_transfer(chain_id(), dev_key("dev"), dev_key("bob").public_key(), Amount::ct(1), 0,
                                         kT0 + 60'000);
  ASSERT_TRUE(admission->admit(tx, kT0 + 500));
  auto block = producer->produce(kT0 + 1000);
  ASSERT_TRUE(block) << block.error().message;
  EXPECT_EQ(block->header.height, 1u);
  EXPECT_EQ(block->header.producer, dev_key("producer").public_key());
  ASSERT_EQ(block->transactions.size(), 1u);
  EXPECT_EQ(store->head_height(), 1u);
  EXPECT_EQ(node_chain->head_id(), block->header.id());
  EXPECT_EQ(head_changes(), 1u);
  EXPECT_EQ(admission->size(), 0u);
  // Committed: out of the mempool, in the store (Controller::transaction_status joins the two).
  EXPECT_EQ(admission->uncommitted_status(tx.id()).state, TxState::kUnknown);
  ASSERT_TRUE(store->find_transaction(tx.id()));
  EXPECT_EQ(store->find_transaction(tx.id())->height, 1u);
  auto again = producer->produce(kT0 + 1500);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().name, "block.bad_slot");
  build({});
  auto keyless = producer->produce(kT0 + 2000);
  ASSERT_FALSE(keyless);
  EXPECT_EQ(keyless.error().name, "block.wrong_producer");
  EXPECT_EQ(head_changes(), 0u);  // the rebuilt parts' count: the refused block changed nothing
  EXPECT_EQ(store->head_height(), 1u);
}

}  // namespace
}  // namespace lingji::consensus
