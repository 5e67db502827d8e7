// storage_errors.h: the storage layer's errors, one table (core/error_table.h).
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::storage {

inline constexpr core::ErrorDef kStorageErrors[] = {
    {3001, "storage.io_error", core::ErrorClass::kInternal},
    {3002, "storage.corruption", core::ErrorClass::kInternal},
};
static_assert(core::check_table(kStorageErrors, "storage"));

using StorageErrorRef = core::ErrorRef<kStorageErrors>;
inline core::Error storage_error(StorageErrorRef e, std::string message) { return core::make_error(*e.def, std::move(message)); }

inline constexpr int kStorageError = core::find_error(kStorageErrors, "storage.io_error").code;
inline constexpr int kStorageCorruption = core::find_error(kStorageErrors, "storage.corruption").code;

}  // namespace lingji::storage
