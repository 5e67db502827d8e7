// relay_control.cpp: the control protocol (grammar in relay_control.h) over Relay's API.
#include "tests/relay/relay_control.h"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

namespace lingji::relay {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::string error_line(const Error& e) { return "error " + e.name + " " + e.message; }

ControlReply bad_arguments(std::string usage) {
  return {error_line(relay_error("relay.bad_arguments", "usage: " + std::move(usage))), false};
}

// A delay or jitter in ms: digits only, within 0..kMaxDelayMs.
std::optional<int> parse_ms(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 || value > kMaxDelayMs) {
    return std::nullopt;
  }
  return value;
}

std::string shaping_text(const LinkInfo& info) {
  return "up=" + std::to_string(info.up.delay_ms) + "/" + std::to_string(info.up.jitter_ms) +
         " down=" + std::to_string(info.down.delay_ms) + "/" + std::to_string(info.down.jitter_ms);
}

ControlReply describe(Relay& relay, std::string_view name, bool stats) {
  auto info = relay.link(name);
  if (!info) return {error_line(info.error()), false};
  std::string text = "ok " + info->name + " ";
  if (!stats) {
    text += shaping_text(*info);
  } else {
    const LinkStats& s = info->stats;
    text += "up=" + std::to_string(s.bytes_up) + " down=" + std::to_string(s.bytes_down) +
            " accepted=" + std::to_string(s.accepted) + " open=" + std::to_string(s.open) +
            " refused=" + std::to_string(s.refused) + " cut=" + std::to_string(s.cut);
  }
  return {std::move(text), false};
}

ControlReply do_delay(Relay& relay, const std::vector<std::string_view>& w) {
  const char* usage = "delay NAME [up|down] MS [JITTER_MS]";
  if (w.size() < 3 || w.size() > 5) return bad_arguments(usage);
  std::size_t i = 2;
  bool up = true, down = true;
  if (w[2] == "up" || w[2] == "down") {
    up = w[2] == "up";
    down = !up;
    ++i;
  }
  if (i >= w.size() || w.size() - i > 2) return bad_arguments(usage);
  const auto delay = parse_ms(w[i]);
  const auto jitter = i + 1 < w.size() ? parse_ms(w[i + 1]) : std::optional<int>(0);
  if (!delay || !jitter) {
    return {error_line(relay_error("relay.bad_shaping",
                                   "delay and jitter are whole ms in 0.." + std::to_string(kMaxDelayMs))),
            false};
  }
  const Shaping shaping{*delay, *jitter};
  for (auto [wanted, dir] : {std::pair{up, Direction::kUp}, std::pair{down, Direction::kDown}}) {
    if (!wanted) continue;
    if (auto s = relay.set_shaping(w[1], dir, shaping); !s) return {error_line(s.error()), false};
  }
  return describe(relay, w[1], false);
}

ControlReply do_mode(Relay& relay, std::string_view name, LinkMode mode) {
  if (auto s = relay.set_mode(name, mode); !s) return {error_line(s.error()), false};
  return {"ok " + std::string(name) + " " + std::string(mode_name(mode)), false};
}

}  // namespace

ControlReply execute_command(Relay& relay, std::string_view line) {
  const auto w = split_words(line);
  if (w.empty()) return {error_line(relay_error("relay.unknown_command", "empty line")), false};
  const std::string_view cmd = w[0];
  if (cmd == "list") {
    if (w.size() != 1) return bad_arguments("list");
    std::string text = "ok";
    const char* sep = " ";
    for (const LinkInfo& info : relay.links()) {
      text += sep + info.name + " " + info.listen.to_string() + "->" + info.target.to_string() +
              " mode=" + std::string(mode_name(info.mode)) + " " + shaping_text(info);
      sep = "; ";
    }
    return {std::move(text), false};
  }
  if (cmd == "add") {
    if (w.size() != 3) return bad_arguments("add NAME LISTEN_HOST:PORT->TARGET_HOST:PORT");
    auto spec = parse_route(w[1], w[2]);
    if (!spec) return {error_line(spec.error()), false};
    auto port = relay.add_link(*spec);
    if (!port) return {error_line(port.error()), false};
    Endpoint listen = spec->listen;
    listen.port = *port;
    return {"ok " + spec->name + " " + listen.to_string(), false};
  }
  if (cmd == "delay") return do_delay(relay, w);
  if (cmd == "block" || cmd == "hold" || cmd == "unblock") {
    if (w.size() != 2) return bad_arguments(std::string(cmd) + " NAME");
    const LinkMode mode = cmd == "block" ? LinkMode::kBlocked : cmd == "hold" ? LinkMode::kHeld : LinkMode::kOpen;
    return do_mode(relay, w[1], mode);
  }
  if (cmd == "stats") {
    if (w.size() != 2) return bad_arguments("stats NAME");
    return describe(relay, w[1], true);
  }
  if (cmd == "quit") {
    if (w.size() != 1) return bad_arguments("quit");
    return {"ok bye", true};
  }
  return {error_line(relay_error("relay.unknown_command",
                                 "unknown command \"" + std::string(cmd) +
                                     "\" (list, add, delay, block, hold, unblock, stats, quit)")),
          false};
}

Result<std::uint16_t> serve_control(Relay& relay, const Endpoint& control) {
  return relay.serve_control(control, [&relay](std::string_view line, bool& quit) {
    ControlReply reply = execute_command(relay, line);
    quit = reply.quit;
    return reply.text;
  });
}

}  // namespace lingji::relay
