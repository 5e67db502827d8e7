// http_load: a load generator for a running `lingjid --dev` node, in its own process, talking
// only to the JSON API (as a wallet or an exchange would).
//
// 1. Funds K fresh accounts from the dev key (dev_key("dev") holds 1,000,000 CT on the dev
//    chain) with transfers posted one by one (POST /v1/transactions; at most 64 pending at once,
//    the node's per-sender cap), each with 200 CT of stake for its resources besides what it
//    sends, and waits until the last is committed.
// 2. Pre-signs M transfers from those accounts (sender i % K, its own sequence order), then posts
//    them over C keep-alive connections, one thread each; a sender always stays on one
//    connection, so its transactions arrive in sequence order.
// 3. Reports the accepted rate (HTTP 202s per second, first submit to last response) and the
//    end-to-end committed rate (first submit until every accepted transfer is in a block).
//
// "Every accepted transfer is in a block" is observed cheaply: the mempool hands out its oldest
// transactions first, so once the last transfer each connection got accepted is committed,
// all earlier ones have left the mempool too; afterwards each sender's committed sequence
// (GET /v1/accounts) confirms that none was left out. The dev genesis caps commits at
// max_block_transactions = 10,000 per 1 s block, so the committed rate cannot exceed ~10,000/s.
//
// Usage: http_load [URL (default http://127.0.0.1:8780)] [--accounts K] [--transactions M]
//                  [--connections C]
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_util.h"
#include "chain/genesis/dev_keys.h"
#include "chain/protocol/transaction.h"
#include "cli/http_client.h"
#include "core/address.h"

using namespace lingji;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string url = "http://127.0.0.1:8780";
  uint32_t accounts = 1'000;
  uint64_t transactions = 50'000;
  unsigned connections = 4;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "http_load: %s\n", message.c_str());
  std::exit(1);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = [&](uint64_t min, uint64_t max) {
      if (i + 1 >= argc) die(a + " needs a value");
      char* end = nullptr;
      unsigned long long n = std::strtoull(argv[++i], &end, 10);
      if (*argv[i] == '\0' || *end != '\0' || n < min || n > max)
        die(a + " must be a whole number within " + std::to_string(min) + ".." + std::to_string(max));
      return static_cast<uint64_t>(n);
    };
    if (a == "--accounts") o.accounts = static_cast<uint32_t>(number(1, 100'000));
    else if (a == "--transactions") o.transactions = number(1, 10'000'000);
    else if (a == "--connections") o.connections = static_cast<unsigned>(number(1, 256));
    else if (a.rfind("http://", 0) == 0) o.url = a;
    else die("usage: http_load [URL] [--accounts K] [--transactions M] [--connections C]");
  }
  return o;
}

Json get_json(cli::HttpConnection& conn, const std::string& target) {
  auto out = conn.request("GET", target);
  if (!out.ok) die("GET " + target + ": " + out.error);
  if (out.result.status != 200) die("GET " + target + ": HTTP " + std::to_string(out.result.status) + " " + out.result.body);
  auto j = Json::parse(out.result.body, nullptr, false);
  if (j.is_discarded()) die("GET " + target + ": the answer is not JSON");
  return j;
}

std::string post_body(const chain::SignedTransaction& tx) { return "{\"transaction\":\"" + core::to_hex(tx.bytes()) + "\"}"; }

chain::SignedTransaction transfer(const Json& info, const core::PrivateKey& from, uint64_t sequence, const core::PublicKey& to,
                                  int64_t units, core::TimeMs expiration) {
  chain::TransactionBody body;
  body.chain_id = *core::Hash256::from(*core::from_hex(info["chain_id"].get<std::string>()));
  body.expiration = expiration;
  body.sender = from.public_key();
  body.sequence = sequence;
  body.operations.push_back(chain::Transfer{to, core::Amount::units(units), ""});
  return chain::SignedTransaction::sign(std::move(body), from);
}

// Valid for half the chain's maximum lifetime from the head's time (well inside both limits).
core::TimeMs expiration_from(const Json& info) {
  return info["head_time_ms"].get<core::TimeMs>() + info["max_transaction_lifetime_ms"].get<core::TimeMs>() / 2;
}

