// request_body.h: reads the JSON body of a POST without building a document. nlohmann's
// ordered_json finds keys by a linear scan, so a 1 MiB body of 125,000 distinct short keys cost
// ~39 s of CPU (issue 14, item 10); a deeply nested body costs stack. The body is read through
// the SAX interface instead, and refused as soon as it has more keys or deeper nesting than a
// request of this API can need: the work is linear in the bytes read and stops early.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lingji::api {

struct BodyLimits {
  size_t max_keys = 16;   // object keys in the whole body, at any depth
  size_t max_depth = 4;   // nested objects and arrays
};

// The top-level string members of a body that must be one JSON object (other members are
// allowed and ignored). Errors: api.malformed_json (not JSON, not an object, a key twice at the
// top level), api.body_too_complex (over the limits).
[[nodiscard]] core::Result<std::map<std::string, std::string>> read_string_fields(std::string_view body,
                                                                                  BodyLimits limits = {});

}  // namespace lingji::api
