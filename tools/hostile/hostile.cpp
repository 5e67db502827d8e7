#include "tools/hostile/hostile.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "chain/protocol/block.h"
#include "net/identity.h"
#include "net/net_errors.h"
#include "net/wire_client.h"
#include "node/messages.h"

namespace lingji::hostile {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using Client = std::unique_ptr<net::WireClient>;

// Source address n of a flood: 127.<block>.x.y, never .0 or .255.
std::string source(int block, uint64_t n) {
  return "127." + std::to_string(block) + "." + std::to_string(1 + (n / 250) % 250) + "." + std::to_string(1 + n % 250);
}

// A status claiming the node's own head, so that the node asks us for nothing.
core::Bytes status_of(const ChainView& v) {
  return node::encode_status({v.head_height, v.head_id, v.final_height});
}

core::Result<Client> dial(const Target& t, const std::string& from) {
  return net::WireClient::connect(t.ip, t.port, from);
}

// A complete handshake from `from` with a fresh identity; nullptr when the node refuses it.
Client join(const Target& t, const ChainView& v, const std::string& from) {
  auto c = dial(t, from);
  if (!c) return nullptr;
  net::WireClient::HelloOptions o;
  o.status = status_of(v);
  if (!(*c)->handshake(t.chain_id, net::random_identity(), o)) return nullptr;
  return std::move(*c);
}

// Dials again from the address the node just closed: is a hello still answered?
bool refused(const Target& t, const std::string& from) {
  auto c = dial(t, from);
  if (!c) return true;
  return !(*c)->send_hello(t.chain_id, net::random_identity()).ok();
}

int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
}

// The message of one step of a flood: type and payload.
std::pair<uint8_t, core::Bytes> next_message(const std::string& mode, Payloads& p, uint64_t i) {
  if (mode == "malformed-tx") return {node::kTransaction, p.malformed_tx()};
  if (mode == "bad-sig-tx") return {node::kTransaction, p.bad_signature_tx()};
  if (mode == "rejected-tx") return {node::kTransaction, p.rejected_tx()};
  if (mode == "bad-block") return {node::kBlock, p.bad_block(2000)};
  if (mode == "far-block") return {node::kBlock, p.far_block(1'000'000 + i)};
  if (mode == "forged-vote") return {node::kVote, p.forged_vote()};
  if (mode == "window-vote") return {node::kVote, p.window_vote(1000 + i % 1'000'000)};
  if (mode == "get-blocks") return {node::kGetBlocks, p.get_blocks(1, node::kSyncBatchBlocks)};
  if (mode == "unsolicited") return {node::kBlocks, p.unsolicited_batch()};
  core::Bytes nonce(8);
  for (size_t k = 0; k < 8; ++k) nonce[k] = static_cast<uint8_t>(i >> (8 * k));
  return {net::kPing, nonce};  // frames
}

// Notes the end of one connection: its goodbye, the time since its first message, and whether
// the same address is refused afterwards.
void note_close(FloodReport& r, net::WireClient& c, const Target& t, const std::string& from,
                Clock::time_point first) {
  (void)c.wait_closed(milliseconds(500));
  r.closes++;
  r.goodbyes[c.goodbye_code()]++;
  r.close_ms.push_back(ms_since(first));
  r.redials++;
  if (refused(t, from)) r.banned++;
}

// The message floods: one connection after another, each flooding until the node closes it.
void flood_messages(FloodReport& r, const Target& t, Payloads& p, const FloodOptions& o, Clock::time_point end) {
  uint64_t address = 0, i = 0;
  while (Clock::now() < end) {
    const std::string from = source(o.address_block, address++);
    Client c = join(t, p.view(), from);
    if (!c) {
      r.handshakes_refused++;
      std::this_thread::sleep_for(milliseconds(10));
      continue;
    }
    r.connections++;
    if (c->theirs()) p.refresh(c->theirs()->status);
    const auto first = Clock::now();
    bool open = true;
    while (open && Clock::now() < end) {
      // A batch, then a look at what came back (a goodbye ends the connection; the rest is
      // dropped, so the node's send queue to us stays short and only the flood is measured).
      for (int k = 0; k < 16 && open; ++k, ++i) {
        auto [type, payload] = next_message(r.mode, p, i);
        open = c->send_frame(type, payload);
        if (open) {
          r.messages++;
          r.bytes += payload.size() + net::kFrameHeaderSize;
        }
      }
      if (open) {
        const int code = c->goodbye_code();
        if (code != 0) {
          r.closes++;
          r.goodbyes[code]++;
          r.close_ms.push_back(ms_since(first));
          (void)c->wait_closed(milliseconds(500));
          r.redials++;
          if (refused(t, from)) r.banned++;
          open = false;
          continue;
        }
        open = !c->closed();
      }
      if (!open) note_close(r, *c, t, from, first);
    }
  }
}

// Connections from one address, held open; a refused one is dialled again at once.
void flood_connections(FloodReport& r, const Target& t, const ChainView& v, const FloodOptions& o,
                       Clock::time_point end) {
  const std::string from = source(o.address_block, 0);
  std::vector<Client> held;
  while (Clock::now() < end) {
    if (held.size() < o.max_connections) {
      auto c = dial(t, from);
      if (!c) {
        r.handshakes_refused++;
        continue;
      }
      net::WireClient::HelloOptions h;
      h.status = status_of(v);
      if ((*c)->handshake(t.chain_id, net::random_identity(), h)) {
        r.connections++;
        held.push_back(std::move(*c));
      } else {
        r.handshakes_refused++;
        r.goodbyes[(*c)->goodbye_code()]++;
      }
    } else {
      std::this_thread::sleep_for(milliseconds(20));
    }
    // Read what the held ones receive (gossip, pings); drop the ones the node closed.
    for (auto& c : held) {
      const int code = c->goodbye_code();
      if (code != 0 || c->closed()) {
        r.closes++;
        r.goodbyes[code]++;
        c.reset();
      }
    }
    held.erase(std::remove(held.begin(), held.end(), nullptr), held.end());
  }
  r.held = held.size();
}

