#include "api/routes.h"

#include <optional>
#include <tuple>

#include "api/api_errors.h"
#include "api/json_views.h"
#include "api/request_body.h"
#include "chain/chain_errors.h"
#include "core/address.h"

namespace lingji::api {
namespace {

HttpResponse json_response(int status, const Json& j) { return {status, dump(j) + "\n", "application/json"}; }

HttpResponse error_response(int status, const core::Error& e) { return json_response(status, error_json(e)); }

HttpResponse error_response(const core::Error& e) { return error_response(http_status(e.cls), e); }

HttpResponse error_response(ApiErrorRef e, std::string message) { return error_response(api_error(e, std::move(message))); }

bool parse_hash(std::string_view hex, core::Hash256& out) {
  if (hex.size() != 64) return false;
  auto bytes = core::from_hex(hex);
  if (!bytes) return false;
  out = *core::Hash256::from(*bytes);
  return true;
}

// A decimal u64 of 1 to 19 digits.
std::optional<uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoull(std::string(s));
}

// The value of `name` in the query string of `target` ("" if absent).
std::string_view query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (auto eq = pair.find('='); eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

}  // namespace

HttpResponse Routes::handle(const HttpRequest& request) {
  std::string_view path = request.target;
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  auto tail = [&](std::string_view prefix, std::string_view& rest) {
    if (path.substr(0, prefix.size()) != prefix || path.size() == prefix.size()) return false;
    rest = path.substr(prefix.size());
    return rest.find('/') == std::string_view::npos;
  };
  const bool get = request.method == "GET" || request.method == "HEAD";
  auto method_not_allowed = [&](const char* allowed) {
    return error_response(405, api_error("api.method_not_allowed", request.method + " is not allowed here; use " + allowed));
  };
  std::string_view rest;
  if (path == "/v1/info") {
    if (!get) return method_not_allowed("GET");
    // Each producer key of this node that neither votes nor signs blocks, with the reason
    // (a missing or damaged safety file: issue 14, item 2). Read under its own lock.
    Json disabled = Json::object();
    for (const auto& [key, why] : node_.voting_disabled_reasons()) disabled[key.hex()] = why;
    Json info = node_.read([&](const chain::Chain& c, const storage::BlockStore&) { return info_json(c, node_); });
    // Producing: some key of this node can sign blocks (holding only disabled keys is not).
    info["producing"] = node_.producer_keys().size() > disabled.size();
    info["voting_disabled"] = std::move(disabled);
    return json_response(200, info);
  }
  if (path == "/v1/supply") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, node_.read([](const chain::Chain& c, const storage::BlockStore&) { return supply_json(c); }));
  }
  if (path == "/v1/transactions") {
    if (request.method != "POST") return method_not_allowed("POST");
    return post_transaction(request.body);
  }
  if (path == "/v1/events" && events_) {
    if (!get) return method_not_allowed("GET");
    return get_events(request.target);
  }
  if (path == "/v1/producers") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, node_.read([](const chain::Chain& c, const storage::BlockStore&) { return producers_json(c); }));
  }
  if (path == "/v1/evidence") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, node_.read([](const chain::Chain& c, const storage::BlockStore&) { return evidence_json(c); }));
  }
  if (path == "/v1/governance/params") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, node_.read([](const chain::Chain& c, const storage::BlockStore&) {
      return governance_params_json(c);
    }));
  }
  if (path == "/v1/governance/proposals") {
    if (!get) return method_not_allowed("GET");
    return get_proposals(request.target);
  }
  if (tail("/v1/governance/proposals/", rest)) {
    if (!get) return method_not_allowed("GET");
    auto id = parse_u64(rest);
    if (!id) return error_response("api.invalid_query", "a proposal is named by its id (decimal)");
    Json j = node_.read([&](const chain::Chain& c, const storage::BlockStore&) -> Json {
      auto p = chain::load_proposal(c.state(), *id);
      return p ? proposal_json(c, *p) : Json(nullptr);
    });
    if (j.is_null())
      return error_response("api.proposal_not_found", "no proposal " + std::to_string(*id));
    return json_response(200, j);
  }
  if (tail("/v1/dealers/", rest)) {
    if (!get) return method_not_allowed("GET");
    auto key = core::parse_address(rest);
    if (!key) return error_response(key.error());
    Json j = node_.read([&](const chain::Chain& c, const storage::BlockStore&) { return dealer_json(c, *key); });
    if (j.is_null()) return error_response("api.dealer_not_found", "that account is not a dealer");
    return json_response(200, j);
  }
  if (tail("/v1/accounts/", rest)) return get ? get_account(rest) : method_not_allowed("GET");
  if (path.starts_with("/v1/blocks/") && path.ends_with("/finality")) {
    rest = path.substr(11, path.size() - 11 - 9);
    if (rest.find('/') == std::string_view::npos) return get ? get_finality_proof(rest) : method_not_allowed("GET");
  }
  if (tail("/v1/blocks/", rest)) return get ? get_block(rest) : method_not_allowed("GET");
  if (tail("/v1/transactions/", rest)) return get ? get_transaction(rest) : method_not_allowed("GET");
  return error_response("api.not_found", "no such endpoint: " + std::string(path.substr(0, 200)));
}

