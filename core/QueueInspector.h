#pragma once

#include "AckingConsumer.h"
#include "ConnectionSettings.h"
#include "MessageBatcher.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QTimer;

namespace rqc {

struct ReliableListKeys;

class RedisConnection;
class WorkerThread;

// What the inspector saw of one queue at one moment: a reliable list with its consumers'
// processing lists, or a stream with its groups, consumers and pending entries; plus the
// dead-letter list or stream. Only reads (LLEN, LRANGE, SCAN, XINFO, XPENDING, PTTL): taking a
// snapshot never changes the queue.
struct QueueSnapshot {
    enum class Kind { Missing, List, Stream, Other };

    struct ProcessingList {
        QByteArray key;
        QByteArray consumer; // the part after <queue>:processing:
        qint64 length = 0;
        bool alive = false;         // its heartbeat key exists
        qint64 heartbeatTtlMs = -2; // PTTL of the heartbeat (-2: none)
        QByteArray heartbeat;       // who holds it ("host pid N since …")
        QList<QByteArray> head;     // the newest messages, up to the sample size
    };
    struct StreamConsumer {
        QByteArray name;
        qint64 pending = 0;
        qint64 idleMs = 0;
        qint64 inactiveMs = -1; // Redis >= 7.2 only
        bool heartbeat = false; // an rqconsole consumer whose heartbeat key exists
    };
    struct PendingEntry {
        QByteArray id;
        QByteArray consumer;
        qint64 idleMs = 0;
        qint64 deliveries = 0;
        bool deleted = false; // the entry was deleted or trimmed while pending
    };
    struct StreamGroup {
        QByteArray name;
        qint64 consumerCount = 0;
        qint64 pending = 0;
        QByteArray lastDeliveredId;
        qint64 entriesRead = -1; // Redis >= 7.0
        qint64 lag = -1;         // Redis >= 7.0; -1 when the server cannot tell
        QList<StreamConsumer> consumers;
        QList<PendingEntry> oldestPending; // up to the sample size
    };
    // A client blocked in a list pop (CLIENT LIST: flag b, cmd brpop|blpop|blmove|brpoplpush|
    // blmpop). CLIENT LIST names the command, not the key: it may wait on any list.
    struct BlockedClient {
        qint64 id = 0;
        QByteArray name;
        QByteArray addr;
        QByteArray cmd;
        qint64 ageS = 0;
        qint64 idleS = 0;
    };

    QByteArray key;
    Kind kind = Kind::Missing;
    qint64 length = 0; // LLEN / XLEN
    // Reliable list.
    QList<ProcessingList> processing;
    qint64 deliveriesTracked = 0; // fields in <queue>:deliveries (messages that failed before)
    // Stream.
    QList<StreamGroup> groups;
    // Dead letters: <key>:dead unless set. deadSample holds the newest, up to the sample size
    // (list: payload; stream: id, fields and payload = field "message").
    QByteArray deadKey;
    qint64 deadLength = 0;
    MessageList deadSample;
    // InspectorOptions::census only: the clients blocked in list pops, server-wide.
    bool clientsListed = false;
    QList<BlockedClient> blockedListPops;
    QString clientsError; // Redis's own text when CLIENT LIST was refused

    qint64 takenAtMs = 0;
    QString error; // Redis's own text when a read failed
    // Not read at all: the key is on another node of a cluster ("not sampled: key on node X"),
    // or the census could not reach the master that serves it (CensusWorker).
    QString elsewhere;
};

struct InspectorOptions {
    QByteArray dead;       // default <key>:dead
    int maxDeliveries = 5; // for recover()
    int sample = 50;       // messages / entries listed per part
    int intervalMs = 2000; // 0: refresh only on request
    // Census mode (ConsumerCensus): also CLIENT LIST (O(clients)) for the clients blocked in
    // list pops, and heartbeats without a processing list (a live consumer with nothing in
    // flight); the keyspace is walked for processing lists at most every rescanMs (never while a
    // complete processing hint is set), the lists found are re-read cheaply in between.
    bool census = false;
    int rescanMs = 60000;
    // Census mode: false when the server's discovery (ServerMonitor) already walks the keyspace
    // within its budget: then only the processing lists it found (the hint) are read, and no
    // census ever walks the keyspace on its own.
    bool walkKeyspace = true;
};

// The clients blocked in list pops in a CLIENT LIST reply (its text).
QList<QueueSnapshot::BlockedClient> blockedListPops(const QByteArray& clientList);

class QueueInspectorWorker : public QObject {
    Q_OBJECT
public:
    QueueInspectorWorker(const ConnectionSettings& settings, const QByteArray& key,
                         const InspectorOptions& options, QObject* parent = nullptr);
    ~QueueInspectorWorker() override;

