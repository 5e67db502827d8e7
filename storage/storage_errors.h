// storage_errors.h: the storage layer's error codes (docs/api.md lists every code).
#pragma once

namespace lingji::storage {

inline constexpr int kStorageError = 3001;      // storage.io_error
inline constexpr int kStorageCorruption = 3002; // storage.corruption

}  // namespace lingji::storage
