// harness.h: runs the real binaries for end-to-end tests: lingjid on a free 127.0.0.1 port with
// its own data directory, and the lingji wallet as a user would type it.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace lingji::functional {

using Json = nlohmann::json;

// A fresh directory under /tmp for this test, removed by the destructor (kept when the
// environment has LINGJI_KEEP_TEST_DIRS, to read the nodes' logs).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class NodeProcess {
 public:
  // Starts `lingjid [--dev] --data-dir DIR --http 127.0.0.1:0 ARGS...` and waits for its API.
  // fd_limit > 0: under that descriptor limit (see set_fd_limit).
  NodeProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {}, bool dev = true,
              int fd_limit = 0);
  ~NodeProcess();  // SIGKILLs a node that is still running

  void start();
  void stop();     // SIGTERM and wait
  void kill9();    // SIGKILL and wait
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // of the running process, or -1
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }  // of the API
  // The peer port printed at start (with --listen), or 0.
  int peer_port() const { return peer_port_; }
  // The file that receives the stdout of the current (or last) run.
  const std::filesystem::path& log_file() const { return log_file_; }
  // GET/POST on the node's API; throws std::runtime_error if the node does not answer.
  Json get(const std::string& target) const;
  int post(const std::string& target, const std::string& body, Json* answer = nullptr) const;
  // Waits until head_height >= height.
  void wait_for_height(uint64_t height, int timeout_ms = 20'000) const;
  // Environment variables for the next start() (e.g. LINGJI_CRASH_POINT).
  void set_env(std::map<std::string, std::string> env) { env_ = std::move(env); }
  // A descriptor limit (soft and hard, as `ulimit -n`) for the next start(); 0: inherit ours.
  void set_fd_limit(int limit) { fd_limit_ = limit; }
  // Waits up to timeout_ms for the process to exit by itself (also when it exited during
  // start()); returns its exit code, or nullopt if it still runs.
  std::optional<int> wait_exit_for(int timeout_ms);

 private:
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  bool dev_ = true;
  pid_t pid_ = -1;
  int port_ = 0;
  int peer_port_ = 0;
  int starts_ = 0;
  std::map<std::string, std::string> env_;
  int fd_limit_ = 0;
  std::optional<int> exit_code_;  // of a process that exited by itself
  std::filesystem::path log_file_;
};

// lingji-relay (tests/relay) as a child process: links between nodes that a test can delay,
// cut (block: connections reset, new ones refused) and heal through its control port.
class RelayProcess {
 public:
  explicit RelayProcess(const std::filesystem::path& log_dir);
  ~RelayProcess();  // quits the relay
  RelayProcess(const RelayProcess&) = delete;
  RelayProcess& operator=(const RelayProcess&) = delete;
  // A link called name from a free 127.0.0.1 port to 127.0.0.1:target_port; returns that port.
  int add_link(const std::string& name, int target_port);
  // One control command ("delay NAME 50 10", "block NAME", "unblock NAME"); returns the answer
  // line and throws std::runtime_error on an error answer.
  std::string command(const std::string& line);

 private:
  pid_t pid_ = -1;
  int control_port_ = 0;
};

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs build/bin/lingji with the given arguments against `node_url`, with the wallet in
// wallet_dir and the password "test-password" (fast KDF for tests).
CliResult run_cli(const std::string& node_url, const std::filesystem::path& wallet_dir,
                  const std::vector<std::string>& args);

// `lingjid --init-key --data-dir DIR ARGS...`: creates the safety files of the producer keys in
// ARGS (a node never creates one itself); throws std::runtime_error if it fails.
void init_keys(const std::filesystem::path& data_dir, const std::vector<std::string>& args);

// Runs a binary from build/bin and returns its exit code and output.
CliResult run_binary(const std::string& name, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {});

}  // namespace lingji::functional
