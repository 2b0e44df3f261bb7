#pragma once

#include "ConsumerWorker.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

#include <deque>
#include <functional>

class QTimer;

namespace rqc {

// What the user asked to do with messages a precise-mode consumer delivered.
enum class SettleAction { Ack, Requeue, DeadLetter };

// The outcome of one ack / requeue / dead-letter request, for the messages it named (by their
// Message::seq). A message is "gone" when it was no longer pending for this consumer: acked,
// recovered or claimed elsewhere in the meantime. error carries Redis's own text (or a sentence)
// when the request failed; done and gone then hold what is known.
struct SettleResult {
    qint64 requestId = 0;
    SettleAction action = SettleAction::Ack;
    QList<quint64> done;
    QList<quint64> gone;
    QString error;
};

// True totals of one precise-mode consumer since it started. pending is what this consumer holds
// unsettled right now (reliable: in its processing list; stream: in its part of the group's PEL).
struct ConsumerCounters {
    quint64 received = 0;
    quint64 acked = 0;
    quint64 requeued = 0;
    quint64 deadLettered = 0; // by the user or by the delivery limit
    quint64 redelivered = 0;  // delivered with deliveryCount > 1
    quint64 gone = 0;         // settle requests that found the message no longer pending
    quint64 trimmed = 0;      // stream: entries deleted or trimmed while pending, acked away
    qint64 pending = 0;
};

// The outcome of a recovery (reliable: orphaned processing lists moved back) or a claim (stream:
// XAUTOCLAIM of idle entries).
struct RecoveryReport {
    qint64 requestId = 0;
    int listsFound = 0;    // reliable: processing lists seen; stream: always 0
    int listsOrphaned = 0; // reliable: lists without a heartbeat that were recovered
    qint64 requeued = 0;   // reliable: moved back to the queue; stream: claimed and delivered
    qint64 deadLettered = 0;
    QList<QByteArray> trimmed; // stream: ids deleted while pending (removed from the PEL)
    QString error;
};

// Base of the modes that hold messages until they are settled (reliable list, stream group). Adds
// to ConsumerWorker:
// - an "ops" connection for settle requests, recovery and the heartbeat, so they never wait
//   behind a blocking BLMOVE / XREADGROUP on the consuming connection;
// - a consumer name claimed with a heartbeat key (SET NX PX, refreshed every third of its TTL),
//   deleted on a clean stop so the consumer's messages are recoverable at once;
// - counters, emitted at most ~10 times a second when they change;
// - ack=auto: the messages of each batch are acked right after the batch left the worker
//   (onBatchEmitted), pipelined on the ops connection — never before, so a crash can leave a
//   message unacked (delivered again) but never acked unseen. At a stop, the acks of the last
//   batch and the heartbeat's release are sent and their replies read before stopped().
// Every settle request is answered by exactly one settled() (or recoveryFinished()).
class AckingConsumer : public ConsumerWorker {
    Q_OBJECT
public:
    enum class AckPolicy { Auto, Manual, None };

    AckingConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                   QObject* parent = nullptr);
    ~AckingConsumer() override;

    AckPolicy ackPolicy() const { return m_policy; }

    // Invoked on the worker's thread (queued from Consumer).
    void ack(qint64 requestId, const rqc::MessageList& messages);
    void requeue(qint64 requestId, const rqc::MessageList& messages);
    void deadLetter(qint64 requestId, const rqc::MessageList& messages);
    void recover(qint64 requestId);
    // Stream only. minIdleMs < 0: the spec's minidle.
    void claim(qint64 requestId, qint64 minIdleMs);

signals:
    void settled(const rqc::SettleResult& result);
    void countersChanged(const rqc::ConsumerCounters& counters);
    void recoveryFinished(const rqc::RecoveryReport& report);
    // The consumer name in use and where its unsettled messages live (processing list, or group).
    void identityChosen(const QByteArray& consumer, const QByteArray& pendingKey);
    // Something the user should know that is not an error (trimmed entries, dead-lettered…).
    void notice(const QString& text);

protected:
    // ConsumerWorker
    void onReady() final;
    // Subclasses that override it call it too.
    void onConnectionLost() override;
    bool hasUnsettledWork() const override
    {
        return ConsumerWorker::hasUnsettledWork() || pendingCount() > 0;
    }
    void onBatchEmitted(const MessageList& batch) final;
    bool lastWorkPending() final;
    // A failed consumer holds no name: its heartbeat is released (owed acks first) and its
    // connections are closed.
    void onFailed() final;

