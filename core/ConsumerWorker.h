#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "Message.h"
#include "MessageBatcher.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>

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
    // For subclasses after each reply: true means go on issuing commands; false means a stop was
    // requested, and the worker finishes once no reply is outstanding.
    bool shouldContinue();
    // A command failed in a way retrying will not fix (WRONGTYPE…): report and stop consuming.
    void fail(const QString& error);
    bool isStopping() const { return m_stopping; }

private:
    void openConnection();
    void onConnectionReady();
    void onConnectionDown(const QString& reason, bool wasReady);
    void sendUnblock();
    void finish();
    void setState(ConsumerState state, const QString& detail = QString());

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
    qint64 m_lostAtMs = 0;
    quint64 m_seq = 0;
    std::atomic<quint64> m_received{0};
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ConsumerState)
