// relay_spec.h: the addresses and link specifications that lingji-relay accepts, and its errors.
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

namespace lingji::relay {

using core::Error;
using core::Result;
using core::Status;

// Error codes 8100-8199 (tests/relay). Stable: a released code is never renumbered.
enum class RelayError {
  kBadAddress = 8100,      // relay.bad_address: not host:port, or an unresolvable host
  kNotLoopback = 8101,     // relay.not_loopback: a well-formed address that is not loopback
  kBadLinkSpec = 8102,     // relay.bad_link_spec: not NAME=LISTEN->TARGET, or a bad NAME
  kUnknownLink = 8103,     // relay.unknown_link
  kDuplicateLink = 8104,   // relay.duplicate_link
  kBindFailed = 8105,      // relay.bind_failed: the listen address is in use or not bindable
  kBadShaping = 8106,      // relay.bad_shaping: delay or jitter out of 0..kMaxDelayMs
  kUnknownCommand = 8107,  // relay.unknown_command (control protocol)
  kBadArguments = 8108,    // relay.bad_arguments (control protocol)
};

// The stable dotted name of a code, e.g. "relay.not_loopback".
std::string_view error_name(RelayError e);
Error make_error(RelayError e, std::string message);

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
