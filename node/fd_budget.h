// fd_budget.h: how lingjid shares its file descriptors (issue 14, item 9). Sockets that strangers
// open (HTTP clients, inbound peers) are capped so that the files the node cannot do without (the
// safety files, whose persist failing stops a key's votes; the block files, whose rollover failing
// stops the node; RocksDB's tables and logs) always find a descriptor:
//   http connections + http refusals + p2p sockets + reserve <= the descriptor limit
// The reserve is sized from the store as it is at start; the caps are recomputed at every start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace lingji::node {

// Raises the soft RLIMIT_NOFILE to the hard limit (what an unprivileged process may) and returns
// the soft limit then in force.
uint64_t raise_fd_limit();

struct FdBudget {
  uint64_t limit = 0;             // the descriptor limit
  size_t reserve = 0;             // kept for storage, safety files and the process itself
  size_t p2p_sockets = 0;         // inbound cap + outbound dials + handshakes in flight
  size_t http_refusals = 0;       // sockets of connections being refused (api/http_server.h)
  size_t http_connections = 0;    // the HTTP cap: what is left, at most what was asked
  std::string error;              // non-empty: the limit leaves too little for the API
};

// data_dir: the node's data directory (its block files are counted); http_wanted: the cap asked
// for (--http-max-connections); peers: outbound peers configured; listening: accepts peers.
FdBudget plan_fd_budget(uint64_t limit, const std::filesystem::path& data_dir, size_t http_wanted, size_t peers,
                        bool listening);

}  // namespace lingji::node
