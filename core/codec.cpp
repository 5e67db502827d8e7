#include "core/codec.h"

#include "core/core_errors.h"

namespace lingji::core {

void Reader::fail(std::string why) {
  if (!failed_) {
    failed_ = true;
    why_ = std::move(why) + " at byte " + std::to_string(pos_);
  }
}

bool Reader::le(uint64_t& v, int n) {
  if (failed_) return false;
  if (remaining() < static_cast<size_t>(n)) {
    fail("truncated input");
    return false;
  }
  v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(in_[pos_ + i]) << (8 * i);
  pos_ += n;
  return true;
}

bool Reader::u8(uint8_t& v) { uint64_t x; if (!le(x, 1)) return false; v = static_cast<uint8_t>(x); return true; }
bool Reader::u16(uint16_t& v) { uint64_t x; if (!le(x, 2)) return false; v = static_cast<uint16_t>(x); return true; }
bool Reader::u32(uint32_t& v) { uint64_t x; if (!le(x, 4)) return false; v = static_cast<uint32_t>(x); return true; }
bool Reader::u64(uint64_t& v) { return le(v, 8); }
bool Reader::i64(int64_t& v) { uint64_t x; if (!le(x, 8)) return false; v = static_cast<int64_t>(x); return true; }

bool Reader::raw(size_t n, ByteView& v) {
  if (failed_) return false;
  if (remaining() < n) {
    fail("truncated input");
    return false;
  }
  v = in_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::bytes(Bytes& v, size_t max_len) {
  uint32_t n;
  if (!u32(n)) return false;
  if (n > max_len) {
    fail("length " + std::to_string(n) + " exceeds limit " + std::to_string(max_len));
    return false;
  }
  ByteView r;
  if (!raw(n, r)) return false;
  v.assign(r.begin(), r.end());
  return true;
}

bool Reader::string(std::string& v, size_t max_len) {
  Bytes b;
  if (!bytes(b, max_len)) return false;
  v.assign(b.begin(), b.end());
  return true;
}

bool Reader::count(uint32_t& n, uint32_t max_count) {
  if (!u32(n)) return false;
  if (n > max_count) {
    fail("count " + std::to_string(n) + " exceeds limit " + std::to_string(max_count));
    return false;
  }
  return true;
}

Status Reader::finish() const {
  if (failed_) return core_error("core.malformed_encoding", why_);
  if (remaining() != 0)
    return core_error("core.trailing_bytes",
                      std::to_string(remaining()) + " unexpected bytes after the value");
  return Ok();
}

}  // namespace lingji::core
