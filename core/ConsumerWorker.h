#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "DeliveryCredit.h"
#include "Message.h"
#include "MessageBatcher.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

namespace rqc {

class RedisConnection;

enum class ConsumerState { Idle, Connecting, Listening, Reconnecting, Stopping, Stopped, Failed };
QString consumerStateText(ConsumerState state);

// Base of every consumer: one connection, on its own thread (see Consumer). It owns the
// connection's lifecycle (connect, reconnect with capped backoff, report the gap), batches what
// the subclass delivers, and stops promptly without losing a reply already on the wire.
class ConsumerWorker : public QObject {
    Q_OBJECT
public:
    ConsumerWorker(const ConnectionSettings& settings, const ConsumerSpec& spec,
                   QObject* parent = nullptr);
    ~ConsumerWorker() override;

    const ConsumerSpec& spec() const { return m_spec; }
    // True totals, readable from any thread.
    quint64 received() const { return m_received.load(std::memory_order_relaxed); }

    // Back-pressure towards the taker of messagesArrived (see DeliveryCredit). Set before start();
    // without one (the default) every batch leaves at once and nothing limits what is queued.
    void setDeliveryCredit(std::shared_ptr<DeliveryCredit> credit) { m_credit = std::move(credit); }
    // What the worker holds between Redis and the taker, readable from any thread: the pending
    // batch plus the batches in flight (as the worker last saw them), and the highest such figures.
    qint64 queuedRows() const { return m_queuedRows.load(std::memory_order_relaxed); }
    qint64 queuedBytes() const { return m_queuedBytes.load(std::memory_order_relaxed); }
    qint64 peakQueuedRows() const { return m_peakRows.load(std::memory_order_relaxed); }
    qint64 peakQueuedBytes() const { return m_peakBytes.load(std::memory_order_relaxed); }
    // How often the worker stopped taking from Redis because it held its bound (any thread).
    quint64 backPressureStalls() const { return m_stalls.load(std::memory_order_relaxed); }

    // Invoked on the worker's thread (queued from Consumer).
    void start();
    void stop();

signals:
    void messagesArrived(const rqc::MessageList& batch, quint64 totalReceived);
    void stateChanged(rqc::ConsumerState state, const QString& detail);
    // Redis's own error text (WRONGTYPE, NOPERM, WRONGPASS, connection refused…).
    void errorOccurred(const QString& error);
    void connectionLost(qint64 atMs, const QString& reason);
    // note says what the gap means for this mode (pub/sub: messages in it are gone).
    void connectionRestored(qint64 lostAtMs, qint64 backAtMs, const QString& note);
    void stopped();

protected:
    RedisConnection* connection() const { return m_conn; }
    const ConnectionSettings& settings() const { return m_settings; }
    // The connection is ready (first time or after a reconnect): subscribe or start popping.
    virtual void onReady() = 0;
    // Whether a blocking command (BRPOP, XREADGROUP BLOCK…) is waiting for its reply.
    virtual bool blockingInFlight() const { return false; }
    // What a reconnect gap means for this mode.
    virtual QString gapNote() const;
    // Called when the worker is about to reconnect (drop per-connection state).
    virtual void onConnectionLost() {}
    // The key whose slot decides which node of a Redis Cluster the consuming connection goes to
    // (see ClusterRouting), asked before each connect; empty = any node (plain pub/sub).
    virtual QByteArray routingKey() const { return m_spec.target; }
    // The settings of the consuming connection: routed to the node serving routingKey()'s slot
    // when that is known, the given settings otherwise.
    ConnectionSettings routedSettings() const;
    // The server given without cluster=1 turned out to be a Redis Cluster node, before anything
    // was consumed (settings().cluster is now true): derive the key names that depend on it.
    virtual void onClusterFound() {}
    // Whether anything taken is not settled yet (a read in flight, rows not handed on, messages
    // not acknowledged): a failover then may leave a gap (see failoverNote()).
    virtual bool hasUnsettledWork() const { return blockingInFlight() || queuedRows() > 0; }
    // Whether the worker is listening as soon as the connection is ready. A subclass whose set-up
    // needs the server's confirmation (SUBSCRIBE) returns false and calls markListening() then,
    // so that "listening" never shows while a message could still be missed.
    virtual bool listeningWhenReady() const { return true; }
    void markListening();