    // Invoked on the worker's thread (queued from QueueInspector).
    void start();
    void refresh();
    void stop();
    // Census mode: the processing lists someone else's keyspace walk found (the ServerMonitor's
    // discovery); complete = that walk saw every list. A complete hint replaces our own walk.
    void setProcessingHint(const QList<QByteArray>& keys, bool complete);
    // Census mode, for the CensusService: one census of this key now over `conn`, a connection the
    // caller owns and keeps open (this worker is not started then and has no timer or connection
    // of its own). The server-wide CLIENT LIST part comes read already, in `clients`.
    // snapshotReady() follows unless the connection goes down first.
    void censusOn(RedisConnection* conn, const QueueSnapshot& clients);
    void recover(qint64 requestId);
    void claim(qint64 requestId, const QByteArray& group, const QByteArray& consumer,
               qint64 minIdleMs);
    void requeueDead(qint64 requestId, const QList<QByteArray>& items);

signals:
    void snapshotReady(const rqc::QueueSnapshot& snapshot);
    void actionFinished(const rqc::RecoveryReport& report);
    void errorOccurred(const QString& error);
    void stopped();

private:
    void openConnection();
    void onReady();
    void onDown(const QString& reason);
    void gatherType(std::shared_ptr<QueueSnapshot> snap);
    void gatherList(std::shared_ptr<QueueSnapshot> snap);
    void startProcessingScan(std::shared_ptr<QueueSnapshot> snap);
    void scanProcessing(std::shared_ptr<QueueSnapshot> snap, const QByteArray& cursor);
    void readProcessing(std::shared_ptr<QueueSnapshot> snap);
    void gatherStream(std::shared_ptr<QueueSnapshot> snap);
    void gatherGroups(std::shared_ptr<QueueSnapshot> snap);
    void finishSnapshot(std::shared_ptr<QueueSnapshot> snap, const QString& error = QString());
    void runWhenReady(std::function<void()> job, qint64 requestId);
    void requeueItems(qint64 requestId, bool stream, const QList<QByteArray>& items);
    void claimRound(RecoveryReport report, const QByteArray& group, const QByteArray& consumer,
                    const QByteArray& minIdle, const QByteArray& cursor);
    void actionDone(const RecoveryReport& report);

    // The companion keys' names (hash-tagged on a cluster) and the dead-letter key's default.
    void updateNaming();
    ReliableListKeys keys() const;

    ConnectionSettings m_settings;
    QByteArray m_key;
    InspectorOptions m_options;
    bool m_deadGiven = false;
    bool m_cluster = false;
    bool m_clusterProbed = false; // ClusterDetect's answer at the first connect
    RedisConnection* m_conn = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_reconnect = nullptr;
    Backoff m_backoff;
    bool m_stopping = false;
    bool m_gathering = false;
    bool m_again = false;
    QList<std::pair<qint64, std::function<void()>>> m_waiting;
    QList<qint64> m_open; // actions sent, not answered yet
    QString m_lastError;
    // Census mode: the processing lists (and heartbeats) the last keyspace walk found.
    QList<QByteArray> m_knownProcessing;
    qint64 m_lastScanMs = -1;
    QList<QByteArray> m_hint;
    bool m_hintComplete = false;
    bool m_sizeChecked = false;   // DBSIZE answered for the census in progress
    bool m_smallKeyspace = false; // the last DBSIZE allowed this census to walk the keyspace
};

// The main thread's handle on one queue's inspector: its own connection on its own thread
// ("rq-inspect"), a snapshot every intervalMs and on refresh(), and the actions:
//   recover()      reliable list: move orphaned processing lists back (as the consumers do)
//   claim()        stream: XAUTOCLAIM … JUSTID entries idle >= minIdleMs to `consumer` (the
//                  entries change owner without counting a delivery; a pane with that consumer
//                  name re-reads them at its next start — to deliver them now, use
//                  Consumer::claim() on the pane instead)
//   requeueDead()  dead letters back to the queue: list items by value (to the consuming end,
//                  oldest first, delivery count reset); stream dead entries by id (XADD to the
//                  stream with their original fields, then XDEL from the dead stream). Empty
//                  items: all of them. Each item moves in one Lua script run, so once.
// Each action returns a request id answered by one actionFinished() (RecoveryReport::requeued
// counts what was moved or claimed); a snapshot follows each action.
class QueueInspector : public QObject {
    Q_OBJECT
public:
    QueueInspector(const ConnectionSettings& settings, const QByteArray& key,
                   const InspectorOptions& options = InspectorOptions(), QObject* parent = nullptr);
    ~QueueInspector() override; // stops its thread

    const QByteArray& key() const { return m_key; }
    void start();
    void refresh();
    void stop();
    // See QueueInspectorWorker::setProcessingHint.
    void setProcessingHint(const QList<QByteArray>& keys, bool complete);
    qint64 recover();
    qint64 claim(const QByteArray& group, const QByteArray& consumer, qint64 minIdleMs);
    qint64 requeueDead(const QList<QByteArray>& items = {});

signals:
    void snapshotReady(const rqc::QueueSnapshot& snapshot);
    void actionFinished(const rqc::RecoveryReport& report);
    void errorOccurred(const QString& error);

private:
    template <typename Fn> qint64 post(Fn&& fn);

    ConnectionSettings m_settings;
    QByteArray m_key;
    InspectorOptions m_options;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<QueueInspectorWorker> m_worker;
    qint64 m_lastRequestId = 0;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::QueueSnapshot)