HttpResponse Routes::get_proposals(std::string_view target) {
  uint64_t before = 0, limit = 50;
  for (auto [name, out, max] : {std::tuple{"before", &before, UINT64_MAX}, std::tuple{"limit", &limit, uint64_t{1000}}}) {
    std::string_view v = query_param(target, name);
    if (v.empty()) continue;
    auto n = parse_u64(v);
    if (!n || *n > max || (out == &limit && *n == 0))
      return error_response("api.invalid_query",
                            std::string(name) + " must be a decimal number" + (out == &limit ? " within 1..1000" : ""));
    *out = *n;
  }
  return json_response(200, node_.read([&](const chain::Chain& c, const storage::BlockStore&) {
    return proposals_json(c, before, static_cast<size_t>(limit));
  }));
}

HttpResponse Routes::get_account(std::string_view address) {
  auto key = core::parse_address(address);
  if (!key) return error_response(key.error());
  Json j = node_.read([&](const chain::Chain& c, const storage::BlockStore&) { return account_json(c, *key); });
  j["next_sequence"] = node_.next_sequence(*key);  // counts this node's pending transactions
  return json_response(200, j);
}

HttpResponse Routes::get_block(std::string_view ref) {
  std::optional<uint64_t> height;
  core::Hash256 id;
  if (ref == "head" || ref == "latest") {
    height = node_.read([](const chain::Chain& c, const storage::BlockStore&) { return c.head().height; });
  } else if (!ref.empty() && ref.size() <= 19 && ref.find_first_not_of("0123456789") == std::string_view::npos) {
    height = std::stoull(std::string(ref));
  } else if (!parse_hash(ref, id)) {
    return error_response("api.invalid_block_ref",
                          "a block is named by its height (decimal) or its id (64 hex digits)");
  }
  // Read outside the node's lock (issue 14, item 11): a block is up to 16 MiB from disk.
  const storage::BlockStore& store = node_.blocks();
  if (!height) height = store.height_of(id);
  std::optional<chain::Block> block;
  if (height) block = store.block_at(*height);
  if (!block) return error_response("api.block_not_found", "no such block: " + std::string(ref.substr(0, 80)));
  return json_response(200, block_json(*block));
}

HttpResponse Routes::get_finality_proof(std::string_view height_text) {
  if (height_text.empty() || height_text.size() > 19 || height_text.find_first_not_of("0123456789") != std::string_view::npos)
    return error_response("api.invalid_block_ref", "a finality proof is asked by height (decimal)");
  const uint64_t height = std::stoull(std::string(height_text));
  auto proof = finality_proof_json(node_, height);
  if (!proof)
    return error_response("api.not_final",
                          "block " + std::to_string(height) + " is not final yet (or its proof is not stored yet)");
  return json_response(200, *proof);
}

HttpResponse Routes::get_transaction(std::string_view id_hex) {
  core::Hash256 id;
  if (!parse_hash(id_hex, id))
    return error_response("api.invalid_transaction_id", "a transaction id is 64 hex digits");
  consensus::TxStatus st = node_.transaction_status(id);
  Json j;
  switch (st.state) {
    case consensus::TxState::kUnknown:
      return error_response("api.transaction_not_found",
                            "transaction " + std::string(id_hex) + " is neither in a block nor pending here");
    case consensus::TxState::kRejected:
      j["id"] = std::string(id_hex);
      j["status"] = "rejected";
      j["error"] = error_json(*st.error)["error"];
      return json_response(200, j);
    case consensus::TxState::kPending:
      j = transaction_json(*st.tx);
      j["status"] = "pending";
      return json_response(200, j);
    case consensus::TxState::kCommitted: {
      j = transaction_json(*st.tx);
      j["status"] = "committed";
      const uint64_t lib = node_.read([](const chain::Chain& c, const storage::BlockStore&) { return c.final_block().height; });
      auto header = node_.blocks().header_at(st.location->height);  // outside the lock
      const std::string block_id = header ? header->id().hex() : std::string();
      j["block_height"] = st.location->height;
      j["block_id"] = block_id;
      j["index"] = st.location->index;
      j["final"] = st.location->height <= lib;
      return json_response(200, j);
    }
  }
  return error_response("api.internal_error", "unknown transaction state");
}

HttpResponse Routes::get_events(std::string_view target) {
  // Bounded per request whatever is asked: at most 100 blocks and 10,000 events (a larger block
  // comes in pages: "next" says where to go on).
  constexpr uint64_t kMaxBlocksPerRequest = 100;
  constexpr size_t kMaxEventsPerRequest = 10'000;
  uint64_t from = 0, skip = 0, limit = 20;
  for (auto [name, value, max] : {std::tuple{"from", &from, UINT64_MAX}, std::tuple{"skip", &skip, UINT64_MAX},
                                  std::tuple{"limit", &limit, kMaxBlocksPerRequest}}) {
    const std::string_view text = query_param(target, name);
    if (text.empty()) continue;
    auto v = parse_u64(text);
    if (!v || *v > max || (value == &limit && *v == 0))
      return error_response("api.invalid_query", std::string(name) + " must be a decimal number" +
                                                     (value == &limit ? " of blocks from 1 to 100" : ""));
    *value = *v;
  }
  return json_response(200, events_json(*events_, from, skip, limit, kMaxEventsPerRequest));
}

HttpResponse Routes::post_transaction(const std::string& body) {
  auto fields = read_string_fields(body);
  if (!fields) return error_response(fields.error());
  auto it = fields->find("transaction");
  if (it == fields->end())
    return error_response("api.missing_field",
                          "\"transaction\" (the signed transaction in hex) is required");
  auto bytes = core::from_hex(it->second);
  if (!bytes) return error_response("api.invalid_hex", "\"transaction\" is not valid hex");
  auto id = node_.submit(*bytes, now_());
  if (!id) return error_response(id.error());
  return json_response(202, Json{{"id", id->hex()}, {"status", "pending"}});
}

}  // namespace lingji::api
