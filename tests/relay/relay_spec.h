// relay_spec.h: the addresses and link specifications that lingji-relay accepts (its errors are
// in relay_errors.h).
//
// Grammar (command line `--link` and control `add`):
//   link_spec := NAME "=" route
//   route     := endpoint "->" endpoint            ; listen, then target
//   endpoint  := host ":" port
//   host      := IPV4 | "[" IPV6 "]" | "localhost" ; "localhost" means 127.0.0.1
//   NAME      := 1*64 ( ALPHA / DIGIT / "_" / "-" / "." )
//   port      := 0..65535 ; 0 = any free port, allowed for a listen address only
//
// Invariant: every Endpoint this file returns is a loopback address (127.0.0.0/8 or ::1).
// The relay exists to fake WAN links between processes on one machine; a typo in a test must
// not make it forward traffic to another host, so host names other than "localhost" are not
// resolved and any other address is refused with relay.not_loopback.
//
// Nothing here does I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "tests/relay/relay_errors.h"

namespace lingji::relay {

using core::Error;
using core::Result;
using core::Status;

struct Endpoint {
  std::string host;  // numeric, loopback: "127.0.0.1" or "::1"
  std::uint16_t port = 0;

  // "127.0.0.1:80" or "[::1]:80".
  std::string to_string() const;
};

struct LinkSpec {
  std::string name;
  Endpoint listen;  // port 0 = pick a free port
  Endpoint target;  // port != 0
};

bool valid_link_name(std::string_view name);
// True for 127.0.0.0/8 and ::1 written numerically.
bool is_loopback_host(std::string_view numeric_host);

// endpoint; port 0 is accepted here (route/link checks refuse it for a target).
[[nodiscard]] Result<Endpoint> parse_endpoint(std::string_view text);
// route, for a link called `name`.
[[nodiscard]] Result<LinkSpec> parse_route(std::string_view name, std::string_view route);
// link_spec.
[[nodiscard]] Result<LinkSpec> parse_link_spec(std::string_view text);
// Checks a LinkSpec built by hand: name, loopback on both sides, target port != 0.
[[nodiscard]] Status check(const LinkSpec& spec);

}  // namespace lingji::relay
