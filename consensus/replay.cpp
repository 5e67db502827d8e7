#include "consensus/replay.h"

#include <chrono>
#include <optional>

#include "chain/chain.h"
#include "chain/chain_errors.h"
#include "consensus/verify_pool.h"

namespace lingji::consensus {

using chain::chain_error;

std::vector<std::pair<core::Bytes, core::Bytes>> state_entries(const chain::State& s) {
  std::vector<std::pair<core::Bytes, core::Bytes>> out;
  s.for_each({}, [&](const core::Bytes& k, const core::Bytes& v) { out.emplace_back(k, v); });
  return out;
}

core::Result<chain::Genesis> stored_genesis(const storage::BlockStore& store) {
  auto json = store.genesis_json();
  if (!json) return storage::storage_error("storage.corruption", "the store has no genesis");
  return chain::parse_genesis_json(*json);
}

core::Result<ReplayReport> replay(const std::filesystem::path& data_dir, unsigned threads) {
  auto store = storage::BlockStore::open(data_dir, true);
  if (!store) return store.error();
  auto genesis = stored_genesis(**store);
  if (!genesis) return genesis.error();
  auto start = std::chrono::steady_clock::now();
  chain::Chain chain(std::move(*genesis));
  VerifyPool pool(threads);
  ReplayReport report;
  const uint64_t head = (*store)->head_height();
  // Pipelined: the pool's workers check block h+1's signatures while this thread applies block
  // h, then this thread joins them (VerifyPool::start/finish), so replay runs near the
  // verification limit with no more busy threads than cores.
  std::optional<chain::Block> next;
  if (head >= 1 && (next = (*store)->block_at(1))) pool.start(next->transactions);
  for (uint64_t h = 1; h <= head; ++h) {
    const std::optional<size_t> bad_signature = next ? pool.finish() : std::nullopt;
    const std::optional<chain::Block> cur = std::move(next);
    if (!cur)
      return storage::storage_error("storage.corruption",
                              "block " + std::to_string(h) + " is missing or damaged");
    if (bad_signature)
      return chain_error("tx.bad_signature", "block " + std::to_string(h) + " transaction " +
                                                         std::to_string(*bad_signature) + ": bad signature");
    next.reset();
    if (h + 1 <= head && (next = (*store)->block_at(h + 1))) pool.start(next->transactions);
    auto applied = chain.apply_block(*cur, /*signatures_verified=*/true);
    if (!applied) {
      if (next) (void)pool.finish();  // the workers must be done with `next` before it goes
      core::Error e = applied.error();
      e.message = "replay stopped at block " + std::to_string(h) + ": " + e.message;
      return e;
    }
    ++report.blocks;
    report.transactions += cur->transactions.size();
  }
  if (auto st = (*store)->replace_state(state_entries(chain.state())); !st) return st.error();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace lingji::consensus
