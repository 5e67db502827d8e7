// event_views.cpp: the JSON of GET /v1/events (api/event_index.h).
#include "api/event_index.h"
#include "api/json_views.h"
#include "api/views/views.h"
#include "core/address.h"

namespace lingji::api {
namespace {

// Where an event came from: a transaction's index and the operation's, or null for the block's
// own hooks (rewards, and later settlements).
void put_source(Json& j, const chain::EventSource& s) {
  if (s.tx == chain::EventSource::kBlockHook) {
    j["tx"] = nullptr;
    j["op"] = nullptr;
  } else {
    j["tx"] = s.tx;
    j["op"] = s.op;
  }
}

Json block_events_json(const EventIndex::BlockEvents& b) {
  Json j;
  j["height"] = b.header.height;
  j["id"] = b.id.hex();
  put_time(j, "time", b.header.timestamp);
  Json ops = Json::array();
  for (const auto& o : b.events.operations()) {
    Json e;
    put_source(e, o.source);
    e["type"] = o.type;
    e["name"] = std::string(chain::operation_name_of(o.type));
    ops.push_back(std::move(e));
  }
  Json moves = Json::array();
  for (const auto& m : b.events.moves()) {
    Json e;
    put_source(e, m.source);
    e["from"] = core::encode_address(m.from);
    e["to"] = core::encode_address(m.to);
    e["amount"] = m.amount.to_string();
    e["reason"] = chain::move_reason_name(m.reason);
    moves.push_back(std::move(e));
  }
  j["operations"] = std::move(ops);
  j["moves"] = std::move(moves);
  return j;
}

}  // namespace

Json events_json(const EventIndex& index, uint64_t from, size_t max_blocks, size_t max_events) {
  const auto [oldest, newest] = index.range();
  Json blocks = Json::array();
  for (const auto& b : index.since(from, max_blocks, max_events)) blocks.push_back(block_events_json(b));
  return {{"held", {{"oldest", oldest}, {"newest", newest}}}, {"blocks", std::move(blocks)}};
}

}  // namespace lingji::api
