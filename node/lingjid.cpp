// lingjid: the Lingji node. `lingjid --dev` starts a complete development chain on this machine:
// a fresh chain from the default genesis (genesis/default.json, start time = now), one producer
// with the documented dev key, a block every block interval, and the JSON API on 127.0.0.1.
// A node of a network may hold several producer keys (--producer-seed-file, repeatable, and
// --producer-seeds-file): it produces in each key's slots and votes with each (docs/network.md).
// Each key needs its safety file, created once by `lingjid --init-key` (same arguments) before
// the key is first in a producer set; it then exits, so the step cannot stay in a service's
// command line and re-create a lost file. A key without one syncs but neither votes nor
// produces, and says why in the log and in GET /v1/info. Only `--dev` on a fresh data directory
// with the built-in genesis creates it implicitly: that chain is new, its key cannot have voted.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "api/http_server.h"
#include "api/routes.h"
#include "chain/genesis/dev_keys.h"
#include "node/default_genesis.h"
#include "consensus/controller.h"
#include "node/fd_budget.h"
#include "node/network.h"

using namespace lingji;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

// LINGJI_TEST_CLOCK_OFFSET_MS (tests only) shifts this node's clock, as a standby host's or a
// stepped clock would be off: the multi-process tests of clock skew set it.
core::TimeMs clock_offset_ms() {
  static const core::TimeMs offset = [] {
    const char* v = std::getenv("LINGJI_TEST_CLOCK_OFFSET_MS");
    return v ? static_cast<core::TimeMs>(std::strtoll(v, nullptr, 10)) : core::TimeMs{0};
  }();
  return offset;
}

core::TimeMs wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
         clock_offset_ms();
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int fail(const std::string& message) {
  std::cerr << "lingjid: " << message << "\n";
  return 1;
}

// At the start of each slot that one of this node's keys is scheduled for, produces its block,
// until asked to stop. Whose slot it is is decided at the slot's start, on the head this node has
// then: a block that arrives while waiting can change the next round's order (it is seeded with
// the last final block). The producer then waits up to 500 ms for the head's certificate
// (shared/CONSENSUS.md), so that its block carries it and the head becomes final two slots later
// instead of three or more.
void production_loop(consensus::Controller& node, node::Network* network) {
  constexpr core::TimeMs kCertificateWaitMs = 500;
  while (!g_stop) {
    auto [next_slot, at] = node.read([&](const chain::Chain& c, const storage::BlockStore&) {
      uint64_t s = std::max(c.slot_at(wall_clock_ms()) + 1, c.head().slot + 1);
      return std::pair{s, c.slot_time(s)};
    });
    while (!g_stop && wall_clock_ms() < at)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<core::TimeMs>(50, at - wall_clock_ms() + 1)));
    if (g_stop) break;
    auto mine = [&] {
      return node.read([&](const chain::Chain& c, const storage::BlockStore&) {
        auto p = next_slot > c.head().slot ? c.producer_at(next_slot) : std::nullopt;
        return p && node.holds_producer_key(*p);
      });
    };
    if (!mine()) continue;
    while (!g_stop && !node.head_certified() && wall_clock_ms() < at + kCertificateWaitMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (g_stop || !mine()) continue;
    auto block = node.produce(at);
    if (!block) {
      spdlog::warn("no block in slot {}: {}", next_slot, block.error().message);
      continue;
    }
    if (network) network->announce_block(*block);
    if (block->header.tx_count > 0)
      spdlog::info("block {} with {} transactions", block->header.height, block->header.tx_count);
  }
}

// A 32-byte seed written as 64 hex digits (surrounding white space ignored).
std::optional<core::PrivateKey> key_from_hex(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(" \t\r\n") + 1 - first);
  auto bytes = text.size() == 64 ? core::from_hex(text) : std::nullopt;
  if (!bytes || bytes->size() != 32) return std::nullopt;
  return core::PrivateKey::from_seed(*core::Seed::from(*bytes));
}

