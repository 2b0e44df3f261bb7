#pragma once

#include "ChartHistory.h"
#include "ConnectionSettings.h"
#include "MessageBatcher.h"
#include "RedisReply.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// What a chart wants sampled.
struct SampleTarget {
    enum class Kind {
        List,   // LLEN key; pending: LLEN of each processing list (reliable lists)
        Stream, // XLEN key and XINFO GROUPS key (pending, lag, consumers, entries read/added)
        Server, // INFO stats, INFO memory, INFO clients
    };
    Kind kind = Kind::List;
    QByteArray key;
    QByteArray group;                  // Stream: the group whose pending, lag, consumers to show
    QList<QByteArray> processingLists; // List: a reliable list's processing lists

    // Commands one sample of this target costs.
    int commandCount() const;
};

// The sampler's worker, on its own thread ("rq-charts"): one connection, opened only while
// something is watched, and one pipelined round trip per tick for every target.
class ChartSamplerWorker : public QObject {
    Q_OBJECT
public:
    ChartSamplerWorker(const ConnectionSettings& settings, int intervalMs);
    ~ChartSamplerWorker() override;

    // Invoked on the worker's thread (queued from ChartSampler).
    void setTargets(const QHash<int, rqc::SampleTarget>& targets);
    void sampleNow();
    void stop();

signals:
    void sampled(const QHash<int, rqc::ChartSample>& samples);
    void dropped(const QString& reason);
    void restored();
    void stopped();

private:
    void ensureOpen();
    void onDown(const QString& reason);
    void onTick();
    void parse(const SampleTarget& t, const QList<RedisReply>& replies, int& at,
               ChartSample& out) const;
    static void encode(const SampleTarget& t, QByteArray& encoded);
    // On a cluster (ClusterRouting): the connection to the node serving the
    // target's key (m_conn for the given node and for the server's own figures).
    RedisConnection* connectionFor(const SampleTarget& t);
    void routeAgain(RedisConnection* via, ChartSample& s) const;
    void closeNodes();
    // Closes the connections to nodes that no watched chart's key is served by any more.
    void closeUnwatchedNodes();
    struct Round {
        QHash<int, ChartSample> out;
        int left = 0;
    };

    ConnectionSettings m_settings;
    int m_intervalMs;
    QHash<int, SampleTarget> m_targets;
    RedisConnection* m_conn = nullptr;
    QTimer* m_timer = nullptr;
    QTimer* m_reconnect = nullptr;
    Backoff m_backoff;
    // Other masters of a cluster, by address: open while a watched chart's key is served there.
    QHash<QString, RedisConnection*> m_nodes;
    quint64 m_round = 0; // the round trip out; bumped to give it up
    bool m_inFlight = false;
    bool m_wasDown = false; // a drop was reported; restored() follows the next ready()
    bool m_stopping = false;
};

// One per server: samples what the visible charts show, once a second, in ONE pipelined round
// trip (LLEN / XLEN / XINFO GROUPS / INFO, see SampleTarget), and nothing at all — not even a
// connection — while nothing is watched. Charts watch() while shown and unwatch() when hidden.
// Results arrive in sampled(), stamped with the sampler's clock; drops and returns of the
// connection in connectionDropped() / connectionRestored() (chart markers).
class ChartSampler : public QObject {
    Q_OBJECT
public:
    explicit ChartSampler(const ConnectionSettings& settings, int intervalMs = 1000,
                          QObject* parent = nullptr);
    ~ChartSampler() override; // ends its thread

    // The sampler of a server, shared by every chart that shows it: made on first use, gone when
    // the last holder lets go. Keyed by the server's address and database.
    static std::shared_ptr<ChartSampler> shared(const ConnectionSettings& settings);

    // Returns an id for sampled(); the first watch starts the sampling.
    int watch(const SampleTarget& target);
    void unwatch(int id);
    int watchedCount() const { return int(m_targets.size()); }
    // Test hook: timestamps for sampled() (epoch ms by default).
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    // Samples at once (ignored while a round trip is in flight). With intervalMs 0 there is no
    // timer and this is the only tick (tests).
    void sampleNow();
    quint64 roundTrips() const { return m_roundTrips; }
    const ConnectionSettings& settings() const { return m_settings; }

signals:
    void sampled(qint64 tMs, const QHash<int, rqc::ChartSample>& samples);
    void connectionDropped(qint64 tMs, const QString& reason);
    void connectionRestored(qint64 tMs);

private:
    void push();
    qint64 now() const;

    ConnectionSettings m_settings;
    int m_intervalMs;
    QHash<int, SampleTarget> m_targets;
    int m_nextId = 1;
    std::function<qint64()> m_clock;
    quint64 m_roundTrips = 0;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<ChartSamplerWorker> m_worker;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ChartSample)
