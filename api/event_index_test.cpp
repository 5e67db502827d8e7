// event_index_test.cpp: GET /v1/events and the index behind it: what a block did, as the node
// committed it; bounded memory; a popped block's events dropped; every bad query refused.
#include "api/event_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "api/json_views.h"
#include "api/routes.h"
#include "chain/chain_test_util.h"
#include "chain/governance/governance.h"
#include "core/address.h"

namespace lingji::api {
namespace {

using namespace lingji::chain;
constexpr TimeMs kT0 = 1'790'000'000'000;

class EventsRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("lingji-events-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    consensus::ControllerOptions o;
    o.data_dir = dir;
    o.genesis = genesis;
    o.producer_keys = {dev_key("producer")};
    auto opened = consensus::Controller::open(std::move(o));
    ASSERT_TRUE(opened);
    ctl = std::move(opened.value());
    ctl->subscribe(index);
    routes = std::make_unique<Routes>(*ctl, [] { return kT0 + 500; }, index.get());
  }
  void TearDown() override {
    routes.reset();
    ctl.reset();
    std::filesystem::remove_all(dir);
  }
  std::pair<int, Json> get(const std::string& target) {
    auto r = routes->handle(HttpRequest{"GET", target, "", "", "test"});
    return {r.status, Json::parse(r.body)};
  }

  Genesis genesis = testing::dev_genesis(kT0);
  std::filesystem::path dir;
  std::shared_ptr<EventIndex> index = std::make_shared<EventIndex>();
  std::unique_ptr<consensus::Controller> ctl;
  std::unique_ptr<Routes> routes;
  core::PrivateKey dev = dev_key("dev");
  PublicKey bob = dev_key("bob").public_key();
};

TEST_F(EventsRouteTest, ABlocksOperationsMovesAndRewardAsCommitted) {
  auto [s0, empty] = get("/v1/events");
  EXPECT_EQ(s0, 200);
  EXPECT_TRUE(empty["blocks"].empty());
  // Two transfers, one of them to the fee pool, so the next block pays a reward.
  auto t1 = testing::make_transfer(genesis.chain_id(), dev, bob, Amount::ct(5), 0, kT0 + 60'000, "hi");
  auto t2 = testing::make_transfer(genesis.chain_id(), dev, fee_pool_account(), Amount::ct(3), 1, kT0 + 60'000);
  ASSERT_TRUE(ctl->submit(t1.bytes(), kT0 + 500));
  ASSERT_TRUE(ctl->submit(t2.bytes(), kT0 + 500));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  auto [s, j] = get("/v1/events?from=1");
  ASSERT_EQ(s, 200);
  EXPECT_EQ(j["held"]["oldest"], 1);
  EXPECT_EQ(j["held"]["newest"], 2);
  ASSERT_EQ(j["blocks"].size(), 2u);
  const Json& b1 = j["blocks"][0];
  EXPECT_EQ(b1["height"], 1);
  ASSERT_EQ(b1["operations"].size(), 2u);
  EXPECT_EQ(b1["operations"][1], (Json{{"tx", 1}, {"op", 0}, {"type", 1}, {"name", "transfer"}}));
  ASSERT_EQ(b1["moves"].size(), 2u);
  EXPECT_EQ(b1["moves"][0], (Json{{"tx", 0}, {"op", 0}, {"from", core::encode_address(dev.public_key())},
                                  {"to", core::encode_address(bob)}, {"amount", "5.00000000"}, {"reason", "transfer"}}));
  const Json& reward = j["blocks"][1]["moves"].at(0);
  EXPECT_TRUE(reward["tx"].is_null());
  EXPECT_EQ(reward["from"], core::encode_address(fee_pool_account()));
  EXPECT_EQ(reward["to"], core::encode_address(dev_key("producer").public_key()));
  EXPECT_EQ(reward["amount"], "1.00000000");
  EXPECT_EQ(reward["reason"], "block_reward");
  // from and limit select.
  auto [s2, only2] = get("/v1/events?from=2&limit=1");
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(only2["blocks"].size(), 1u);
  EXPECT_EQ(only2["blocks"][0]["height"], 2);
  auto [s3, later] = get("/v1/events?from=3");
  EXPECT_EQ(s3, 200);
  EXPECT_TRUE(later["blocks"].empty());
}

TEST_F(EventsRouteTest, BadQueriesAreRefused) {
  for (const char* bad : {"/v1/events?from=x", "/v1/events?from=-1", "/v1/events?limit=0", "/v1/events?limit=101",
                          "/v1/events?limit=99999999999999999999", "/v1/events?from=1&limit=2x"}) {
    auto [s, j] = get(bad);
    EXPECT_EQ(s, 400) << bad;
    EXPECT_EQ(j["error"]["name"], "api.invalid_query") << bad;
  }
  auto r = routes->handle(HttpRequest{"POST", "/v1/events", "{}", "application/json", "test"});
  EXPECT_EQ(r.status, 405);
  // A node without the index does not serve the endpoint.
  Routes bare(*ctl, [] { return kT0; });
  EXPECT_EQ(bare.handle(HttpRequest{"GET", "/v1/events", "", "", "test"}).status, 404);
}

// The index alone: a revert drops the newest block, the window stays within its bounds, a gap
// restarts it, and a request is cut at its event budget (never below one block).
TEST(EventIndexTest, RevertsBoundsAndBudgets) {
  auto block = [](uint64_t h, size_t moves) {
    consensus::ChainEvent e;
    e.header.height = h;
    e.header.slot = h;
    e.id = core::blake2b_256(core::as_bytes("block " + std::to_string(h)));
    for (size_t i = 0; i < moves; ++i) e.events.moved(PublicKey{}, PublicKey{}, Amount::units(1), MoveReason::kTransfer);
    return e;
  };
  EventIndex index(/*max_blocks=*/4, /*max_events=*/10);
  index.on_chain_events({block(1, 1), block(2, 1), block(3, 1)});
  auto reverted = block(3, 0);
  reverted.kind = consensus::ChainEvent::Kind::kReverted;
  index.on_chain_events({reverted});
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{1, 2}));
  index.on_chain_events({block(3, 2), block(4, 1), block(5, 1)});  // 5 blocks > 4: the oldest goes
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{2, 5}));
  index.on_chain_events({block(6, 9)});  // 14 events > 10: old blocks go until it fits
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{5, 6}));
  index.on_chain_events({block(7, 20)});  // one block over the budget is still kept alone
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{7, 7}));
  index.on_chain_events({block(9, 1)});  // a gap restarts the window
  EXPECT_EQ(index.range(), (std::pair<uint64_t, uint64_t>{9, 9}));
  index.on_chain_events({block(10, 3), block(11, 3)});
  EXPECT_EQ(index.since(9, 10, 4).size(), 2u);  // 1 + 3 events fit, the next 3 do not
  EXPECT_EQ(index.since(10, 10, 1).size(), 1u);  // at least one block
  EXPECT_EQ(index.since(9, 1, 100).size(), 1u);
  EXPECT_EQ(index.since(12, 10, 100).size(), 0u);
}

}  // namespace
}  // namespace lingji::api
