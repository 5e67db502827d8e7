// hostile_test.cpp: the acceptance test of the peer defences (issue 14 item 8). Seven lingjid
// processes, 101 producers, every link delayed 50 ms (tests/functional/hostile_net.h); while
// lingji-hostile (tools/hostile) runs every flood at once against one node at full speed:
// finality keeps a median of at most 3 s, every node's memory stays bounded, a real
// equivocation sent meanwhile to the flooded node is still detected and recorded on chain, and
// each flood that breaks a rule ends with its connection closed with its code and its address
// refused on redial. The per-flood figures (one flood at a time, longer) are bench/hostile.sh's.
#include <gtest/gtest.h>

#include <iostream>

#include "net/net_errors.h"
#include "tests/functional/hostile_net.h"

namespace lingji::functional {
namespace {

constexpr int kFloodMs = 20'000;
constexpr size_t kTarget = 3;
// A node of this network holds ~20 MiB and the flooded one peaks near 35 MiB (Debug); a bound
// per connection that failed would show as hundreds of MiB more (a blocks batch is up to 24 MiB,
// a send queue up to 64 MiB, and the floods open thousands of connections).
constexpr long kMaxRssKib = 256 * 1024;

uint64_t count_of(const Json& report, const std::string& code) {
  const Json& g = report["goodbyes"];
  return g.contains(code) ? g[code].get<uint64_t>() : 0;
}

TEST(Hostile, EveryFloodAtOnceLeavesFinalityMemoryAndEvidenceIntact) {
  TempDir dir;
  HostileNet h(dir.path());
  const auto before = h.rss_kib();

  std::string offender;
  std::thread equivocation([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(kFloodMs / 4));
    offender = h.equivocate(40, kTarget);  // p40 is a key of node 2
  });
  FloodRun run = h.flood("all", kTarget, kFloodMs, 20);
  equivocation.join();
  h.finality(run);
  std::cout << run.tool_output;
  ASSERT_EQ(run.exit_code, 0) << run.tool_output;

  // Each flood that breaks a rule is closed with its code and banned (a redial is refused).
  const std::map<std::string, std::string> expected = {
      {"malformed-tx", "net.misbehaving"}, {"bad-sig-tx", "net.penalized"},  {"rejected-tx", "net.misbehaving"},
      {"bad-block", "net.penalized"},      {"forged-vote", "net.penalized"}, {"get-blocks", "net.misbehaving"},
      {"unsolicited", "net.misbehaving"},  {"impersonate", "net.bad_auth"}};
  for (const auto& [mode, code] : expected) {
    ASSERT_TRUE(run.reports.count(mode)) << mode;
    const Json& r = run.reports[mode];
    EXPECT_GT(count_of(r, code), 0u) << mode << ": " << r.dump();
    EXPECT_GT(r["banned"].get<uint64_t>(), 0u) << mode << ": " << r.dump();
    EXPECT_EQ(r["banned"], r["redials"]) << mode << ": a closed address was let in again: " << r.dump();
  }
  EXPECT_EQ(run.reports["impersonate"]["connections"], 0u) << "a forged proof was accepted";
  // One address gets its 8 inbound slots and no more.
  const Json& conns = run.reports["connections"];
  EXPECT_LE(conns["held"].get<uint64_t>(), 8u) << conns.dump();
  EXPECT_GT(count_of(conns, "net.too_many_from_ip"), 0u) << conns.dump();

  // Finality: blocks kept becoming final, with a median of at most 3 s.
  const auto [median, p99] = median_p99(run.finality_ms);
  std::cout << "final blocks " << run.lib_before << ".." << run.lib_after << ", finality median " << median
            << " ms, p99 " << p99 << " ms (n=" << run.finality_ms.size() << ")\n";
  EXPECT_GE(run.lib_after, run.lib_before + kFloodMs / 1000 / 2);
  EXPECT_LE(median, 3000);

  // Memory: every node's peak stays under the bound.
  for (size_t i = 0; i < run.peak_rss_kib.size(); ++i) {
    std::cout << "node " << i << ": RSS before " << before[i] / 1024 << " MiB, peak " << run.peak_rss_kib[i] / 1024
              << " MiB\n";
#if !defined(__SANITIZE_ADDRESS__)
    EXPECT_LT(run.peak_rss_kib[i], kMaxRssKib) << "node " << i;
#endif
  }
  // Under AddressSanitizer (scripts/test's second pass) RSS says nothing about the node: freed
  // memory waits in ASan's quarantine (256 MiB) and every byte has its shadow. The bound is
  // checked in the plain pass; this one looks for memory errors under the same floods.

  // The equivocation sent to the flooded node in the middle of the flood is recorded on chain.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!h.has_evidence(kTarget, offender) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_TRUE(h.has_evidence(kTarget, offender)) << "no evidence against " << offender;
}

}  // namespace
}  // namespace lingji::functional
