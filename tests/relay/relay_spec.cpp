// relay_spec.cpp: parsing and checking of link specifications (grammar in relay_spec.h).
#include "tests/relay/relay_spec.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace lingji::relay {

std::string Endpoint::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool valid_link_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool is_loopback_host(std::string_view numeric_host) {
  const std::string h(numeric_host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
  }
  return false;
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return relay_error("relay.bad_address", "expected HOST:PORT, got \"" + std::string(text) + "\"");
  }
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return relay_error("relay.bad_address", "bad port in \"" + std::string(text) + "\"");
  }
  if (!bracketed && host == "localhost") host = "127.0.0.1";
  in_addr v4{};
  in6_addr v6{};
  const bool is_v4 = !bracketed && inet_pton(AF_INET, host.c_str(), &v4) == 1;
  const bool is_v6 = bracketed && inet_pton(AF_INET6, host.c_str(), &v6) == 1;
  if (!is_v4 && !is_v6) {
    // Names are never resolved: a resolver could send a test's traffic to another machine.
    return relay_error("relay.bad_address",
                       "\"" + host + "\" is not a numeric address (IPv6 goes in brackets; only localhost is a name)");
  }
  if (!is_loopback_host(host)) {
    return relay_error("relay.not_loopback", host + " is not a loopback address; the relay only uses 127.0.0.0/8 and ::1");
  }
  return Endpoint{host, static_cast<std::uint16_t>(port)};
}

Status check(const LinkSpec& spec) {
  if (!valid_link_name(spec.name)) {
    return relay_error("relay.bad_link_spec", "bad link name \"" + spec.name + "\" (1-64 of A-Z a-z 0-9 _ - .)");
  }
  for (const Endpoint* ep : {&spec.listen, &spec.target}) {
    if (!is_loopback_host(ep->host)) {
      return relay_error("relay.not_loopback",
                         ep->host + " is not a loopback address; the relay only uses 127.0.0.0/8 and ::1");
    }
  }
  if (spec.target.port == 0) return relay_error("relay.bad_link_spec", "target port 0");
  return core::Ok();
}

Result<LinkSpec> parse_route(std::string_view name, std::string_view route) {
  const auto arrow = route.find("->");
  if (arrow == std::string_view::npos) {
    return relay_error("relay.bad_link_spec", "expected LISTEN->TARGET, got \"" + std::string(route) + "\"");
  }
  auto listen = parse_endpoint(route.substr(0, arrow));
  if (!listen) return listen.error();
  auto target = parse_endpoint(route.substr(arrow + 2));
  if (!target) return target.error();
  LinkSpec spec{std::string(name), *listen, *target};
  if (auto s = check(spec); !s) return s.error();
  return spec;
}

Result<LinkSpec> parse_link_spec(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    return relay_error("relay.bad_link_spec", "expected NAME=LISTEN->TARGET, got \"" + std::string(text) + "\"");
  }
  return parse_route(text.substr(0, eq), text.substr(eq + 1));
}

}  // namespace lingji::relay