// Polls GET /v1/transactions/ID until the transaction is committed; returns its block height.
uint64_t wait_committed(cli::HttpConnection& conn, const std::string& id, std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto out = conn.request("GET", "/v1/transactions/" + id);
    if (out.ok && out.result.status == 200) {
      auto j = Json::parse(out.result.body, nullptr, false);
      if (!j.is_discarded() && j.value("status", "") == "committed") return j["block_height"].get<uint64_t>();
      if (!j.is_discarded() && j.value("status", "") == "rejected") die("transaction " + id + " was rejected: " + out.result.body);
    }
    if (Clock::now() > deadline) die("transaction " + id + " not committed within " + std::to_string(timeout.count()) + " s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

struct SenderThread {
  std::vector<size_t> txs;  // indexes into the load, in submission order
  uint64_t accepted = 0, retries = 0;
  std::map<int, uint64_t> failures;  // HTTP status (0: no response) -> count
  std::string first_failure;
  std::optional<size_t> last_accepted;
  Clock::time_point done;
  int connections = 0;
};

void submit_all(const std::string& url, const std::vector<std::string>& bodies, SenderThread& t) {
  std::string error;
  // A generous deadline: a node that stalls (e.g. while it produces a block under its lock) is
  // measured as slow, not counted as failing.
  auto conn = cli::HttpConnection::connect(url, error, std::chrono::seconds(60));
  if (!conn) die("connect: " + error);
  for (size_t i : t.txs) {
    for (;;) {
      auto out = conn->request("POST", "/v1/transactions", bodies[i]);
      if (out.ok && out.result.status == 202) {
        ++t.accepted;
        t.last_accepted = i;
      } else if (out.ok && out.result.status == 503) {  // mempool full: not admitted, safe to resend
        ++t.retries;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      } else {
        ++t.failures[out.ok ? out.result.status : 0];
        if (t.first_failure.empty()) t.first_failure = out.ok ? out.result.body : out.error;
      }
      break;
    }
  }
  t.done = Clock::now();
  t.connections = conn->connections_opened();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  std::string error;
  auto conn = cli::HttpConnection::connect(o.url, error, std::chrono::seconds(60));
  if (!conn) die("cannot reach " + o.url + ": " + error);
  bench::print_machine("http_load");
  Json info = get_json(*conn, "/v1/info");
  std::printf("node %s: chain %s at height %llu, block interval %u ms\n", o.url.c_str(),
              info["chain_name"].get<std::string>().c_str(), static_cast<unsigned long long>(info["head_height"].get<uint64_t>()),
              info["block_interval_ms"].get<unsigned>());

  // 1. Fund K fresh accounts (names unique per run, so runs against one node never collide).
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(Clock::now().time_since_epoch().count());
  const uint64_t per_sender = (o.transactions + o.accounts - 1) / o.accounts;
  const int64_t max_units = 1'000 + 996;
  // Besides what it sends, each sender holds stake for its resources (docs/resources.md): 200 CT
  // refill ~83,000 resource units a second on the dev chain (a one-minute window), 49 transfers.
  const int64_t fund_units = static_cast<int64_t>(per_sender) * max_units + core::Amount::ct(200).units();
  const core::PrivateKey dev = chain::dev_key("dev");
  Json dev_account = get_json(*conn, "/v1/accounts/" + core::encode_address(dev.public_key()));
  uint64_t dev_sequence = dev_account["next_sequence"].get<uint64_t>();
  std::vector<core::PrivateKey> senders;
  for (uint32_t i = 0; i < o.accounts; ++i) senders.push_back(chain::dev_key("http-load-" + tag + "-" + std::to_string(i)));
  bench::Stopwatch funding;
  const core::TimeMs fund_expiration = expiration_from(info);
  std::string last_funding;
  for (uint32_t i = 0; i < o.accounts; ++i) {  // one connection: the dev key's sequences stay in order
    auto tx = transfer(info, dev, dev_sequence++, senders[i].public_key(), fund_units, fund_expiration);
    auto out = conn->request("POST", "/v1/transactions", post_body(tx));
    // 503: the mempool is full, or the dev key has its 64 pending (tx.sender_pending_cap): not
    // admitted, resent once a block has taken some.
    while (out.ok && out.result.status == 503) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      out = conn->request("POST", "/v1/transactions", post_body(tx));
    }
    if (!out.ok || out.result.status != 202)
      die("funding transfer " + std::to_string(i) + ": " + (out.ok ? out.result.body : out.error));
    last_funding = tx.id().hex();
  }
  uint64_t funded_at = wait_committed(*conn, last_funding, std::chrono::seconds(120));
  std::printf("funded %u accounts with %s CT each in %.2f s (committed by height %llu)\n", o.accounts,
              core::Amount::units(fund_units).to_string().c_str(), funding.seconds(), static_cast<unsigned long long>(funded_at));

  // 2. Pre-sign the load, then split it over C threads by sender.
  info = get_json(*conn, "/v1/info");
  const core::TimeMs expiration = expiration_from(info);
  const uint64_t recipients = std::max<uint64_t>(1, o.transactions / 10);
  std::vector<chain::SignedTransaction> load(o.transactions);
  std::vector<std::string> bodies(o.transactions);
  bench::Stopwatch signing;
  {
    std::vector<std::thread> signers;
    const unsigned n = bench::hardware_threads();
    for (unsigned t = 0; t < n; ++t)
      signers.emplace_back([&, t] {
        for (uint64_t i = t; i < o.transactions; i += n) {
          core::PublicKey to = core::blake2b_256(core::as_bytes("http-load-recipient-" + tag + "-" + std::to_string(i % recipients)));
          load[i] = transfer(info, senders[i % o.accounts], i / o.accounts, to, 1'000 + static_cast<int64_t>(i % 997), expiration);
          bodies[i] = post_body(load[i]);
        }
      });
    for (auto& s : signers) s.join();
  }
  std::vector<SenderThread> threads(o.connections);
  for (uint64_t i = 0; i < o.transactions; ++i) threads[(i % o.accounts) % o.connections].txs.push_back(i);
  std::printf("pre-signed %llu transfers from %u accounts to %llu recipients in %.2f s\n",
              static_cast<unsigned long long>(o.transactions), o.accounts, static_cast<unsigned long long>(recipients),
              signing.seconds());

  // 3. Submit over C keep-alive connections; then wait for the last accepted of each to commit.
  const Clock::time_point start = Clock::now();
  {
    std::vector<std::thread> workers;
    for (auto& t : threads) workers.emplace_back(submit_all, std::cref(o.url), std::cref(bodies), std::ref(t));
    for (auto& w : workers) w.join();
  }
  Clock::time_point submitted = start;
  uint64_t accepted = 0, retries = 0, failed = 0;
  int connections = 0;
  for (const auto& t : threads) {
    submitted = std::max(submitted, t.done);
    accepted += t.accepted;
    retries += t.retries;
    connections += t.connections;
    for (const auto& [status, count] : t.failures) {
      failed += count;
      std::printf("  %llu failed with HTTP %d, first: %s\n", static_cast<unsigned long long>(count), status,
                  t.first_failure.substr(0, 200).c_str());
    }
  }
  uint64_t first_height = UINT64_MAX, last_height = 0;
  for (const auto& t : threads) {
    if (!t.last_accepted) continue;
    last_height = std::max(last_height, wait_committed(*conn, load[*t.last_accepted].id().hex(), std::chrono::seconds(600)));
  }
  Clock::time_point committed = Clock::now();
  if (threads[0].failures.empty())  // then its first transfer was accepted
    first_height = wait_committed(*conn, load[threads[0].txs.front()].id().hex(), std::chrono::seconds(10));

  // Every sender's committed sequence must count all its transfers. On one node that holds as
  // soon as the last accepted transfers are in (the mempool is oldest first); on a network other
  // producers include what gossip brought them in their own order, so poll until it holds (the
  // end-to-end time is then the poll that saw it), for at most 60 s.
  auto count_short = [&] {
    uint64_t n = 0;
    for (uint32_t j = 0; j < o.accounts; ++j) {
      uint64_t expected = o.transactions / o.accounts + (j < o.transactions % o.accounts ? 1 : 0);
      Json a = get_json(*conn, "/v1/accounts/" + core::encode_address(senders[j].public_key()));
      if (a["sequence"].get<uint64_t>() != expected) ++n;
    }
    return n;
  };
  uint64_t short_senders = count_short();
  for (auto deadline = Clock::now() + std::chrono::seconds(60); short_senders > 0 && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    short_senders = count_short();
    committed = Clock::now();
  }
  if (short_senders == 0) {
    const Json head = get_json(*conn, "/v1/info");
    last_height = std::max(last_height, head["head_height"].get<uint64_t>());
  }

  const double submit_s = std::chrono::duration<double>(submitted - start).count();
  const double commit_s = std::chrono::duration<double>(committed - start).count();
  const uint64_t blocks = last_height >= first_height ? last_height - first_height + 1 : 0;
  std::printf("\nload: %llu transfers from %u accounts over %u keep-alive connections (%d TCP connections opened)\n",
              static_cast<unsigned long long>(o.transactions), o.accounts, o.connections, connections);
  std::printf("%-58s %9s %10s\n", "measurement", "seconds", "tx/s");
  std::printf("%-58s %9.2f %10.0f\n", "accepted: HTTP 202 rate (first submit -> last response)", submit_s,
              bench::per_second(static_cast<double>(accepted), submit_s));
  std::printf("%-58s %9.2f %10.0f\n", "committed end-to-end (first submit -> all in blocks)", commit_s,
              bench::per_second(static_cast<double>(accepted), commit_s));
  std::printf("accepted %llu, failed %llu, mempool-full retries %llu; included in blocks %llu..%llu (%llu blocks, %.0f tx/block)\n",
              static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(retries), static_cast<unsigned long long>(first_height),
              static_cast<unsigned long long>(last_height), static_cast<unsigned long long>(blocks),
              blocks ? static_cast<double>(accepted) / static_cast<double>(blocks) : 0.0);
  std::printf("cap: the dev genesis allows 10000 transactions per %u ms block (~%u tx/s committed at most)\n",
              info["block_interval_ms"].get<unsigned>(), 10'000u * 1000u / std::max(1u, info["block_interval_ms"].get<unsigned>()));
  if (short_senders > 0) {
    std::printf("ERROR: %llu senders have fewer committed transfers than sent\n", static_cast<unsigned long long>(short_senders));
    return 1;
  }
  std::printf("check: every sender's committed sequence matches its %llu-%llu transfers\n",
              static_cast<unsigned long long>(o.transactions / o.accounts), static_cast<unsigned long long>(per_sender));
  return failed == 0 ? 0 : 1;
}
