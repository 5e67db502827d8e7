// p2p_test.cpp: real TCP on loopback. Good nodes use 127.0.0.1; every misbehaving raw client binds
// its socket to another 127/8 address (Linux routes all of 127/8 to loopback), so that banning it
// does not ban the good peers. Waits are condition waits with timeouts; the few fixed sleeps
// check that something does NOT happen (a re-dial) and are noted.
#include "net/p2p.h"

#include "net/handshake.h"
#include "net/identity.h"
#include "net/wire_client.h"

#include <gtest/gtest.h>

#include <sodium.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace lingji::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

constexpr uint8_t kApp = 16;        // allowed, up to 1 MiB
constexpr uint8_t kForbidden = 17;  // max_payload 0
constexpr milliseconds kWait{5000};

core::Hash256 chain(uint8_t b) {
  core::Hash256 h;
  h.bytes.fill(b);
  return h;
}

core::Bytes text(std::string_view s) { return core::Bytes(s.begin(), s.end()); }

P2pOptions options(uint8_t chain_byte = 1) {
  P2pOptions o;
  o.chain_id = chain(chain_byte);
  o.listen = "127.0.0.1:0";
  o.max_payload[kApp] = 1 << 20;
  o.handshake_timeout = milliseconds(2000);
  o.ping_interval = milliseconds(1000);
  o.idle_timeout = milliseconds(5000);
  o.ban_duration = milliseconds(60000);
  return o;
}

struct Msg {
  PeerId peer;
  uint8_t type;
  core::Bytes payload;
};

// Records every callback. Predicates passed to wait() run with mu held.
class Recorder : public Handler {
 public:
  void on_connected(const PeerInfo& p) override { record([&] { connected.push_back(p); }); }
  void on_message(PeerId id, uint8_t type, core::Bytes payload) override {
    record([&] { messages.push_back({id, type, std::move(payload)}); });
  }
  void on_disconnected(PeerId id, const std::string& reason) override {
    record([&] { disconnected.emplace_back(id, reason); });
  }
  void on_handshake_failed(const std::string& remote, const std::string& reason) override {
    record([&] { failed.emplace_back(remote, reason); });
  }

  template <class Pred>
  bool wait(Pred pred, milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, timeout, pred);
  }
  template <class F>
  auto locked(F f) {
    std::lock_guard<std::mutex> lock(mu);
    return f();
  }
  // Requires: mu held (inside wait or locked).
  bool any_reason(const std::vector<std::pair<PeerId, std::string>>& v, std::string_view s) const {
    for (const auto& [id, r] : v) if (r.find(s) != std::string::npos) return true;
    return false;
  }
  bool any_failed(std::string_view s) const {
    for (const auto& [remote, r] : failed) if (r.find(s) != std::string::npos) return true;
    return false;
  }
  size_t count_failed(std::string_view s) const {
    size_t n = 0;
    for (const auto& [remote, r] : failed) n += r.find(s) != std::string::npos;
    return n;
  }
  std::vector<std::string> payloads() const {
    std::vector<std::string> out;
    for (const Msg& m : messages) out.emplace_back(m.payload.begin(), m.payload.end());
    return out;
  }

  std::mutex mu;
  std::condition_variable cv;
  std::vector<PeerInfo> connected;
  std::vector<Msg> messages;
  std::vector<std::pair<PeerId, std::string>> disconnected;
  std::vector<std::pair<std::string, std::string>> failed;
  std::atomic<bool> stopped{false};  // set by a test after stop() returned
  std::atomic<int> late_calls{0};    // callbacks seen after that

 private:
  template <class F>
  void record(F f) {
    if (stopped) ++late_calls;
    {
      std::lock_guard<std::mutex> lock(mu);
      f();
    }
    cv.notify_all();
  }
};

std::unique_ptr<P2p> start(P2pOptions o, Recorder& r) {
  auto res = P2p::start(std::move(o), r);
  EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().message);
  if (!res.ok()) return nullptr;
  return std::move(res).value();
}

