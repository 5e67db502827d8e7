// kdf_policy.cpp: the Argon2id cost of a new key (kdf_policy.h).
#include "cli/kdf_policy.h"

#include "chain/genesis/dev_keys.h"
#include "cli/wallet_errors.h"
#include "core/address.h"

namespace lingji::cli {

bool is_dev_chain_foundation(std::string_view foundation_address) {
  static const std::string dev = core::encode_address(chain::dev_key("foundation").public_key());
  return foundation_address == dev;
}

core::Result<KdfLimits> new_key_kdf_limits(bool insecure_requested, const std::optional<std::string>& node_foundation,
                                           std::ostream& warnings) {
  if (!insecure_requested) return KdfLimits::interactive();
  warnings << "lingji: WARNING: " << kInsecureFastKdfVariable
           << " is set: a new key gets the minimum Argon2id cost (1 pass, 8 KiB),\n"
              "lingji: WARNING: so anyone who copies its file can guess a weak password in seconds.\n"
              "lingji: WARNING: Only for development chains (lingjid --dev); unset it for real keys.\n";
  if (!node_foundation)
    return wallet_error("wallet.insecure_kdf_refused", std::string(kInsecureFastKdfVariable) +
                                                           " refused: the node could not be asked which chain it runs "
                                                           "(the fast KDF is for development chains only)");
  if (!is_dev_chain_foundation(*node_foundation))
    return wallet_error("wallet.insecure_kdf_refused",
                        std::string(kInsecureFastKdfVariable) + " refused: the node's chain (foundation " +
                            *node_foundation + ") is not a development chain; unset it to create real keys");
  return KdfLimits::minimum();
}

}  // namespace lingji::cli
