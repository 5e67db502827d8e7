// peer_guard_test.cpp: a hostile peer against real lingjid processes (issue 14 item 6): it reads
// both nodes' node ids from their hellos (they are public) and dials one of them posing as the
// other, in the direction in which the one-connection-per-node rule would keep its connection
// over the real one. Only a proof of the identity key may decide that.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chain/genesis/dev_keys.h"
#include "net/identity.h"
#include "net/net_errors.h"
#include "net/wire_client.h"
#include "tests/functional/network_harness.h"

namespace lingji::functional {
namespace {

using std::chrono::milliseconds;

size_t count_lines(const std::filesystem::path& log, const std::string& needle) {
  std::ifstream in(log);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
  return n;
}

// The node id a node announces to anyone who says hello (no proof needed to read it).
core::Hash256 announced_id(const NodeProcess& n, const core::Hash256& chain_id, const std::string& source) {
  auto c = net::WireClient::connect("127.0.0.1", static_cast<uint16_t>(n.peer_port()), source);
  EXPECT_TRUE(c) << c.error().message;
  auto hello = (*c)->send_hello(chain_id, net::random_identity());
  EXPECT_TRUE(hello) << hello.error().message;
  return hello->node_id;
}

// Gives node n the identity key `seed` before it first starts (the file lingjid would create).
void write_identity(const std::filesystem::path& dir, int n, const core::Seed& seed) {
  const auto data = dir / ("node" + std::to_string(n));
  std::filesystem::create_directories(data);
  const auto file = data / "p2p_identity.key";
  std::ofstream(file) << seed.hex() << "\n";
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(PeerGuard, AnImpersonatorCannotDisplaceARealLinkBetweenTwoNodes) {
  TempDir dir;
  // Node 1 dials node 0. Without proofs, of two connections to one node the one "dialled" by the
  // smaller id is kept (net/peer_rules.h): with node 0's id the smaller, a stranger dialling node
  // 1 as node 0 would replace node 1's real link. Fix the ids so that the attack is the worst one.
  core::Seed a = chain::dev_seed("identity-a"), b = chain::dev_seed("identity-b");
  if (core::PrivateKey::from_seed(b).public_key() < core::PrivateKey::from_seed(a).public_key()) std::swap(a, b);
  write_identity(dir.path(), 0, a);
  write_identity(dir.path(), 1, b);
  TestNetwork net(dir.path(), NetworkSpec{{1, 1}, {}, {}});
  net.node(1).wait_for_height(3);  // both producers are needed for a block, so the link is up
  const core::Hash256 chain_id = net.genesis().chain_id();
  const core::Hash256 id0 = announced_id(net.node(0), chain_id, "127.0.0.2");
  const core::Hash256 id1 = announced_id(net.node(1), chain_id, "127.0.0.2");
  ASSERT_TRUE(id0 < id1);  // the identity files were read
  const size_t victim = 1;
  const core::Hash256 posed = id0;
  const size_t before = count_lines(net.node(victim).log_file(), "disconnected");

  auto m = net::WireClient::connect("127.0.0.1", static_cast<uint16_t>(net.node(victim).peer_port()), "127.0.0.3");
  ASSERT_TRUE(m) << m.error().message;
  net::WireClient::HelloOptions claim;
  claim.claimed_id = posed;
  const core::PrivateKey own = net::random_identity();
  ASSERT_TRUE((*m)->send_hello(chain_id, own, claim));
  (void)(*m)->send_auth(own);  // the best it can do: a proof by a key that is not the posed one
  EXPECT_TRUE((*m)->wait_closed(milliseconds(3000)));
  EXPECT_EQ((*m)->goodbye_code(), net::kNetBadAuth);

  // The real link stays: the victim logs no disconnect, and blocks (which need both producers'
  // votes to become final) keep coming.
  const uint64_t height = net.node(victim).get("/v1/info")["head_height"].get<uint64_t>();
  net.node(victim).wait_for_height(height + 3);
  EXPECT_EQ(count_lines(net.node(victim).log_file(), "disconnected"), before);
}

}  // namespace
}  // namespace lingji::functional
