#pragma once

#include "ConnectionProfile.h"

#include <QObject>

#include <functional>

namespace rqc {

class PasswordVault;

// A profile's secrets besides its password, each kept by the PasswordVault (the keychain) under
// its own key, never in the settings: the Sentinels' own password (a Sentinel profile,
// sentinelSecretKey()) and an encrypted TLS client key's passphrase (keyPassphraseSecretKey()).
namespace ProfileSecrets {

// Reads those the profile uses into profile.server (sentinelPassword, clientKeyPassphrase); one
// not found stays empty. done(profile) runs once all have answered (dropped with context).
void load(PasswordVault* vault, const ConnectionProfile& profile, QObject* context,
          std::function<void(const ConnectionProfile&)> done);
// Keeps those the profile uses (an empty one removes it). done(inKeychain): false when one of
// them could be kept in memory only.
void store(PasswordVault* vault, const ConnectionProfile& profile, QObject* context,
           std::function<void(bool inKeychain)> done);
// Removes every one of them (a deleted profile).
void remove(PasswordVault* vault, const ConnectionProfile& profile, QObject* context);

} // namespace ProfileSecrets

} // namespace rqc