std::string addr(const P2p& p) { return "127.0.0.1:" + std::to_string(p.listen_port()); }

// A hand-driven client for misbehaviour tests: blocking connect and write, timed reads.
class RawClient {
 public:
  RawClient(uint16_t port, const char* source) {
    sock_.open(tcp::v4());
    sock_.bind(tcp::endpoint(asio::ip::make_address(source), 0));
    sock_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void write(const core::Bytes& b) {
    boost::system::error_code ec;
    asio::write(sock_, asio::buffer(b), ec);
  }
  // Reads one frame within the timeout; nullopt on timeout, close or error.
  std::optional<std::pair<uint8_t, core::Bytes>> read_frame(milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (in_.size() >= kFrameHeaderSize) {
        std::array<uint8_t, kFrameHeaderSize> h{};
        std::copy_n(in_.begin(), kFrameHeaderSize, h.begin());
        const FrameHeader fh = decode_frame_header(h);
        if (in_.size() >= kFrameHeaderSize + fh.payload_size()) {
          core::Bytes payload(in_.begin() + kFrameHeaderSize,
                              in_.begin() + static_cast<ptrdiff_t>(kFrameHeaderSize +
                                                                   fh.payload_size()));
          in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(kFrameHeaderSize +
                                                                       fh.payload_size()));
          return std::make_pair(fh.type, std::move(payload));
        }
      }
      if (!read_more(deadline)) return std::nullopt;
    }
  }
  // Reads until the node closes the connection; false on timeout. Frames already buffered or
  // arriving meanwhile are kept for read_frame; the total bytes ever received is in received().
  bool wait_closed(milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_more(deadline)) {
    }
    return closed_;
  }
  size_t received() const { return received_; }
  // Sends a valid hello for `chain_id` and reads the node's hello. Returns false if it never came.
  // Sends a valid hello and auth for `chain_id` as a fresh identity and reads the node's hello and
  // auth. Returns false if they never came.
  bool handshake(const core::Hash256& chain_id) {
    const core::PrivateKey key = random_identity();
    Hello mine{2, chain_id, key.public_key(), 0, {}, {}};
    randombytes_buf(mine.nonce.bytes.data(), mine.nonce.bytes.size());
    write(encode_frame(kHello, encode_hello(mine)));
    auto f = read_frame(kWait);
    if (!f || f->first != kHello) return false;
    auto theirs = decode_hello(f->second, 2);
    if (!theirs) return false;
    write(encode_frame(kAuth, encode_auth(key, mine, *theirs)));
    auto a = read_frame(kWait);
    return a && a->first == kAuth;
  }
  // The goodbye code in the buffered frames, or 0.
  int goodbye_code() {
    while (auto f = read_frame(milliseconds(0))) {
      if (f->first != kGoodbye) continue;
      auto g = decode_goodbye(f->second);
      return g.ok() ? g->code : -1;
    }
    return 0;
  }

 private:
  bool read_more(std::chrono::steady_clock::time_point deadline) {
    if (closed_) return false;
    std::array<uint8_t, 65536> buf{};
    boost::system::error_code result;
    size_t n = 0;
    bool done = false;
    sock_.async_read_some(asio::buffer(buf), [&](boost::system::error_code ec, size_t got) {
      result = ec;
      n = got;
      done = true;
    });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!done) {
      sock_.cancel();
      ioc_.restart();
      ioc_.run();
      return false;
    }
    in_.insert(in_.end(), buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n));
    received_ += n;
    if (result) closed_ = true;
    return !closed_;
  }

  asio::io_context ioc_;
  tcp::socket sock_{ioc_};
  core::Bytes in_;
  size_t received_ = 0;
  bool closed_ = false;
};

