#pragma once

#include "AccessRefusal.h"
#include "ClusterMap.h"
#include "ConnectionSettings.h"
#include "MessageBatcher.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// How far discovery has got, and how it learns about keys (ServerSnapshot::discovery).
struct DiscoveryState {
    // One walk of the whole keyspace has finished since the monitor connected: the lists and
    // streams are every one there was during that walk (and, with notifications, since).
    bool complete = false;
    int passes = 0;             // whole walks finished
    double progress = 0;        // of the walk in progress, 0..1; an estimate from the SCAN cursor
    qint64 dbSize = -1;         // DBSIZE at the last refresh (keys of every type); -1 before
    quint64 scanCalls = 0;      // SCAN commands sent since the monitor started
    int count = 0;              // COUNT of the last SCAN
    double lastCallMs = 0;      // latency of the last SCAN step, as the monitor saw it
    bool notifications = false; // new keys are learnt at once from keyspace notifications
    // A walk from the start asked for by Refresh (restartWalk) is in progress, at the first
    // walk's rate; the keys found before stay listed meanwhile.
    bool rewalking = false;
    // When the last whole walk ended (epoch ms; 0: none yet) and how long it took (0: unknown).
    qint64 lastPassEndedMs = 0;
    qint64 lastPassMs = 0;
    // Only keys and channels matching one of these globs are discovered (empty: all).
    QList<QByteArray> patterns;
    // Keys of every type the walk has covered in this pass (progress × dbSize): an estimate.
    qint64 keysWalkedEstimate() const
    {
        return dbSize < 0 ? -1 : qint64(progress * double(dbSize) + 0.5);
    }
};

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

    // The monitor keeps at most keyLimit names per kind (lists, streams, channels), so memory
    // stays bounded whatever the keyspace; truncated says a kind hit the cap and its list is
    // partial.
    static constexpr int kDefaultKeyLimit = 100000;
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
    DiscoveryState discovery;
    // A Redis Cluster: its masters (address, slot ranges) from CLUSTER SHARDS / SLOTS, and the id
    // of the node this snapshot was read from (CLUSTER MYID). Empty for a standalone server. In
    // the snapshot ServerMonitor emits for a cluster, the keys and channels are those of every
    // master (each walked by its own worker, within its own budget) and the discovery state is
    // the whole cluster's (complete when every master's walk is); clusterNodesRead says how many
    // masters have answered so far.
    QList<ClusterNode> clusterMasters;
    QByteArray clusterSelfId;
    int clusterNodesRead = 0;
    QStringList clusterNodeErrors; // "host:port: error" for a master that cannot be read

    // Whether the number of lists (streams) is the whole count, or only what was found so far.
    bool listsExact() const { return discovery.complete && !listsTruncated; }
    bool streamsExact() const { return discovery.complete && !streamsTruncated; }
    bool channelsExact() const { return !channelsTruncated; }
};

// How much of the server's time discovery may spend walking the keyspace. SCAN's latency as the
// monitor sees it (never less than the server's own time for it) is charged to the budget, so
// the server's share stays below it, and the walk slows down on its own when the server is slow.
struct ScanBudget {
    // While the first whole walk runs (≤ 10 % of a core), then in the steady state (< 1 %).
    int firstPassMsPerSec = 90;
    int steadyMsPerSec = 5;
    // One SCAN step is kept around this long, well below the slowlog's default 10 ms.
    int targetCallMs = 2;
    int minCount = 10;
    int maxCount = 2000;
    int tickMs = 100;
    // A keyspace this small (DBSIZE) is walked whole at every refresh, in a step or two.
    qint64 smallKeyspace = 1000;
};

// The monitor's worker, on its own thread ("rq-monitor"), with an admin connection (and, when the
// server has keyspace notifications on, a second one subscribed to them).
class ServerMonitorWorker : public QObject {
    Q_OBJECT
public:
    ServerMonitorWorker(const ConnectionSettings& settings, int intervalMs, int keyLimit,
                        const ScanBudget& budget, const QList<QByteArray>& patterns = {},
                        QObject* parent = nullptr);
    ~ServerMonitorWorker() override;

    // Before start(): in a cluster, read the masters at every refresh (not only at connect).
    bool followTopology = true;

    // Invoked on the worker's thread (queued from ServerMonitor).
    void start();
    // Refreshes now; if a refresh is running, another follows it (so the result reflects
    // everything that happened before the call).
    void refresh();
    // Refresh: walks the keyspace again from the start at the first walk's rate (still within
    // its budget), then refreshes. A walk asked for before and not finished goes on instead.
    void restartWalk();
    void stop();
    // Connects again with new settings after accessRefused() (a connection that is up, or
    // waiting out a backoff, takes them at its next open).
    void resume(const rqc::ConnectionSettings& settings);

signals:
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void connected(const QString& serverVersion);
    void errorOccurred(const QString& error);
    void connectionLost(const QString& reason);
    // The server refused our credentials, or TLS its certificate: no reconnect until resume().
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    void stopped();

private:
    enum class KeyKind { List, Stream };
    struct Known {
        QHash<QByteArray, qint64> lengths; // -1 until read
        bool dropped = false;              // a name was left out at the cap in this pass
        bool droppedLastPass = false;
    };

