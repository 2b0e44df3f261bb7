#pragma once

#include "AccessRefusal.h"
#include "ConnectionSettings.h"
#include "QueueInspector.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// Lives on the CensusService's thread: one connection ("rqconsole:inspect:census") and one
// census-mode QueueInspectorWorker per key, each borrowing that connection. Keys asked for wait in
// one queue, each at most once; a round takes every key queued, reads CLIENT LIST once for all of
// them, then censuses them one after the other (one census in flight for the whole service).
// On a Redis Cluster the census of a key another master serves runs on that master, on one more
// connection of the same name, opened when first needed and closed when no key was censused there
// for kNodeIdleMs (by a timer: also when no round follows); its CLIENT LIST is read once per round
// too. A master that cannot be reached is tried again only after a backoff (as the node given
// is); meanwhile its keys are answered at once with why they were not read. A server given
// without cluster=1 is asked once whether it is a cluster node (ClusterDetect) before the first
// round.
class CensusWorker : public QObject {
    Q_OBJECT
public:
    CensusWorker(const ConnectionSettings& settings, bool walkKeyspace, QObject* parent = nullptr);
    ~CensusWorker() override;

    // Invoked on the worker's thread (queued from CensusService).
    void start();
    void stop();
    void request(const QByteArray& key);
    void setKnownLists(const QByteArray& key, const QList<QByteArray>& lists, bool complete);
    // Connects again with new settings after accessRefused().
    void resume(const rqc::ConnectionSettings& settings);
    // Another master's connection is closed after this long without a key to census there.
    static constexpr qint64 kNodeIdleMs = 30000;
    // Before start(): another idle time (tests).
    void setNodeIdleMs(qint64 ms) { m_nodeIdleMs = ms; }

signals:
    void censusReady(const rqc::QueueSnapshot& census);
    void errorOccurred(const QString& error);
    // The server refused our credentials, or TLS its certificate: no reconnect until resume();
    // keys asked for wait.
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    // A round began: CLIENT LIST sent for `keys` (what tests and the bench count).
    void roundStarted(int keys);
    void stopped();

private:
    void openConnection();
    void onReady();
    void onDown(const QString& reason);
    void startRound();
    void next();
    QueueInspectorWorker* inspectorFor(const QByteArray& key);
    // A cluster: the census of m_current on the master routed points at.
    void censusOnNode(const ConnectionSettings& routed);
    void continueOnNode(const QString& address);
    void nodeDown(const QString& address, const QString& reason);
    // The census of m_current, not read: its master is down (reason), tried again later.
    void answerUnreachable(const QString& address, const QString& reason);
    void closeNodes(bool idleOnly);
    void scheduleIdleClose();

    struct Node {
        RedisConnection* conn = nullptr;
        QueueSnapshot clients;     // its CLIENT LIST part
        quint64 listedInRound = 0; // the round clients was read in
        qint64 usedAtMs = 0;       // m_clock at its last census
        Backoff backoff;           // after it failed: not opened again before retryAtMs
        qint64 retryAtMs = 0;      // m_clock
        QString downReason;
    };

    ConnectionSettings m_settings;
    bool m_walkKeyspace = true;
    RedisConnection* m_conn = nullptr;
    QTimer* m_reconnect = nullptr;
    Backoff m_backoff;
    bool m_stopping = false;
    bool m_refused = false;    // waiting for resume()
    QList<QByteArray> m_queue; // asked for, not in a round yet: each key once
    QList<QByteArray> m_round; // this round's keys still to census
    QByteArray m_current;      // the census in flight
    bool m_inRound = false;
    QueueSnapshot m_clients; // this round's CLIENT LIST part
    QHash<QByteArray, QueueInspectorWorker*> m_inspectors;
    QString m_lastError;
    bool m_clusterProbed = false; // ClusterDetect's answer at the first connect
    QHash<QString, Node> m_nodes; // other masters, by address
    QString m_currentNode;        // where the census in flight runs; empty: the node given
    quint64 m_roundNo = 0;
    QElapsedTimer m_clock;
    qint64 m_nodeIdleMs = kNodeIdleMs;
    QTimer* m_idleTimer = nullptr;
};

// The census of one server, shared by every pane's ConsumersLine and by the ConsumeGuard (the
// ConsoleSession owns it beside the Publisher): one connection on one thread ("rq-census")
// whatever the number of keys. request() queues a key (once: a key already queued is not queued
// again); censusReady() answers with that key's QueueSnapshot, every listener filters by key.
// The keyspace-walk rule of the census (walk for a key's processing lists at most once a minute,
// never with a complete discovery) is kept here, per key, once for the whole server. Cost: per
// round one CLIENT LIST plus a few O(1) reads per key asked for — with 30 panes refreshing every
// 5 s, at most 30 key censuses per 5 s, all on this one connection.
class CensusService : public QObject {
    Q_OBJECT
public:
    // walkKeyspace false: the session's ServerMonitor discovers the keyspace (within its budget)
    // and hands its lists over (ConsumerCensus::setKnownLists); the census never walks it.
    explicit CensusService(const ConnectionSettings& settings, bool walkKeyspace = true,
                           QObject* parent = nullptr);
    ~CensusService() override; // stops its thread

    const ConnectionSettings& settings() const { return m_settings; }
    // Starts the thread and the connection; request() does it too.
    void start();
    bool isStarted() const;
    // A census of key, soon (after the ones already queued).
    void request(const QByteArray& key);
    // The processing lists of key the server's discovery found, and whether it saw every list.
    void setKnownLists(const QByteArray& key, const QList<QByteArray>& lists, bool complete);
    // After accessRefused(): connects again with these settings.
    void resume(const ConnectionSettings& settings);
    // Before start(): how long another master's census connection stays open unused
    // (CensusWorker::kNodeIdleMs; tests shorten it).
    void setNodeIdleMs(qint64 ms) { m_nodeIdleMs = ms; }

signals:
    void censusReady(const rqc::QueueSnapshot& census);
    // The connection failed or broke (it is retried; queued keys wait for it).
    void errorOccurred(const QString& error);
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    void roundStarted(int keys);

private:
    ConnectionSettings m_settings;
    bool m_walkKeyspace = true;
    qint64 m_nodeIdleMs = CensusWorker::kNodeIdleMs;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<CensusWorker> m_worker;
};

} // namespace rqc
