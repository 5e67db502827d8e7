// pipeline_bench: how close the block pipeline (signatures -> produce/apply -> RocksDB commit)
// comes to the chain's physical limit, all-core signature verification.
//
// One run measures, over the same N pre-signed transfers:
//   (a) limit:     VerifyPool(all threads).verify over all N transactions;
//   (b) 1 thread:  per block, verify each signature on this thread, Chain::produce_block (checks
//                  and applies), BlockStore::commit_block (fsync per block unless --no-sync);
//   (c) pipelined: the next block's signatures are verified by the VerifyPool's workers while
//                  this thread produces and commits the current block, then this thread joins
//                  them (VerifyPool::start/finish: no more busy threads than cores);
//   (a') the limit again, block by block in turns with (c), so that both see the same phases of
//                  a host whose speed drifts;
// and prints (c) as a percentage of (a) and of (a') (target >= 80%, judged against (a')).
// (b) and (c) each start from a fresh Chain and a fresh store, written as a node data dir
// (genesis JSON + genesis state before block 1, as Controller::open does), so
// `lingjid --replay --data-dir DIR/parallel` replays (c);
// with --keep the genesis is also written to DIR/genesis.json.
//
// The genesis is the dev allocation with the community circulation (40%) split between K bench
// senders (keys dev_key("bench-sender-<i>")) and "community", so every category total stays
// exact and Genesis::validate() passes.
//
// Usage: pipeline_bench [--transactions N] [--block-size B] [--senders K] [--data-dir DIR]
//                       [--keep] [--no-sync] [--verify-threads T]
#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_util.h"
#include "chain/chain.h"
#include "chain/genesis/dev_keys.h"
#include "consensus/verify_pool.h"
#include "storage/block_store.h"

using namespace lingji;
namespace fs = std::filesystem;

namespace {

struct Options {
  uint64_t transactions = 200'000;
  uint32_t block_size = 5'000;
  uint32_t senders = 2'000;
  unsigned verify_threads = 0;  // 0: every hardware thread
  std::string data_dir;         // empty: a fresh temporary directory
  bool keep = false;
  bool sync = true;
};

constexpr core::TimeMs kGenesisTime = 1'793'462'400'000;  // 2026-11-01T00:00:00+08:00
constexpr uint32_t kBlockIntervalMs = 1000;
constexpr int64_t kCirculationUnits = core::Amount::kMaxMoney / 100 * 40;  // R1: community circulation

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "pipeline_bench: %s\n", message.c_str());
  std::exit(1);
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](uint64_t min, uint64_t max) {
      std::string v = value();
      char* end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < min || n > max)
        die(a + " must be a whole number within " + std::to_string(min) + ".." + std::to_string(max));
      return static_cast<uint64_t>(n);
    };
    if (a == "--transactions") o.transactions = number(1, 100'000'000);
    else if (a == "--block-size") o.block_size = static_cast<uint32_t>(number(1, 100'000));
    else if (a == "--senders") o.senders = static_cast<uint32_t>(number(1, 1'000'000));
    else if (a == "--verify-threads") o.verify_threads = static_cast<unsigned>(number(0, 1024));
    else if (a == "--data-dir") o.data_dir = value();
    else if (a == "--keep") o.keep = true;
    else if (a == "--no-sync") o.sync = false;
    else {
      FILE* out = a == "--help" || a == "-h" ? stdout : stderr;
      std::fprintf(out, "usage: pipeline_bench [--transactions N] [--block-size B] [--senders K] [--data-dir DIR]\n"
                        "                      [--keep] [--no-sync] [--verify-threads T]\n");
      if (out == stdout) std::exit(0);
      return false;
    }
  }
  return true;
}

