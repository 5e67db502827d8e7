// relay_test.cpp: lingji-relay. The Relay engine runs in-process between two plain sockets (a
// client connected to the link, and the target's accepted end); the last tests run the real
// binary and talk to its control port. Timing bounds are wide enough for a loaded 2-core
// machine and an ASan build, and narrow enough to fail if delay or pipelining is wrong.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/relay/relay.h"
#include "tests/relay/relay_control.h"
#include "tests/relay/relay_test_util.h"

namespace lingji::relay {
namespace {

using namespace test;
using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point t) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

LinkSpec spec_to(std::uint16_t target_port, std::string name = "a") {
  return LinkSpec{std::move(name), Endpoint{"127.0.0.1", 0}, Endpoint{"127.0.0.1", target_port}};
}

class RelayTest : public ::testing::Test {
 protected:
  explicit RelayTest(RelayOptions options = {}) : relay_(options) {
    auto port = relay_.add_link(spec_to(target_.port()));
    EXPECT_TRUE(port.ok()) << port.error().message;
    if (port) port_ = *port;
  }

  struct Pair {
    Socket client, server;
  };
  // A client connected through link "a", and the target's end of it.
  Pair connect_pair() {
    Socket client = Socket::connect(port_);
    auto server = target_.accept(3000);
    if (!server) throw std::runtime_error("the relay did not dial the target");
    return Pair{std::move(client), std::move(*server)};
  }

  void shape(int delay_ms, int jitter_ms = 0) {
    ASSERT_TRUE(relay_.set_shaping("a", Direction::kUp, {delay_ms, jitter_ms}).ok());
    ASSERT_TRUE(relay_.set_shaping("a", Direction::kDown, {delay_ms, jitter_ms}).ok());
  }

  // Round trip of one byte client -> server -> client, in ms; -1 if it did not come back.
  static long ping_pong(Pair& p) {
    Bytes got;
    const auto start = Clock::now();
    if (!p.client.send_all(std::string("p"))) return -1;
    if (p.server.read_some(got, 1, 3000) != ReadOutcome::kData) return -1;
    if (!p.server.send_all(std::string("q"))) return -1;
    if (p.client.read_some(got, 1, 3000) != ReadOutcome::kData) return -1;
    return ms_since(start);
  }

  static bool closed_soon(Socket& s, int timeout_ms = 2000) {
    Bytes got;
    for (;;) {  // bytes already in flight may come first
      const ReadOutcome r = s.read_some(got, 1 << 16, timeout_ms);
      if (r == ReadOutcome::kEof || r == ReadOutcome::kError) return true;
      if (r == ReadOutcome::kTimeout) return false;
    }
  }

