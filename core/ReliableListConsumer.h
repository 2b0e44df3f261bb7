#pragma once

#include "AckingConsumer.h"
#include "ReliableRecovery.h"

#include <QHash>

namespace rqc {

// The reliable-queue pattern from Redis's LMOVE documentation (mode "reliable"):
//   BLMOVE <queue> <processing> RIGHT LEFT 0, then, after waking, a script that takes up to 16,
//   32, … 1000 at once (LRANGE/LTRIM/LPUSH, leaving the lists as that many LMOVEs would) so a
//   backlog drains fast. Producers LPUSH, as for the plain list.
// Every message taken sits in this consumer's processing list (<queue>:processing:<consumer>,
// option processing=) until it is settled, so a stop or a crash loses nothing:
//   ack        LREM <processing> -1 <payload>
//   requeue    moved back to the queue's consuming end (delivered next), its count incremented
//   dead       moved to <queue>:dead (option dead=)
// Acks work by value: two messages with identical bytes are interchangeable (acking either one
// removes one of them). Moves are single Lua scripts, never read-then-write.
//
// Start: claims the consumer name with a heartbeat key (<processing>:alive, refreshed while it
// runs, deleted on a clean stop), delivers what its own processing list still holds (as
// redelivered), runs a recovery of orphaned lists (report with requestId 0), then consumes.
//
// Delivery counts: <queue>:deliveries is a hash, field = SHA-1 (hex) of the payload, value = how
// many deliveries of it ended without an ack (recovered, re-read after a restart, requeued).
// A delivery shows deliveryCount = value + 1. Nothing is written on the fast path: a message that
// never failed has no field. A recovery sends a message whose count reaches maxdeliveries (default
// 5) to the dead list instead of the queue.
//
// ack=auto: each batch is acked on the ops connection right after it left the worker towards the
// pane, never before (see AckingConsumer): a script per 1000 that, when they are the processing
// list's tail (its oldest entries, as usual), removes them with one LTRIM, else LREMs each.
// ack=manual: only ack()/requeue()/deadLetter() settle.
class ReliableListConsumer : public AckingConsumer {
    Q_OBJECT
public:
    ReliableListConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                         QObject* parent = nullptr);

    const ReliableListKeys& keys() const { return m_keys; }
    static constexpr int kMaxBatch = 1000;

protected:
    bool blockingInFlight() const override { return m_blocking; }
    QString gapNote() const override;
    void onConnectionLost() override;
    void onClusterFound() override;
    void onStarted() override;
    void onResumed() override;
    QByteArray heartbeatKeyFor(const QByteArray& consumer) const override;
    int encodeAutoAcks(const MessageList& messages, QByteArray& encoded) override;
    void autoAcksAnswered(const MessageList& messages, QList<RedisReply>& replies) override;
    qint64 pendingCount() const override { return m_pendingTotal; }
    void doSettle(SettleAction action, qint64 requestId, const MessageList& messages) override;
    void doRecover(qint64 requestId) override;

private:
    // The queue's companion keys, hash-tagged on a cluster.
    void nameKeys(bool cluster);
    QByteArray processingFor(const QByteArray& consumer) const;
    void rereadOwn();
    void takeBlocking();
    void takeBatch(int count);
    void afterTake(bool full, int lastCount);
    // Looks up failed-delivery counts (when any exist) and delivers.
    void deliverTaken(QList<QByteArray> values, bool countsExist, std::function<void()> then);
    void deliverOne(const QByteArray& payload, int deliveryCount);
    void forgetPending(const QByteArray& payload);
    void clearCounts(const QList<QByteArray>& payloads);

    ReliableListKeys m_keys;
    QByteArray m_processingOption;
    QByteArray m_processing;
    QHash<QByteArray, int> m_pending; // multiset of unsettled payloads
    qint64 m_pendingTotal = 0;
    QList<QByteArray> m_taken; // taken by BLMOVE, delivered with the next batch
    int m_nextBatch = 16;
    bool m_blocking = false;
};

} // namespace rqc