    void openConnection();
    void onReady();
    void onConnectionDown(const QString& reason, bool wasReady);
    void checkNotifications();
    void openEvents(const QList<QByteArray>& subscribe, bool pattern);
    void onEvent(RedisReply& push);
    void resolveNewKeys();
    // The budgeted walk: one step per tick while tokens last.
    void onScanTick();
    void scanStep(const QByteArray& cursor, int count, std::function<void(bool ok)> then);
    bool learn(KeyKind kind, const QByteArray& name);
    void readNewLengths(std::function<void()> then);
    void passFinished();
    // Refresh: known keys, channels and DBSIZE in one pipelined round trip, then NUMSUB.
    void readKnown();
    void readNumsub();
    void walkSmallKeyspace(const QByteArray& cursor);
    void finishRefresh();
    void scheduleEmit();
    void emitSnapshot();
    void noteError(const RedisReply& reply, const QByteArray& command);
    void report(const QString& error);
    double progressOf(const QByteArray& cursor) const;
    bool wanted(const QByteArray& name) const;
    // Cluster mode (ServerMonitorCluster.cpp): the masters and this node's id, at every refresh.
    void readClusterTopology(bool shards);

    ConnectionSettings m_settings;
    int m_intervalMs;
    int m_keyLimit;
    ScanBudget m_budget;
    RedisConnection* m_conn = nullptr;
    RedisConnection* m_events = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_scanTimer = nullptr;
    QTimer* m_emitTimer = nullptr;
    QTimer* m_reconnectTimer = nullptr;
    Backoff m_backoff;
    bool m_stopping = false;
    bool m_refused = false; // waiting for resume()
    QString m_version;
    QString m_lastError;
    bool m_cluster = false; // INFO server said redis_mode:cluster
    QList<ClusterNode> m_clusterMasters;
    QByteArray m_clusterSelfId;

    // The walk: its cursor survives refreshes; COUNT adapts to SCAN's measured speed.
    QByteArray m_cursor = "0";
    bool m_scanInFlight = false;
    bool m_restartAsked = false; // restartWalk() while a step was in flight
    qint64 m_passStartedMs = 0;
    int m_count = 100;
    double m_keysPerMs = 0; // measured, smoothed
    double m_tokensMs = 0;  // budget not yet spent
    qint64 m_lastTickNs = 0;
    QElapsedTimer m_clock;
    DiscoveryState m_discovery;

    Known m_lists;
    Known m_streams;
    QList<QPair<KeyKind, QByteArray>> m_newKeys; // learnt, length not read yet
    QList<QByteArray> m_typeUnknown;             // from "new key" events, TYPE not read yet
    bool m_resolving = false;
    QByteArray m_eventPrefix;

    // The refresh in progress.
    bool m_refreshing = false;
    bool m_again = false;
    bool m_refreshedOnce = false;
    QList<QByteArray> m_channelNames;
    QList<ServerSnapshot::Channel> m_channels;
    bool m_channelsTruncated = false;
    qint64 m_patternSubscriptions = 0;
    QStringList m_errors;
};

// Discovery on an admin connection, on its own thread. The keyspace is walked with SCAN, one
// cursor for lists and streams (both TYPE filters at each step, pipelined), continued across
// refreshes within a time budget (ScanBudget) instead of restarting; known keys are re-read
// (LLEN / XLEN) with one pipelined round trip every interval, channels with PUBSUB CHANNELS and
// NUMSUB; new keys are learnt at once from keyspace notifications when the server has them on
// (never turned on by us). Reconnects with backoff when the connection is lost.
class ServerMonitor : public QObject {
    Q_OBJECT
public:
    explicit ServerMonitor(const ConnectionSettings& settings, int intervalMs = 3000,
                           QObject* parent = nullptr);
    ~ServerMonitor() override; // stops its thread

    // Before start(): names per kind the monitor keeps at most (ServerSnapshot::truncated).
    void setKeyLimit(int limit);
    // Before start(): how much of the server's time the walk may take.
    void setScanBudget(const ScanBudget& budget);
    // Before start(): discover only keys and channels matching one of these Redis globs
    // (e.g. "queue:*"); empty for all. The walk still covers the keyspace (MATCH filters after
    // walking), but the sidebar and the refresh keep to what matches.
    void setPatterns(const QList<QByteArray>& patterns);
    // Redis's glob (*, ?, [a-z], [^x], \ escapes), as SCAN MATCH and PSUBSCRIBE use it.
    static bool globMatches(const QByteArray& pattern, const QByteArray& text);
    void start();
    void refreshNow();
    // Refresh asked for by the user: see ServerMonitorWorker::restartWalk (every master's).
    void restartWalk();
    // Closes the admin connection and ends the thread (waits briefly).
    void stop();
    // After accessRefused(): connects again with these settings.
    void resume(const ConnectionSettings& settings);

signals:
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void connected(const QString& serverVersion);
    void errorOccurred(const QString& error);
    void connectionLost(const QString& reason);
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);

private:
    // Cluster fan-out (ServerMonitorCluster.cpp): one node-only monitor per other master, its
    // snapshots merged with this node's into the one snapshot emitted.
    void onOwnSnapshot(const ServerSnapshot& snapshot);
    void reconcileNodes(const ServerSnapshot& own);
    void emitMerged();
    static QString nodeKey(const ClusterNode& node);
    // m_settings pointed at the master at address ("host:port").
    static ConnectionSettings forNode(const ConnectionSettings& settings, const QString& address);
    void stopNodes();

    ConnectionSettings m_settings;
    bool m_fanOut = true; // false for the per-master monitors of a cluster
    std::vector<std::pair<QString, std::unique_ptr<ServerMonitor>>> m_nodes;
    QHash<QString, ServerSnapshot> m_nodeSnapshots;
    QHash<QString, QString> m_nodeErrors;
    ServerSnapshot m_own;
    int m_intervalMs;
    int m_keyLimit = ServerSnapshot::kDefaultKeyLimit;
    ScanBudget m_budget;
    QList<QByteArray> m_patterns;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<ServerMonitorWorker> m_worker;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ServerSnapshot)