  Listener target_;
  Relay relay_;
  std::uint16_t port_ = 0;
};

TEST_F(RelayTest, PassesBytesUnchangedBothWaysAndForwardsFin) {
  Pair p = connect_pair();
  const Bytes up = random_bytes(4 << 20, 1), down = random_bytes(4 << 20, 2);
  std::thread up_writer([&] { EXPECT_TRUE(p.client.send_all(up)); });
  std::thread down_writer([&] { EXPECT_TRUE(p.server.send_all(down)); });
  const Bytes got_up = p.server.read_exact(up.size(), 10'000);
  const Bytes got_down = p.client.read_exact(down.size(), 10'000);
  up_writer.join();
  down_writer.join();
  ASSERT_EQ(got_up.size(), up.size());
  ASSERT_EQ(got_down.size(), down.size());
  EXPECT_EQ(fnv1a(got_up), fnv1a(up));
  EXPECT_EQ(fnv1a(got_down), fnv1a(down));

  // A half close passes through, and the other direction still works after it.
  p.client.shutdown_send();
  Bytes got;
  EXPECT_EQ(p.server.read_some(got, 16, 2000), ReadOutcome::kEof);
  ASSERT_TRUE(p.server.send_all(std::string("late")));
  EXPECT_EQ(p.client.read_exact(4, 2000), Bytes({'l', 'a', 't', 'e'}));
  p.server.shutdown_send();
  EXPECT_EQ(p.client.read_some(got, 16, 2000), ReadOutcome::kEof);

  auto info = relay_.link("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->stats.bytes_up, up.size());
  EXPECT_EQ(info->stats.bytes_down, down.size() + 4);
  EXPECT_EQ(info->stats.accepted, 1u);
  EXPECT_EQ(info->stats.open, 0u);  // both FINs forwarded: the relay closed its sockets
  EXPECT_EQ(info->stats.cut, 0u);
}

TEST_F(RelayTest, DelayAppliesToEachDirection) {
  Pair p = connect_pair();
  const long undelayed = ping_pong(p);
  EXPECT_GE(undelayed, 0);
  EXPECT_LT(undelayed, 50);
  shape(100);
  for (int i = 0; i < 3; ++i) {
    const long rtt = ping_pong(p);
    EXPECT_GE(rtt, 200) << "round " << i;
    EXPECT_LT(rtt, 400) << "round " << i;
  }
  // One direction only: 100 ms up, 0 down.
  ASSERT_TRUE(relay_.set_shaping("a", Direction::kDown, {0, 0}).ok());
  const long rtt = ping_pong(p);
  EXPECT_GE(rtt, 100);
  EXPECT_LT(rtt, 200);
}

TEST_F(RelayTest, JitterNeverReordersBytes) {
  // Jitter much larger than the spacing of the writes: without the max() rule most chunks
  // would overtake each other.
  shape(10, 50);
  Pair p = connect_pair();
  constexpr std::uint32_t kCount = 300;
  const Bytes seq = numbered(0, kCount);
  std::thread writer([&] {
    for (std::uint32_t i = 0; i < kCount; ++i) {
      EXPECT_TRUE(p.client.send_all(seq.data() + std::size_t{i} * 4, 4));
      std::this_thread::sleep_for(std::chrono::microseconds(700));
    }
  });
  const Bytes got = p.server.read_exact(seq.size(), 5000);
  writer.join();
  ASSERT_EQ(got.size(), seq.size());
  EXPECT_EQ(first_out_of_order(got, 0), -1);
}

TEST_F(RelayTest, JitterVariesTheDelayWithinItsBounds) {
  // Up: 50 +- 40 ms, down: none. Each ping is a new chunk after the last one was delivered, so
  // its delay is drawn afresh. 12 draws from U(10, 90) all within 20 ms of each other has a
  // probability of about 3e-6.
  Pair p = connect_pair();
  ASSERT_TRUE(relay_.set_shaping("a", Direction::kUp, {50, 40}).ok());
  long lo = 1'000'000, hi = -1;
  for (int i = 0; i < 12; ++i) {
    const long rtt = ping_pong(p);
    ASSERT_GE(rtt, 10) << "round " << i;
    ASSERT_LT(rtt, 150) << "round " << i;
    lo = std::min(lo, rtt);
    hi = std::max(hi, rtt);
  }
  EXPECT_GE(hi - lo, 20) << "the round trips did not vary: is jitter applied?";
}

TEST_F(RelayTest, BulkThroughputStaysHighUnderDelay) {
  // One chunk at a time would need 10 MiB / 64 KiB = 160 delays of 50 ms: 8 s.
  shape(50);
  Pair p = connect_pair();
  const Bytes data = random_bytes(10 << 20, 3);
  const auto start = Clock::now();
  std::thread writer([&] { EXPECT_TRUE(p.client.send_all(data)); });
  const Bytes got = p.server.read_exact(data.size(), 6000);
  const long elapsed = ms_since(start);
  writer.join();
  ASSERT_EQ(got.size(), data.size());
  EXPECT_EQ(fnv1a(got), fnv1a(data));
  EXPECT_GE(elapsed, 50);
  EXPECT_LT(elapsed, 3000);
}

TEST_F(RelayTest, BlockCutsConnectionsRefusesNewOnesAndUnblockRestores) {
  Pair p = connect_pair();
  ASSERT_GE(ping_pong(p), 0);
  ASSERT_TRUE(relay_.set_mode("a", LinkMode::kBlocked).ok());
  EXPECT_TRUE(closed_soon(p.client));
  EXPECT_TRUE(closed_soon(p.server));

  Socket refused = Socket::connect(port_);  // the kernel completes the handshake
  EXPECT_TRUE(closed_soon(refused));
  EXPECT_FALSE(target_.accept(200).has_value()) << "a blocked link dialled its target";

  auto info = relay_.link("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->mode, LinkMode::kBlocked);
  EXPECT_EQ(info->stats.cut, 1u);
  EXPECT_EQ(info->stats.refused, 1u);
  EXPECT_EQ(info->stats.open, 0u);

  ASSERT_TRUE(relay_.set_mode("a", LinkMode::kOpen).ok());
  Pair again = connect_pair();
  EXPECT_GE(ping_pong(again), 0);
}

TEST_F(RelayTest, HoldQueuesBytesAndReleaseDeliversThemInOrder) {
  Pair p = connect_pair();
  ASSERT_TRUE(relay_.set_mode("a", LinkMode::kHeld).ok());
  const Bytes seq = numbered(1000, 1000);
  for (std::size_t i = 0; i < seq.size(); i += 400) ASSERT_TRUE(p.client.send_all(seq.data() + i, 400));
  ASSERT_TRUE(p.server.send_all(std::string("pong")));
  Socket late = Socket::connect(port_);  // connects while held: the target must not see it yet

  Bytes got;
  EXPECT_EQ(p.server.read_some(got, 1, 300), ReadOutcome::kTimeout);
  EXPECT_EQ(p.client.read_some(got, 1, 50), ReadOutcome::kTimeout);
  EXPECT_FALSE(target_.accept(50).has_value());

  ASSERT_TRUE(relay_.set_mode("a", LinkMode::kOpen).ok());
  const Bytes delivered = p.server.read_exact(seq.size(), 3000);
  ASSERT_EQ(delivered.size(), seq.size());
  EXPECT_EQ(first_out_of_order(delivered, 1000), -1);
  EXPECT_EQ(p.client.read_exact(4, 3000), Bytes({'p', 'o', 'n', 'g'}));
  auto late_server = target_.accept(3000);
  ASSERT_TRUE(late_server.has_value());
  ASSERT_TRUE(late.send_all(std::string("x")));
  EXPECT_EQ(late_server->read_exact(1, 3000), Bytes({'x'}));
}

class RelayHoldLimitTest : public RelayTest {
 protected:
  RelayHoldLimitTest() : RelayTest(RelayOptions{1 << 20, 256 << 10, 7}) {}
};

TEST_F(RelayHoldLimitTest, HoldCutsADirectionThatExceedsTheLimit) {
  Pair p = connect_pair();
  ASSERT_TRUE(relay_.set_mode("a", LinkMode::kHeld).ok());
  const Bytes data = random_bytes(1 << 20, 4);
  (void)p.client.send_all(data.data(), data.size(), 2000);  // fails once the relay cuts: fine
  EXPECT_TRUE(closed_soon(p.client));
  auto info = relay_.link("a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->stats.cut, 1u);
  EXPECT_EQ(info->stats.bytes_up, 0u);  // nothing was forwarded while held
}

TEST_F(RelayTest, AddLinkRefusesNonLoopbackDuplicatesAndBusyPorts) {
  auto far = relay_.add_link(LinkSpec{"far", {"127.0.0.1", 0}, {"10.1.2.3", 80}});
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().name, "relay.not_loopback");
  EXPECT_EQ(far.error().code, 8101);
  auto wide = relay_.add_link(LinkSpec{"wide", {"0.0.0.0", 0}, {"127.0.0.1", 80}});
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.error().name, "relay.not_loopback");
  auto dup = relay_.add_link(spec_to(target_.port()));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().name, "relay.duplicate_link");
  auto busy = relay_.add_link(LinkSpec{"busy", {"127.0.0.1", port_}, {"127.0.0.1", 80}});
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().name, "relay.bind_failed");
  EXPECT_EQ(relay_.set_mode("nope", LinkMode::kHeld).error().name, "relay.unknown_link");
  EXPECT_EQ(relay_.set_shaping("a", Direction::kUp, {-1, 0}).error().name, "relay.bad_shaping");
  EXPECT_EQ(relay_.set_shaping("a", Direction::kUp, {0, kMaxDelayMs + 1}).error().name, "relay.bad_shaping");
  EXPECT_EQ(relay_.links().size(), 1u);
}

TEST(RelaySpecTest, ParsesLoopbackEndpointsAndLinkSpecs) {
  auto v4 = parse_endpoint("127.0.0.1:8780");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8780);
  EXPECT_EQ(parse_endpoint("localhost:0")->host, "127.0.0.1");
  EXPECT_EQ(parse_endpoint("127.9.8.7:65535")->port, 65535);
  EXPECT_EQ(parse_endpoint("[::1]:80")->to_string(), "[::1]:80");
  auto spec = parse_link_spec("n1.a-b_c=127.0.0.1:0->127.0.0.1:8781");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->name, "n1.a-b_c");
  EXPECT_EQ(spec->listen.to_string(), "127.0.0.1:0");
  EXPECT_EQ(spec->target.to_string(), "127.0.0.1:8781");
}

