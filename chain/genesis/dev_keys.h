// dev_keys.h: the publicly known keys of the development chain. Anyone can derive them (the
// seed of key NAME is BLAKE2b-256("LINGJI/DEV-KEY/v1:" || NAME)), so they hold nothing of
// value: they exist so that `lingjid --dev` and a newcomer's wallet work at once.
// Names used by genesis/default.json: foundation, producer, cornerstone, dealers, team,
// community-rewards, community, dev.
#pragma once

#include <string_view>

#include "core/keys.h"

namespace lingji::chain {

core::Seed dev_seed(std::string_view name);
core::PrivateKey dev_key(std::string_view name);

}  // namespace lingji::chain
