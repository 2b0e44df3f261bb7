#pragma once

#include "ConnectionSettings.h"
#include "MessageBatcher.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// What discovery found on a server at one moment. Every list is sorted by name.
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

    // Discovery stops at keyLimit names per kind (lists, streams, channels) in one refresh, so a
    // huge keyspace cannot stall the server or the console; truncated says a kind hit the cap and
    // its list is partial.
    static constexpr int kDefaultKeyLimit = 10000;
    int keyLimit = kDefaultKeyLimit;
    bool truncated = false;
    bool listsTruncated = false;
    bool streamsTruncated = false;
    bool channelsTruncated = false;
    // Clients subscribed to patterns (PUBSUB NUMPAT); they are not counted in NUMSUB.
    qint64 patternSubscriptions = 0;
    // Redis's own text for commands of this refresh that failed (e.g. NOPERM); what did work is
    // still listed.
    QStringList errors;
};

// The monitor's worker, on its own thread ("rq-monitor"), with an admin connection.
class ServerMonitorWorker : public QObject {
    Q_OBJECT
public:
    ServerMonitorWorker(const ConnectionSettings& settings, int intervalMs, int keyLimit,
                        QObject* parent = nullptr);
    ~ServerMonitorWorker() override;

    // Invoked on the worker's thread (queued from ServerMonitor).
    void start();
    // Refreshes now; if a refresh is running, another follows it (so the result reflects
    // everything that happened before the call).
    void refresh();
    void stop();

    // SCAN's COUNT hint, and the most SCAN calls per kind in one refresh (a keyspace of millions of
    // other keys is sampled, not walked, and the snapshot says it is truncated).
    static constexpr int kScanCount = 1000;
    static constexpr int kMaxScanCalls = 1000;

signals:
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void connected(const QString& serverVersion);
    void errorOccurred(const QString& error);
    void connectionLost(const QString& reason);
    void stopped();

private:
    struct Scan {
        QByteArray type;
        QByteArray cursor = "0";
        int calls = 0;
        bool done = false;
        bool truncated = false;
        QList<QByteArray> keys;
    };

    void openConnection();
    void onReady();
    void onConnectionDown(const QString& reason, bool wasReady);
    void scanStep(Scan* scan);
    void stepDone();
    void measure();
    void finishRefresh();
    void noteError(const RedisReply& reply, const QByteArray& command);
    void report(const QString& error);

    ConnectionSettings m_settings;
    int m_intervalMs;
    int m_keyLimit;
    RedisConnection* m_conn = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_reconnectTimer = nullptr;
    Backoff m_backoff;
    bool m_stopping = false;
    QString m_version;
    QString m_lastError;

    // The refresh in progress.
    bool m_refreshing = false;
    bool m_again = false;
    int m_stepsLeft = 0;
    Scan m_lists;
    Scan m_streams;
    QList<QByteArray> m_channelNames;
    ServerSnapshot m_snap;
};

// Discovery on an admin connection, on its own thread: SCAN … TYPE list|stream (never KEYS),
// PUBSUB CHANNELS and NUMSUB, LLEN / XLEN, every few seconds and on request. Reconnects with
// backoff when the connection is lost.
class ServerMonitor : public QObject {
    Q_OBJECT
public:
    explicit ServerMonitor(const ConnectionSettings& settings, int intervalMs = 3000,
                           QObject* parent = nullptr);
    ~ServerMonitor() override; // stops its thread

    // Before start(): names per kind one refresh collects at most (ServerSnapshot::truncated).
    void setKeyLimit(int limit);
    void start();
    void refreshNow();
    // Closes the admin connection and ends the thread (waits briefly).
    void stop();

signals:
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void connected(const QString& serverVersion);
    void errorOccurred(const QString& error);
    void connectionLost(const QString& reason);

private:
    ConnectionSettings m_settings;
    int m_intervalMs;
    int m_keyLimit = ServerSnapshot::kDefaultKeyLimit;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<ServerMonitorWorker> m_worker;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ServerSnapshot)
