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

// Block b's events [first, first + count) in its one order: its operations, then its moves.
Json block_events_json(const EventIndex::BlockEvents& b, size_t first, size_t count, uint64_t final_height) {
  Json j;
  j["height"] = b.header.height;
  j["id"] = b.id.hex();
  put_time(j, "time", b.header.timestamp);
  j["final"] = b.header.height <= final_height;
  j["event_count"] = b.size();
  j["first_event"] = first;
  const auto& operations = b.events.operations();
  const auto& moves = b.events.moves();
  Json ops = Json::array();
  Json mvs = Json::array();
  for (size_t i = first; i < first + count; ++i) {
    Json e;
    if (i < operations.size()) {
      const auto& o = operations[i];
      put_source(e, o.source);
      e["type"] = o.type;
      e["name"] = std::string(chain::operation_name_of(o.type));
      ops.push_back(std::move(e));
    } else {
      const auto& m = moves[i - operations.size()];
      put_source(e, m.source);
      e["from"] = core::encode_address(m.from);
      e["to"] = core::encode_address(m.to);
      e["amount"] = m.amount.to_string();
      e["reason"] = chain::move_reason_name(m.reason);
      mvs.push_back(std::move(e));
    }
  }
  j["operations"] = std::move(ops);
  j["moves"] = std::move(mvs);
  return j;
}

}  // namespace

Json events_json(const EventIndex& index, uint64_t from, uint64_t skip, size_t max_blocks, size_t max_events) {
  const EventIndex::Snapshot snap = index.since(from, max_blocks);
  Json blocks = Json::array();
  // Where to ask next: after the last event shown (inside a block that was cut), or from the
  // block after the last one shown; unchanged when nothing new is held yet.
  uint64_t next_from = std::max(from, snap.oldest), next_skip = skip;
  size_t budget = max_events;
  for (const auto& b : snap.blocks) {
    const size_t first = b->header.height == from ? std::min<uint64_t>(skip, b->size()) : 0;
    const size_t count = std::min(b->size() - first, budget);
    blocks.push_back(block_events_json(*b, first, count, snap.final_height));
    budget -= count;
    if (first + count < b->size()) {  // the budget ran out inside this block
      next_from = b->header.height;
      next_skip = first + count;
      break;
    }
    next_from = b->header.height + 1;
    next_skip = 0;
    if (budget == 0) break;
  }
  return {{"held", {{"oldest", snap.oldest}, {"newest", snap.newest}}},
          {"final_height", snap.final_height},
          {"blocks", std::move(blocks)},
          {"next", {{"from", next_from}, {"skip", next_skip}}}};
}

}  // namespace lingji::api
