#include "tests/functional/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "cli/http_client.h"

extern char** environ;

namespace lingji::functional {
namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Spawns argv with stdout and stderr to files; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out, const std::filesystem::path& err,
            const std::map<std::string, std::string>& env) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TempDir::TempDir() {
  static int counter = 0;
  path_ = std::filesystem::temp_directory_path() /
          ("lingji-ft-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  if (std::getenv("LINGJI_KEEP_TEST_DIRS")) return;  // to read the nodes' logs after a failure
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

NodeProcess::NodeProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args, bool dev, int fd_limit)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), dev_(dev), fd_limit_(fd_limit) {
  start();
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) kill9();
}

void NodeProcess::start() {
  auto log = data_dir_.parent_path() / (data_dir_.filename().string() + ".out." + std::to_string(starts_++));
  log_file_ = log;
  std::vector<std::string> argv{LINGJI_BIN_DIR "/lingjid", "--data-dir", data_dir_.string(), "--http", "127.0.0.1:0"};
  if (dev_) argv.insert(argv.begin() + 1, "--dev");
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  // posix_spawn cannot set a resource limit: a shell sets it and then becomes lingjid (same pid).
  if (fd_limit_ > 0)
    argv.insert(argv.begin(), {"/bin/sh", "-c", "ulimit -n " + std::to_string(fd_limit_) + " && exec \"$0\" \"$@\""});
  exit_code_.reset();
  pid_ = spawn(argv, log, log.string() + ".err", env_);
  static const std::regex kPort("API on http://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 300; ++i) {
    std::smatch m;
    std::string text = read_all(log);
    if (std::regex_search(text, m, kPort)) {
      port_ = std::stoi(m[1]);
      static const std::regex kPeerPort("peers on 127\\.0\\.0\\.1:([0-9]+)");
      if (std::smatch p; std::regex_search(text, p, kPeerPort)) peer_port_ = std::stoi(p[1]);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      throw std::runtime_error("lingjid exited at start with code " + std::to_string(*exit_code_) + ": " +
                               read_all(log.string() + ".err") + "\nits output:\n" + read_all(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("lingjid did not print its API address");
}

std::optional<int> NodeProcess::wait_exit_for(int timeout_ms) {
  for (int waited = 0; pid_ > 0; waited += 20) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (waited >= timeout_ms) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_code_;
}

void NodeProcess::stop() {
  ::kill(pid_, SIGTERM);
  wait_exit(pid_);
  pid_ = -1;
}

void NodeProcess::kill9() {
  ::kill(pid_, SIGKILL);
  wait_exit(pid_);
  pid_ = -1;
}

Json NodeProcess::get(const std::string& target) const {
  auto out = cli::http_request(url(), "GET", target);
  if (!out.ok) throw std::runtime_error("GET " + target + ": " + out.error);
  return Json::parse(out.result.body);
}

int NodeProcess::post(const std::string& target, const std::string& body, Json* answer) const {
  auto out = cli::http_request(url(), "POST", target, body);
  if (!out.ok) throw std::runtime_error("POST " + target + ": " + out.error);
  if (answer) *answer = Json::parse(out.result.body);
  return out.result.status;
}

void NodeProcess::wait_for_height(uint64_t height, int timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (get("/v1/info")["head_height"].get<uint64_t>() < height) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("head did not reach the height in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

RelayProcess::RelayProcess(const std::filesystem::path& log_dir) {
  const auto log = log_dir / "relay.out";
  pid_ = spawn({LINGJI_BIN_DIR "/lingji-relay", "--control", "127.0.0.1:0"}, log, log.string() + ".err", {});
  static const std::regex kControl("control on 127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 200 && control_port_ == 0; ++i) {
    std::smatch m;
    std::string text = read_all(log);
    if (std::regex_search(text, m, kControl)) control_port_ = std::stoi(m[1]);
    else std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (control_port_ == 0) throw std::runtime_error("lingji-relay did not print its control port");
}

RelayProcess::~RelayProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  wait_exit(pid_);
}

std::string RelayProcess::command(const std::string& line) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(control_port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string out = line + "\n";
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size())) {
      char c;
      while (::recv(fd, &c, 1, 0) == 1 && c != '\n') answer += c;
    }
  }
  ::close(fd);
  if (answer.rfind("ok", 0) != 0) throw std::runtime_error("relay: " + line + ": " + (answer.empty() ? "no answer" : answer));
  return answer;
}

int RelayProcess::add_link(const std::string& name, int target_port) {
  // "ok NAME 127.0.0.1:PORT"
  const std::string answer = command("add " + name + " 127.0.0.1:0->127.0.0.1:" + std::to_string(target_port));
  return std::stoi(answer.substr(answer.rfind(':') + 1));
}

CliResult run_binary(const std::string& name, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env) {
  TempDir tmp;
  std::vector<std::string> argv{std::string(LINGJI_BIN_DIR) + "/" + name};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = spawn(argv, tmp.path() / "out", tmp.path() / "err", env);
  int code = wait_exit(pid);
  return {code, read_all(tmp.path() / "out"), read_all(tmp.path() / "err")};
}

void init_keys(const std::filesystem::path& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> all{"--init-key", "--data-dir", data_dir.string()};
  all.insert(all.end(), args.begin(), args.end());
  const CliResult r = run_binary("lingjid", all);
  if (r.exit_code != 0) throw std::runtime_error("lingjid --init-key failed: " + r.err + r.out);
}

CliResult run_cli(const std::string& node_url, const std::filesystem::path& wallet_dir,
                  const std::vector<std::string>& args) {
  std::vector<std::string> all{"--node", node_url, "--wallet", wallet_dir.string()};
  all.insert(all.end(), args.begin(), args.end());
  return run_binary("lingji", all, {{"LINGJI_PASSWORD", "test-password"}, {"LINGJI_INSECURE_FAST_KDF", "1"}});
}

}  // namespace lingji::functional
