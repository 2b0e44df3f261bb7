#pragma once

#include "ConnectionSettings.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

namespace rqc {

class RedisConnection;

// The process's word that a Sentinel set-up's master moved (+switch-master, heard by a
// SentinelWatcher): every RedisConnection to the old master of that name drops it and connects
// again, through the Sentinels, to the new one. Safe to use from any thread.
class SentinelEvents : public QObject {
    Q_OBJECT
public:
    static SentinelEvents* instance();

signals:
    // from and to are host:port.
    void masterSwitched(const QString& name, const QString& from, const QString& to);
};

// Finds a Sentinel set-up's master, as the Sentinel client guidelines say: ask each Sentinel in
// turn SENTINEL GET-MASTER-ADDR-BY-NAME, then connect to the address given and check with ROLE
// that it is a master (a Sentinel may still name a demoted one during a failover); on any
// failure, the next Sentinel. Asynchronous, on the thread it lives on; one answer per start():
// resolved() or failed(). Every connection of the console asks again at each (re)connect.
class SentinelResolver : public QObject {
    Q_OBJECT
public:
    explicit SentinelResolver(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~SentinelResolver() override;

    void start();

    // The settings to talk to one Sentinel (its own password, no db, no TLS).
    static ConnectionSettings sentinelSettings(const ConnectionSettings& settings, int index);

signals:
    void resolved(const QString& host, quint16 port);
    // Every Sentinel was tried; error says what each answered.
    void failed(const QString& error);

private:
    void askSentinel();
    void verify(const QString& host, quint16 port);
    void next(const QString& why);
    void dropConnection();

    ConnectionSettings m_settings;
    int m_index = 0;
    QPointer<RedisConnection> m_conn;
    QStringList m_errors;
};

} // namespace rqc
