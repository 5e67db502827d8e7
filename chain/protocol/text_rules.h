// text_rules.h: what text the chain accepts in names, regions, contacts and URLs: a length in
// bytes within [min, max] and no control characters (which could forge lines in logs and UIs).
#pragma once

#include <string_view>

namespace lingji::chain {

inline bool is_clean_text(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace lingji::chain
