// views.h: what the files of api/views/ share. Each file holds the JSON views of one module
// group (token, dealers, producers, governance, and the chain itself); the public functions are
// declared in api/json_views.h.
//
// An operation's JSON is {"type": Op::kName} followed by operation_fields(op). The template has
// no generic definition: each operation's explicit specialization lives in its group's file, so
// an operation added to the registry (chain/protocol/operations.h) without a view fails to link.
#pragma once

#include <string>

#include "api/json_views.h"
#include "core/calendar.h"

namespace lingji::api {

// The fields of one operation after "type", in the order the API shows them.
template <class Op>
Json operation_fields(const Op& op);

// A time as the API shows it: `name` in ISO-8601 UTC and `name_ms` in milliseconds.
inline void put_time(Json& j, const std::string& name, core::TimeMs t) {
  j[name] = core::format_utc(t);
  j[name + "_ms"] = t;
}

inline Json time_json(core::TimeMs t) { return core::format_utc(t); }

}  // namespace lingji::api
