#pragma once

#include "AccessRefusal.h"
#include "ConnectionSettings.h"
#include "LoadJob.h"
#include "LoadPacer.h"
#include "MessageBatcher.h"
#include "RedisReply.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPair>
#include <QPointer>

#include <deque>
#include <memory>

class QTimer;

namespace rqc {

class RedisConnection;
class WorkerThread;

// Sends messages to one target on its own connection and thread: PUBLISH to a channel, LPUSH to
// a list or XADD to a stream. A burst (count > 1) is pipelined in batches; progress and totals are
// reported back. Requests run one after the other, in the order they were sent.
class PublisherWorker : public QObject {
    Q_OBJECT
public:
    // XAdd: XADD <stream> * message <payload>, or the given field/value pairs (see
    // Publisher::sendEntry). Its replies are entry ids, so "receivers" stays 0.
    // SPublish: sharded pub/sub (Redis 7), for spubsub panes.
    enum class Command { Publish, LPush, XAdd, SPublish };
    Q_ENUM(Command)
    using StreamFields = QList<QPair<QByteArray, QByteArray>>;

    PublisherWorker(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~PublisherWorker() override;

    // Invoked on the worker's thread (queued from Publisher).
    void start();
    // Queues a request under the next free id.
    void send(rqc::PublisherWorker::Command command, const QByteArray& target,
              const QByteArray& payload, int count);
    // Queues a request under the caller's id (Publisher numbers its requests itself).
    void sendRequest(qint64 requestId, rqc::PublisherWorker::Command command,
                     const QByteArray& target, const QByteArray& payload, int count,
                     const StreamFields& fields = {});
    // Queues a load run (see Publisher::sendLoad); payload and fields may hold placeholders.
    void sendLoad(qint64 requestId, rqc::PublisherWorker::Command command, const QByteArray& target,
                  const QByteArray& payload, const rqc::PublisherWorker::StreamFields& fields,
                  const rqc::LoadPacer::Limits& limits, const rqc::LoadSource& source = {});
    // Ends a request early: a queued one is dropped (sent() with 0), a running one stops issuing
    // and reports once the replies on the wire are in.
    void cancel(qint64 requestId);
    // Stops issuing commands, waits briefly for replies already on the wire (so counts stay true),
    // reports every request, closes, and emits stopped().
    void stop();
    // Connects again with new settings (a password or TLS choice the user gave) after
    // accessRefused(); a connection that is up is left alone.
    void resume(const rqc::ConnectionSettings& settings);

    // What a command sends and how its replies add up to the "receivers" figure. Every Command is
    // described here and nowhere else.
    enum class Fold { SumIntegers, LastInteger };
    struct Plan {
        QList<QByteArray> argv;
        Fold fold = Fold::SumIntegers;
    };
    static Plan plan(Command command, const QByteArray& target, const QByteArray& payload,
                     const StreamFields& fields = {});

    // Batching limits: commands per pipelined write, bytes per write (a 1 MiB payload goes alone),
    // and how many writes may await their replies at once.
    static constexpr int kMaxBatchCommands = 1000;
    static constexpr int kMaxBatchBytes = 256 * 1024;
    static constexpr int kMaxBatchesInFlight = 2;
    // A paced load run writes what is due at every tick (a millisecond at most apart).
    static constexpr int kMaxLoadBatchesInFlight = 4;

signals:
    // The connection is ready (first time and after every reconnect).
    void ready();
    // One request (a send() call) is complete: sent messages and, for PUBLISH, the sum of
    // receivers Redis reported (0 when nobody listened). For LPUSH, receivers is the list length
    // after the last push. count is what Redis acknowledged; after an error it is less than asked.
    void sent(qint64 requestId, quint64 count, qint64 receivers);
    // Cumulative progress of the current burst, at most ~30 times a second.
    void progress(quint64 sentSoFar, quint64 total);
    void errorOccurred(const QString& error);
    // The same errors, for the request they concern (emitted before that request's sent()), so
    // that a publisher shared by several panes reports each failure to the pane that sent.
    void requestFailed(qint64 requestId, const QString& error);
    // progress(), for the request it belongs to.
    void requestProgress(qint64 requestId, quint64 sentSoFar, quint64 total);
    // Was ready, and the connection went away (a reconnect follows with backoff).
    void connectionLost(const QString& reason);
    // The server refused our credentials, or TLS its certificate: no reconnect follows (until
    // resume()), and every request fails at once with this reason. Emitted once per refusal.
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    // A load run's figures so far (at most ~30 times a second, and once at its end before
    // sent()): acknowledged messages, the receivers PUBLISH reported, and the time since it began.
    void loadProgress(qint64 requestId, quint64 acked, qint64 receivers, qint64 elapsedNs);
    void stopped();

private:
    enum class State { Idle, Connecting, Ready, Waiting, Refused, Stopped };
    QString m_replicaRefusal; // the server is a replica: every request is refused with this
    struct Request {
        qint64 id = 0;
        Command command = Command::Publish;
        QByteArray target;
        QByteArray payload;
        quint64 count = 0;
        StreamFields fields;           // XAdd with explicit fields
        int redirects = 0;             // times sent again after a whole -MOVED answer (Cluster)
        std::shared_ptr<LoadJob> load; // a load run or a templated burst
    };

    void openConnection();
    void onReady();
    void onRoleKnown();
    void onConnectionDown(const QString& reason, bool wasReady);
    void pump();
    void beginNext();
    // In a Redis Cluster: points the connection at the node serving the current request's key
    // (see ClusterRouting); false while it reconnects there (ready() pumps again).
    bool routeCurrent();
    void onBatch(QList<RedisReply>& replies);
    void finishCurrent();
    void report(const QString& error);
    void fail(qint64 requestId, const QString& error);
    void finishStop();
    // Load runs (PublisherLoad.cpp).
    void pumpLoad();
    bool currentDone() const;
    void emitLoadProgress();

    ConnectionSettings m_settings;
    RedisConnection* m_conn = nullptr;
    QTimer* m_reconnectTimer = nullptr;
    QTimer* m_stopDeadline = nullptr;
    Backoff m_backoff;
    State m_state = State::Idle;
    bool m_stopping = false;
    bool m_clusterProbed = false; // ClusterDetect's answer at the first connect
    qint64 m_lastId = 0;
    QString m_lastError;
    QString m_refusal; // why the server refused us (State::Refused)
    std::deque<Request> m_queue;

    // The request being sent.
    bool m_active = false;
    Request m_cur;
    Fold m_fold = Fold::SumIntegers;
    QByteArray m_one;   // one encoded command
    QByteArray m_batch; // m_one repeated m_batchCommands times, shared by every full batch
    int m_batchCommands = 1;
    quint64 m_issued = 0;
    quint64 m_replied = 0; // replies of any kind
    quint64 m_acked = 0;   // replies that were not errors
    qint64 m_receivers = 0;
    int m_inFlight = 0;
    bool m_failed = false;
    bool m_moved = false; // answered -MOVED: sent again on the slot's owner if nothing was taken
    bool m_cancelled = false;
    QElapsedTimer m_sinceProgress;
    QElapsedTimer m_loadClock;
    QTimer* m_paceTimer = nullptr;
};

// The main thread's handle: owns the thread ("rq-publisher") and the worker, queues sends.
// One Publisher serves every pane of a server (ConsoleSession owns it): request ids keep each
// pane's results apart (sent, requestProgress, requestFailed), and a lost connection is reopened
// quietly, with backoff or at the next send. Requests run in order, so a big burst from one pane
// delays a message typed into another until the burst is through.
class Publisher : public QObject {
    Q_OBJECT
public:
    explicit Publisher(const ConnectionSettings& settings, QObject* parent = nullptr);
    ~Publisher() override; // stops and waits