// Connects from `source` and expects to be closed at once without a single byte (a banned IP).
void expect_refused(uint16_t port, const char* source) {
  RawClient again(port, source);
  EXPECT_TRUE(again.wait_closed(milliseconds(2000))) << source << " was not closed";
  EXPECT_EQ(again.received(), 0u) << source << " got bytes (a hello?) although banned";
}

void expect_exchange(P2p& a, Recorder& ra, P2p& b, Recorder& rb, const std::string& tag) {
  const auto pa = a.peers();
  const auto pb = b.peers();
  ASSERT_EQ(pa.size(), 1u);
  ASSERT_EQ(pb.size(), 1u);
  ASSERT_TRUE(a.send(pa[0].id, kApp, text("a>" + tag)).ok());
  ASSERT_TRUE(b.send(pb[0].id, kApp, text("b>" + tag)).ok());
  auto has = [](Recorder& r, const std::string& s) {
    auto p = r.payloads();
    return std::find(p.begin(), p.end(), s) != p.end();
  };
  EXPECT_TRUE(rb.wait([&] { return has(rb, "a>" + tag); })) << tag;
  EXPECT_TRUE(ra.wait([&] { return has(ra, "b>" + tag); })) << tag;
}

TEST(P2pTest, TwoNodesExchangeMessagesAndStatus) {
  Recorder ra, rb;
  P2pOptions oa = options();
  oa.status = [] { return core::Bytes{1, 2, 3}; };
  auto a = start(oa, ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.listen = "";
  ob.status = [] { return core::Bytes{9}; };
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->listen_port(), 0);
  EXPECT_NE(a->node_id(), b->node_id());

  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  ASSERT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
  const PeerInfo at_a = ra.locked([&] { return ra.connected[0]; });
  const PeerInfo at_b = rb.locked([&] { return rb.connected[0]; });
  EXPECT_TRUE(at_a.inbound);
  EXPECT_FALSE(at_b.inbound);
  EXPECT_EQ(at_a.status, core::Bytes{9});
  EXPECT_EQ(at_b.status, (core::Bytes{1, 2, 3}));
  EXPECT_EQ(at_a.node_id, b->node_id());
  EXPECT_EQ(at_b.node_id, a->node_id());
  EXPECT_EQ(at_b.listen_port, a->listen_port());
  EXPECT_EQ(at_a.listen_port, 0);
  EXPECT_EQ(at_b.remote, addr(*a));

  expect_exchange(*a, ra, *b, rb, "1");
  // A payload of exactly the limit arrives whole.
  ASSERT_TRUE(a->send(at_a.id, kApp, core::Bytes(1 << 20, 0x5a)).ok());
  ASSERT_TRUE(rb.wait([&] { return rb.messages.size() == 2; }));
  rb.locked([&] {
    EXPECT_EQ(rb.messages[1].peer, at_b.id);
    EXPECT_EQ(rb.messages[1].type, kApp);
    EXPECT_EQ(rb.messages[1].payload, core::Bytes(1 << 20, 0x5a));
    return 0;
  });

  // What the remote would ban us for is refused locally.
  const std::vector<std::pair<uint8_t, size_t>> refused = {
      {kPing, 8}, {kForbidden, 1}, {kApp, (1 << 20) + 1}};
  for (auto [type, size] : refused) {
    core::Status st = a->send(at_a.id, type, core::Bytes(size, 0));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, kNetBadMessage);
    EXPECT_EQ(st.error().name, "net.bad_message");
    EXPECT_FALSE(a->broadcast(type, core::Bytes(size, 0)).ok());
  }
}

TEST(P2pTest, HostNamesAreResolved) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.listen = "";
  // "localhost" may resolve to ::1 first, where nothing listens: the next address is tried.
  ob.peers = {"localhost:" + std::to_string(a->listen_port())};
  auto b = start(ob, rb);
  EXPECT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
}

