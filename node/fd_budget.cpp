#include "node/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

#include "api/http_server.h"
#include "net/p2p.h"
#include "storage/block_store.h"

namespace lingji::node {
namespace {

// The process itself: stdio, io_context and timer descriptors of each thread pool, RocksDB's WAL,
// MANIFEST, LOCK and LOG, the data and safety directories, a safety file and its .tmp being
// replaced (one key at a time), the block-file directory sync.
constexpr size_t kFixedReserve = 64;
// Block files a running node may start before its next restart (each 256 MiB, one descriptor each).
constexpr size_t kBlockFileGrowth = 16;
// Outbound dials and inbound handshakes beyond the peers themselves.
constexpr size_t kP2pSlack = 8;
// Below this the API is useless; refuse to start rather than run a node a few clients can stop.
constexpr size_t kMinHttpConnections = 8;

size_t block_file_count(const std::filesystem::path& data_dir) {
  std::error_code ec;
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(data_dir / "blocks", ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("blk") && name.ends_with(".dat")) ++n;
  }
  return n;
}

}  // namespace

uint64_t raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  if (r.rlim_cur < r.rlim_max) {
    rlimit want = r;
    want.rlim_cur = r.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) == 0) r = want;
  }
  // RLIM_INFINITY is not a count: treat it as large.
  return r.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : static_cast<uint64_t>(r.rlim_cur);
}

FdBudget plan_fd_budget(uint64_t limit, const std::filesystem::path& data_dir, size_t http_wanted, size_t peers,
                        bool listening) {
  FdBudget b;
  b.limit = limit;
  b.reserve = static_cast<size_t>(storage::BlockStore::kMaxOpenTableFiles) + block_file_count(data_dir) +
              kBlockFileGrowth + kFixedReserve;
  b.p2p_sockets = (listening ? net::P2pOptions{}.max_peers : 0) + peers + kP2pSlack;
  b.http_refusals = 1;  // api/http_server.h: a refused connection is closed in its accept handler
  const uint64_t used = b.reserve + b.p2p_sockets + b.http_refusals;
  const uint64_t left = limit > used ? limit - used : 0;
  b.http_connections = static_cast<size_t>(std::min<uint64_t>(http_wanted, left));
  if (b.http_connections < kMinHttpConnections)
    b.error = "the descriptor limit " + std::to_string(limit) + " leaves " + std::to_string(left) +
              " for HTTP connections after " + std::to_string(b.reserve) + " kept for storage and " +
              std::to_string(b.p2p_sockets) + " for peers; raise it (ulimit -n) to at least " +
              std::to_string(used + kMinHttpConnections);
  return b;
}

}  // namespace lingji::node
