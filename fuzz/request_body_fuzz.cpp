// request_body_fuzz.cpp: the JSON body of a POST to the API (api/request_body.h), read by the SAX
// reader with limits. Properties: it never crashes; what it accepts is a JSON object that
// nlohmann's own parser reads the same way (every returned field is that top-level string).
#include <nlohmann/json.hpp>

#include "api/request_body.h"
#include "fuzz/fuzz_common.h"

using namespace lingji;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto fields = api::read_string_fields(body);
  if (!fields) return 0;
  // Accepted bodies are small (16 keys, depth 4), so the document costs little here.
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  fuzz::require(!doc.is_discarded() && doc.is_object(), "request body: accepted, but not a JSON object");
  for (const auto& [key, value] : *fields) {
    auto it = doc.find(key);
    fuzz::require(it != doc.end() && it->is_string() && it->get<std::string>() == value,
                  "request body: a field differs from the document's");
  }
  return 0;
}