    // The name was claimed (first ready): read own pending messages, then consume.
    virtual void onStarted() = 0;
    // The consuming connection came back after a loss: reconcile and go on consuming.
    virtual void onResumed() = 0;
    // The key whose presence says "this consumer is alive", for a candidate name.
    virtual QByteArray heartbeatKeyFor(const QByteArray& consumer) const = 0;
    // Which consumer names to try when none was given: <base>-1, <base>-2…
    virtual QByteArray defaultNameBase() const;
    // ack=auto: appends to encoded the commands that ack these emitted messages and returns how
    // many replies they produce; autoAcksAnswered() gets those replies, in order.
    virtual int encodeAutoAcks(const MessageList& messages, QByteArray& encoded) = 0;
    virtual void autoAcksAnswered(const MessageList& messages, QList<RedisReply>& replies) = 0;
    virtual qint64 pendingCount() const = 0;

    // Subclass implementations of the requests; they must answer with finishSettle() /
    // finishRecovery(). Called only while the ops connection is ready.
    virtual void doSettle(SettleAction action, qint64 requestId, const MessageList& messages) = 0;
    virtual void doRecover(qint64 requestId) = 0;
    virtual void doClaim(qint64 requestId, qint64 minIdleMs);

    void finishSettle(const SettleResult& result);
    void finishRecovery(const RecoveryReport& report);

    // Use after each reply on the consuming connection: false at a stop (the worker then finishes:
    // last batch, its acks and the heartbeat's release, see lastWorkPending()).
    bool proceed();

    RedisConnection* ops() const { return m_ops; }
    bool opsReady() const;
    const QByteArray& consumerName() const { return m_consumer; }
    ConsumerCounters& counters() { return m_counters; }
    // Marks counters changed; they are emitted shortly (throttled).
    void countersTouched();
    int maxDeliveries() const { return m_maxDeliveries; }
    // A sentence used when a request was made in a mode that cannot do it.
    static QString unsupported(const QString& what);

private:
    void claimName(int attempt);
    void openOps();
    void onOpsDown(const QString& reason);
    // A -MOVED among replies on ops: the routing table learns it and ops reconnects to the slot's
    // new owner. True for -MOVED and -ASK (the refused commands are to be sent again).
    bool opsRedirected(const QList<RedisReply>& replies);
    void runWhenOpsReady(std::function<void()> job, std::function<void(const QString&)> onFail);
    void sendHeartbeat();
    void emitCounters();
    void failOpenRequests(const QString& error);
    void failWaiting(const QString& error);
    void sendAutoAcks(RedisConnection* conn);
    // Acks sent on conn whose replies are lost with it are owed again (sent again later).
    void reoweAutoAcks(RedisConnection* conn);
    void startFarewell();

    struct OpenRequest {
        qint64 id = 0;
        bool recovery = false;
        SettleAction action = SettleAction::Ack;
        MessageList messages;
    };
    struct AutoAcks {
        RedisConnection* conn = nullptr;
        MessageList messages;
    };

    AckPolicy m_policy = AckPolicy::Auto;
    int m_maxDeliveries = 5;
    int m_heartbeatMs = 10000;
    bool m_nameGiven = false;
    bool m_started = false;
    bool m_farewellStarted = false;
    bool m_farewellDone = false;
    bool m_failed = false;
    RedisConnection* m_farewellConn = nullptr;
    QByteArray m_consumer;
    QByteArray m_heartbeatKey;
    QByteArray m_token;
    RedisConnection* m_ops = nullptr;
    QTimer* m_heartbeatTimer = nullptr;
    QTimer* m_opsRetry = nullptr;
    QTimer* m_countersTimer = nullptr;
    Backoff m_opsBackoff;
    std::deque<std::pair<std::function<void()>, std::function<void(const QString&)>>> m_waiting;
    QList<OpenRequest> m_open;           // requests sent on ops whose answer has not come back
    MessageList m_autoOwed;              // ack=auto: emitted, ack not sent yet
    std::deque<AutoAcks> m_autoInFlight; // ack=auto: sent, replies not back yet
    ConsumerCounters m_counters;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::SettleAction)
Q_DECLARE_METATYPE(rqc::SettleResult)
Q_DECLARE_METATYPE(rqc::ConsumerCounters)
Q_DECLARE_METATYPE(rqc::RecoveryReport)
