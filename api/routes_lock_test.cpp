// routes_lock_test.cpp: the API's block reads hold no consensus lock (issue 14, item 11). A
// stranger may ask for blocks, finality proofs and committed transactions as fast as it likes;
// each is read from disk, and production and votes wait for the node's lock, so none of those
// reads may run under it. The store's read hook asks, at every read of the block files, whether
// another thread can take the node's lock at that moment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "api/json_views.h"
#include "api/routes.h"
#include "chain/chain_test_util.h"

namespace lingji::api {
namespace {

using namespace lingji::chain;
using namespace std::chrono_literals;
constexpr TimeMs kT0 = 1'790'000'000'000;

class RoutesLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("lingji-routes-lock-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    consensus::ControllerOptions o;
    o.data_dir = dir;
    o.genesis = testing::dev_genesis(kT0);
    o.producer_keys = {dev_key("producer")};
    o.init_keys_of_new_chain = true;  // a test chain: its key is new
    o.block_read_hook = [this] { on_block_read(); };
    auto opened = consensus::Controller::open(std::move(o));
    ASSERT_TRUE(opened);
    ctl = std::move(opened.value());
    routes = std::make_unique<Routes>(*ctl, [] { return kT0 + 500; });
  }
  void TearDown() override {
    for (auto& f : waiting) f.wait();  // each takes the lock once the read that held it is over
    routes.reset();
    ctl.reset();
    std::filesystem::remove_all(dir);
  }

  // Runs on the reading thread. Another thread takes the node's lock (mempool_size() does): if
  // it cannot within 300 ms, the reader holds it. One finding per request is enough.
  void on_block_read() {
    if (!watching) return;
    ++reads;
    if (held_this_request) return;
    std::lock_guard lock(mu);
    waiting.push_back(std::async(std::launch::async, [this] { return ctl->mempool_size(); }));
    if (waiting.back().wait_for(300ms) == std::future_status::timeout) {
      held_this_request = true;
      ++reads_under_lock;
    }
  }

  // GET target, watching its block reads; the status.
  int get(const std::string& target) {
    held_this_request = false;
    watching = true;
    auto r = routes->handle(HttpRequest{"GET", target, "", "", "test"});
    watching = false;
    return r.status;
  }

  std::filesystem::path dir;
  std::unique_ptr<consensus::Controller> ctl;
  std::unique_ptr<Routes> routes;
  std::atomic<bool> watching = false;
  bool held_this_request = false;
  int reads = 0, reads_under_lock = 0;
  std::mutex mu;
  std::vector<std::future<size_t>> waiting;
};

TEST_F(RoutesLockTest, BlocksFinalityProofsAndCommittedTransactionsAreReadOutsideTheNodesLock) {
  auto tx = testing::make_transfer(ctl->read([](const Chain& c, const storage::BlockStore&) { return c.chain_id(); }),
                                   dev_key("dev"), dev_key("bob").public_key(), core::Amount::ct(1), 0, kT0 + 60'000);
  ASSERT_TRUE(ctl->submit(tx.bytes(), kT0 + 500));
  for (int i = 1; i <= 6; ++i) ASSERT_TRUE(ctl->produce(kT0 + 1000 * i));
  const std::string block2_id = ctl->blocks().header_at(2)->id().hex();

  for (const std::string& target : std::vector<std::string>{"/v1/blocks/2", "/v1/blocks/" + block2_id, "/v1/blocks/head",
                                   "/v1/blocks/2/finality", "/v1/transactions/" + tx.id().hex()}) {
    const int before = reads, held_before = reads_under_lock;
    EXPECT_EQ(get(target), 200) << target;
    EXPECT_GT(reads, before) << target << " reads the block files";
    EXPECT_EQ(reads_under_lock, held_before) << target << " read a block while holding the node's lock";
  }
}

}  // namespace
}  // namespace lingji::api
