#include "api/request_body.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

#include "api/api_errors.h"

namespace lingji::api {
namespace {

// Collects the top-level string members; refuses (returns false, which stops the parser) at the
// first limit crossed.
class FieldReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit FieldReader(const BodyLimits& limits) : limits_(limits) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& s) override {
    if (depth_ == 1 && !key_.empty()) fields_[key_] = std::move(s);
    return value();
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) top_is_object_ = true;
    return open();
  }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (++keys_ > limits_.max_keys) return refuse("more than " + std::to_string(limits_.max_keys) + " keys");
    if (depth_ == 1) {
      if (!top_keys_.insert(k).second) return malformed("the key \"" + k.substr(0, 64) + "\" appears twice");
      key_ = std::move(k);
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    if (!error_) error_ = api_error("api.malformed_json", "the body must be a JSON object");
    return false;
  }

  core::Result<std::map<std::string, std::string>> result() && {
    if (error_) return *error_;
    if (!top_is_object_) return api_error("api.malformed_json", "the body must be a JSON object");
    return std::move(fields_);
  }

 private:
  bool value() {
    if (depth_ == 1) key_.clear();  // a top-level value ends its member
    return true;
  }
  bool open() {
    if (++depth_ > limits_.max_depth)
      return refuse("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    return true;
  }
  bool close() {
    --depth_;
    return value();
  }
  bool refuse(const std::string& why) {
    error_ = api_error("api.body_too_complex", "the body has " + why);
    return false;
  }
  bool malformed(const std::string& why) {
    error_ = api_error("api.malformed_json", why);
    return false;
  }

  const BodyLimits& limits_;
  size_t depth_ = 0;
  size_t keys_ = 0;
  bool top_is_object_ = false;
  std::string key_;
  std::set<std::string> top_keys_;
  std::map<std::string, std::string> fields_;
  std::optional<core::Error> error_;
};

}  // namespace

core::Result<std::map<std::string, std::string>> read_string_fields(std::string_view body, BodyLimits limits) {
  FieldReader reader(limits);
  // strict: trailing bytes after the object are an error too.
  nlohmann::json::sax_parse(body.begin(), body.end(), &reader, nlohmann::json::input_format_t::json, true);
  return std::move(reader).result();
}

}  // namespace lingji::api
