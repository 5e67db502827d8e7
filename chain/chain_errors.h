// chain_errors.h: the chain layer's errors, one table (core/error_table.h has the rules: rows
// sorted by code, a released row never renumbered or renamed, a retired row kept as kRetired).
// A module's errors take a block of 100 codes below; a new module takes the next free block.
// The class decides the HTTP status at the API edge: kInvalid 400, kConflict 409, kRejected 422.
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::chain {

inline constexpr core::ErrorDef kChainErrors[] = {
    // clang-format off
    // 2000-2099 transactions
    {2000, "tx.malformed", core::ErrorClass::kInvalid},
    {2001, "tx.wrong_chain_id", core::ErrorClass::kInvalid},
    {2002, "tx.bad_signature", core::ErrorClass::kInvalid},
    {2003, "tx.expired", core::ErrorClass::kInvalid},
    {2004, "tx.expiration_too_far", core::ErrorClass::kInvalid},
    {2005, "tx.stale_sequence", core::ErrorClass::kConflict},
    {2006, "tx.future_sequence", core::ErrorClass::kConflict},
    {2007, "tx.no_operations", core::ErrorClass::kInvalid},
    {2008, "tx.too_many_operations", core::ErrorClass::kInvalid},
    {2009, "tx.too_large", core::ErrorClass::kInvalid},
    {2010, "tx.duplicate", core::ErrorClass::kConflict},
    {2011, "tx.unknown_operation", core::ErrorClass::kInvalid},
    {2012, "tx.mempool_full", core::ErrorClass::kRetired},
    {2013, "tx.insufficient_resources", core::ErrorClass::kRejected},
    // 2100-2199 token
    {2101, "token.non_positive_amount", core::ErrorClass::kInvalid},
    {2102, "token.self_transfer", core::ErrorClass::kInvalid},
    {2103, "token.insufficient_balance", core::ErrorClass::kRejected},
    {2104, "token.locked_balance", core::ErrorClass::kRejected},
    {2105, "token.memo_too_long", core::ErrorClass::kInvalid},
    {2106, "token.balance_overflow", core::ErrorClass::kRejected},
    {2107, "token.amount_too_large", core::ErrorClass::kInvalid},
    // 2200-2299 vesting and the listing
    {2201, "listing.not_foundation", core::ErrorClass::kRejected},
    {2202, "listing.already_declared", core::ErrorClass::kRejected},
    {2203, "listing.bad_exchange_name", core::ErrorClass::kInvalid},
    {2204, "listing.moved_to_committee", core::ErrorClass::kRejected},
    // 2300-2399 blocks
    {2301, "block.bad_height", core::ErrorClass::kInvalid},
    {2302, "block.bad_previous", core::ErrorClass::kInvalid},
    {2303, "block.bad_timestamp", core::ErrorClass::kInvalid},
    {2304, "block.wrong_producer", core::ErrorClass::kInvalid},
    {2305, "block.bad_signature", core::ErrorClass::kInvalid},
    {2306, "block.bad_tx_root", core::ErrorClass::kInvalid},
    {2307, "block.bad_state_root", core::ErrorClass::kInvalid},
    {2308, "block.too_many_transactions", core::ErrorClass::kInvalid},
    {2309, "block.invalid_transaction", core::ErrorClass::kInvalid},
    {2310, "block.malformed", core::ErrorClass::kInvalid},
    {2311, "block.too_large", core::ErrorClass::kInvalid},
    {2312, "block.bad_slot", core::ErrorClass::kInvalid},
    {2313, "block.bad_justify", core::ErrorClass::kInvalid},
    {2314, "block.bad_certificate", core::ErrorClass::kInvalid},
    // 2400-2499 genesis
    {2401, "genesis.invalid", core::ErrorClass::kInvalid},
    // 2500-2599 dealers
    {2501, "dealer.bad_field", core::ErrorClass::kInvalid},
    {2502, "dealer.already_registered", core::ErrorClass::kRejected},
    {2503, "dealer.not_foundation", core::ErrorClass::kRejected},
    {2504, "dealer.unknown", core::ErrorClass::kRejected},
    {2505, "dealer.bad_status", core::ErrorClass::kInvalid},
    // 2600-2699 producers and votes
    {2601, "producer.not_approved_dealer", core::ErrorClass::kRejected},
    {2602, "producer.already_registered", core::ErrorClass::kRejected},
    {2603, "producer.not_registered", core::ErrorClass::kRejected},
    {2604, "producer.bad_field", core::ErrorClass::kInvalid},
    {2605, "producer.too_many_votes", core::ErrorClass::kInvalid},
    {2606, "producer.duplicate_vote", core::ErrorClass::kInvalid},
    {2607, "producer.unknown_candidate", core::ErrorClass::kRejected},
    {2608, "producer.bad_signing_key", core::ErrorClass::kInvalid},
    {2609, "producer.signing_key_in_use", core::ErrorClass::kRejected},
    // 2700-2799 finality: votes, quorum certificates, finality proofs, safety state (2720-2749 evidence)
    {2701, "finality.malformed", core::ErrorClass::kInvalid},
    {2702, "finality.bad_signature", core::ErrorClass::kInvalid},
    {2703, "finality.signer_not_in_set", core::ErrorClass::kInvalid},
    {2704, "finality.no_quorum", core::ErrorClass::kInvalid},
    {2705, "finality.non_canonical_signers", core::ErrorClass::kInvalid},
    {2706, "finality.too_many_signers", core::ErrorClass::kInvalid},
    {2707, "finality.wrong_vote", core::ErrorClass::kInvalid},
    {2708, "finality.bad_producer_set", core::ErrorClass::kInvalid},
    {2709, "finality.not_final", core::ErrorClass::kInvalid},
    {2710, "finality.not_equivocation", core::ErrorClass::kInvalid},
    {2711, "finality.slot_not_newer", core::ErrorClass::kInvalid},
    {2712, "finality.already_voted_in_slot", core::ErrorClass::kInvalid},
    {2713, "finality.lock_conflict", core::ErrorClass::kInvalid},
    {2714, "finality.bad_justify", core::ErrorClass::kInvalid},
    {2715, "finality.bad_safety_state", core::ErrorClass::kInvalid},
    {2716, "finality.safety_io_error", core::ErrorClass::kInvalid},
    {2717, "finality.safety_file_exists", core::ErrorClass::kInvalid},
    {2718, "finality.safety_file_missing", core::ErrorClass::kInvalid},
    {2719, "finality.safety_file_damaged", core::ErrorClass::kInvalid},
    {2720, "finality.bad_evidence_kind", core::ErrorClass::kInvalid},
    {2721, "finality.evidence_unknown_key", core::ErrorClass::kRejected},
    {2722, "finality.evidence_duplicate", core::ErrorClass::kConflict},
    // 2800-2899 governance: the committee's proposals and approvals
    {2801, "governance.not_committee_member", core::ErrorClass::kRejected},
    {2802, "governance.bad_param", core::ErrorClass::kInvalid},
    {2803, "governance.bad_heights", core::ErrorClass::kRejected},
    {2804, "governance.unknown_proposal", core::ErrorClass::kRejected},
    {2805, "governance.not_pending", core::ErrorClass::kRejected},
    {2806, "governance.already_approved", core::ErrorClass::kRejected},
    {2807, "governance.not_approved", core::ErrorClass::kRejected},
    {2808, "governance.too_many_open", core::ErrorClass::kRejected},
    {2809, "governance.bad_description", core::ErrorClass::kInvalid},
    // clang-format on
};
static_assert(core::check_table(kChainErrors, "chain"));

// A live row of kChainErrors, named at compile time: chain_error("token.self_transfer", "...").
using ChainErrorRef = core::ErrorRef<kChainErrors>;

inline core::Error chain_error(ChainErrorRef e, std::string message) { return core::make_error(*e.def, std::move(message)); }

}  // namespace lingji::chain