    void start();
    // Queues a send; returns its request id (echoed in sent()). count >= 1.
    qint64 send(PublisherWorker::Command command, const QByteArray& target,
                const QByteArray& payload, int count = 1);
    // XADD <stream> * <field> <value>…, count times (the form in the entry box; a plain send()
    // with Command::XAdd uses the single field "message"). Empty fields: nothing to add, refused.
    qint64 sendEntry(const QByteArray& stream, const PublisherWorker::StreamFields& fields,
                     int count = 1);
    // A load run: the command with payload (or stream fields) as templates expanded per message,
    // paced and bounded by limits. Returns the request id; invalid templates or limits are
    // refused (requestFailed, then sent() with 0). Progress comes as loadProgress().
    qint64 sendLoad(PublisherWorker::Command command, const QByteArray& target,
                    const QByteArray& payload, const PublisherWorker::StreamFields& fields,
                    const LoadPacer::Limits& limits, const LoadSource& source = {});
    // See PublisherWorker::cancel.
    void cancel(qint64 requestId);
    bool stopAndWait(int timeoutMs = 3000);
    // After accessRefused(): connects again with these settings (see PublisherWorker::resume).
    void resume(const ConnectionSettings& settings);

signals:
    void ready();
    void sent(qint64 requestId, quint64 count, qint64 receivers);
    void progress(quint64 sentSoFar, quint64 total);
    void errorOccurred(const QString& error);
    void requestFailed(qint64 requestId, const QString& error);
    void requestProgress(qint64 requestId, quint64 sentSoFar, quint64 total);
    void connectionLost(const QString& reason);
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    void loadProgress(qint64 requestId, quint64 acked, qint64 receivers, qint64 elapsedNs);

private:
    // Reports a request that was never queued (after the caller has its id).
    void refuse(qint64 requestId, const QString& error);

    std::unique_ptr<WorkerThread> m_thread;
    QPointer<PublisherWorker> m_worker;
    qint64 m_nextId = 0;
    bool m_stopRequested = false;
};

} // namespace rqc