TEST(P2pTest, StartReportsBadOptions) {
  Recorder r;
  auto code_of = [&](P2pOptions o) {
    auto res = P2p::start(std::move(o), r);
    return res.ok() ? 0 : res.error().code;
  };
  P2pOptions o = options();
  o.listen = "127.0.0.1";
  EXPECT_EQ(code_of(o), kNetBadAddress);
  o.listen = "localhost:0";  // listen addresses are numeric
  EXPECT_EQ(code_of(o), kNetBadAddress);
  o = options();
  o.peers = {"127.0.0.1:0"};
  EXPECT_EQ(code_of(o), kNetBadAddress);
  o = options();
  o.max_payload[kApp] = kMaxAppPayloadLimit + 1;
  EXPECT_EQ(code_of(o), kNetBadOptions);
  o = options();
  o.idle_timeout = milliseconds(0);
  EXPECT_EQ(code_of(o), kNetBadOptions);

  auto a = start(options(), r);
  ASSERT_TRUE(a);
  o = options();
  o.listen = addr(*a);  // already listening there
  auto res = P2p::start(o, r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, kNetBindFailed);
  EXPECT_EQ(res.error().name, "net.bind_failed");
  EXPECT_EQ(a->add_peer("no-port").error().code, kNetBadAddress);
}

TEST(P2pTest, BroadcastReachesDirectPeersAndHonoursExcept) {
  Recorder rh, r1, r2, r3;
  auto hub = start(options(), rh);
  ASSERT_TRUE(hub);
  P2pOptions leaf = options();
  leaf.listen = "";
  leaf.peers = {addr(*hub)};
  auto l1 = start(leaf, r1);
  auto l2 = start(leaf, r2);
  auto l3 = start(leaf, r3);
  ASSERT_TRUE(rh.wait([&] { return rh.connected.size() == 3; }));
  for (Recorder* r : {&r1, &r2, &r3}) ASSERT_TRUE(r->wait([&] { return r->connected.size() == 1; }));

  ASSERT_TRUE(hub->broadcast(kApp, text("all")).ok());
  ASSERT_TRUE(l1->broadcast(kApp, text("up")).ok());  // l1's only peer is the hub
  ASSERT_TRUE(rh.wait([&] { return rh.messages.size() == 1; }));
  EXPECT_EQ(rh.locked([&] { return rh.payloads(); }), std::vector<std::string>{"up"});

  PeerId l2_at_hub = 0;
  for (const PeerInfo& p : hub->peers()) {
    if (p.node_id == l2->node_id()) l2_at_hub = p.id;
  }
  ASSERT_NE(l2_at_hub, 0u);
  ASSERT_TRUE(hub->broadcast(kApp, text("not-l2"), l2_at_hub).ok());
  ASSERT_TRUE(hub->broadcast(kApp, text("final")).ok());
  const std::vector<std::string> all3 = {"all", "not-l2", "final"};
  const std::vector<std::string> l2_expected = {"all", "final"};
  ASSERT_TRUE(r1.wait([&] { return r1.messages.size() == 3; }));
  ASSERT_TRUE(r3.wait([&] { return r3.messages.size() == 3; }));
  ASSERT_TRUE(r2.wait([&] { return r2.messages.size() >= 2; }));
  EXPECT_EQ(r1.locked([&] { return r1.payloads(); }), all3);
  EXPECT_EQ(r3.locked([&] { return r3.payloads(); }), all3);
  // "final" was queued after "not-l2" on the same connection: had l2 been sent "not-l2", it would
  // have arrived first.
  EXPECT_EQ(r2.locked([&] { return r2.payloads(); }), l2_expected);
}

