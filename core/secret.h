// secret.h: containers for secrets (passwords, seeds, keys derived from a password) that wipe
// their bytes with sodium_memzero when destroyed, so that a secret does not outlive its use in
// freed memory, a core dump or swap. They cannot be copied (a copy is one more place to wipe);
// moving hands the one buffer over.
// Not covered: copies made before the bytes reach one of these (a terminal's or an istream's
// buffer, the environment), and anything the caller copies out of view()/get().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace lingji::core {

// Overwrites n bytes at p with zeros in a way the compiler cannot drop (sodium_memzero).
void wipe_bytes(void* p, size_t n);

// Wipes a std::string the caller does not own otherwise (e.g. a line getline() read), then
// empties it. Earlier buffers the string may have reallocated from are out of reach.
void wipe_string(std::string& s);

// A fixed-size secret value: a Seed, a derived key.
template <class T>
class Secret {
  static_assert(std::is_trivially_copyable_v<T>, "a Secret holds plain bytes");

 public:
  Secret() = default;
  explicit Secret(const T& value) : value_(value) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { wipe(); }

  T& get() { return value_; }
  const T& get() const { return value_; }
  // Overwrites the value with zero bytes (it stays usable: a zero value).
  void wipe() { wipe_bytes(&value_, sizeof value_); }

 private:
  T value_{};
};

// A secret text (a password). Its bytes live in one heap buffer of at least kReserve bytes,
// allocated up front, so that appending up to that size never reallocates and leaves an
// unwiped copy behind.
class SecretString {
 public:
  static constexpr size_t kReserve = 1024;

  SecretString();
  explicit SecretString(std::string_view text);
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  ~SecretString() { wipe(); }

  // False (and nothing appended) once the text would outgrow its buffer (kReserve bytes).
  [[nodiscard]] bool push_back(char c);
  std::string_view view() const { return text_; }
  size_t size() const { return text_.size(); }
  bool operator==(const SecretString& o) const { return text_ == o.text_; }
  // Overwrites every byte with zero; the length stays (the text becomes size() NULs), so that a
  // caller can see what was wiped.
  void wipe();

 private:
  std::string text_;
};

}  // namespace lingji::core
