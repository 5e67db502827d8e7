// state_key.h: a state key stored inline, the key type of State's map and of ChangeSet.
//
// State keys are a module's prefix byte followed by a 32-byte account and/or an 8-byte number
// (41 bytes at most today). As std::vector<uint8_t> each key sat in its own heap block, so every
// level of a std::map walk cost two cache misses (the node, then its key) and every copy of a key
// a malloc. StateKey keeps up to kInline bytes inside itself (hence inside the map node) and puts
// longer keys on the heap. It orders exactly like BytesLess (lexicographic bytes, a prefix first),
// so iteration order, the encoded change sets and the state root are unchanged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/bytes.h"

namespace lingji::chain {

class StateKey {
 public:
  static constexpr size_t kInline = 48;

  StateKey() { inline_[0] = 0; }
  // Implicit: a Bytes or ByteView key converts where a StateKey is expected (writes, lookups).
  StateKey(core::ByteView key) { assign(key); }                            // NOLINT
  StateKey(const core::Bytes& key) : StateKey(core::ByteView(key)) {}      // NOLINT
  StateKey(const StateKey& other) { assign(other.view()); }
  StateKey(StateKey&& other) noexcept { steal(other); }
  StateKey& operator=(const StateKey& other) {
    if (this != &other) {
      release();
      assign(other.view());
    }
    return *this;
  }
  StateKey& operator=(StateKey&& other) noexcept {
    if (this != &other) {
      release();
      steal(other);
    }
    return *this;
  }
  ~StateKey() { release(); }

  const uint8_t* data() const { return size_ <= kInline ? inline_ : heap_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  core::ByteView view() const { return {data(), size_}; }
  operator core::ByteView() const { return view(); }  // NOLINT: keys pass to ByteView APIs as before
  core::Bytes bytes() const { return core::Bytes(data(), data() + size_); }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size_; }
  uint8_t operator[](size_t i) const { return data()[i]; }

  friend bool operator==(const StateKey& a, const StateKey& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
  }
  friend bool operator==(const StateKey& a, const core::Bytes& b) {
    return a.size_ == b.size() && (b.empty() || std::memcmp(a.data(), b.data(), b.size()) == 0);
  }

 private:
  void assign(core::ByteView key) {
    size_ = static_cast<uint32_t>(key.size());
    uint8_t* out = inline_;
    if (size_ > kInline) out = heap_ = new uint8_t[size_];
    if (size_ != 0) std::memcpy(out, key.data(), size_);
  }
  void steal(StateKey& other) {
    size_ = other.size_;
    if (size_ > kInline) {
      heap_ = other.heap_;
      other.size_ = 0;  // other is left empty, owning nothing
    } else {
      std::memcpy(inline_, other.inline_, size_);
    }
  }
  void release() {
    if (size_ > kInline) delete[] heap_;
    size_ = 0;
  }

  union {
    uint8_t inline_[kInline];
    uint8_t* heap_;
  };
  uint32_t size_ = 0;
};

// Lexicographic byte order over Bytes, ByteView and StateKey alike (transparent comparator), so
// maps keyed by StateKey are found with a Bytes or ByteView key without building a StateKey.
struct BytesLess {
  using is_transparent = void;
  static bool less(core::ByteView a, core::ByteView b) {
    // Keys of one module share their first byte and differ within the next few (an account or a
    // number), so the first 8 bytes, compared as a big-endian word, decide almost every call.
    if (a.size() >= 8 && b.size() >= 8) {
      const uint64_t wa = load_be64(a.data()), wb = load_be64(b.data());
      if (wa != wb) return wa < wb;
    }
    size_t n = std::min(a.size(), b.size());
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // memcmp may not see a null pointer
    return c < 0 || (c == 0 && a.size() < b.size());
  }
  static uint64_t load_be64(const uint8_t* p) {
    uint64_t w = 0;
    for (int i = 0; i < 8; ++i) w = (w << 8) | p[i];  // compiles to one load and a byte swap
    return w;
  }
  bool operator()(const core::Bytes& a, const core::Bytes& b) const { return less(a, b); }
  bool operator()(const core::Bytes& a, core::ByteView b) const { return less(a, b); }
  bool operator()(core::ByteView a, const core::Bytes& b) const { return less(a, b); }
  bool operator()(const StateKey& a, const StateKey& b) const { return less(a.view(), b.view()); }
  bool operator()(const StateKey& a, core::ByteView b) const { return less(a.view(), b); }
  bool operator()(core::ByteView a, const StateKey& b) const { return less(a, b.view()); }
  bool operator()(const StateKey& a, const core::Bytes& b) const { return less(a.view(), b); }
  bool operator()(const core::Bytes& a, const StateKey& b) const { return less(a, b.view()); }
};

}  // namespace lingji::chain
