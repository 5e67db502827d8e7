// routes_test.cpp: the JSON API without a network: shapes of the answers and one distinct error
// for every kind of bad request, none of which changes the chain.
#include "api/routes.h"

#include <gtest/gtest.h>
#include <chrono>
#include <unistd.h>

#include "api/json_views.h"
#include "chain/chain_test_util.h"
#include "chain/governance/governance.h"
#include "chain/finality/evidence.h"
#include "chain/finality/finality_proof.h"
#include "core/address.h"

namespace lingji::api {
namespace {

using namespace lingji::chain;
constexpr TimeMs kT0 = 1'790'000'000'000;

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("lingji-routes-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    consensus::ControllerOptions o;
    o.data_dir = dir;
    o.genesis = genesis;
    o.producer_keys = {dev_key("producer")};
    o.init_keys_of_new_chain = true;  // a test chain: its key is new
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
  std::pair<int, Json> call(std::string method, std::string target, std::string body = "") {
    auto r = routes->handle(HttpRequest{method, target, body, "application/json", "test"});
    return {r.status, Json::parse(r.body)};
  }
  std::pair<int, Json> post_tx(const SignedTransaction& tx) {
    return call("POST", "/v1/transactions", dump(Json{{"transaction", core::to_hex(tx.bytes())}}));
  }
  std::string err(const Json& j) { return j["error"]["name"].get<std::string>(); }

  Genesis genesis = testing::dev_genesis(kT0);
  std::filesystem::path dir;
  std::shared_ptr<EventIndex> index = std::make_shared<EventIndex>();
  std::unique_ptr<consensus::Controller> ctl;
  std::unique_ptr<Routes> routes;
  core::PrivateKey dev = dev_key("dev");
  PublicKey bob = dev_key("bob").public_key();
};

TEST_F(RoutesTest, InfoSupplyAndAccounts) {
  auto [s, info] = call("GET", "/v1/info");
  EXPECT_EQ(s, 200);
  EXPECT_EQ(info["chain_id"], genesis.chain_id().hex());
  EXPECT_EQ(info["head_height"], 0);
  EXPECT_EQ(info["lib_height"], 0);
  auto [s2, supply] = call("GET", "/v1/supply");
  EXPECT_EQ(s2, 200);
  EXPECT_EQ(supply["total"], "10000000000.00000000");
  EXPECT_EQ(supply["locked"], "3500000000.00000000");  // investors + dealers + team, all still locked
  EXPECT_EQ(supply["categories"].size(), 6u);
  auto [s3, team] = call("GET", "/v1/accounts/" + core::encode_address(dev_key("team").public_key()));
  EXPECT_EQ(s3, 200);
  EXPECT_EQ(team["balance"], "1500000000.00000000");
  EXPECT_EQ(team["free"], "0.00000000");
  EXPECT_EQ(team["vesting"]["category"], "team");
  EXPECT_EQ(team["vesting"]["next_unlock"]["amount"], "1500000000.00000000");
  EXPECT_EQ(team["vesting"]["next_unlock"]["time"], core::format_utc(core::add_months(kT0, 12, 480)));
  auto [s4, nobody] = call("GET", "/v1/accounts/" + core::encode_address(bob));
  EXPECT_EQ(s4, 200);
  EXPECT_EQ(nobody["balance"], "0.00000000");
  EXPECT_TRUE(nobody["vesting"].is_null());
}

TEST_F(RoutesTest, SubmitFollowAndReadBlocks) {
  auto tx = testing::make_transfer(genesis.chain_id(), dev, bob, Amount::parse("12.5").value(), 0, kT0 + 60'000, "rent");
  auto [s, r] = post_tx(tx);
  ASSERT_EQ(s, 202) << r.dump();
  EXPECT_EQ(r["id"], tx.id().hex());
  EXPECT_EQ(call("GET", "/v1/transactions/" + tx.id().hex()).second["status"], "pending");
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto [s2, t] = call("GET", "/v1/transactions/" + tx.id().hex());
  EXPECT_EQ(s2, 200);
  EXPECT_EQ(t["status"], "committed");
  EXPECT_EQ(t["block_height"], 1);
  EXPECT_EQ(t["operations"][0]["amount"], "12.50000000");
  EXPECT_EQ(t["operations"][0]["memo"], "rent");
  auto [s3, b] = call("GET", "/v1/blocks/1");
  EXPECT_EQ(s3, 200);
  EXPECT_EQ(b["transactions"][0]["id"], tx.id().hex());
  auto [s4, b2] = call("GET", "/v1/blocks/" + b["id"].get<std::string>());
  EXPECT_EQ(s4, 200);
  EXPECT_EQ(b2["height"], 1);
  EXPECT_EQ(call("GET", "/v1/accounts/" + core::encode_address(bob)).second["balance"], "12.50000000");
}

// A body built to be expensive is refused after a bounded amount of work (issue 14, item 10): a
// DOM with 125,000 distinct keys in 1 MiB cost ~39 s of CPU; deep nesting costs stack.
TEST_F(RoutesTest, AdversarialBodiesAreRefusedFast) {
  std::string many = "{";
  for (int i = 0; many.size() < (1u << 20) - 32; ++i) many += "\"k" + std::to_string(i) + "\":1,";
  many += "\"transaction\":\"00\"}";
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  const std::string deep_member = "{\"a\":" + std::string(100'000, '[') + "}";
  struct Case {
    const std::string& body;
    const char* error;
  } cases[] = {{many, "api.body_too_complex"}, {deep, "api.body_too_complex"}, {deep_member, "api.body_too_complex"}};
  for (const auto& c : cases) {
    const auto start = std::chrono::steady_clock::now();
    auto [status, j] = call("POST", "/v1/transactions", c.body);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    EXPECT_EQ(status, 400);
    EXPECT_EQ(err(j), c.error) << c.body.substr(0, 40);
    EXPECT_LT(ms.count(), 1000) << "took " << ms.count() << " ms";
  }
  // The limits leave room for a real request: other members are ignored, a key twice is refused.
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"note":{"a":[1,2,{"b":null}]},"transaction":"zz"})").second),
            "api.invalid_hex");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"transaction":"00","transaction":"zz"})").second),
            "api.malformed_json");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"transaction":5})").second), "api.missing_field");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"(["transaction"])").second), "api.malformed_json");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"transaction":"00"} x)").second), "api.malformed_json");
  EXPECT_EQ(err(call("POST", "/v1/transactions", "").second), "api.malformed_json");
  EXPECT_EQ(ctl->mempool_size(), 0u);
}

