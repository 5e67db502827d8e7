// money.h: the one way CT moves (STYLE.md rule 3; Graphene's adjust_balance). Every module that
// moves CT — transfers, block rewards, and later bet stakes, payouts and OTC escrow — calls
// move(); nothing else writes a balance after the genesis. move() does, in one place:
//   - the checked arithmetic (positive amount, enough balance, no overflow),
//   - the lock rules of R2 (only free CT moves: chain/vesting/vesting.h),
//   - the vote weights that follow balances (chain/producers/producer.h),
//   - the resource mana that follows free balances (chain/resources/resources.h): both accounts
//     are settled at the capacity they had, and the sender's mana is cut to its new capacity,
//     so moving stake around never creates mana, and
//   - the event that reports the move (chain/events.h).
// It checks everything before writing, so a refused move leaves the state untouched.
//
// Module escrow accounts hold CT on a module's behalf (a market's stakes, an OTC order's
// escrow). Each is an ordinary account whose key is BLAKE2b-256 of a tag naming the module and
// the escrow's id: nobody holds a private key for it, so CT leaves it only through the module's
// own rules. Anyone can still transfer CT into an escrow account (its key is public), so a
// module keeps its own books of what each escrow owes and pays out from them, never "the
// escrow's balance": a gift to an escrow then stays there, and cannot inflate a payout or make
// a settlement fail. The supply invariant counts escrows like any account: the balances of all
// accounts always sum to exactly 10,000,000,000 CT (total_balances).
#pragma once

#include <string_view>

#include "chain/apply_context.h"
#include "chain/events.h"
#include "chain/state/state.h"

namespace lingji::chain {
struct Account;
}

namespace lingji::chain::token {

// The free part of a's balance at `time` (a is `account`'s record); reads the lock record only if
// the account has one.
core::Amount free_of(const StateReader& s, const core::PublicKey& account, const Account& a, TimeMs time,
                     int utc_offset_minutes);
// The part of `account`'s balance that may move at `time` (all of it unless it has a lock).
core::Amount free_balance(const StateReader& s, const core::PublicKey& account, TimeMs time,
                          int utc_offset_minutes);

// Moves `amount` of free CT from `from` to `to` at ctx.block_time.
// Errors: token.non_positive_amount, token.self_transfer, token.insufficient_balance,
// token.locked_balance, token.balance_overflow.
[[nodiscard]] core::Status move(StateOverlay& s, const core::PublicKey& from, const core::PublicKey& to,
                                core::Amount amount, const ApplyContext& ctx,
                                MoveReason reason = MoveReason::kTransfer);

// The escrow account of `module`'s escrow `id` (see above); module is a short stable tag
// such as "market" or "otc".
core::PublicKey escrow_account(std::string_view module, uint64_t id);
// Into and out of an escrow: move() with the escrow reasons.
[[nodiscard]] core::Status credit_escrow(StateOverlay& s, const core::PublicKey& from, const core::PublicKey& escrow,
                                         core::Amount amount, const ApplyContext& ctx);
[[nodiscard]] core::Status debit_escrow(StateOverlay& s, const core::PublicKey& escrow, const core::PublicKey& to,
                                        core::Amount amount, const ApplyContext& ctx);

// The sum of every account's balance, escrows included: exactly the supply, always (checked
// after every block of every multi-block test). nullopt if the sum overflows (it never may).
std::optional<core::Amount> total_balances(const State& s);

}  // namespace lingji::chain::token
