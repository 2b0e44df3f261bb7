#pragma once

#include "SecretStore.h"

namespace QKeychain {
class Job;
}

namespace rqc {

// Secrets in the system keychain through QtKeychain (Secret Service or KWallet on Linux, the
// Keychain on macOS, the Credential Store on Windows), under the service name "rqconsole".
// Each call is one QtKeychain job: asynchronous, it never blocks the calling thread on D-Bus.
// A job that finds no backend (no Secret Service on the bus) answers Unavailable, and from then
// on isPersistent() is false.
class KeychainSecretStore : public SecretStore {
    Q_OBJECT
public:
    explicit KeychainSecretStore(const QString& service = defaultService(),
                                 QObject* parent = nullptr);

    void read(const QString& key, QObject* context, Callback cb) override;
    void write(const QString& key, const QByteArray& secret, QObject* context,
               Callback cb) override;
    void remove(const QString& key, QObject* context, Callback cb) override;
    bool isPersistent() const override { return !m_unavailable; }
    QString description() const override;

    static QString defaultService() { return QStringLiteral("rqconsole"); }

private:
    void finish(QKeychain::Job* job, QObject* context, Callback cb);

    QString m_service;
    bool m_unavailable = false;
};

} // namespace rqc
