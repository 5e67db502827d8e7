// secret.cpp: the wiping containers of secret.h.
#include "core/secret.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace lingji::core {

void wipe_bytes(void* p, size_t n) {
  if (n > 0) sodium_memzero(p, n);
}

void wipe_string(std::string& s) {
  wipe_bytes(s.data(), s.size());
  s.clear();
}

SecretString::SecretString() { text_.reserve(kReserve); }

SecretString::SecretString(std::string_view text) {
  text_.reserve(std::max(kReserve, text.size()));
  text_.assign(text);
}

// A std::string of kReserve bytes or more is never in its small-string buffer, so moving it
// hands the heap buffer over and leaves no copy of the text in `other`.
SecretString::SecretString(SecretString&& other) noexcept : text_(std::move(other.text_)) {}

SecretString& SecretString::operator=(SecretString&& other) noexcept {
  if (this != &other) {
    wipe();
    text_ = std::move(other.text_);
  }
  return *this;
}

bool SecretString::push_back(char c) {
  if (text_.size() >= text_.capacity()) return false;  // growing would leave a copy behind
  text_.push_back(c);
  return true;
}

void SecretString::wipe() { wipe_bytes(text_.data(), text_.size()); }

}  // namespace lingji::core
