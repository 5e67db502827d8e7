// api_errors.h: error codes 4000-4099 of the HTTP API edge (the server's own 4001-4003 are in
// http_server.h). Every error body is {"error": {"code": N, "name": "...", "message": "..."}}.
#pragma once

namespace lingji::api {

inline constexpr int kApiNotFound = 4000;            // api.not_found
inline constexpr int kApiMalformedJson = 4004;       // api.malformed_json
inline constexpr int kApiInvalidHex = 4005;          // api.invalid_hex
inline constexpr int kApiMethodNotAllowed = 4006;    // api.method_not_allowed
inline constexpr int kApiMissingField = 4007;        // api.missing_field
inline constexpr int kApiInvalidBlockRef = 4008;     // api.invalid_block_ref
inline constexpr int kApiBlockNotFound = 4009;       // api.block_not_found
inline constexpr int kApiTxNotFound = 4010;          // api.transaction_not_found
inline constexpr int kApiInvalidTxId = 4011;         // api.invalid_transaction_id
inline constexpr int kApiDealerNotFound = 4012;      // api.dealer_not_found
inline constexpr int kApiProposalNotFound = 4013;    // api.proposal_not_found
inline constexpr int kApiInvalidQuery = 4014;        // api.invalid_query
inline constexpr int kApiNotFinal = 4015;            // api.not_final

}  // namespace lingji::api