TEST(RelaySpecTest, RefusesOtherHostsAndBadSyntax) {
  const std::pair<const char*, const char*> cases[] = {
      {"10.0.0.1:80", "relay.not_loopback"},       {"0.0.0.0:80", "relay.not_loopback"},
      {"[2001:db8::1]:80", "relay.not_loopback"},  {"[::]:80", "relay.not_loopback"},
      {"128.0.0.1:80", "relay.not_loopback"},      {"example.com:80", "relay.bad_address"},
      {"::1:80", "relay.bad_address"},             {"127.0.0.1", "relay.bad_address"},
      {"127.0.0.1:65536", "relay.bad_address"},    {"127.0.0.1:-1", "relay.bad_address"},
      {"127.0.0.1:", "relay.bad_address"},         {":80", "relay.bad_address"},
  };
  for (const auto& [text, name] : cases) {
    auto r = parse_endpoint(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().name, name) << text;
  }
  EXPECT_EQ(parse_link_spec("a=127.0.0.1:0->127.0.0.1:0").error().name, "relay.bad_link_spec");  // target port 0
  EXPECT_EQ(parse_link_spec("a=127.0.0.1:0").error().name, "relay.bad_link_spec");
  EXPECT_EQ(parse_link_spec("127.0.0.1:0->127.0.0.1:80").error().name, "relay.bad_link_spec");
  EXPECT_EQ(parse_link_spec("a b=127.0.0.1:0->127.0.0.1:80").error().name, "relay.bad_link_spec");
  EXPECT_EQ(parse_link_spec(std::string(65, 'x') + "=127.0.0.1:0->127.0.0.1:80").error().name,
            "relay.bad_link_spec");
  EXPECT_TRUE(parse_link_spec(std::string(64, 'x') + "=127.0.0.1:0->127.0.0.1:80").ok());
  EXPECT_EQ(parse_link_spec("a=127.0.0.1:0->192.168.1.1:80").error().name, "relay.not_loopback");
}

