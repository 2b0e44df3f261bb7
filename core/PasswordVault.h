#pragma once

#include "SecretStore.h"

#include <memory>

namespace rqc {

// Connection passwords: in the keychain when there is one, otherwise in this process's memory
// until it ends. Everything is asynchronous (the keychain answers over D-Bus). A keychain that
// turns out to be missing or refusing is not an error for the caller: the password is then kept
// in memory, and Result::status says Unavailable so that the window can say so.
class PasswordVault : public QObject {
    Q_OBJECT
public:
    // keychain: the persistent store (KeychainSecretStore in the console); the vault owns it.
    explicit PasswordVault(std::unique_ptr<SecretStore> keychain, QObject* parent = nullptr);
    ~PasswordVault() override;

    struct Result {
        SecretStore::Status status = SecretStore::Status::Ok;
        QByteArray password;
        bool inMemory = false; // the password came from, or went to, memory only
        QString keychainError; // why the keychain did not keep it, for the user
    };
    using Callback = std::function<void(const Result&)>;

    // Ok (password, maybe from memory), NotFound (none kept anywhere), or Unavailable (no
    // keychain and nothing in memory: ask the user).
    void load(const QString& key, QObject* context, Callback cb);
    // Keeps password (an empty one removes it). Ok: in the keychain. Unavailable: in memory.
    void store(const QString& key, const QByteArray& password, QObject* context, Callback cb);
    // For a password the user typed at a prompt because there is no keychain.
    void keepInMemory(const QString& key, const QByteArray& password);
    bool keychainAvailable() const { return m_keychain->isPersistent(); }
    SecretStore* keychain() const { return m_keychain.get(); }

private:
    std::unique_ptr<SecretStore> m_keychain;
    MemorySecretStore m_memory;
};

} // namespace rqc
