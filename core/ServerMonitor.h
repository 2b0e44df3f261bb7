#pragma once

#include "ConnectionSettings.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>

namespace rqc {

// What discovery found on a server at one moment.
struct ServerSnapshot {
    struct Key {
        QByteArray name;
        qint64 length = 0; // LLEN for lists, XLEN for streams
    };
    struct Channel {
        QByteArray name;
        qint64 subscribers = 0; // PUBSUB NUMSUB
    };
    QList<Key> lists;
    QList<Key> streams;
    QList<Channel> channels;
    qint64 takenAtMs = 0;
    QString serverVersion; // from INFO server
};

// Discovery on an admin connection, on its own thread: SCAN … TYPE list|stream (never KEYS),
// PUBSUB CHANNELS and NUMSUB, LLEN / XLEN, every few seconds and on request.
class ServerMonitor : public QObject {
    Q_OBJECT
public:
    explicit ServerMonitor(const ConnectionSettings& settings, int intervalMs = 3000,
                           QObject* parent = nullptr);
    ~ServerMonitor() override; // stops its thread

    void start();
    void refreshNow();
    void stop();

signals:
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void connected(const QString& serverVersion);
    void errorOccurred(const QString& error);
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ServerSnapshot)