TEST_F(RoutesTest, BadRequestsGetTheirOwnErrors) {
  auto exp = kT0 + 60'000;
  EXPECT_EQ(err(call("POST", "/v1/transactions", "{not json").second), "api.malformed_json");
  EXPECT_EQ(err(call("POST", "/v1/transactions", "{}").second), "api.missing_field");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"transaction":"zz"})").second), "api.invalid_hex");
  EXPECT_EQ(err(call("POST", "/v1/transactions", R"({"transaction":"00ff"})").second), "tx.malformed");
  auto tx = testing::make_transfer(genesis.chain_id(), dev, bob, Amount::ct(1), 0, exp);
  Bytes bad = tx.bytes();
  bad[bad.size() - 10] ^= 4;
  EXPECT_EQ(err(call("POST", "/v1/transactions", dump(Json{{"transaction", core::to_hex(bad)}})).second), "tx.bad_signature");
  Genesis other = genesis;
  other.chain_name = "other";
  EXPECT_EQ(err(post_tx(testing::make_transfer(other.chain_id(), dev, bob, Amount::ct(1), 0, exp)).second), "tx.wrong_chain_id");
  auto [s, over] = post_tx(testing::make_transfer(genesis.chain_id(), dev, bob, Amount::ct(5'000'000), 0, exp));
  EXPECT_EQ(s, 422);
  EXPECT_EQ(err(over), "token.insufficient_balance");
  EXPECT_EQ(err(post_tx(testing::make_transfer(genesis.chain_id(), dev_key("cornerstone"), bob, Amount::ct(1), 0, exp)).second),
            "token.locked_balance");
  ASSERT_EQ(post_tx(tx).first, 202);
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto [s2, stale] = post_tx(testing::make_transfer(genesis.chain_id(), dev, bob, Amount::ct(2), 0, exp));
  EXPECT_EQ(s2, 409);
  EXPECT_EQ(err(stale), "tx.stale_sequence");

  EXPECT_EQ(err(call("GET", "/v1/accounts/lj1qnotanaddress").second), "core.invalid_address");
  std::string addr = core::encode_address(bob);
  addr[10] = addr[10] == 'q' ? 'p' : 'q';
  EXPECT_EQ(err(call("GET", "/v1/accounts/" + addr).second), "core.address_checksum");
  EXPECT_EQ(err(call("GET", "/v1/blocks/99").second), "api.block_not_found");
  EXPECT_EQ(err(call("GET", "/v1/blocks/xyz").second), "api.invalid_block_ref");
  EXPECT_EQ(err(call("GET", "/v1/transactions/abc").second), "api.invalid_transaction_id");
  EXPECT_EQ(err(call("GET", "/v1/transactions/" + std::string(64, '0')).second), "api.transaction_not_found");
  EXPECT_EQ(err(call("DELETE", "/v1/info").second), "api.method_not_allowed");
  EXPECT_EQ(err(call("GET", "/v2/nothing").second), "api.not_found");
  // None of that moved any CT.
  EXPECT_EQ(call("GET", "/v1/accounts/" + core::encode_address(bob)).second["balance"], "1.00000000");
  EXPECT_EQ(call("GET", "/v1/info").second["head_height"], 1);
}