TEST(P2pTest, WrongChainIsRefusedOnBothSidesWithoutBan) {
  Recorder ra, rb, rc;
  auto a = start(options(1), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options(2);
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  ASSERT_TRUE(ra.wait([&] { return ra.any_failed("net.wrong_chain"); }));
  ASSERT_TRUE(rb.wait([&] { return rb.any_failed("net.wrong_chain"); }));
  b->stop();
  EXPECT_TRUE(ra.locked([&] { return ra.connected.empty(); }));
  EXPECT_TRUE(rb.locked([&] { return rb.connected.empty(); }));

  // Another chain is not misbehaviour: 127.0.0.1 is not banned, a node of our chain connects.
  P2pOptions oc = options(1);
  oc.peers = {addr(*a)};
  auto c = start(oc, rc);
  EXPECT_TRUE(rc.wait([&] { return rc.connected.size() == 1; }));
}

TEST(P2pTest, WrongVersionIsRefusedWithAReason) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.protocol_version = 3;
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  EXPECT_TRUE(ra.wait([&] { return ra.any_failed("net.wrong_version"); }));
  EXPECT_TRUE(rb.wait([&] { return rb.any_failed("net.wrong_version"); }));
  EXPECT_TRUE(ra.locked([&] { return ra.connected.empty(); }));
}

TEST(P2pTest, GarbageBansTheSenderWhileAGoodPeerKeepsExchanging) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  ASSERT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));

  {
    RawClient bad(a->listen_port(), "127.0.0.2");
    bad.write(text("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(bad.wait_closed(milliseconds(3000)));
    auto hello = bad.read_frame(milliseconds(0));
    ASSERT_TRUE(hello);
    EXPECT_EQ(hello->first, kHello);  // each side sends hello first
    EXPECT_EQ(bad.goodbye_code(), kNetProtocolViolation);
  }
  EXPECT_TRUE(ra.wait([&] { return ra.any_failed("net.protocol_violation: frame type 47"); }));
  expect_refused(a->listen_port(), "127.0.0.2");
  EXPECT_TRUE(ra.wait([&] { return ra.any_failed("net.banned: 127.0.0.2"); }));
  expect_exchange(*a, ra, *b, rb, "after-ban");
  EXPECT_TRUE(ra.locked([&] { return ra.disconnected.empty(); }));
}

TEST(P2pTest, OversizedAnnouncementIsBannedWithoutWaitingForThePayload) {
  Recorder ra;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  RawClient bad(a->listen_port(), "127.0.0.2");
  ASSERT_TRUE(bad.handshake(chain(1)));
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  // Announce 4 GiB of an allowed type and send nothing more. A node that allocated and waited
  // for the payload would keep the connection open until the idle timeout (5 s).
  bad.write({0xff, 0xff, 0xff, 0xff, kApp});
  ASSERT_TRUE(bad.wait_closed(milliseconds(2000)));
  EXPECT_EQ(bad.goodbye_code(), kNetProtocolViolation);
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "over its limit"); }));
  expect_refused(a->listen_port(), "127.0.0.2");
}

TEST(P2pTest, DisallowedAndReservedTypesAreBanned) {
  Recorder ra;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  int n = 0;
  const std::vector<std::pair<uint8_t, const char*>> cases = {{kForbidden, "127.0.0.2"},
                                                              {uint8_t{9}, "127.0.0.3"}};
  for (auto [type, source] : cases) {
    RawClient bad(a->listen_port(), source);
    ASSERT_TRUE(bad.handshake(chain(1)));
    ++n;
    ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == static_cast<size_t>(n); }));
    bad.write(encode_frame(type, core::Bytes{1}));
    ASSERT_TRUE(bad.wait_closed(milliseconds(2000))) << int(type);
    EXPECT_EQ(bad.goodbye_code(), kNetProtocolViolation) << int(type);
    expect_refused(a->listen_port(), source);
  }
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "type 17 is not allowed"); }));
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "type 9 is not allowed"); }));
}