TEST(RelayControlTest, CommandsAndTheirReplies) {
  Listener target;
  Relay relay;
  const std::string tp = std::to_string(target.port());
  auto run = [&](const std::string& line) { return execute_command(relay, line).text; };
  EXPECT_EQ(run("list"), "ok");
  const std::string added = run("add a 127.0.0.1:0->127.0.0.1:" + tp);
  ASSERT_EQ(added.rfind("ok a 127.0.0.1:", 0), 0u) << added;
  const std::string listen = added.substr(5);
  EXPECT_EQ(run("delay a 100"), "ok a up=100/0 down=100/0");
  EXPECT_EQ(run("delay a 30 10"), "ok a up=30/10 down=30/10");
  EXPECT_EQ(run("delay a up 5 2"), "ok a up=5/2 down=30/10");
  EXPECT_EQ(run("  delay\ta down 7\r"), "ok a up=5/2 down=7/0");
  EXPECT_EQ(run("add b 127.0.0.1:0->127.0.0.1:" + tp).rfind("ok b ", 0), 0u);
  const std::string list = run("list");
  EXPECT_EQ(list.rfind("ok a " + listen + "->127.0.0.1:" + tp + " mode=open up=5/2 down=7/0; b ", 0), 0u) << list;
  EXPECT_EQ(run("block a"), "ok a blocked");
  EXPECT_NE(run("list").find("mode=blocked"), std::string::npos);
  EXPECT_EQ(run("hold a"), "ok a held");
  EXPECT_EQ(run("unblock a"), "ok a open");
  EXPECT_EQ(run("stats a"), "ok a up=0 down=0 accepted=0 open=0 refused=0 cut=0");
  const ControlReply quit = execute_command(relay, "quit");
  EXPECT_EQ(quit.text, "ok bye");
  EXPECT_TRUE(quit.quit);
  EXPECT_FALSE(execute_command(relay, "list").quit);
}

