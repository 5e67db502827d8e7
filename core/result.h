// result.h: errors as values at the chain boundary (STYLE.md rule 2).
//
// An Error carries a stable numeric code, a stable dotted name ("token.insufficient_balance")
// and a human message. Codes are grouped by module and never renumbered once released:
//   1000-1099 core (decoding, parsing)     2000-2099 transactions     2100-2199 token
//   2200-2299 vesting and listing          2300-2399 blocks           4000-4099 API edge
//   2400-2799 genesis, dealers, producers, finality (chain/chain_errors.h)
//   5000-5099 P2P transport (net/net_errors.h; also the goodbye reason codes on the wire)
//   8100-8199 lingji-relay (tests/relay, test tooling only)
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lingji::core {

struct Error {
  int code = 0;
  std::string name;
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // Requires: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // Requires: !ok().
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Status Ok() { return Status(); }

inline Error make_error(int code, std::string name, std::string message) {
  return Error{code, std::move(name), std::move(message)};
}

}  // namespace lingji::core
