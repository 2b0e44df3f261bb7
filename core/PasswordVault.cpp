#include "PasswordVault.h"

#include <QTimer>

namespace rqc {

using Status = SecretStore::Status;

PasswordVault::PasswordVault(std::unique_ptr<SecretStore> keychain, QObject* parent)
    : QObject(parent)
    , m_keychain(std::move(keychain))
{
}

PasswordVault::~PasswordVault() = default;

void PasswordVault::load(const QString& key, QObject* context, Callback cb)
{
    if (m_memory.has(key) || !m_keychain->isPersistent()) {
        // What the user typed this session wins over an older keychain entry: it worked.
        Result r;
        r.inMemory = true;
        r.password = m_memory.value(key);
        r.status = m_memory.has(key) ? Status::Ok : Status::Unavailable;
        if (!m_keychain->isPersistent())
            r.keychainError = m_keychain->description();
        QTimer::singleShot(0, context, [cb = std::move(cb), r] { cb(r); });
        return;
    }
    m_keychain->read(key, context, [cb = std::move(cb)](const SecretStore::Result& kr) {
        Result r;
        r.status = kr.status == Status::Error ? Status::Unavailable : kr.status;
        r.password = kr.secret;
        r.keychainError = kr.error;
        cb(r);
    });
}

void PasswordVault::store(const QString& key, const QByteArray& password, QObject* context,
                          Callback cb)
{
    if (password.isEmpty()) {
        m_memory.remove(key, nullptr, {});
        if (!m_keychain->isPersistent()) {
            QTimer::singleShot(0, context, [cb = std::move(cb)] { cb(Result()); });
            return;
        }
        m_keychain->remove(key, context, [cb = std::move(cb)](const SecretStore::Result& kr) {
            Result r;
            r.status = kr.status == Status::Ok ? Status::Ok : Status::Unavailable;
            r.keychainError = kr.error;
            cb(r);
        });
        return;
    }
    // In memory at once: a connect right after a save need not wait for the keychain.
    m_memory.set(key, password);
    if (!m_keychain->isPersistent()) {
        Result r;
        r.status = Status::Unavailable;
        r.inMemory = true;
        r.keychainError = m_keychain->description();
        QTimer::singleShot(0, context, [cb = std::move(cb), r] { cb(r); });
        return;
    }
    m_keychain->write(key, password, context,
                      [this, key, cb = std::move(cb)](const SecretStore::Result& kr) {
                          Result r;
                          if (kr.status == Status::Ok) {
                              m_memory.remove(key, nullptr, {});
                          } else {
                              r.status = Status::Unavailable;
                              r.inMemory = true;
                              r.keychainError = kr.error;
                          }
                          cb(r);
                      });
}

void PasswordVault::keepInMemory(const QString& key, const QByteArray& password)
{
    m_memory.set(key, password);
}

} // namespace rqc
