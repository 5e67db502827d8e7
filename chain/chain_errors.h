// chain_errors.h: the stable error codes of the chain layer. A released code is never renumbered.
//   2000-2099 transactions   2100-2199 token   2200-2299 vesting/listing   2300-2399 blocks
//   2400-2499 genesis        2500-2599 dealers           2600-2699 producers and votes
//   2701-2749 finality (votes, quorum certificates, finality proofs, safety state; 2720-2749 evidence)
//   2800-2899 governance (the committee's proposals and approvals)
#pragma once

#include <string>

#include "core/result.h"

namespace lingji::chain {

enum class ErrorCode : int {
  kTxMalformed = 2000,
  kTxWrongChain = 2001,
  kTxBadSignature = 2002,
  kTxExpired = 2003,
  kTxExpirationTooFar = 2004,
  kTxStaleSequence = 2005,
  kTxFutureSequence = 2006,
  kTxNoOperations = 2007,
  kTxTooManyOperations = 2008,
  kTxTooLarge = 2009,
  kTxDuplicate = 2010,
  kTxUnknownOperation = 2011,

  kTokenNonPositiveAmount = 2101,
  kTokenSelfTransfer = 2102,
  kTokenInsufficientBalance = 2103,
  kTokenLockedBalance = 2104,
  kTokenMemoTooLong = 2105,
  kTokenBalanceOverflow = 2106,
  kTokenAmountTooLarge = 2107,

  kListingNotFoundation = 2201,
  kListingAlreadyDeclared = 2202,
  kListingBadExchangeName = 2203,
  kListingMovedToCommittee = 2204,

  kBlockBadHeight = 2301,
  kBlockBadPrevious = 2302,
  kBlockBadTimestamp = 2303,
  kBlockWrongProducer = 2304,
  kBlockBadSignature = 2305,
  kBlockBadTxRoot = 2306,
  kBlockBadStateRoot = 2307,
  kBlockTooManyTransactions = 2308,
  kBlockInvalidTransaction = 2309,
  kBlockMalformed = 2310,
  kBlockTooLarge = 2311,
  kBlockBadSlot = 2312,
  kBlockBadJustify = 2313,
  kBlockBadCertificate = 2314,

  kGenesisInvalid = 2401,

  kDealerBadField = 2501,
  kDealerAlreadyRegistered = 2502,
  kDealerNotFoundation = 2503,
  kDealerUnknown = 2504,
  kDealerBadStatus = 2505,

  kProducerNotApprovedDealer = 2601,
  kProducerAlreadyRegistered = 2602,
  kProducerNotRegistered = 2603,
  kProducerBadField = 2604,
  kProducerTooManyVotes = 2605,
  kProducerDuplicateVote = 2606,
  kProducerUnknownCandidate = 2607,
  kProducerBadSigningKey = 2608,

  kFinalityMalformed = 2701,
  kFinalityBadSignature = 2702,
  kFinalitySignerNotInSet = 2703,
  kFinalityNoQuorum = 2704,
  kFinalityNonCanonicalSigners = 2705,
  kFinalityTooManySigners = 2706,
  kFinalityWrongVote = 2707,
  kFinalityBadProducerSet = 2708,
  kFinalityNotFinal = 2709,
  kFinalityNotEquivocation = 2710,
  kFinalitySlotNotNewer = 2711,
  kFinalityAlreadyVotedInSlot = 2712,
  kFinalityLockConflict = 2713,
  kFinalityBadJustify = 2714,
  kFinalityBadSafetyState = 2715,
  kFinalitySafetyIoError = 2716,
  kFinalitySafetyFileExists = 2717,
  kFinalitySafetyFileMissing = 2718,
  kFinalitySafetyFileDamaged = 2719,
  kFinalityBadEvidenceKind = 2720,
  kFinalityEvidenceUnknownKey = 2721,
  kFinalityEvidenceDuplicate = 2722,

  kGovernanceNotCommitteeMember = 2801,
  kGovernanceBadParam = 2802,
  kGovernanceBadHeights = 2803,
  kGovernanceUnknownProposal = 2804,
  kGovernanceNotPending = 2805,
  kGovernanceAlreadyApproved = 2806,
  kGovernanceNotApproved = 2807,
  kGovernanceTooManyOpen = 2808,
  kGovernanceBadDescription = 2809,
};

// The stable dotted name of a code ("token.insufficient_balance").
const char* error_name(ErrorCode code);

inline core::Error chain_error(ErrorCode code, std::string message) {
  return core::Error{static_cast<int>(code), error_name(code), std::move(message)};
}

}  // namespace lingji::chain