// A final block's proof: the headers up to the block that proves it final and that block's
// certificate, which a client checks with the producer set alone.
TEST_F(RoutesTest, FinalityProofOfAFinalBlockChecksWithTheProducerSetAlone) {
  for (int i = 1; i <= 6; ++i) ASSERT_TRUE(ctl->produce(kT0 + 1000 * i));
  const Json info = call("GET", "/v1/info").second;
  const uint64_t lib = info["lib_height"].get<uint64_t>();
  ASSERT_GE(lib, 3u);
  auto [status, j] = call("GET", "/v1/blocks/2/finality");
  ASSERT_EQ(status, 200) << j.dump();
  EXPECT_EQ(j["height"], 2);
  EXPECT_EQ(j["id"], call("GET", "/v1/blocks/2").second["id"]);
  EXPECT_EQ(j["producer_set"], Json::array({dev_key("producer").public_key().hex()}));
  EXPECT_TRUE(j["next_set"].is_null());
  auto bytes = core::from_hex(j["proof"].get<std::string>());
  ASSERT_TRUE(bytes);
  auto proof = finality::BlockFinalityProof::decode(*bytes);
  ASSERT_TRUE(proof) << proof.error().message;
  EXPECT_EQ(proof->headers.front().id().hex(), j["id"]);
  EXPECT_TRUE(proof->verify(genesis.chain_id(), {dev_key("producer").public_key()}));
  // Another set, another chain, or a header out of the chain: refused.
  EXPECT_FALSE(proof->verify(genesis.chain_id(), {dev_key("alice").public_key()}));
  EXPECT_FALSE(proof->verify(core::blake2b_256(core::as_bytes(std::string_view("other"))), {dev_key("producer").public_key()}));
  auto forged = *proof;
  forged.headers.front().timestamp += 1;
  EXPECT_EQ(forged.verify(genesis.chain_id(), {dev_key("producer").public_key()}).error().name, "finality.malformed");
  // The head is not final; a height is a number.
  const std::string head = std::to_string(info["head_height"].get<uint64_t>());
  auto [s2, e2] = call("GET", "/v1/blocks/" + head + "/finality");
  EXPECT_EQ(s2, 409);
  EXPECT_EQ(err(e2), "api.not_final");
  EXPECT_EQ(err(call("GET", "/v1/blocks/x/finality").second), "api.invalid_block_ref");
}