// Logs each block as it becomes final on this node, with the time since its slot started (the
// block's timestamp): what bench/finality_bench measures. Finality only moves when the head
// does; polling every 2 ms reads it under the node's lock without touching block handling.
void finality_log_loop(consensus::Controller& node) {
  uint64_t logged = node.read([](const chain::Chain& c, const storage::BlockStore&) { return c.final_block().height; });
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const core::TimeMs now = wall_clock_ms();
    auto newly = node.read([&](const chain::Chain& c, const storage::BlockStore& store) {
      std::vector<std::pair<uint64_t, core::TimeMs>> out;
      for (uint64_t h = logged + 1; h <= c.final_block().height; ++h)
        if (auto header = store.header_at(h)) out.emplace_back(h, header->timestamp);
      return out;
    });
    for (const auto& [height, timestamp] : newly) {
      spdlog::info("final block {} {} ms after its slot started", height, now - timestamp);
      logged = height;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lingjid: the Lingji node"};
  bool dev = false, replay = false, no_sync = false, init_key = false;
  std::string data_dir, http = "127.0.0.1:8780", genesis_file, producer_seeds_file;
  std::vector<std::string> producer_seed_files;
  bool log_finality = false;
  unsigned threads = 0;
  app.add_flag("--dev", dev, "start (or resume) a development chain with the dev producer key");
  app.add_option("--data-dir", data_dir, "where the chain is stored (default with --dev: ./data/dev)");
  app.add_option("--http", http, "address:port of the JSON API (port 0 picks a free one)");
  app.add_option("--genesis", genesis_file, "genesis JSON for a new chain (default: the built-in genesis/default.json)");
  app.add_option("--producer-seed-file", producer_seed_files,
                 "file holding a producer key's 32-byte seed in hex (repeatable: one key each)");
  app.add_option("--producer-seeds-file", producer_seeds_file,
                 "file holding producer keys' seeds, 64 hex digits a line (blank lines and # comments skipped)");
  app.add_flag("--log-finality", log_finality, "log each block as it becomes final, with its delay since its slot started");
  std::string listen;
  std::vector<std::string> peers;
  app.add_option("--listen", listen, "address:port for peer connections (port 0 picks a free one)");
  app.add_option("--peer", peers, "address:port of a peer to stay connected to (repeatable)");
  app.add_flag("--init-key", init_key,
               "create the safety file of each new producer key (never in a producer set of this chain; a genesis "
               "key before the genesis time) in the data directory, then exit; refused for a key that has one");
  app.add_flag("--replay", replay, "re-apply every stored block from genesis, check every state root, and exit");
  app.add_flag("--no-sync", no_sync, "do not fsync each block (survives a killed process; after a power cut the data directory may have to be discarded)");
  app.add_option("--threads", threads, "signature-checking threads for --replay (default: all cores)");
  size_t http_max_connections = 512, http_max_per_ip = 32;
  unsigned http_idle_timeout_s = 30;
  app.add_option("--http-max-connections", http_max_connections,
                 "API connections open at once; fewer if the descriptor limit requires (default 512)")
      ->check(CLI::PositiveNumber);
  app.add_option("--http-max-connections-per-ip", http_max_per_ip,
                 "API connections open at once from one IP address (default 32; behind a local proxy, raise it)")
      ->check(CLI::PositiveNumber);
  app.add_option("--http-idle-timeout", http_idle_timeout_s,
                 "seconds an API connection may stay idle, or take to send one request (default 30)")
      ->check(CLI::Range(1u, 3600u));
  CLI11_PARSE(app, argc, argv);
  // Before any file is opened: the descriptor limit sizes the connection caps below.
  const uint64_t fd_limit = node::raise_fd_limit();

  if (clock_offset_ms() != 0)
    spdlog::warn("LINGJI_TEST_CLOCK_OFFSET_MS is set: this node's clock is off by {} ms (for tests only)", clock_offset_ms());
  if (data_dir.empty()) {
    if (!dev) return fail("--data-dir is required (or use --dev)");
    data_dir = "data/dev";
  }
  if (replay) {
    auto report = consensus::replay(data_dir, threads);
    if (!report) return fail(report.error().message);
    std::cout << "replayed " << report->blocks << " blocks, " << report->transactions << " transactions in "
              << report->seconds << " s (" << static_cast<uint64_t>(report->transactions / std::max(report->seconds, 1e-9))
              << " tx/s); every state root matched\n";
    return 0;
  }

  consensus::ControllerOptions options;
  options.data_dir = data_dir;
  options.sync_writes = !no_sync;
  std::string genesis_text = kDefaultGenesisJson;
  if (!genesis_file.empty()) {
    auto text = read_file(genesis_file);
    if (!text) return fail("cannot read " + genesis_file);
    genesis_text = *text;
  }
  auto genesis = chain::parse_genesis_json(genesis_text);
  if (!genesis) return fail(genesis.error().message);
  // A fresh dev chain starts at the next whole second, so that its first slot is a full one.
  if (dev && genesis_file.empty()) genesis->genesis_time = (wall_clock_ms() / 1000 + 1) * 1000;
  options.genesis = *genesis;
  for (const auto& file : producer_seed_files) {
    auto text = read_file(file);
    auto bytes = text ? core::from_hex(text->substr(0, 64)) : std::nullopt;
    if (!bytes || bytes->size() != 32) return fail("the producer seed file must hold 64 hex digits: " + file);
    options.producer_keys.push_back(core::PrivateKey::from_seed(*core::Seed::from(*bytes)));
  }
  if (!producer_seeds_file.empty()) {
    auto text = read_file(producer_seeds_file);
    if (!text) return fail("cannot read " + producer_seeds_file);
    std::istringstream lines(*text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t\r")] == '#') continue;
      auto key = key_from_hex(line);
      if (!key)
        return fail(producer_seeds_file + " line " + std::to_string(number) + ": a seed must be 64 hex digits");
      options.producer_keys.push_back(*key);
    }
  }
  for (size_t i = 0; i < options.producer_keys.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (options.producer_keys[i].public_key() == options.producer_keys[j].public_key())
        return fail("producer key " + options.producer_keys[i].public_key().hex() + " is given twice");
  if (options.producer_keys.empty() && dev) options.producer_keys.push_back(chain::dev_key("producer"));
  if (init_key && options.producer_keys.empty())
    return fail("--init-key needs the producer keys (--producer-seed-file or --producer-seeds-file)");
  // Only a chain this process creates from the built-in genesis (start time now) is new for sure.
  options.init_keys_of_new_chain = dev && genesis_file.empty() && !init_key;
  auto opened = consensus::Controller::open(std::move(options));
  if (!opened) return fail(opened.error().message);
  consensus::Controller& node = **opened;
  if (init_key) {
    auto created = node.init_producer_keys(wall_clock_ms());
    if (!created) return fail(created.error().name + ": " + created.error().message);
    for (const auto& line : *created) std::cout << "lingjid: " << line << "\n";
    return 0;
  }

  auto colon = http.rfind(':');
  if (colon == std::string::npos) return fail("--http must be address:port");
  api::HttpServerOptions server_options;
  server_options.address = http.substr(0, colon);
  {
    const std::string port = http.substr(colon + 1);
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
      return fail("--http must be address:port");
    server_options.port = static_cast<uint16_t>(value);
  }
  server_options.on_handler_error = [](const std::string& what) { spdlog::error("API handler: {}", what); };
  const node::FdBudget budget = node::plan_fd_budget(fd_limit, data_dir, http_max_connections, peers.size(), !listen.empty());
  if (!budget.error.empty()) return fail(budget.error);
  server_options.max_connections = budget.http_connections;
  server_options.max_connections_per_ip = std::min(http_max_per_ip, budget.http_connections);
  server_options.idle_timeout = std::chrono::seconds(http_idle_timeout_s);
  spdlog::info("descriptor limit {}: {} API connections ({} per IP), {} for peers, {} kept for storage", fd_limit,
               server_options.max_connections, server_options.max_connections_per_ip, budget.p2p_sockets,
               budget.reserve);
  auto events = std::make_shared<api::EventIndex>();
  node.subscribe(events);
  api::Routes routes(node, wall_clock_ms, events.get());
  api::HttpServer server(server_options, [&](const api::HttpRequest& r) { return routes.handle(r); });
  if (const core::Status started = server.start(); !started) return fail(started.error().message);
  auto [chain_name, chain_id, height, interval, producer_ok] = node.read([&](const chain::Chain& c, const storage::BlockStore&) {
    return std::tuple{c.genesis().chain_name, c.chain_id().hex(), c.head().height, c.genesis().params.block_interval_ms,
                      node.is_producer()};
  });
  std::unique_ptr<node::Network> network;
  if (!listen.empty() || !peers.empty()) {
    // The node's P2P identity lives with its chain: a restart keeps it (peers know it by it).
    auto started = node::Network::start(node, node::NetworkOptions{listen, peers, std::filesystem::path(data_dir) / "p2p_identity.key"});
    if (!started) return fail(started.error().message);
    network = std::move(*started);
  }
  // Scripts read this line to find the API (and the peer port).
  std::cout << "lingjid: chain " << chain_name << " " << chain_id << " at height " << height << "; API on http://"
            << server_options.address << ":" << server.port();
  if (network && !listen.empty()) std::cout << "; peers on " << listen.substr(0, listen.rfind(':')) << ":" << network->listen_port();
  std::cout << std::endl;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::thread finality_logger;
  if (log_finality) finality_logger = std::thread([&node] { finality_log_loop(node); });
  if (producer_ok) {
    const auto keys = node.producer_keys();
    if (keys.size() == 1)
      spdlog::info("producing a block every {} ms into {}", interval, data_dir);
    else
      spdlog::info("producing with {} keys, a block every {} ms into {}", keys.size(), interval, data_dir);
    for (const auto& [key, why] : node.voting_disabled_reasons()) {
      if (keys.size() == 1) spdlog::error("not voting nor producing: {}", why);
      else spdlog::error("key {} not voting nor producing: {}", key.hex(), why);
    }
    production_loop(node, network.get());
  } else {
    while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (finality_logger.joinable()) finality_logger.join();
  if (network) network->stop();
  server.stop();
  spdlog::info("stopped at height {}", node.read([](const chain::Chain& c, const storage::BlockStore&) { return c.head().height; }));
  return 0;
}