uint64_t mix(uint64_t x) {  // splitmix64: a fixed, well-spread recipient choice
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

chain::Genesis bench_genesis(const Options& o, int64_t per_sender_units, std::vector<core::PrivateKey>& senders) {
  using chain::Category;
  chain::Genesis g;
  g.chain_name = "lingji-bench";
  g.genesis_time = kGenesisTime;
  g.utc_offset_minutes = 480;
  g.params.block_interval_ms = kBlockIntervalMs;
  g.params.max_block_transactions = std::max<uint32_t>(10'000, o.block_size);
  g.foundation = chain::dev_key("foundation").public_key();
  g.producers = {chain::dev_key("producer").public_key()};
  auto add = [&](Category c, const std::string& name, const core::PublicKey& key, int64_t units) {
    g.allocations.push_back({c, name, key, core::Amount::units(units)});
  };
  auto dev = [&](Category c, const char* name, int64_t ct) {
    add(c, name, chain::dev_key(name).public_key(), core::Amount::ct(ct).units());
  };
  dev(Category::kCornerstoneAngel, "cornerstone", 1'000'000'000);
  dev(Category::kDealers, "dealers", 1'000'000'000);
  dev(Category::kTeam, "team", 1'500'000'000);
  dev(Category::kFoundation, "foundation", 1'500'000'000);
  dev(Category::kCommunityRewards, "community-rewards", 1'000'000'000);
  int64_t rest = kCirculationUnits;
  for (uint32_t i = 0; i < o.senders; ++i) {
    std::string name = "bench-sender-" + std::to_string(i);
    senders.push_back(chain::dev_key(name));
    add(Category::kCommunityCirculation, name, senders.back().public_key(), per_sender_units);
    rest -= per_sender_units;
  }
  add(Category::kCommunityCirculation, "community", chain::dev_key("community").public_key(), rest);
  return g;
}

struct Workload {
  chain::Genesis genesis;
  std::vector<chain::SignedTransaction> all;  // in block order; moved into `blocks` after (a)
  std::vector<std::vector<chain::SignedTransaction>> blocks;
  double setup_seconds = 0, sign_seconds = 0;
  uint64_t recipients = 0;
};

core::TimeMs block_time(uint64_t block_index) { return kGenesisTime + static_cast<core::TimeMs>(block_index + 1) * kBlockIntervalMs; }

// Senders round-robin (sequence = how many it sent before); recipients spread over ~N/10
// accounts. Recipients never sign, so their keys are hashes: no point arithmetic in the setup.
Workload make_workload(const Options& o) {
  Workload w;
  bench::Stopwatch setup;
  const uint64_t per_sender = (o.transactions + o.senders - 1) / o.senders;
  const int64_t max_amount = core::Amount::ct(1).units() + 996;
  // Half the circulation goes to the senders (at most 1,000,000 CT each), the rest to "community".
  const int64_t each = std::min(core::Amount::ct(1'000'000).units(), kCirculationUnits / (2 * (int64_t{o.senders} + 1)));
  if (static_cast<double>(each) < static_cast<double>(per_sender) * static_cast<double>(max_amount))
    die("too many transactions per sender for the genesis funds; raise --senders");
  std::vector<core::PrivateKey> senders;
  w.genesis = bench_genesis(o, each, senders);
  if (auto st = w.genesis.validate(); !st) die(st.error().message);
  auto reparsed = chain::parse_genesis_json(chain::genesis_to_json(w.genesis));
  if (!reparsed || reparsed->chain_id() != w.genesis.chain_id()) die("the genesis does not survive its JSON form");
  const core::Hash256 chain_id = w.genesis.chain_id();
  w.recipients = std::max<uint64_t>(1, o.transactions / 10);
  std::vector<core::PublicKey> recipients(w.recipients);
  for (uint64_t r = 0; r < w.recipients; ++r)
    recipients[r] = core::blake2b_256(core::as_bytes("bench-recipient-" + std::to_string(r)));
  w.setup_seconds = setup.seconds();

  bench::Stopwatch sign;
  w.all.resize(o.transactions);
  const core::TimeMs lifetime = w.genesis.params.max_transaction_lifetime_ms;
  auto sign_range = [&](unsigned t, unsigned stride) {
    for (uint64_t i = t; i < o.transactions; i += stride) {
      chain::TransactionBody body;
      body.chain_id = chain_id;
      body.expiration = block_time(i / o.block_size) + lifetime / 2;  // valid at its block's time
      body.sender = senders[i % o.senders].public_key();
      body.sequence = i / o.senders;
      body.operations.push_back(chain::Transfer{recipients[mix(i) % w.recipients],
                                                core::Amount::units(core::Amount::ct(1).units() + static_cast<int64_t>(i % 997)), ""});
      w.all[i] = chain::SignedTransaction::sign(std::move(body), senders[i % o.senders]);
    }
  };
  std::vector<std::thread> threads;
  const unsigned n = bench::hardware_threads();
  for (unsigned t = 0; t < n; ++t) threads.emplace_back(sign_range, t, n);
  for (auto& t : threads) t.join();
  w.sign_seconds = sign.seconds();
  return w;
}

void split_into_blocks(Workload& w, uint32_t block_size) {
  for (uint64_t i = 0; i < w.all.size(); i += block_size) {
    auto first = w.all.begin() + static_cast<std::ptrdiff_t>(i);
    auto last = w.all.begin() + static_cast<std::ptrdiff_t>(std::min<uint64_t>(w.all.size(), i + block_size));
    w.blocks.emplace_back(std::make_move_iterator(first), std::make_move_iterator(last));
  }
  w.all.clear();
  w.all.shrink_to_fit();
}

struct RunResult {
  double seconds = 0, cores = 0, verify = 0, wait = 0, produce = 0, commit = 0;
  double commit_cpu = 0;  // this thread's CPU inside commit_block; the rest of `commit` is I/O wait
  double produce_cpu = 0;  // this thread's CPU inside produce_block (wall time minus preemption)
  core::Hash256 head_id;
};

// A store that lingjid accepts as its data dir: genesis JSON and the genesis state, no block.
std::unique_ptr<storage::BlockStore> open_store(const fs::path& dir, const chain::Chain& c, bool sync) {
  if (fs::exists(dir) && !fs::is_empty(dir)) die(dir.string() + " already exists and is not empty");
  auto store = storage::BlockStore::open(dir, sync);
  if (!store) die(store.error().message);
  if (auto st = (*store)->put_genesis_json(chain::genesis_to_json(c.genesis())); !st) die(st.error().message);
  std::vector<std::pair<core::Bytes, core::Bytes>> entries;
  c.state().for_each({}, [&](const core::Bytes& k, const core::Bytes& v) { entries.emplace_back(k, v); });
  if (auto st = (*store)->replace_state(entries); !st) die(st.error().message);
  return std::move(*store);
}

void produce_and_commit(chain::Chain& c, storage::BlockStore& store, const std::vector<chain::SignedTransaction>& txs,
                        uint64_t index, const core::PrivateKey& producer, RunResult& r) {
  chain::Chain::Produced produced;
  {
    bench::ScopedTimer t(r.produce);
    const double cpu = bench::thread_cpu_seconds();
    auto result = c.produce_block(txs, c.slot_at(block_time(index)), producer);
    if (!result) die(result.error().message);
    produced = std::move(*result);
    r.produce_cpu += bench::thread_cpu_seconds() - cpu;
  }
  if (!produced.rejected.empty())
    die("block " + std::to_string(index + 1) + " left out a transaction: " + produced.rejected.front().second.message);
  bench::ScopedTimer t(r.commit);
  const double cpu = bench::thread_cpu_seconds();
  if (auto st = store.commit_block(produced.block, produced.changes.writes, produced.changes.undo); !st) die(st.error().message);
  r.commit_cpu += bench::thread_cpu_seconds() - cpu;
}

RunResult run_single_thread(const Workload& w, const fs::path& dir, bool sync) {
  chain::Chain c(w.genesis);
  auto store = open_store(dir, c, sync);
  const core::PrivateKey producer = chain::dev_key("producer");
  RunResult r;
  bench::Stopwatch total;
  for (uint64_t b = 0; b < w.blocks.size(); ++b) {
    {
      bench::ScopedTimer t(r.verify);
      for (const auto& tx : w.blocks[b])
        if (!tx.verify_signature()) die("bad signature in block " + std::to_string(b + 1));
    }
    produce_and_commit(c, *store, w.blocks[b], b, producer, r);
  }
  r.cores = total.cores();
  r.seconds = total.seconds();
  r.head_id = c.head_id();
  return r;
}

// (c), and the limit (a) again in turns with it: before block b+1's signatures go to the
// pipeline, the pool alone verifies them once more, timed into `limit`, so (a) and (c) see the
// same phases of a host whose speed drifts by a third over minutes. The pipeline never drains:
// block b+1 is handed to the workers before this thread produces block b, as without the turns.
RunResult run_pipelined(const Workload& w, const fs::path& dir, bool sync, consensus::VerifyPool& pool,
                        bench::SpanTotal& limit) {
  chain::Chain c(w.genesis);
  auto store = open_store(dir, c, sync);
  const core::PrivateKey producer = chain::dev_key("producer");
  RunResult r;
  bench::SpanTotal piped;
  auto limit_turn = [&](uint64_t b) {
    bench::SpanTimer t(limit);
    if (pool.verify(w.blocks[b])) die("bad signature in block " + std::to_string(b + 1));
  };
  limit_turn(0);
  {
    bench::SpanTimer t(piped);
    pool.start(w.blocks[0]);
  }
  for (uint64_t b = 0; b < w.blocks.size(); ++b) {
    std::optional<size_t> bad;
    {
      bench::SpanTimer t(piped);
      bench::ScopedTimer wait(r.wait);  // this thread verifies what the workers have not yet done
      bad = pool.finish();
    }
    if (bad) die("bad signature in block " + std::to_string(b + 1));
    if (b + 1 < w.blocks.size()) limit_turn(b + 1);
    bench::SpanTimer t(piped);
    if (b + 1 < w.blocks.size()) pool.start(w.blocks[b + 1]);
    produce_and_commit(c, *store, w.blocks[b], b, producer, r);
  }
  r.cores = piped.cores();
  r.seconds = piped.seconds;
  r.head_id = c.head_id();
  return r;
}

fs::path make_root(const Options& o, bool& created) {
  if (!o.data_dir.empty()) {
    created = !fs::exists(o.data_dir);
    fs::create_directories(o.data_dir);
    return fs::absolute(o.data_dir);
  }
  std::string tmpl = (fs::temp_directory_path() / "lingji-pipeline-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) die("cannot create a temporary directory");
  created = true;
  return tmpl;
}

void print_row(const char* name, double seconds, double cores, double tx, double limit) {
  double rate = bench::per_second(tx, seconds);
  std::printf("%-52s %9.2f %12.0f %9.1f%% %10.2f\n", name, seconds, rate, limit > 0 ? 100.0 * rate / limit : 0.0, cores);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) return 2;
  const unsigned hw = bench::hardware_threads();
  consensus::VerifyPool pool(o.verify_threads);
  bool created_root = false;
  const fs::path root = make_root(o, created_root);
  bench::print_machine("pipeline_bench");
  std::printf("workload: %llu transfers, %u per block, %u senders round-robin, fsync %s\n",
              static_cast<unsigned long long>(o.transactions), o.block_size, o.senders,
              o.sync ? "per block" : "off (--no-sync)");

  Workload w = make_workload(o);
  std::printf("setup: genesis + %u sender keys + %llu recipients %.2f s; signing on %u threads %.2f s\n",
              o.senders, static_cast<unsigned long long>(w.recipients), w.setup_seconds, hw, w.sign_seconds);
  const double n = static_cast<double>(o.transactions);

  bench::Stopwatch limit_watch;  // (a)
  if (auto bad = pool.verify(w.all)) die("bad signature at transaction " + std::to_string(*bad));
  const double limit_cores = limit_watch.cores();
  const double limit_seconds = limit_watch.seconds();
  const double limit = bench::per_second(n, limit_seconds);
  split_into_blocks(w, o.block_size);

  RunResult single = run_single_thread(w, root / "single", o.sync);  // (b)
  bench::SpanTotal turns;  // (a) again, in turns with (c)
  RunResult piped = run_pipelined(w, root / "parallel", o.sync, pool, turns);  // (c)
  if (single.head_id != piped.head_id) die("runs (b) and (c) ended on different heads");

  std::printf("\n%-52s %9s %12s %10s %10s\n", "measurement", "seconds", "tx/s", "% of (a)", "cores used");
  std::string a_name = "(a) limit: VerifyPool(" + std::to_string(pool.threads()) + " threads) over all N";
  print_row(a_name.c_str(), limit_seconds, limit_cores, n, limit);
  print_row("(b) pipeline, signatures on this thread", single.seconds, single.cores, n, limit);
  std::string c_name = "(c) pipeline, signatures on " + std::to_string(pool.threads()) + " threads, overlapped";
  print_row(c_name.c_str(), piped.seconds, piped.cores, n, limit);
  const double turns_limit = bench::per_second(n, turns.seconds);
  print_row("(a') limit again, in turns with (c)", turns.seconds, turns.cores(), n, limit);
  print_row("(c) against (a')", piped.seconds, piped.cores, n, turns_limit);
  std::printf("\nwhere the time goes (seconds; %zu blocks of %u)\n", w.blocks.size(), o.block_size);
  std::printf("%-6s %10s %14s %12s %12s %14s\n", "run", "total", "signatures", "produce", "commit", "(commit cpu)");
  std::printf("%-6s %10.2f %14.2f %12.2f %12.2f %14.2f\n", "(b)", single.seconds, single.verify, single.produce,
              single.commit, single.commit_cpu);
  std::printf("%-6s %10.2f %14.2f %12.2f %12.2f %14.2f\n", "(c)", piped.seconds, piped.wait, piped.produce,
              piped.commit, piped.commit_cpu);
  std::printf("(c)'s signatures column is the time this thread verified or waited for the pool; commit - commit cpu = fsync/I-O wait\n");
  std::printf("cpu per transaction in (c): produce %.1f us, commit %.1f us, everything else (signatures, RocksDB's "
              "threads) %.1f us; a signature took %.1f us of cpu in (a), %.1f us in (a')\n",
              piped.produce_cpu * 1e6 / n, piped.commit_cpu * 1e6 / n,
              (piped.cores * piped.seconds - piped.produce_cpu - piped.commit_cpu) * 1e6 / n, limit_cores * limit_seconds * 1e6 / n, turns.cpu * 1e6 / n);
  // A model of (c) from (b)'s per-transaction costs: it can go no faster than the CPU that (a)
  // got (its "cores used") allows for all the work, nor than one thread produces and commits.
  const double us = 1e6 / n;
  const double sig = single.verify * us, prod = single.produce * us, com = single.commit * us, com_cpu = single.commit_cpu * us;
  const double cpu_bound = limit_cores * 1e6 / (sig + prod + com_cpu), serial_bound = 1e6 / (prod + com);
  std::printf("per transaction in (b): signature %.1f us, produce %.1f us (%.1f us cpu), commit %.1f us (%.1f us cpu)\n",
              sig, prod, single.produce_cpu * us, com, com_cpu);
  std::printf("bounds on (c): all work on %.2f cores %.0f tx/s (%.0f%% of (a)); produce + commit on one thread %.0f tx/s\n",
              limit_cores, cpu_bound, 100.0 * cpu_bound / limit, serial_bound);
  const double ratio = 100.0 * bench::per_second(n, piped.seconds) / limit;
  const double turns_ratio = 100.0 * bench::per_second(n, piped.seconds) / turns_limit;
  std::printf("\n(c) / (a) = %.1f%%; (c) / (a') = %.1f%% (target >= 80%%; (a') ran in turns with (c)): %s\n", ratio,
              turns_ratio, turns_ratio >= 80.0 ? "met" : "NOT met");
  std::printf("head %s after %zu blocks (same in (b) and (c))\n", piped.head_id.hex().c_str(), w.blocks.size());

  if (o.keep) {
    // The genesis as a file too, for a node that syncs this chain from a peer (bench/catchup.sh).
    std::ofstream(root / "genesis.json") << chain::genesis_to_json(w.genesis);
    std::printf("kept: %s\n", (root / "parallel").c_str());
  } else {
    std::error_code ec;
    fs::remove_all(root / "single", ec);
    fs::remove_all(root / "parallel", ec);
    if (created_root) fs::remove_all(root, ec);
  }
  return 0;
}