TEST_F(RoutesTest, DealersAndProducers) {
  auto shop = dev_key("shop");
  auto foundation = dev_key("foundation");
  auto exp = kT0 + 60'000;
  EXPECT_EQ(err(call("GET", "/v1/dealers/" + core::encode_address(shop.public_key())).second), "api.dealer_not_found");
  auto [s0, r0] = post_tx(testing::make_tx(genesis.chain_id(), shop, 0, exp,
                                           {ProducerRegister{dev_key("sign").public_key(), "https://s", "ID"}}));
  EXPECT_EQ(s0, 422);
  EXPECT_EQ(err(r0), "producer.not_approved_dealer");
  ASSERT_EQ(post_tx(testing::make_tx(genesis.chain_id(), shop, 0, exp, {DealerApply{"Toko", "Jakarta", "ID", "+62"}})).first, 202);
  ASSERT_EQ(post_tx(testing::make_tx(genesis.chain_id(), foundation, 0, exp,
                                     {DealerSetStatus{shop.public_key(), DealerStatus::kApproved}})).first, 202);
  ASSERT_EQ(post_tx(testing::make_tx(genesis.chain_id(), shop, 1, exp,
                                     {ProducerRegister{dev_key("sign").public_key(), "https://s", "ID"}})).first, 202);
  ASSERT_EQ(post_tx(testing::make_tx(genesis.chain_id(), dev, 0, exp, {VoteProducers{{shop.public_key()}}})).first, 202);
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto [s1, d] = call("GET", "/v1/dealers/" + core::encode_address(shop.public_key()));
  EXPECT_EQ(s1, 200);
  EXPECT_EQ(d["status"], "approved");
  EXPECT_EQ(d["producer"]["votes"], "1000000.00000000");
  auto [s2, p] = call("GET", "/v1/producers");
  EXPECT_EQ(s2, 200);
  ASSERT_EQ(p["elected"].size(), 1u);
  EXPECT_EQ(p["elected"][0]["account"], core::encode_address(shop.public_key()));
  EXPECT_EQ(call("GET", "/v1/accounts/" + core::encode_address(dev.public_key())).second["votes_for"][0],
            core::encode_address(shop.public_key()));
}

// The dev chain's one producer votes twice in a slot: the report is recorded and listed, the
// producer shows as ejected (and keeps producing: it is the last one); bad reports get their codes.
TEST_F(RoutesTest, EvidenceIsRecordedAndListed) {
  const auto exp = kT0 + 60'000;
  const Hash256 chain_id = genesis.chain_id();
  auto double_vote = [&](const core::PrivateKey& k) {
    const finality::Vote x{1, 1, core::blake2b_256(core::as_bytes("x")), 0};
    finality::Vote y = x;
    y.block_id = core::blake2b_256(core::as_bytes("y"));
    return finality::DoubleVoteEvidence::make(finality::SignedVote::sign(chain_id, x, k),
                                              finality::SignedVote::sign(chain_id, y, k)).encode();
  };
  auto reporter = dev_key("alice");
  auto report = [&](uint64_t seq, EvidenceKind kind, Bytes ev) {
    return post_tx(testing::make_tx(chain_id, reporter, seq, exp, {ReportEvidence{kind, std::move(ev)}}));
  };
  auto [s0, r0] = report(0, EvidenceKind::kDoubleVote, double_vote(dev_key("outsider")));
  EXPECT_EQ(s0, 422);
  EXPECT_EQ(err(r0), "finality.evidence_unknown_key");
  EXPECT_EQ(err(report(0, static_cast<EvidenceKind>(9), {}).second), "finality.bad_evidence_kind");
  EXPECT_EQ(call("GET", "/v1/evidence").second["evidence"].size(), 0u);

  ASSERT_EQ(report(0, EvidenceKind::kDoubleVote, double_vote(dev_key("producer"))).first, 202);
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto [s1, e] = call("GET", "/v1/evidence");
  EXPECT_EQ(s1, 200);
  ASSERT_EQ(e["evidence"].size(), 1u);
  const Json& rec = e["evidence"][0];
  EXPECT_EQ(rec["offender_key"], dev_key("producer").public_key().hex());
  EXPECT_EQ(rec["slot"], 1);
  EXPECT_EQ(rec["kind"], "double_vote");
  EXPECT_EQ(rec["account"], core::encode_address(dev_key("producer").public_key()));
  EXPECT_EQ(rec["reporter"], core::encode_address(reporter.public_key()));
  EXPECT_EQ(rec["height"], 1);
  EXPECT_EQ(rec["ejected"], true);
  auto [s2, p] = call("GET", "/v1/producers");
  ASSERT_EQ(p["schedule"]["producers"].size(), 1u);
  EXPECT_EQ(p["schedule"]["producers"][0]["ejected"], true);
  // The same offence again: a conflict with what the chain holds.
  auto [s3, r3] = report(1, EvidenceKind::kDoubleVote, double_vote(dev_key("producer")));
  EXPECT_EQ(s3, 409);
  EXPECT_EQ(err(r3), "finality.evidence_duplicate");
  ASSERT_TRUE(ctl->produce(kT0 + 2000));  // the last producer goes on
  EXPECT_EQ(call("GET", "/v1/info").second["head_height"], 2);
  EXPECT_EQ(call("GET", "/v1/evidence").second["evidence"].size(), 1u);
}

