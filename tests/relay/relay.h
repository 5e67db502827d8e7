// relay.h: an in-process TCP fault proxy for multi-process network tests (lingji-relay).
//
// A Relay owns named links. A link listens on a loopback address and forwards every TCP
// connection it accepts to its target, bytes both ways, shaped on the way:
//
//  - Delay and jitter, per direction ("up" = accepted client -> target, "down" = back). Each
//    chunk of bytes read is released at arrival + delay + U(-jitter, +jitter), but never before
//    the previous chunk of the same connection and direction: a TCP stream is never reordered.
//    Many chunks are in flight at once, so throughput does not collapse under delay; reading
//    pauses only when a direction has kHighWater bytes queued (TCP flow control does the rest).
//  - Modes. kOpen forwards. kBlocked (a loud partition) cuts every connection, closing both
//    sockets with RST, and closes each new connection as soon as it is accepted. kHeld (a silent
//    partition) keeps connections but forwards nothing: bytes queue up, a new connection is
//    accepted but its target is not dialled, until the link is open again; then everything
//    queued goes out in order. A direction that queues more than hold_limit bytes is cut.
//
// Threading: the Relay runs one thread with an Asio io_context; all links and connections live
// on it. Every public method may be called from any thread, including from a control command
// running on the relay's own thread, and blocks until the relay thread has done the work.
// Requires: no call after stop() except stop() and the destructor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/relay/relay_spec.h"

namespace lingji::relay {

enum class Direction { kUp, kDown };
enum class LinkMode { kOpen, kBlocked, kHeld };
std::string_view mode_name(LinkMode m);  // "open", "blocked", "held"

constexpr int kMaxDelayMs = 60'000;

struct Shaping {
  int delay_ms = 0;   // 0..kMaxDelayMs
  int jitter_ms = 0;  // 0..kMaxDelayMs; a chunk's delay is clamped at 0
};

struct LinkStats {
  std::uint64_t bytes_up = 0;    // delivered to targets
  std::uint64_t bytes_down = 0;  // delivered back to clients
  std::uint64_t accepted = 0;    // connections accepted and forwarded (or held)
  std::uint64_t open = 0;        // of those, still open
  std::uint64_t refused = 0;     // accepted and closed at once while blocked
  std::uint64_t cut = 0;         // closed by block, by hold overflow, or by a failed dial
};

struct LinkInfo {
  std::string name;
  Endpoint listen;  // with the port actually bound
  Endpoint target;
  Shaping up, down;
  LinkMode mode = LinkMode::kOpen;
  LinkStats stats;
};

struct RelayOptions {
  std::uint64_t high_water = 16u << 20;  // per connection and direction: pause reading above this
  std::uint64_t hold_limit = 64u << 20;  // per connection and direction: cut above this while held
  std::uint32_t seed = 0;                // jitter RNG seed; 0 = from std::random_device
};

class Relay {
 public:
  explicit Relay(RelayOptions options = {});
  ~Relay();  // stop()
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Binds the listen address and starts accepting. Returns the bound port.
  // Errors: relay.bad_link_spec, relay.not_loopback, relay.duplicate_link, relay.bind_failed.
  [[nodiscard]] Result<std::uint16_t> add_link(const LinkSpec& spec);
  // Applies to chunks read from now on. Errors: relay.unknown_link, relay.bad_shaping.
  [[nodiscard]] Status set_shaping(std::string_view name, Direction dir, Shaping shaping);
  // Errors: relay.unknown_link.
  [[nodiscard]] Status set_mode(std::string_view name, LinkMode mode);
  // Errors: relay.unknown_link.
  [[nodiscard]] Result<LinkInfo> link(std::string_view name);
  std::vector<LinkInfo> links();  // ordered by name

  // Serves a line protocol on `control`: each line read is passed to `handler`, which returns
  // the reply (without newline) and sets `quit` to end the relay after the reply is written.
  // Returns the bound port. Errors: relay.not_loopback, relay.bind_failed.
  // Requires: called at most once.
  using ControlHandler = std::function<std::string(std::string_view line, bool& quit)>;
  [[nodiscard]] Result<std::uint16_t> serve_control(const Endpoint& control, ControlHandler handler);
  // SIGINT and SIGTERM call request_quit().
  void handle_signals();
  void request_quit();
  void wait_for_quit();  // blocks until request_quit()

  // Closes every socket and joins the relay thread. Idempotent.
  // Requires: not called from the relay thread (i.e. not from a ControlHandler).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lingji::relay