TEST(P2pTest, DataBeforeHelloAndASecondHelloAreBanned) {
  Recorder ra;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  {
    RawClient early(a->listen_port(), "127.0.0.2");  // a well-formed app frame, but too early
    early.write(encode_frame(kApp, text("hi")));
    ASSERT_TRUE(early.wait_closed(milliseconds(2000)));
    EXPECT_EQ(early.goodbye_code(), kNetProtocolViolation);
  }
  expect_refused(a->listen_port(), "127.0.0.2");
  {
    RawClient twice(a->listen_port(), "127.0.0.3");
    ASSERT_TRUE(twice.handshake(chain(1)));
    twice.write(encode_frame(kHello, encode_hello({2, chain(1), chain(7), 0, {}, {}})));
    ASSERT_TRUE(twice.wait_closed(milliseconds(2000)));
  }
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "second hello"); }));
  expect_refused(a->listen_port(), "127.0.0.3");
}

TEST(P2pTest, PenalizeDisconnectsAndBans) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.listen = "127.0.0.2:0";  // so that A's ban of B's address spares 127.0.0.1
  auto b = start(ob, rb);
  ASSERT_TRUE(b);
  ASSERT_TRUE(a->add_peer("127.0.0.2:" + std::to_string(b->listen_port())).ok());
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  const PeerId peer = ra.locked([&] { return ra.connected[0].id; });

  a->penalize(peer, "invalid block 7");
  ASSERT_TRUE(ra.wait([&] { return ra.disconnected.size() == 1; }));
  EXPECT_EQ(ra.locked([&] { return ra.disconnected[0]; }),
            (std::pair<PeerId, std::string>{peer, "net.penalized: invalid block 7"}));
  EXPECT_TRUE(rb.wait([&] { return rb.any_reason(rb.disconnected, "remote goodbye net.penalized"); }));
  EXPECT_TRUE(a->peers().empty());
  // Not a sleep for synchronisation: A would re-dial at 0.5 s and 1.0 s if the ban were ignored.
  std::this_thread::sleep_for(milliseconds(1300));
  EXPECT_EQ(ra.locked([&] { return ra.connected.size(); }), 1u);
  expect_refused(a->listen_port(), "127.0.0.2");
}

TEST(P2pTest, RestartedPeerIsRedialled) {
  Recorder ra, rb1, rb2;
  auto b = start(options(), rb1);
  ASSERT_TRUE(b);
  const uint16_t port = b->listen_port();
  P2pOptions oa = options();
  oa.listen = "";
  oa.peers = {addr(*b)};
  auto a = start(oa, ra);
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));

  b.reset();  // stop: A is told why
  ASSERT_TRUE(ra.wait([&] { return ra.disconnected.size() == 1; }));
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "remote goodbye net.shutdown"); }));

  P2pOptions ob = options();
  ob.listen = "127.0.0.1:" + std::to_string(port);
  auto b2 = start(ob, rb2);
  ASSERT_TRUE(b2);
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 2; }));
  EXPECT_EQ(ra.locked([&] { return ra.connected[1].node_id; }), b2->node_id());
  ASSERT_TRUE(rb2.wait([&] { return rb2.connected.size() == 1; }));
  expect_exchange(*a, ra, *b2, rb2, "restarted");
}

TEST(P2pTest, SelfDialIsIgnoredAndNotRepeated) {
  Recorder ra;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->add_peer(addr(*a)).ok());
  // Both ends of the one connection close: the dialling end saw our own node id in the hello;
  // the accepting end sees it too, or the close if that comes first.
  ASSERT_TRUE(ra.wait([&] { return ra.count_failed("net.self_connection") >= 1; }));
  ASSERT_TRUE(ra.wait([&] { return ra.failed.size() == 2; }));
  // Not a sleep for synchronisation: a re-dial would come after 0.5 s.
  std::this_thread::sleep_for(milliseconds(1200));
  EXPECT_EQ(ra.locked([&] { return ra.failed.size(); }), 2u);
  EXPECT_TRUE(ra.locked([&] { return ra.connected.empty(); }));
  EXPECT_TRUE(a->peers().empty());
}