TEST_F(RoutesTest, GovernanceParamsAndProposals) {
  auto [s0, params] = call("GET", "/v1/governance/params");
  EXPECT_EQ(s0, 200);
  EXPECT_EQ(params["params"]["bet_fee_default_bp"], 500);
  EXPECT_EQ(params["params"]["bet_max"], "200.00000000");
  EXPECT_EQ(params["committee"]["size"], 1);
  EXPECT_EQ(params["committee"]["approvals_needed"], 1);
  EXPECT_EQ(params["fee_pool"]["balance"], "0.00000000");
  EXPECT_EQ(call("POST", "/v1/governance/params").first, 405);

  // The dev chain's only producer is the committee: its proposal is approved at once.
  auto producer = dev_key("producer");
  auto [s1, r1] = post_tx(testing::make_tx(genesis.chain_id(), dev, 0, kT0 + 60'000,
                                           {GovernancePropose{{{ParamId::kBetFeeDefaultBp, 300}}, {3, 3}, ""}}));
  EXPECT_EQ(s1, 422);
  EXPECT_EQ(err(r1), "governance.not_committee_member");
  ASSERT_EQ(post_tx(testing::make_tx(genesis.chain_id(), producer, 0, kT0 + 60'000,
                                     {GovernancePropose{{{ParamId::kBetFeeDefaultBp, 300}, {ParamId::kBetMin, 100'000'000}},
                                                        {3, 2}, "3 % by default"}})).first, 202);
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  auto [s2, one] = call("GET", "/v1/governance/proposals/1");
  EXPECT_EQ(s2, 200);
  EXPECT_EQ(one["kind"], "params");
  EXPECT_EQ(one["status"], "approved");
  EXPECT_EQ(one["proposer"], core::encode_address(producer.public_key()));
  EXPECT_EQ(one["changes"][0]["param"], "bet_fee_default_bp");
  EXPECT_EQ(one["changes"][0]["value"], 300);
  EXPECT_EQ(one["changes"][1]["value"], "1.00000000");
  EXPECT_EQ(one["approvals_counted"], 1);
  EXPECT_EQ(one["decided_height"], 1);
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  ASSERT_TRUE(ctl->produce(kT0 + 3000));
  EXPECT_EQ(call("GET", "/v1/governance/proposals/1").second["status"], "enacted");
  EXPECT_EQ(call("GET", "/v1/governance/params").second["params"]["bet_fee_default_bp"], 300);
  auto [s3, list] = call("GET", "/v1/governance/proposals?limit=10");
  EXPECT_EQ(s3, 200);
  ASSERT_EQ(list["proposals"].size(), 1u);
  EXPECT_EQ(list["proposals"][0]["id"], 1);
  EXPECT_TRUE(list["next_before"].is_null());
  EXPECT_EQ(call("GET", "/v1/governance/proposals?before=1").second["proposals"].size(), 0u);
  EXPECT_EQ(err(call("GET", "/v1/governance/proposals?limit=0").second), "api.invalid_query");
  EXPECT_EQ(err(call("GET", "/v1/governance/proposals?before=x").second), "api.invalid_query");
  EXPECT_EQ(err(call("GET", "/v1/governance/proposals/2").second), "api.proposal_not_found");
  EXPECT_EQ(err(call("GET", "/v1/governance/proposals/abc").second), "api.invalid_query");
  // The proposal as an operation of its transaction.
  auto block = call("GET", "/v1/blocks/1").second;
  EXPECT_EQ(block["transactions"][0]["operations"][0]["type"], "governance_propose");
  EXPECT_EQ(block["transactions"][0]["operations"][0]["expires_height"], 2);
}

