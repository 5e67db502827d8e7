// codec.h: the canonical binary encoding of everything that is hashed or signed.
//
// Grammar (all integers little-endian, fixed width; there is exactly one encoding per value):
//   u8 | u16 | u32 | u64       : 1 | 2 | 4 | 8 bytes
//   i64                        : 8 bytes, two's complement
//   fixed<N>                   : N raw bytes (hashes, keys, signatures)
//   bytes                      : u32 length || length raw bytes
//   string                     : bytes holding UTF-8 (not validated here)
//   vector<T>                  : u32 count || count encodings of T
// A decoder rejects truncated input, lengths past a caller's limit and trailing bytes, so that
// two different byte strings never decode to the same value.
#pragma once

#include <cstdint>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace lingji::core {

class Writer {
 public:
  Writer& u8(uint8_t v) { out_.push_back(v); return *this; }
  Writer& u16(uint16_t v) { return le(v, 2); }
  Writer& u32(uint32_t v) { return le(v, 4); }
  Writer& u64(uint64_t v) { return le(v, 8); }
  Writer& i64(int64_t v) { return le(static_cast<uint64_t>(v), 8); }
  Writer& raw(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); return *this; }
  template <size_t N>
  Writer& fixed(const FixedBytes<N>& v) { return raw(v.view()); }
  Writer& bytes(ByteView v) { u32(static_cast<uint32_t>(v.size())); return raw(v); }
  Writer& string(std::string_view s) { return bytes(as_bytes(s)); }

  Writer& reserve(size_t n) { out_.reserve(n); return *this; }  // when the size is known: no regrowth copies

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Writer& le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  Bytes out_;
};

// Reader: each getter returns false once the input is exhausted or malformed; the first failure
// is kept in error() and every later call fails too, so a decoder can check once at the end.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  bool u8(uint8_t& v);
  bool u16(uint16_t& v);
  bool u32(uint32_t& v);
  bool u64(uint64_t& v);
  bool i64(int64_t& v);
  bool raw(size_t n, ByteView& v);
  template <size_t N>
  bool fixed(FixedBytes<N>& v) {
    ByteView r;
    if (!raw(N, r)) return false;
    for (size_t i = 0; i < N; ++i) v.bytes[i] = r[i];
    return true;
  }
  bool bytes(Bytes& v, size_t max_len);
  bool string(std::string& v, size_t max_len);
  // Reads a vector count and checks it against max_count.
  bool count(uint32_t& n, uint32_t max_count);

  bool failed() const { return failed_; }
  size_t remaining() const { return in_.size() - pos_; }
  // Ok if nothing failed and every byte was consumed.
  Status finish() const;
  void fail(std::string why);

 private:
  bool le(uint64_t& v, int n);
  ByteView in_;
  size_t pos_ = 0;
  bool failed_ = false;
  std::string why_;
};

}  // namespace lingji::core
