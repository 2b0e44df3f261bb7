#pragma once

#include "ConnectionProfile.h"

#include <functional>

class QObject;
class QWidget;

namespace rqc {

class PasswordVault;

// Where no keychain answered: the secrets besides the password that a profile needs and nothing
// gave — a Sentinel profile's Sentinel password, an encrypted TLS client key's passphrase — asked
// one after the other in non-blocking prompts (objectName "sentinelPasswordPrompt",
// "keyPassphrasePrompt"), kept in memory only (PasswordVault::keepInMemory).
namespace SecretPrompt {

// done(profile, with what was typed) once every question is answered; a cancelled question
// leaves its secret empty (the connection then says what is missing). Dropped with context.
void askRest(QWidget* parent, PasswordVault* vault, const ConnectionProfile& profile,
             QObject* context, std::function<void(const ConnectionProfile&)> done);

// Whether the PEM key file is encrypted (needs a passphrase).
bool keyIsEncrypted(const QString& file);

} // namespace SecretPrompt

} // namespace rqc
