#include "net/handshake.h"

#include <string_view>

#include "net/net_errors.h"

namespace lingji::net {
namespace {

constexpr std::string_view kAuthDomain = "LINGJI/P2P-AUTH/v1";

void put(core::Bytes& out, const core::Hash256& h) { out.insert(out.end(), h.bytes.begin(), h.bytes.end()); }

}  // namespace

core::Bytes auth_message(const Hello& signer, const Hello& verifier) {
  core::Bytes out(kAuthDomain.begin(), kAuthDomain.end());
  put(out, signer.chain_id);
  put(out, signer.node_id);
  put(out, verifier.node_id);
  put(out, verifier.nonce);
  put(out, signer.nonce);
  return out;
}

core::Bytes encode_auth(const core::PrivateKey& key, const Hello& mine, const Hello& theirs) {
  const core::Signature sig = key.sign(auth_message(mine, theirs));
  return core::Bytes(sig.bytes.begin(), sig.bytes.end());
}

core::Status check_auth(core::ByteView payload, const Hello& theirs, const Hello& mine) {
  auto sig = core::Signature::from(payload);
  if (!sig || payload.size() != kAuthFrameLimit) {
    return net_error("net.protocol_violation", "auth is not a 64-byte signature");
  }
  if (!core::verify(theirs.node_id, auth_message(theirs, mine), *sig)) {
    return net_error("net.bad_auth", "the handshake proof does not verify for node " +
                                         theirs.node_id.hex().substr(0, 16) +
                                         " (forged, replayed or made for another node)");
  }
  return core::Ok();
}

}  // namespace lingji::net
