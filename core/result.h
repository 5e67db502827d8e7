// result.h: errors as values at the chain boundary (STYLE.md rule 2).
//
// An Error carries a stable numeric code, a stable dotted name ("token.insufficient_balance"),
// its class, and a human message. Each layer declares its errors in one table, in the layer's
// range of codes (core/error_table.h has the map of ranges and the table rules).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace lingji::core {

// What kind of refusal an error is; the API edge maps it to an HTTP status.
enum class ErrorClass : uint8_t {
  kInvalid = 1,  // the input is malformed or breaks a rule that needs no state (HTTP 400)
  kNotFound,     // what was asked for does not exist (404)
  kConflict,     // a duplicate or a sequence race: refresh and retry (409)
  kRejected,     // well formed, but the state refuses it (422)
  kUnavailable,  // the node cannot take it now: retry later (503)
  kInternal,     // a fault of this process or its storage (500)
  kRetired,      // a released code that is no longer produced, reserved forever
};

struct Error {
  int code = 0;
  std::string name;
  std::string message;
  ErrorClass cls = ErrorClass::kInvalid;
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

}  // namespace lingji::core
