// relay_errors.h: the errors of lingji-relay (test tooling), one table (core/error_table.h).
//
// The names appear on the control protocol ("error relay.unknown_link ..."), so rows are never
// renamed or renumbered.
#pragma once

#include <string>

#include "core/error_table.h"

namespace lingji::relay {

inline constexpr core::ErrorDef kRelayErrors[] = {
    {8100, "relay.bad_address", core::ErrorClass::kInvalid},      // not host:port, or an unresolvable host
    {8101, "relay.not_loopback", core::ErrorClass::kInvalid},     // a well-formed address that is not loopback
    {8102, "relay.bad_link_spec", core::ErrorClass::kInvalid},    // not NAME=LISTEN->TARGET, or a bad NAME
    {8103, "relay.unknown_link", core::ErrorClass::kNotFound},
    {8104, "relay.duplicate_link", core::ErrorClass::kConflict},
    {8105, "relay.bind_failed", core::ErrorClass::kInternal},     // the listen address is in use or not bindable
    {8106, "relay.bad_shaping", core::ErrorClass::kInvalid},      // delay or jitter out of 0..kMaxDelayMs
    {8107, "relay.unknown_command", core::ErrorClass::kInvalid},  // control protocol
    {8108, "relay.bad_arguments", core::ErrorClass::kInvalid},    // control protocol
};
static_assert(core::check_table(kRelayErrors, "relay"));

using RelayErrorRef = core::ErrorRef<kRelayErrors>;
inline core::Error relay_error(RelayErrorRef e, std::string message) {
  return core::make_error(*e.def, std::move(message));
}

}  // namespace lingji::relay