TEST(RelayControlTest, ErrorsNameTheirCause) {
  Relay relay;
  ASSERT_TRUE(relay.add_link(spec_to(9)).ok());
  const std::pair<const char*, const char*> cases[] = {
      {"", "error relay.unknown_command "},
      {"frobnicate a", "error relay.unknown_command "},
      {"LIST", "error relay.unknown_command "},
      {"list extra", "error relay.bad_arguments "},
      {"delay", "error relay.bad_arguments "},
      {"delay a", "error relay.bad_arguments "},
      {"delay a up", "error relay.bad_arguments "},
      {"delay a 1 2 3", "error relay.bad_arguments "},
      {"delay a x", "error relay.bad_shaping "},
      {"delay a 60001", "error relay.bad_shaping "},
      {"delay a 10 -1", "error relay.bad_shaping "},
      {"delay nope 10", "error relay.unknown_link "},
      {"block", "error relay.bad_arguments "},
      {"hold nope", "error relay.unknown_link "},
      {"unblock a b", "error relay.bad_arguments "},
      {"stats nope", "error relay.unknown_link "},
      {"add a 127.0.0.1:0->127.0.0.1:80", "error relay.duplicate_link "},
      {"add c 127.0.0.1:0->10.0.0.1:80", "error relay.not_loopback "},
      {"add c 127.0.0.1:0->example.com:80", "error relay.bad_address "},
      {"add c 127.0.0.1:0", "error relay.bad_link_spec "},
      {"add c", "error relay.bad_arguments "},
      {"quit now", "error relay.bad_arguments "},
  };
  for (const auto& [line, prefix] : cases) {
    const ControlReply r = execute_command(relay, line);
    EXPECT_EQ(r.text.rfind(prefix, 0), 0u) << "\"" << line << "\" -> " << r.text;
    EXPECT_FALSE(r.quit);
  }
  EXPECT_EQ(relay.links().size(), 1u);
}

// The real binary: parse its start-up lines, drive it over the control port, quit.
struct RelayProcess {
  explicit RelayProcess(std::vector<std::string> args) : child([&] {
    args.insert(args.begin(), LINGJI_BIN_DIR "/lingji-relay");
    return args;
  }()) {}
  Child child;
};