TEST(P2pTest, DuplicateConnectionsCollapseToOne) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  auto b = start(options(), rb);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->add_peer(addr(*b)).ok());
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  ASSERT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
  ASSERT_TRUE(b->add_peer(addr(*a)).ok());  // a second connection, dialled by B
  for (Recorder* r : {&ra, &rb}) {
    // Settled: the duplicate was seen, and exactly one connection is up.
    ASSERT_TRUE(r->wait([&] {
      return (r->any_failed("net.duplicate_connection") ||
              r->any_reason(r->disconnected, "net.duplicate_connection")) &&
             r->connected.size() == r->disconnected.size() + 1;
    }));
  }
  const size_t events_a = ra.locked([&] { return ra.failed.size() + ra.connected.size(); });
  const size_t events_b = rb.locked([&] { return rb.failed.size() + rb.connected.size(); });
  // Not a sleep for synchronisation: a dial loop (re-dialling a node that is already connected)
  // would show up as more handshakes within it; the loser re-dials after 0.5 s otherwise.
  std::this_thread::sleep_for(milliseconds(1200));
  EXPECT_EQ(ra.locked([&] { return ra.failed.size() + ra.connected.size(); }), events_a);
  EXPECT_EQ(rb.locked([&] { return rb.failed.size() + rb.connected.size(); }), events_b);
  const auto pa = a->peers();
  const auto pb = b->peers();
  ASSERT_EQ(pa.size(), 1u);
  ASSERT_EQ(pb.size(), 1u);
  // The kept connection is the one dialled by the smaller node id, at both ends.
  const bool b_smaller = b->node_id() < a->node_id();
  EXPECT_EQ(pa[0].inbound, b_smaller);
  EXPECT_EQ(pb[0].inbound, !b_smaller);
  for (Recorder* r : {&ra, &rb}) {
    r->locked([&] {
      EXPECT_EQ(r->connected.size(), b_smaller ? 2u : 1u);
      EXPECT_EQ(r->connected.size() - r->disconnected.size(), 1u);
      return 0;
    });
  }
  expect_exchange(*a, ra, *b, rb, "after-collapse");
}

TEST(P2pTest, HandshakeTimeoutClosesWithoutBan) {
  Recorder ra;
  P2pOptions o = options();
  o.handshake_timeout = milliseconds(300);
  auto a = start(o, ra);
  ASSERT_TRUE(a);
  RawClient silent(a->listen_port(), "127.0.0.4");
  ASSERT_TRUE(silent.wait_closed(milliseconds(2000)));
  EXPECT_EQ(silent.goodbye_code(), kNetHandshakeTimeout);
  EXPECT_TRUE(ra.locked([&] { return ra.any_failed("net.handshake_timeout"); }));
  RawClient again(a->listen_port(), "127.0.0.4");
  EXPECT_TRUE(again.handshake(chain(1)));  // not banned
}

TEST(P2pTest, PingsKeepPeersAliveAndSilenceTimesOut) {
  Recorder ra, rb;
  P2pOptions o = options();
  o.ping_interval = milliseconds(100);
  o.idle_timeout = milliseconds(400);
  auto a = start(o, ra);
  ASSERT_TRUE(a);
  P2pOptions ob = o;
  ob.listen = "";
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));

  // A client that completes the handshake but never answers: idle timeout, no ban.
  RawClient mute(a->listen_port(), "127.0.0.5");
  ASSERT_TRUE(mute.handshake(chain(1)));
  auto ping = mute.read_frame(milliseconds(1000));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->first, kPing);
  ASSERT_TRUE(mute.wait_closed(milliseconds(2000)));
  EXPECT_EQ(mute.goodbye_code(), kNetIdleTimeout);
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "net.idle_timeout"); }));
  // Meanwhile (over 2 idle timeouts) B answered the pings and stays connected.
  EXPECT_EQ(a->peers().size(), 1u);
  EXPECT_TRUE(rb.locked([&] { return rb.disconnected.empty(); }));
  RawClient again(a->listen_port(), "127.0.0.5");
  EXPECT_TRUE(again.handshake(chain(1)));
}

