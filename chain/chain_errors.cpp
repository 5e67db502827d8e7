#include "chain/chain_errors.h"

namespace lingji::chain {

const char* error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTxMalformed: return "tx.malformed";
    case ErrorCode::kTxWrongChain: return "tx.wrong_chain_id";
    case ErrorCode::kTxBadSignature: return "tx.bad_signature";
    case ErrorCode::kTxExpired: return "tx.expired";
    case ErrorCode::kTxExpirationTooFar: return "tx.expiration_too_far";
    case ErrorCode::kTxStaleSequence: return "tx.stale_sequence";
    case ErrorCode::kTxFutureSequence: return "tx.future_sequence";
    case ErrorCode::kTxNoOperations: return "tx.no_operations";
    case ErrorCode::kTxTooManyOperations: return "tx.too_many_operations";
    case ErrorCode::kTxTooLarge: return "tx.too_large";
    case ErrorCode::kTxDuplicate: return "tx.duplicate";
    case ErrorCode::kTxUnknownOperation: return "tx.unknown_operation";
    case ErrorCode::kTokenNonPositiveAmount: return "token.non_positive_amount";
    case ErrorCode::kTokenSelfTransfer: return "token.self_transfer";
    case ErrorCode::kTokenInsufficientBalance: return "token.insufficient_balance";
    case ErrorCode::kTokenLockedBalance: return "token.locked_balance";
    case ErrorCode::kTokenMemoTooLong: return "token.memo_too_long";
    case ErrorCode::kTokenBalanceOverflow: return "token.balance_overflow";
    case ErrorCode::kTokenAmountTooLarge: return "token.amount_too_large";
    case ErrorCode::kListingNotFoundation: return "listing.not_foundation";
    case ErrorCode::kListingAlreadyDeclared: return "listing.already_declared";
    case ErrorCode::kListingBadExchangeName: return "listing.bad_exchange_name";
    case ErrorCode::kListingMovedToCommittee: return "listing.moved_to_committee";
    case ErrorCode::kBlockBadHeight: return "block.bad_height";
    case ErrorCode::kBlockBadPrevious: return "block.bad_previous";
    case ErrorCode::kBlockBadTimestamp: return "block.bad_timestamp";
    case ErrorCode::kBlockWrongProducer: return "block.wrong_producer";
    case ErrorCode::kBlockBadSignature: return "block.bad_signature";
    case ErrorCode::kBlockBadTxRoot: return "block.bad_tx_root";
    case ErrorCode::kBlockBadStateRoot: return "block.bad_state_root";
    case ErrorCode::kBlockTooManyTransactions: return "block.too_many_transactions";
    case ErrorCode::kBlockInvalidTransaction: return "block.invalid_transaction";
    case ErrorCode::kBlockMalformed: return "block.malformed";
    case ErrorCode::kBlockTooLarge: return "block.too_large";
    case ErrorCode::kBlockBadSlot: return "block.bad_slot";
    case ErrorCode::kBlockBadJustify: return "block.bad_justify";
    case ErrorCode::kBlockBadCertificate: return "block.bad_certificate";
    case ErrorCode::kGenesisInvalid: return "genesis.invalid";
    case ErrorCode::kDealerBadField: return "dealer.bad_field";
    case ErrorCode::kDealerAlreadyRegistered: return "dealer.already_registered";
    case ErrorCode::kDealerNotFoundation: return "dealer.not_foundation";
    case ErrorCode::kDealerUnknown: return "dealer.unknown";
    case ErrorCode::kDealerBadStatus: return "dealer.bad_status";
    case ErrorCode::kProducerNotApprovedDealer: return "producer.not_approved_dealer";
    case ErrorCode::kProducerAlreadyRegistered: return "producer.already_registered";
    case ErrorCode::kProducerNotRegistered: return "producer.not_registered";
    case ErrorCode::kProducerBadField: return "producer.bad_field";
    case ErrorCode::kProducerTooManyVotes: return "producer.too_many_votes";
    case ErrorCode::kProducerDuplicateVote: return "producer.duplicate_vote";
    case ErrorCode::kProducerUnknownCandidate: return "producer.unknown_candidate";
    case ErrorCode::kProducerBadSigningKey: return "producer.bad_signing_key";
    case ErrorCode::kFinalityMalformed: return "finality.malformed";
    case ErrorCode::kFinalityBadSignature: return "finality.bad_signature";
    case ErrorCode::kFinalitySignerNotInSet: return "finality.signer_not_in_set";
    case ErrorCode::kFinalityNoQuorum: return "finality.no_quorum";
    case ErrorCode::kFinalityNonCanonicalSigners: return "finality.non_canonical_signers";
    case ErrorCode::kFinalityTooManySigners: return "finality.too_many_signers";
    case ErrorCode::kFinalityWrongVote: return "finality.wrong_vote";
    case ErrorCode::kFinalityBadProducerSet: return "finality.bad_producer_set";
    case ErrorCode::kFinalityNotFinal: return "finality.not_final";
    case ErrorCode::kFinalityNotEquivocation: return "finality.not_equivocation";
    case ErrorCode::kFinalitySlotNotNewer: return "finality.slot_not_newer";
    case ErrorCode::kFinalityAlreadyVotedInSlot: return "finality.already_voted_in_slot";
    case ErrorCode::kFinalityLockConflict: return "finality.lock_conflict";
    case ErrorCode::kFinalityBadJustify: return "finality.bad_justify";
    case ErrorCode::kFinalityBadSafetyState: return "finality.bad_safety_state";
    case ErrorCode::kFinalitySafetyIoError: return "finality.safety_io_error";
    case ErrorCode::kFinalitySafetyFileExists: return "finality.safety_file_exists";
    case ErrorCode::kFinalitySafetyFileMissing: return "finality.safety_file_missing";
    case ErrorCode::kFinalitySafetyFileDamaged: return "finality.safety_file_damaged";
    case ErrorCode::kFinalityBadEvidenceKind: return "finality.bad_evidence_kind";
    case ErrorCode::kFinalityEvidenceUnknownKey: return "finality.evidence_unknown_key";
    case ErrorCode::kFinalityEvidenceDuplicate: return "finality.evidence_duplicate";
    case ErrorCode::kGovernanceNotCommitteeMember: return "governance.not_committee_member";
    case ErrorCode::kGovernanceBadParam: return "governance.bad_param";
    case ErrorCode::kGovernanceBadHeights: return "governance.bad_heights";
    case ErrorCode::kGovernanceUnknownProposal: return "governance.unknown_proposal";
    case ErrorCode::kGovernanceNotPending: return "governance.not_pending";
    case ErrorCode::kGovernanceAlreadyApproved: return "governance.already_approved";
    case ErrorCode::kGovernanceNotApproved: return "governance.not_approved";
    case ErrorCode::kGovernanceTooManyOpen: return "governance.too_many_open";
    case ErrorCode::kGovernanceBadDescription: return "governance.bad_description";
  }
  return "unknown";
}

}  // namespace lingji::chain