    // Called right after each batch left the worker (messagesArrived was emitted), including the
    // last one, flushed at a stop. What is acked here has been handed towards the pane.
    virtual void onBatchEmitted(const MessageList& batch) { Q_UNUSED(batch); }
    // At a stop, once the consuming connection is done and the last batch was emitted: start any
    // last work (final acks, releasing a heartbeat) and return true while its replies are awaited;
    // call lastWorkDone() when they are in. Called again after lastWorkDone(). The stop deadline
    // bounds the wait.
    virtual bool lastWorkPending() { return false; }
    void lastWorkDone();
    // Once, when the worker failed (fail()), after stateChanged(Failed) and errorOccurred: give
    // back what says "this consumer is alive" (heartbeat, names). The consuming connection is
    // closed right after this call unless a reply is still awaited on it; whoever sent that
    // command closes it when answered. A failed worker holds no connection named as a consumer.
    virtual void onFailed() {}

    // Stamps, counts and batches a consumed message.
    void deliver(Message&& message);
    // Pull modes, before issuing the next read: true when there is room for more. false when the
    // worker holds its back-pressure bound (DeliveryCredit limits); resume is then called, on this
    // thread, once acknowledgements have made room — not after a reconnect (onReady() starts
    // afresh) nor at a stop. Issue nothing meanwhile: what Redis still holds is not lost.
    bool roomFor(std::function<void()> resume);
    // Push modes (pub/sub, MONITOR) return true: when the bound is reached, the worker stops
    // reading its socket (the backlog then waits in the socket buffers and in Redis's output
    // buffer for this client) until there is room again.
    virtual bool pausesReadingWhenFull() const { return false; }
    // The server has dropped this connection while its reading was paused (a paused socket does
    // not see its end): read what it still buffers, whatever the bound, so the end is seen.
    void readToEnd();
    // For subclasses after each reply: true means go on issuing commands; false means a stop was
    // requested, and the worker finishes once no reply is outstanding.
    bool shouldContinue();
    // A command failed in a way retrying will not fix (WRONGTYPE…): report and stop consuming.
    void fail(const QString& error);
    bool isStopping() const { return m_stopping; }

private:
    void openConnection();
    void onConnectionReady();
    // ClusterDetect's answer at the first connect of a server given without cluster=1.
    void clusterProbed(bool cluster);
    void startConsuming();
    QString failoverNote();
    void onConnectionDown(const QString& reason, bool wasReady);
    // -MOVED (the slot has a new owner: reconnect there at once) or -ASK (the slot is migrating:
    // ask the same node again shortly) answered to a command on the consuming connection.
    void followRedirect(const QString& error);
    void sendUnblock();
    void finish();
    void setState(ConsumerState state, const QString& detail = QString());
    bool hasRoom() const;
    void noteQueued();
    void waitForCredit();
    void onCreditTick();

    ConnectionSettings m_settings;
    ConsumerSpec m_spec;
    RedisConnection* m_conn = nullptr;
    RedisConnection* m_control = nullptr; // for CLIENT UNBLOCK at stop
    MessageBatcher* m_batcher = nullptr;
    QTimer* m_reconnectTimer = nullptr;
    QTimer* m_stopDeadline = nullptr;
    Backoff m_backoff;
    ConsumerState m_state = ConsumerState::Idle;
    bool m_stopping = false;
    bool m_finished = false;
    bool m_deadlinePassed = false;
    bool m_clusterProbed = false; // asked once whether the server is a cluster node
    int m_redirectDelayMs = -1;   // >= 0: the next reconnect follows a redirect after this long
    qint64 m_lostAtMs = 0;
    QString m_addressAtLoss; // the master's host:port when the connection went away
    bool m_busyAtLoss = false;
    quint64 m_seq = 0;
    std::atomic<quint64> m_received{0};

    std::shared_ptr<DeliveryCredit> m_credit;
    QTimer* m_creditTimer = nullptr;
    std::function<void()> m_resume; // a pull mode waiting for room
    bool m_readPaused = false;      // a push mode waiting for room
    bool m_readToEnd = false;       // the server dropped the connection: no more pauses
    qint64 m_heldBytes = 0;
    std::atomic<qint64> m_queuedRows{0};
    std::atomic<qint64> m_queuedBytes{0};
    std::atomic<qint64> m_peakRows{0};
    std::atomic<qint64> m_peakBytes{0};
    std::atomic<quint64> m_stalls{0};
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ConsumerState)
