// default_genesis.h: genesis/default.json, compiled into the node so that `lingjid --dev`
// works from any directory.
#pragma once

namespace lingji {
extern const char* const kDefaultGenesisJson;
}
