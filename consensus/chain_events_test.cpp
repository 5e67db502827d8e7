// chain_events_test.cpp: the event outbox alone: every batch taken is delivered once, in the
// order taken, even across threads and when an exception unwinds past it; a throwing observer is
// counted and the others still see the batch; an observer that would change the head aborts
// instead of waiting for itself.
#include "consensus/chain_events.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace lingji::consensus {
namespace {

chain::Block block_at(uint64_t h) {
  chain::Block b;
  b.header.height = h;
  b.header.slot = h;
  return b;
}

struct Recorder : ChainObserver {
  void on_chain_events(const std::vector<ChainEvent>& batch) override {
    std::lock_guard lock(mu);
    for (const auto& e : batch) heights.push_back(e.header.height);
  }
  std::mutex mu;
  std::vector<uint64_t> heights;
};

struct Thrower : ChainObserver {
  void on_chain_events(const std::vector<ChainEvent>&) override { throw std::runtime_error("observer bug"); }
};

TEST(EventOutboxTest, EveryBatchIsDeliveredOnceInOrderAndThrowersAreContained) {
  EventOutbox outbox;
  auto thrower = std::make_shared<Thrower>();
  auto recorder = std::make_shared<Recorder>();
  outbox.subscribe(thrower);  // first: the recorder must still see every batch
  outbox.subscribe(recorder);
  {
    outbox.committed(block_at(1), {}, 0);
    auto batch = outbox.take();
    EXPECT_EQ(batch.events().size(), 1u);
  }  // delivered here
  try {
    outbox.committed(block_at(2), {}, 0);
    auto batch = outbox.take();
    throw std::runtime_error("a failure between take and deliver");
  } catch (const std::runtime_error&) {
  }
  { auto empty = outbox.take(); }  // an empty batch still takes its turn
  // Two threads: batch 3 is taken first but delivered last; the second waits its turn.
  outbox.committed(block_at(3), {}, 0);
  auto first = std::make_unique<EventOutbox::Batch>(outbox.take());
  outbox.committed(block_at(4), {}, 0);
  std::thread later([&] { auto second = outbox.take(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(recorder->mu);
    EXPECT_EQ(recorder->heights, (std::vector<uint64_t>{1, 2})) << "batch 4 must wait for batch 3";
  }
  first.reset();
  later.join();
  std::lock_guard lock(recorder->mu);
  EXPECT_EQ(recorder->heights, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(outbox.observer_failures(), 4u);
}

struct HeadChanger : ChainObserver {
  explicit HeadChanger(EventOutbox& o) : outbox(o) {}
  void on_chain_events(const std::vector<ChainEvent>&) override { (void)outbox.take(); }
  EventOutbox& outbox;
};

TEST(EventOutboxDeathTest, AnObserverThatChangesTheHeadAbortsInsteadOfHanging) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        EventOutbox outbox;
        outbox.subscribe(std::make_shared<HeadChanger>(outbox));
        outbox.committed(block_at(1), {}, 0);
        { auto batch = outbox.take(); }
      },
      "observer changed the head");
}

}  // namespace
}  // namespace lingji::consensus
