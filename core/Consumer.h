#pragma once

#include "AckingConsumer.h"
#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ConsumerWorker.h"
#include "DeliveryCredit.h"
#include "OutputBufferWatch.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace rqc {

class WorkerThread;

// The main thread's handle on one consumer: it creates the worker for the spec's mode, runs it on
// its own named QThread, forwards its signals (queued), and stops it cleanly. No thread outlives
// its Consumer.
class Consumer : public QObject {
    Q_OBJECT
public:
    Consumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
             QObject* parent = nullptr);
    ~Consumer() override; // stops and waits

    const ConsumerSpec& spec() const { return m_spec; }
    void start();
    // Asks the worker to stop; stopped() follows (normally within 200 ms).
    void stop();
    // stop() and wait for the thread to end. Returns false on timeout.
    bool stopAndWait(int timeoutMs = 3000);
    bool isRunning() const;
    // The worker, for mode-specific calls (queued); null once it is gone.
    ConsumerWorker* worker() const { return m_worker; }

    // Back-pressure (see DeliveryCredit): by default each batch counts as taken once
    // messagesArrived has returned. With manual acknowledgement the receiver calls
    // acknowledge() for each batch it has taken; until then the worker merges, then stops
    // taking from Redis. Set before start().
    void setManualAcknowledge(bool manual) { m_manualAck = manual; }
    void acknowledge(int batches = 1);
    const std::shared_ptr<DeliveryCredit>& credit() const { return m_credit; }

    // Precise modes (reliable, stream), queued to the worker. Messages are those this consumer
    // delivered (matched by payload in reliable mode, by id in stream mode; settle results name
    // them by seq). Each call returns a request id, answered by exactly one settled() — or, for
    // recover() and claim(), one recoveryFinished(). Other modes answer with an error.
    //   ack         reliable: LREM from the processing list; stream: XACK
    //   requeue     reliable: back to the queue's consuming end; stream: delivered again now
    //   deadLetter  to <queue>:dead / XADD <stream>:dead, then removed from pending
    //   recover     reliable: orphaned processing lists back to the queue (also run at start,
    //               reported with requestId 0); stream: claim with the spec's minidle
    //   claim       stream: XAUTOCLAIM entries idle >= minIdleMs (< 0: the spec's minidle)
    qint64 ack(const rqc::MessageList& messages);
    qint64 requeue(const rqc::MessageList& messages);
    qint64 deadLetter(const rqc::MessageList& messages);
    qint64 recover();
    qint64 claim(qint64 minIdleMs = -1);
    // Whether this consumer's mode settles messages (reliable, stream).
    bool isAcking() const;

    // Test hook: the back-pressure limits of consumers created from now on.
    static void setDefaultLimitsForTest(const DeliveryCredit::Limits& limits);

    static ConsumerWorker* createWorker(const ConnectionSettings& settings,
                                        const ConsumerSpec& spec);
    static void registerMetaTypes();

signals:
    void messagesArrived(const rqc::MessageList& batch, quint64 totalReceived);
    void stateChanged(rqc::ConsumerState state, const QString& detail);
    void errorOccurred(const QString& error);
    void connectionLost(qint64 atMs, const QString& reason);
    void connectionRestored(qint64 lostAtMs, qint64 backAtMs, const QString& note);
    void stopped();
    // Precise modes only (see AckingConsumer).
    void settled(const rqc::SettleResult& result);
    void countersChanged(const rqc::ConsumerCounters& counters);
    void recoveryFinished(const rqc::RecoveryReport& report);
    void identityChosen(const QByteArray& consumer, const QByteArray& pendingKey);
    void notice(const QString& text);
    // Stream group only: this consumer created the group (see StreamGroupConsumer).
    void groupCreated(const QByteArray& group);
    // Pub/sub only (see PubSubConsumer).
    void outputBufferReported(const rqc::OutputBufferReport& report);
    void subscriptionDropped(const QString& text);

private:
    qint64 settle(SettleAction action, const rqc::MessageList& messages);
    qint64 recoverOrClaim(bool claim, qint64 minIdleMs);

    ConsumerSpec m_spec;
    std::unique_ptr<WorkerThread> m_thread;
    QPointer<ConsumerWorker> m_worker;
    std::shared_ptr<DeliveryCredit> m_credit;
    bool m_manualAck = false;
    static DeliveryCredit::Limits s_limits;
    qint64 m_lastRequestId = 0;
};

} // namespace rqc