TEST_F(RoutesTest, ABlocksOperationsMovesAndRewardAsCommitted) {
  auto [s0, empty] = call("GET", "/v1/events");
  EXPECT_EQ(s0, 200);
  EXPECT_TRUE(empty["blocks"].empty());
  // Two transfers, one of them to the fee pool, so the next block pays a reward.
  auto t1 = testing::make_transfer(genesis.chain_id(), dev, bob, Amount::ct(5), 0, kT0 + 60'000, "hi");
  auto t2 = testing::make_transfer(genesis.chain_id(), dev, fee_pool_account(), Amount::ct(3), 1, kT0 + 60'000);
  ASSERT_TRUE(ctl->submit(t1.bytes(), kT0 + 500));
  ASSERT_TRUE(ctl->submit(t2.bytes(), kT0 + 500));
  ASSERT_TRUE(ctl->produce(kT0 + 1000));
  ASSERT_TRUE(ctl->produce(kT0 + 2000));
  auto [s, j] = call("GET", "/v1/events?from=1");
  ASSERT_EQ(s, 200);
  EXPECT_EQ(j["held"]["oldest"], 1);
  EXPECT_EQ(j["held"]["newest"], 2);
  EXPECT_EQ(j["final_height"], 0);  // one producer: its blocks are final two blocks later
  EXPECT_EQ(j["next"], (Json{{"from", 3}, {"skip", 0}}));
  ASSERT_EQ(j["blocks"].size(), 2u);
  const Json& b1 = j["blocks"][0];
  EXPECT_EQ(b1["height"], 1);
  EXPECT_EQ(b1["final"], false);
  EXPECT_EQ(b1["event_count"], 4);
  EXPECT_EQ(b1["first_event"], 0);
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
  auto [s2, only2] = call("GET", "/v1/events?from=2&limit=1");
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(only2["blocks"].size(), 1u);
  EXPECT_EQ(only2["blocks"][0]["height"], 2);
  auto [s3, later] = call("GET", "/v1/events?from=3");
  EXPECT_EQ(s3, 200);
  EXPECT_TRUE(later["blocks"].empty());
}

TEST_F(RoutesTest, BadQueriesAreRefused) {
  for (const char* bad : {"/v1/events?from=x", "/v1/events?from=-1", "/v1/events?limit=0", "/v1/events?limit=101",
                          "/v1/events?limit=99999999999999999999", "/v1/events?from=1&limit=2x", "/v1/events?skip=1.5",
                          "/v1/events?from=99999999999999999999"}) {
    auto [s, j] = call("GET", bad);
    EXPECT_EQ(s, 400) << bad;
    EXPECT_EQ(j["error"]["name"], "api.invalid_query") << bad;
  }
  auto r = routes->handle(HttpRequest{"POST", "/v1/events", "{}", "application/json", "test"});
  EXPECT_EQ(r.status, 405);
  // A node without the index does not serve the endpoint.
  Routes bare(*ctl, [] { return kT0; });
  EXPECT_EQ(bare.handle(HttpRequest{"GET", "/v1/events", "", "", "test"}).status, 404);
}

}  // namespace
}  // namespace lingji::api
