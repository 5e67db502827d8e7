// governance.h: the governance committee (R14) and the producers' block rewards.
//
// The committee is the active producer set: the members of the schedule's current generation
// (chain/producers/schedule.h), each acting through its account — the dealer account of an
// elected producer, or for the genesis' bootstrap producers the signing key's own account. In
// the joint phase of a set change the old generation is still the committee.
//
// Proposals. A member proposes new values for chain parameters (governance_propose) or the
// listing declaration of R2 (governance_propose_listing), with two heights H_e >= H_x > H_p
// (H_p the proposing block): the proposer's own approval counts at once; other members approve
// in blocks before H_x (governance_approve, or take an approval back with governance_unapprove
// while the proposal is pending). A proposal is approved as soon as more than two thirds of the
// current committee have approved it: floor(2n/3) + 1 of its n members (approvals of accounts
// that left the committee do not count). At the start of block H_x a proposal still pending is
// counted once more against the committee then, and is approved or expired. At the start of
// block H_e an approved proposal is enacted: its changes apply to the parameters of that moment
// (if the result is no longer valid, e.g. another proposal moved a bound, or the listing was
// already declared, it fails and changes nothing). Expired and failed proposals never take effect.
// Bounds: H_x - H_p <= kMaxVotingBlocks, H_e - H_x <= kMaxEnactDelayBlocks; a member has at most
// kMaxOpenPerMember proposals pending or approved.
//
// Block interval. When an enacted proposal changes block_interval_ms at block E (slot s_E), a
// new slot segment starts: slot s >= s_E begins at start(s_E) + (s - s_E) * new interval. Block E
// itself keeps its time under the old interval, so every slot time already used stays the same.
//
// Rewards. At the start of every block its producer's account receives
// min(block_reward, spendable balance of the fee pool), moved from the fee pool account. The fee
// pool is the account whose 32-byte key is BLAKE2b-256("LINGJI/FEE_POOL/v1"): nobody holds a
// private key for it, so CT leaves it only as rewards; anyone may transfer CT into it, and a
// genesis may allocate to it. Rewards move CT and never create any.
//
// State keys (codec.h primitives; the id in the key is big-endian):
//   'C' "params"          -> params := bet_fee_min_bp:u32 bet_fee_max_bp:u32 bet_fee_default_bp:u32
//                                      bet_min:i64 bet_max:i64 block_interval_ms:u32 block_reward:i64
//                                      resource_window_ms:u32 resource_units_per_ct:u32
//                                      resource_floor_units:u32 resource_tx_units:u32
//   'C' "height"          -> height:u64   (the block being applied; the head's in a mempool check)
//   'C' "next"            -> the next proposal id:u64 (ids start at 1)
//   'C' "open"            -> vector<id:u64 proposer:fixed<32> expires_height:u64 effective_height:u64>
//   'C' "slots"           -> vector<from_slot:u64 from_time:i64 interval_ms:u32>
//   'C' 'P' || id:u64be   -> proposal := kind:u8 proposer:fixed<32> proposed_height:u64
//                            effective_height:u64 expires_height:u64 description:string
//                            changes:vector<change> exchange:string approvals:vector<fixed<32>>
//                            status:u8 decided_height:u64 note:string
#pragma once

#include <optional>
#include <vector>

#include "chain/apply_context.h"
#include "chain/block_hooks.h"
#include "chain/producers/schedule.h"
#include "chain/governance/governance_ops.h"
#include "chain/governance/params.h"
#include "chain/state/state.h"

namespace lingji::chain {

inline constexpr uint64_t kMaxVotingBlocks = 1'209'600;      // 14 days of 1 s blocks
inline constexpr uint64_t kMaxEnactDelayBlocks = 1'209'600;
inline constexpr size_t kMaxOpenPerMember = 4;
inline constexpr size_t kMaxDescriptionBytes = 256;

// The genesis values: block_interval_ms and resource_window_ms from the genesis, the rest the
// defaults above.
GovernedParams genesis_params(const Genesis& g);
// Writes the parameters and the first slot segment (part of Genesis::initial_state).
void init_governance(StateOverlay& s, const Genesis& g);
GovernedParams load_params(const StateReader& s);
// The stored record (params.h); the committee writes it only by enacting a proposal.
void store_params(StateOverlay& s, const GovernedParams& p);

enum class ProposalKind : uint8_t { kParams = 1, kListing = 2 };
enum class ProposalStatus : uint8_t { kPending = 1, kApproved = 2, kEnacted = 3, kExpired = 4, kFailed = 5 };
const char* proposal_kind_name(ProposalKind k);      // "params", "listing"
const char* proposal_status_name(ProposalStatus s);  // "pending", "approved", "enacted", "expired", "failed"

struct Proposal {
  uint64_t id = 0;
  ProposalKind kind = ProposalKind::kParams;
  PublicKey proposer;
  uint64_t proposed_height = 0;
  ProposalHeights heights;
  std::string description;
  std::vector<ParamChange> changes;  // kParams
  std::string exchange;              // kListing
  std::vector<PublicKey> approvals;  // in the order they came
  ProposalStatus status = ProposalStatus::kPending;
  uint64_t decided_height = 0;  // when it was approved, expired, enacted or failed (0 while pending)
  std::string note;             // why it failed
};

std::optional<Proposal> load_proposal(const StateReader& s, uint64_t id);
// The id the next proposal will get.
uint64_t next_proposal_id(const StateReader& s);
// Proposals by id, newest first, at most `limit`, starting below `before` (0 = from the newest).
std::vector<Proposal> list_proposals(const State& s, uint64_t before, size_t limit);
// The committee: the members of the current generation.
std::vector<Member> committee(const StateReader& s);
// Approvals needed out of n members: more than two thirds.
inline size_t approval_threshold(size_t n) { return 2 * n / 3 + 1; }
// The approvals that count now: those of current committee members.
size_t counted_approvals(const StateReader& s, const Proposal& p);

// The fee pool's account key (see above).
const PublicKey& fee_pool_account();

// Block hooks (chain/block_hooks.h). begin_block records the height and decides the proposals
// due (expiry, then enactment, by id); pay_block_reward pays the block's producer its reward
// from the fee pool.
void begin_block(StateOverlay& s, const BlockContext& b);
void pay_block_reward(StateOverlay& s, const BlockContext& b);

// Slot times under the enacted block intervals (see above).
TimeMs slot_start(const StateReader& s, const Genesis& g, uint64_t slot);
uint64_t slot_at_time(const StateReader& s, const Genesis& g, TimeMs time);
// The last slot whose start time fits in an i64.
uint64_t max_slot(const StateReader& s, const Genesis& g);

}  // namespace lingji::chain
