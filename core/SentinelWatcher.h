#pragma once

#include "ConnectionSettings.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>

namespace rqc {

class RedisConnection;

// One per session of a Sentinel set-up: subscribed to +switch-master on every Sentinel, it tells
// the window, and every connection of the process (SentinelEvents), when the master moved. Each
// Sentinel announces the same switch: it is reported once. Reconnects to a Sentinel that went
// away, every second.
class SentinelWatcher : public QObject {
    Q_OBJECT
public:
    explicit SentinelWatcher(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~SentinelWatcher() override;

    void start();
    // How many Sentinels the watcher is subscribed to now.
    int subscribedCount() const;

signals:
    void masterSwitched(const QString& name, const QString& from, const QString& to,
                        const QDateTime& at);

private:
    void openOne(int index);
    void onSwitch(const QByteArray& payload);

    ConnectionSettings m_settings;
    QList<RedisConnection*> m_conns;
    QList<bool> m_subscribed;
    QHash<QString, qint64> m_lastSeen; // "from>to" → when it was reported (ms since epoch)
};

} // namespace rqc