TEST(P2pTest, SlowReaderIsDisconnectedNotBanned) {
  Recorder ra;
  P2pOptions o = options();
  o.max_send_queue_bytes = 1 << 20;
  auto a = start(o, ra);
  ASSERT_TRUE(a);
  RawClient slow(a->listen_port(), "127.0.0.6");
  ASSERT_TRUE(slow.handshake(chain(1)));
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  const PeerId peer = ra.locked([&] { return ra.connected[0].id; });
  // 32 MiB: more than the loopback socket buffers hold, so the queue must grow past 1 MiB.
  for (int i = 0; i < 512 && ra.locked([&] { return ra.disconnected.empty(); }); ++i) {
    ASSERT_TRUE(a->send(peer, kApp, core::Bytes(64 * 1024, 1)).ok());
  }
  ASSERT_TRUE(ra.wait([&] { return ra.disconnected.size() == 1; }));
  EXPECT_TRUE(ra.locked([&] { return ra.any_reason(ra.disconnected, "net.send_queue_full"); }));
  RawClient again(a->listen_port(), "127.0.0.6");
  EXPECT_TRUE(again.handshake(chain(1)));  // not banned
}

TEST(P2pTest, TooManyPeersAreToldWhy) {
  Recorder ra, rb, rc;
  P2pOptions o = options();
  o.max_peers = 1;
  auto a = start(o, ra);
  ASSERT_TRUE(a);
  P2pOptions dialer = options();
  dialer.listen = "";
  dialer.peers = {addr(*a)};
  auto b = start(dialer, rb);
  ASSERT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
  auto c = start(dialer, rc);
  EXPECT_TRUE(rc.wait([&] { return rc.any_failed("remote goodbye net.too_many_peers"); }));
  EXPECT_TRUE(rc.locked([&] { return rc.connected.empty(); }));
}

TEST(P2pTest, StopWithTrafficInFlightIsClean) {
  Recorder ra, rb;
  auto a = start(options(), ra);
  ASSERT_TRUE(a);
  P2pOptions ob = options();
  ob.peers = {addr(*a)};
  auto b = start(ob, rb);
  ASSERT_TRUE(ra.wait([&] { return ra.connected.size() == 1; }));
  ASSERT_TRUE(rb.wait([&] { return rb.connected.size() == 1; }));
  const PeerId a_peer = ra.locked([&] { return ra.connected[0].id; });
  const PeerId b_peer = rb.locked([&] { return rb.connected[0].id; });

  std::atomic<bool> done{false};
  std::thread sender_b([&] {
    while (!done) (void)b->send(b_peer, kApp, core::Bytes(16 * 1024, 2));
  });
  std::thread sender_a([&] {
    while (!done) (void)a->broadcast(kApp, core::Bytes(16 * 1024, 3));
  });
  ASSERT_TRUE(ra.wait([&] { return ra.messages.size() >= 20; }));
  ASSERT_TRUE(rb.wait([&] { return rb.messages.size() >= 20; }));

  const auto t0 = std::chrono::steady_clock::now();
  a->stop();  // while both directions are busy
  ra.stopped = true;
  // Bounded: the goodbye waits at most a quarter second behind the frame being written.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(1000));
  a->stop();  // idempotent
  EXPECT_TRUE(a->send(a_peer, kApp, text("late")).ok());  // dropped, harmless
  a->penalize(a_peer, "late");
  EXPECT_TRUE(a->peers().empty());
  b->stop();
  rb.stopped = true;
  done = true;
  sender_a.join();
  sender_b.join();

  EXPECT_EQ(ra.late_calls.load(), 0);
  EXPECT_EQ(rb.late_calls.load(), 0);
  EXPECT_EQ(ra.locked([&] { return ra.disconnected; }),
            (std::vector<std::pair<PeerId, std::string>>{{a_peer, "net.shutdown: node stopping"}}));
  EXPECT_EQ(rb.locked([&] { return rb.disconnected.size(); }), 1u);
}

}  // namespace
}  // namespace lingji::net
