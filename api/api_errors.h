// api_errors.h: the errors of the HTTP API edge, one table (core/error_table.h). Every error
// body is {"error": {"code": N, "name": "...", "message": "..."}}; the HTTP status comes from
// the error's class (http_status below), whichever layer the error came from.
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::api {

inline constexpr core::ErrorDef kApiErrors[] = {
    {4000, "api.not_found", core::ErrorClass::kNotFound},
    {4001, "api.request_too_large", core::ErrorClass::kInvalid},  // sent as 413 or 431
    {4002, "api.malformed_http", core::ErrorClass::kInvalid},
    {4003, "api.internal_error", core::ErrorClass::kInternal},
    {4004, "api.malformed_json", core::ErrorClass::kInvalid},
    {4005, "api.invalid_hex", core::ErrorClass::kInvalid},
    {4006, "api.method_not_allowed", core::ErrorClass::kInvalid},  // sent as 405
    {4007, "api.missing_field", core::ErrorClass::kInvalid},
    {4008, "api.invalid_block_ref", core::ErrorClass::kInvalid},
    {4009, "api.block_not_found", core::ErrorClass::kNotFound},
    {4010, "api.transaction_not_found", core::ErrorClass::kNotFound},
    {4011, "api.invalid_transaction_id", core::ErrorClass::kInvalid},
    {4012, "api.dealer_not_found", core::ErrorClass::kNotFound},
    {4013, "api.proposal_not_found", core::ErrorClass::kNotFound},
    {4014, "api.invalid_query", core::ErrorClass::kInvalid},
    {4015, "api.not_final", core::ErrorClass::kConflict},
    {4016, "api.listen_failed", core::ErrorClass::kInternal},    // HttpServer::start, never sent
    {4017, "api.already_started", core::ErrorClass::kInternal},  // HttpServer::start twice: a bug
    {4018, "api.body_too_complex", core::ErrorClass::kInvalid},
    {4019, "api.too_many_connections", core::ErrorClass::kUnavailable},  // sent as 503 at accept
};
static_assert(core::check_table(kApiErrors, "api"));

using ApiErrorRef = core::ErrorRef<kApiErrors>;
inline core::Error api_error(ApiErrorRef e, std::string message) { return core::make_error(*e.def, std::move(message)); }

// The HTTP status of an error of any layer, by its class.
constexpr int http_status(core::ErrorClass c) {
  switch (c) {
    case core::ErrorClass::kInvalid: return 400;
    case core::ErrorClass::kNotFound: return 404;
    case core::ErrorClass::kConflict: return 409;
    case core::ErrorClass::kRejected: return 422;
    case core::ErrorClass::kUnavailable: return 503;
    case core::ErrorClass::kInternal:
    case core::ErrorClass::kRetired: return 500;  // a retired code is never produced: a bug
  }
  return 500;
}

}  // namespace lingji::api
