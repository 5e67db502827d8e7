// relay_control.h: the control protocol of lingji-relay, a line of text in, a line out.
//
// Grammar (one request per line, LF or CRLF; words separated by spaces or tabs):
//   list                           -> "ok" *(SP entry *(";" SP entry))   ordered by name
//     entry := NAME SP LISTEN "->" TARGET SP "mode=" MODE SP "up=" MS "/" MS SP "down=" MS "/" MS
//   add NAME LISTEN->TARGET        -> "ok" SP NAME SP LISTEN             LISTEN with the bound port
//   delay NAME MS [JITTER]         -> "ok" SP NAME SP "up=" MS "/" MS SP "down=" MS "/" MS
//   delay NAME (up|down) MS [JITTER]  the same, for one direction
//   block NAME | hold NAME | unblock NAME
//                                  -> "ok" SP NAME SP MODE               unblock clears block and hold
//   stats NAME                     -> "ok" SP NAME " up=" N " down=" N " accepted=" N " open=" N
//                                          " refused=" N " cut=" N      (bytes delivered each way)
//   quit                           -> "ok bye", then the relay shuts down
// Any failure: "error" SP ERROR_NAME SP MESSAGE, ERROR_NAME from relay_spec.h (e.g.
// "error relay.unknown_link no link named \"x\""). MODE is open, blocked or held; MS is
// milliseconds, "up" is the accepted client -> target direction. JITTER defaults to 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/relay/relay.h"

namespace lingji::relay {

struct ControlReply {
  std::string text;  // without the newline
  bool quit = false;
};

ControlReply execute_command(Relay& relay, std::string_view line);

// Serves execute_command on `control`; a quit command calls relay.request_quit().
[[nodiscard]] Result<std::uint16_t> serve_control(Relay& relay, const Endpoint& control);

}  // namespace lingji::relay
