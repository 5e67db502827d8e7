#include "net/peer_rules.h"

#include <algorithm>

#include "net/net_errors.h"

namespace lingji::net {

core::Result<HostPort> parse_host_port(std::string_view text, bool allow_port_zero) {
  auto bad = [&](const std::string& why) {
    return net_error("net.bad_address", "\"" + std::string(text) + "\": " + why);
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("an IPv6 address must be written in brackets");
  }
  if (host.empty()) return bad("empty host");
  if (port.empty() || port.size() > 5) return bad("port must be 1 to 5 decimal digits");
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return bad("port must be decimal");
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) return bad("port over 65535");
  if (value == 0 && !allow_port_zero) return bad("port 0 cannot be dialled");
  return HostPort{std::string(host), static_cast<uint16_t>(value)};
}

std::chrono::milliseconds Backoff::next() {
  const std::chrono::milliseconds now = current_;
  current_ = std::min(current_ * 2, kMax);
  return now;
}

void BanList::ban(const std::string& key, Clock::time_point until) {
  if (auto it = until_.find(key); it != until_.end()) {
    it->second = std::max(it->second, until);
    return;
  }
  if (until_.size() >= max_entries_) {
    // Linear, but only when full: then a ban is far rarer than a lookup.
    auto first = std::min_element(until_.begin(), until_.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
    until_.erase(first);
  }
  until_.emplace(key, until);
}

std::string identity_ban_key(const core::Hash256& node_id) { return "id:" + node_id.hex(); }

bool BanList::is_banned(const std::string& key, Clock::time_point now) {
  auto it = until_.find(key);
  if (it == until_.end()) return false;
  if (it->second > now) return true;
  until_.erase(it);
  return false;
}

bool keep_new_connection(const core::Hash256& ours, const core::Hash256& theirs,
                         bool existing_inbound, bool new_inbound) {
  if (existing_inbound == new_inbound) return false;  // one node dialled both: keep the first
  const core::Hash256& new_dialler = new_inbound ? theirs : ours;
  const core::Hash256& smaller = std::min(ours, theirs);
  return new_dialler == smaller;
}

}  // namespace lingji::net