// Hellos claiming the id of the node at t.pose_as, with a proof by our own key.
void flood_impersonation(FloodReport& r, const Target& t, const ChainView& v, const FloodOptions& o,
                         Clock::time_point end) {
  if (!t.pose_as) {
    r.error = "impersonate needs --pose-as";
    return;
  }
  uint64_t address = 0;
  core::Hash256 posed;
  {
    auto c = net::WireClient::connect(t.pose_as->first, t.pose_as->second, source(o.address_block, 250 * 250 - 1));
    auto hello = c ? (*c)->send_hello(t.chain_id, net::random_identity()) : core::Result<net::Hello>(c.error());
    if (!hello) {
      r.error = "cannot read the id of the node to pose as: " + hello.error().message;
      return;
    }
    posed = hello->node_id;
  }
  while (Clock::now() < end) {
    const std::string from = source(o.address_block, address++);
    auto c = dial(t, from);
    if (!c) continue;
    net::WireClient::HelloOptions h;
    h.status = status_of(v);
    h.claimed_id = posed;
    const core::PrivateKey own = net::random_identity();
    const auto first = Clock::now();
    if (!(*c)->send_hello(t.chain_id, own, h)) {
      r.handshakes_refused++;
      continue;
    }
    r.messages++;
    // The node sends its own proof before it checks ours, so send_auth's answer says nothing:
    // a connection still open a second later would be a forged proof accepted (a finding).
    (void)(*c)->send_auth(own);
    if (!(*c)->wait_closed(milliseconds(1000))) {
      r.connections++;
      continue;
    }
    note_close(r, **c, t, from, first);
  }
}

}  // namespace

core::Result<ChainView> scout(const Target& target, const std::string& scout_ip) {
  ChainView v;
  v.chain_id = target.chain_id;
  auto c = dial(target, scout_ip);
  if (!c) return c.error();
  net::WireClient::HelloOptions o;
  o.status = node::encode_status({0, core::Hash256{}, 0});  // a status is required; behind: asked nothing
  auto hello = (*c)->handshake(target.chain_id, net::random_identity(), o);
  if (!hello) return hello.error();
  auto status = node::decode_status(hello->status);
  if (!status) return net::net_error("net.malformed_message", "the node's status does not decode");
  v.head_height = status->head_height;
  v.head_id = status->head_id;
  v.final_height = status->final_height;
  if (!(*c)->send_frame(node::kGetBlocks, node::encode_get_blocks({std::max<uint64_t>(1, v.head_height), 1})))
    return net::net_error("net.connection_lost", "cannot ask for the head block");
  const auto deadline = Clock::now() + milliseconds(5000);
  while (Clock::now() < deadline) {
    auto f = (*c)->read_frame(milliseconds(500));
    if (!f || f->first != node::kBlocks) continue;
    auto batch = node::decode_blocks(f->second);
    if (!batch || batch->empty()) return net::net_error("net.malformed_message", "no head block served");
    auto block = chain::Block::decode((*batch)[0]);
    if (!block) return block.error();
    v.head = std::move(*block);
    v.some_producer = v.head.header.producer;
    return v;
  }
  return net::net_error("net.connection_lost", "no answer to get_blocks");
}

FloodReport run_flood(const std::string& mode, const Target& target, const ChainView& view, const FloodOptions& o) {
  FloodReport r;
  r.mode = mode;
  if (std::find(mode_names().begin(), mode_names().end(), mode) == mode_names().end()) {
    r.error = "unknown mode";
    return r;
  }
  const auto end = Clock::now() + o.duration;
  Payloads payloads(view, o.seed);
  if (mode == "connections") {
    flood_connections(r, target, view, o, end);
  } else if (mode == "impersonate") {
    flood_impersonation(r, target, view, o, end);
  } else {
    flood_messages(r, target, payloads, o, end);
  }
  return r;
}

std::string to_json(const FloodReport& r) {
  nlohmann::ordered_json j;
  j["mode"] = r.mode;
  j["connections"] = r.connections;
  j["handshakes_refused"] = r.handshakes_refused;
  j["messages"] = r.messages;
  j["bytes"] = r.bytes;
  j["closes"] = r.closes;
  nlohmann::ordered_json g = nlohmann::ordered_json::object();
  for (const auto& [code, n] : r.goodbyes) g[code == 0 ? "none" : std::string(net::net_error_name(code))] = n;
  j["goodbyes"] = g;
  j["redials"] = r.redials;
  j["banned"] = r.banned;
  std::vector<int64_t> ms = r.close_ms;
  std::sort(ms.begin(), ms.end());
  j["close_ms_median"] = ms.empty() ? -1 : ms[ms.size() / 2];
  j["close_ms_max"] = ms.empty() ? -1 : ms.back();
  j["held"] = r.held;
  if (!r.error.empty()) j["error"] = r.error;
  return j.dump();
}

}  // namespace lingji::hostile
