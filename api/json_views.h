// json_views.h: the JSON shapes of the API. Amounts are decimal strings with exactly 8
// decimals ("10000000000.00000000"), never JSON numbers; times are ISO-8601 UTC strings with a
// *_ms twin in milliseconds; keys, ids and signatures are lower-case hex; accounts are addresses.
// Defined in api/views/, one file per module group (views.h says how operations are dispatched).
#pragma once

#include <nlohmann/json.hpp>

#include "chain/chain.h"
#include "chain/governance/governance.h"
#include "consensus/controller.h"

namespace lingji::api {

using Json = nlohmann::ordered_json;

Json transaction_json(const chain::SignedTransaction& tx);
Json block_json(const chain::Block& block);
Json account_json(const chain::Chain& chain, const core::PublicKey& key);
Json supply_json(const chain::Chain& chain);
Json info_json(const chain::Chain& chain, const consensus::Controller& node);
Json error_json(const core::Error& e);
Json operation_json(const chain::Operation& op);
// The dealer record of an account (with its candidacy), or null.
Json dealer_json(const chain::Chain& chain, const core::PublicKey& key);
// The candidates that would form the active set now, by votes.
Json producers_json(const chain::Chain& chain);
// The equivocations recorded on the chain (chain/producers/ejection.h), by offender key and slot.
Json evidence_json(const chain::Chain& chain);
// The committee's parameters, its members and the fee pool (chain/governance/governance.h).
Json governance_params_json(const chain::Chain& chain);
Json proposal_json(const chain::Chain& chain, const chain::Proposal& p);
// Proposals newest first, at most `limit`, with ids below `before` (0: from the newest).
Json proposals_json(const chain::Chain& chain, uint64_t before, size_t limit);
// The finality proof of the block at `height` (chain/finality/finality_proof.h) with the producer
// set(s) whose certificate it carries, or nullopt if the block is not final (or the certificate
// that proves it is not in a stored block yet). Holds the node's lock only to read memory: the
// headers are read from node.blocks() and the certificate verified outside it (issue 14, item 11).
std::optional<Json> finality_proof_json(const consensus::Controller& node, uint64_t height);
class EventIndex;
// The events the index holds from height `from` on, skipping the first `skip` events of that
// block (GET /v1/events): at most max_blocks blocks and max_events events (a block is cut
// there), with the heights held, the final height, and the cursor of the next page.
Json events_json(const EventIndex& index, uint64_t from, uint64_t skip, size_t max_blocks, size_t max_events);
// Serialises; invalid UTF-8 in memos is replaced rather than throwing.
std::string dump(const Json& j);

}  // namespace lingji::api
