#include "tests/functional/hostile_net.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "chain/finality/vote.h"
#include "chain/genesis/dev_keys.h"
#include "net/identity.h"
#include "net/wire_client.h"
#include "node/messages.h"

namespace lingji::functional {
namespace {

using std::chrono::milliseconds;

std::string link_name(int a, int b) { return std::to_string(std::min(a, b)) + "T" + std::to_string(std::max(a, b)); }

}  // namespace

HostileNet::HostileNet(const std::filesystem::path& dir, int delay_ms)
    : relay_(dir),
      net_(dir, NetworkSpec{{15, 15, 15, 14, 14, 14, 14},
                            [this, delay_ms](int from, int to, int port) {
                              const std::string name = link_name(from, to);
                              const int p = relay_.add_link(name, port);
                              if (delay_ms > 0) relay_.command("delay " + name + " " + std::to_string(delay_ms) + " 0");
                              return "127.0.0.1:" + std::to_string(p);
                            },
                            {"--log-finality", "--no-sync"}}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (net_.node(0).get("/v1/info")["lib_height"].get<uint64_t>() < 3) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no final block within 60 s");
    std::this_thread::sleep_for(milliseconds(200));
  }
}

std::vector<long> HostileNet::rss_kib() {
  std::vector<long> out;
  for (size_t i = 0; i < net_.size(); ++i) {
    long kib = 0;
    if (net_.node(i).running()) {
      std::ifstream in("/proc/" + std::to_string(net_.node(i).pid()) + "/status");
      for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) kib = std::atol(line.c_str() + 6);
    }
    out.push_back(kib);
  }
  return out;
}

FloodRun HostileNet::flood(const std::string& modes, size_t target, int duration_ms, int address_block) {
  FloodRun run;
  run.lib_before = net_.node(0).get("/v1/info")["lib_height"].get<uint64_t>();
  run.peak_rss_kib = rss_kib();
  std::atomic<bool> done{false};
  CliResult result;
  const size_t pose_as = target == 0 ? 1 : 0;
  std::thread tool([&] {
    if (modes.empty()) {  // a quiet run: the same measurements without the tool
      std::this_thread::sleep_for(milliseconds(duration_ms));
      done = true;
      return;
    }
    result = run_binary("lingji-hostile",
                        {"--target", "127.0.0.1:" + std::to_string(net_.node(target).peer_port()), "--genesis",
                         net_.genesis_file().string(), "--mode", modes, "--duration-ms", std::to_string(duration_ms),
                         "--address-block", std::to_string(address_block), "--pose-as",
                         "127.0.0.1:" + std::to_string(net_.node(pose_as).peer_port())});
    done = true;
  });
  while (!done) {
    const auto now = rss_kib();
    for (size_t i = 0; i < now.size(); ++i) run.peak_rss_kib[i] = std::max(run.peak_rss_kib[i], now[i]);
    std::this_thread::sleep_for(milliseconds(200));
  }
  tool.join();
  run.lib_after = net_.node(0).get("/v1/info")["lib_height"].get<uint64_t>();
  run.exit_code = result.exit_code;
  run.tool_output = result.out + result.err;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("mode")) {
      run.modes.push_back(j["mode"].get<std::string>());
      run.reports[j["mode"].get<std::string>()] = j;
    }
  }
  return run;
}

void HostileNet::finality(FloodRun& run) {
  run.finality_ms.clear();
  for (size_t i = 0; i < net_.size(); ++i)
    for (const auto& [height, ms] : finality_delays(net_.node(i).log_file()))
      if (height > run.lib_before && height <= run.lib_after) run.finality_ms.push_back(ms);
}

std::string HostileNet::equivocate(int key, size_t to) {
  const core::PrivateKey k = chain::dev_key("p" + std::to_string(key));
  const Json info = net_.node(to).get("/v1/info");
  const core::Hash256 chain_id = net_.genesis().chain_id();
  chain::finality::Vote a{info["head_slot"].get<uint64_t>() + 2, info["head_height"].get<uint64_t>() + 2, {}, 0};
  a.block_id.bytes.fill(0xa1);
  chain::finality::Vote b = a;
  b.block_id.bytes.fill(0xb2);
  auto c = net::WireClient::connect("127.0.0.1", static_cast<uint16_t>(net_.node(to).peer_port()), "127.0.0.9");
  if (!c) throw std::runtime_error("equivocate: " + c.error().message);
  net::WireClient::HelloOptions o;
  o.status = node::encode_status({0, core::Hash256{}, 0});  // behind: the node asks it for nothing
  if (auto h = (*c)->handshake(chain_id, net::random_identity(), o); !h)
    throw std::runtime_error("equivocate: " + h.error().message);
  for (const auto& v : {a, b})
    if (!(*c)->send_frame(node::kVote, chain::finality::SignedVote::sign(chain_id, v, k).encode()))
      throw std::runtime_error("equivocate: the node closed the connection");
  (void)(*c)->read_frame(milliseconds(300));  // let both arrive before the close
  return k.public_key().hex();
}

bool HostileNet::has_evidence(size_t i, const std::string& offender_hex) {
  const Json all = net_.node(i).get("/v1/evidence");  // a named copy: the loop reads into it
  for (const auto& e : all["evidence"])
    if (e["offender_key"].get<std::string>() == offender_hex) return true;
  return false;
}

std::pair<int64_t, int64_t> median_p99(std::vector<int64_t> v) {
  if (v.empty()) return {0, 0};
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 99 / 100)]};
}

}  // namespace lingji::functional
