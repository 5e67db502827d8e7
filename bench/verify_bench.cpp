// verify_bench: Ed25519 signature verifications per second (libsodium), the chain's physical
// limit (consensus/verify_pool.h). It verifies one real signed transfer, exactly as a node does
// (SignedTransaction::verify_signature: domain || body, then crypto_sign_verify_detached), on one
// thread and on every hardware thread in the same run, and ends with a summary table.
//
// Usage: verify_bench [Google Benchmark flags, e.g. --benchmark_min_time=2]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <unistd.h>
#include <vector>

#include "bench/bench_util.h"
#include "chain/genesis/dev_keys.h"
#include "chain/protocol/transaction.h"

using namespace lingji;

namespace {

// A transfer as wallets send it: one operation, no memo, a realistic sequence and expiration.
const chain::SignedTransaction& sample_transfer() {
  static const chain::SignedTransaction tx = [] {
    chain::TransactionBody body;
    body.chain_id = core::blake2b_256(core::as_bytes("verify_bench chain"));
    body.expiration = 1'793'000'000'000;
    body.sender = chain::dev_key("bench-sender-0").public_key();
    body.sequence = 41;
    body.operations.push_back(
        chain::Transfer{chain::dev_key("bench-recipient-0").public_key(), core::Amount::units(12'345'678), ""});
    return chain::SignedTransaction::sign(std::move(body), chain::dev_key("bench-sender-0"));
  }();
  return tx;
}

void BM_VerifyTransfer(benchmark::State& state) {
  const chain::SignedTransaction& tx = sample_transfer();
  for (auto _ : state) {
    bool ok = tx.verify_signature();
    benchmark::DoNotOptimize(ok);
    if (!ok) {
      state.SkipWithError("the sample signature does not verify");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// The usual console table, then one line per thread count: rate and scaling over 1 thread.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal, so that logs and tee'd output stay plain text.
  SummaryReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rows_.push_back({r.threads, it->second.value});
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    double single = 0;
    for (const auto& row : rows_)
      if (row.threads == 1) single = row.rate;
    std::printf("\nEd25519 verification of a %zu-byte signed transfer (%zu-byte signed message)\n",
                sample_transfer().bytes().size(), chain::signing_bytes(sample_transfer().body_bytes()).size());
    std::printf("machine: %u hardware threads, %s\n", bench::hardware_threads(), bench::cpu_model().c_str());
    std::printf("%-10s %18s %12s\n", "threads", "verifications/s", "vs 1 thread");
    for (const auto& row : rows_)
      std::printf("%-10lld %18.0f %11.2fx\n", static_cast<long long>(row.threads), row.rate,
                  single > 0 ? row.rate / single : 0.0);
  }

 private:
  struct Row {
    int64_t threads;
    double rate;
  };
  std::vector<Row> rows_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!sample_transfer().verify_signature()) {
    std::fprintf(stderr, "verify_bench: the sample transfer does not verify\n");
    return 1;
  }
  const unsigned all = bench::hardware_threads();
  benchmark::AddCustomContext("hardware_threads", std::to_string(all));
  benchmark::AddCustomContext("cpu_model", bench::cpu_model());
  auto* b = benchmark::RegisterBenchmark("verify_signature/transfer", BM_VerifyTransfer);
  b->Threads(1);
  if (all > 1) b->Threads(static_cast<int>(all));
  b->UseRealTime();
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