std::uint16_t port_after(const std::string& line, const std::string& prefix) {
  EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
  const auto colon = line.find(':', prefix.size());
  return colon == std::string::npos ? 0 : static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

std::string command(Socket& control, const std::string& line) {
  if (!control.send_all(line + "\n")) return "<send failed>";
  std::string reply;
  Bytes got;
  while (reply.find('\n') == std::string::npos) {
    if (control.read_some(got, 4096, 3000) != ReadOutcome::kData) return reply + "<no reply>";
    reply.append(got.begin(), got.end());
  }
  return reply.substr(0, reply.find('\n'));
}

TEST(RelayBinaryTest, ControlPortDrivesTheRealProcess) {
  Listener target;
  RelayProcess relay({"--control", "127.0.0.1:0", "--link", "a=127.0.0.1:0->127.0.0.1:" + std::to_string(target.port())});
  const auto link_line = relay.child.read_line(5000);
  ASSERT_TRUE(link_line.has_value());
  EXPECT_NE(link_line->find(" -> 127.0.0.1:" + std::to_string(target.port())), std::string::npos) << *link_line;
  const std::uint16_t link_port = port_after(*link_line, "link a listening on 127.0.0.1");
  const auto control_line = relay.child.read_line(5000);
  ASSERT_TRUE(control_line.has_value());
  const std::uint16_t control_port = port_after(*control_line, "control on 127.0.0.1");
  ASSERT_NE(link_port, 0);
  ASSERT_NE(control_port, 0);

  Socket control = Socket::connect(control_port);
  EXPECT_EQ(command(control, "delay a 60"), "ok a up=60/0 down=60/0");
  EXPECT_EQ(command(control, "list").rfind("ok a 127.0.0.1:" + std::to_string(link_port) + "->", 0), 0u);
  EXPECT_EQ(command(control, "nonsense").rfind("error relay.unknown_command ", 0), 0u);
  EXPECT_EQ(command(control, std::string(5000, 'x')).rfind("error relay.bad_arguments ", 0), 0u);
  EXPECT_EQ(command(control, "stats a").rfind("ok a ", 0), 0u);  // the session survives it

  Socket client = Socket::connect(link_port);
  auto server = target.accept(3000);
  ASSERT_TRUE(server.has_value());
  const auto start = Clock::now();
  ASSERT_TRUE(client.send_all(std::string("ping")));
  ASSERT_EQ(server->read_exact(4, 3000).size(), 4u);
  ASSERT_TRUE(server->send_all(std::string("pong!")));
  ASSERT_EQ(client.read_exact(5, 3000).size(), 5u);
  EXPECT_GE(ms_since(start), 120);
  EXPECT_EQ(command(control, "stats a"), "ok a up=4 down=5 accepted=1 open=1 refused=0 cut=0");
  EXPECT_EQ(command(control, "block a"), "ok a blocked");
  Bytes got;
  EXPECT_NE(client.read_some(got, 16, 2000), ReadOutcome::kTimeout);

  EXPECT_EQ(command(control, "quit"), "ok bye");
  EXPECT_EQ(relay.child.wait(5000), std::optional<int>(0));
}

TEST(RelayBinaryTest, ExitsCleanlyOnSigterm) {
  RelayProcess relay({"--link", "a=127.0.0.1:0->127.0.0.1:9"});
  ASSERT_TRUE(relay.child.read_line(5000).has_value());
  ASSERT_TRUE(relay.child.read_line(5000).has_value());  // "control on ...": signals are handled by now
  relay.child.signal(SIGTERM);
  EXPECT_EQ(relay.child.wait(5000), std::optional<int>(0));
}

TEST(RelayBinaryTest, RefusesANonLoopbackTarget) {
  RelayProcess relay({"--link", "a=127.0.0.1:0->192.168.1.1:80"});
  EXPECT_EQ(relay.child.wait(5000), std::optional<int>(2));
  EXPECT_NE(relay.child.read_stderr().find("relay.not_loopback"), std::string::npos);
  EXPECT_FALSE(relay.child.read_line(100).has_value());  // nothing was listening
}

}  // namespace
}  // namespace lingji::relay
