#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace rqc {

// Where connection passwords are kept, asynchronously: a keychain answers over D-Bus, and the
// window's thread never waits for it. Every call takes a context object: when it is gone by the
// time the answer comes, the callback is dropped (STYLE.md, "follow-up work dies with its owner").
class SecretStore : public QObject {
    Q_OBJECT
public:
    enum class Status {
        Ok,
        NotFound,    // nothing stored under that key
        Unavailable, // no keychain to ask (no Secret Service on the bus…)
        Error        // the keychain refused (locked, access denied…); error says why
    };
    struct Result {
        Status status = Status::Ok;
        QByteArray secret; // read only
        QString error;     // for the user; empty when Ok
    };
    using Callback = std::function<void(const Result&)>;

    using QObject::QObject;

    virtual void read(const QString& key, QObject* context, Callback cb) = 0;
    virtual void write(const QString& key, const QByteArray& secret, QObject* context,
                       Callback cb) = 0;
    virtual void remove(const QString& key, QObject* context, Callback cb) = 0;
    // False once the store has found out that it has nowhere to keep secrets.
    virtual bool isPersistent() const = 0;
    // What keeps the secrets, for the user ("the system keychain", "memory only").
    virtual QString description() const = 0;
};

// Secrets kept in this process's memory until it ends: where there is no keychain. Answers on
// the next turn of the event loop, as a keychain would.
class MemorySecretStore : public SecretStore {
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString& key, QObject* context, Callback cb) override;
    void write(const QString& key, const QByteArray& secret, QObject* context,
               Callback cb) override;
    void remove(const QString& key, QObject* context, Callback cb) override;
    bool isPersistent() const override { return false; }
    QString description() const override;

    // Synchronous access for the code that owns the memory (no keychain round trip to wait for).
    bool has(const QString& key) const { return m_secrets.contains(key); }
    QByteArray value(const QString& key) const { return m_secrets.value(key); }
    void set(const QString& key, const QByteArray& secret) { m_secrets.insert(key, secret); }

private:
    void answer(QObject* context, Callback cb, const Result& result);

    QHash<QString, QByteArray> m_secrets;
};

} // namespace rqc
