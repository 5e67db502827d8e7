// routes.h: the node's JSON API (documented in docs/api.md). Maps HTTP requests to node
// queries and submissions; knows nothing of sockets, so it is tested without a network.
#pragma once

#include <functional>

#include "api/event_index.h"
#include "api/http_server.h"
#include "core/calendar.h"
#include "consensus/controller.h"

namespace lingji::api {

class Routes {
 public:
  // now: the wall clock, used only to judge expiry of submitted transactions.
  // events: the index behind GET /v1/events (the endpoint answers api.not_found without one).
  Routes(consensus::Controller& node, std::function<core::TimeMs()> now, const EventIndex* events = nullptr)
      : node_(node), now_(std::move(now)), events_(events) {}
  HttpResponse handle(const HttpRequest& request);

 private:
  HttpResponse get_account(std::string_view address);
  HttpResponse get_proposals(std::string_view target);
  HttpResponse get_block(std::string_view ref);
  HttpResponse get_finality_proof(std::string_view height);
  HttpResponse get_transaction(std::string_view id);
  HttpResponse post_transaction(const std::string& body);
  HttpResponse get_events(std::string_view target);

  consensus::Controller& node_;
  std::function<core::TimeMs()> now_;
  const EventIndex* events_;
};

}  // namespace lingji::api
