#pragma once

#include "AckingConsumer.h"

#include <QSet>

namespace rqc {

struct RedisReply;

// A stream consumer group (mode "stream"):
//   XGROUP CREATE <stream> <group> $|0 MKSTREAM (BUSYGROUP ignored), then this consumer's own
//   pending entries (XREADGROUP … STREAMS <stream> 0, as Redis's stream documentation
//   recommends, delivered as redelivered with their counts from XPENDING), then
//   XREADGROUP GROUP <group> <consumer> COUNT n BLOCK t STREAMS <stream> >.
// Message::id is the entry id, Message::fields every field/value pair, Message::payload the
// value of field `field` (default "message"; empty if the entry has no such field).
//   ack        XACK (ack=auto: one XACK per batch on the ops connection, right after the batch
//              left the worker towards the pane, never before; ack=none: XREADGROUP … NOACK,
//              at most once, nothing pending)
//   requeue    delivered again now: XCLAIM to this same consumer (only while it still owns the
//              entry), which counts one more delivery
//   dead       XADD to <stream>:dead (option dead=) with the entry's fields plus origin-id,
//              origin-group and deliveries, and XACK — one Lua script, so it happens once
//   claim      XAUTOCLAIM idle entries (minidle=, default 60000 ms) from any consumer of the
//              group, delivered with their counts; recover() does the same
// claiminterval=ms (default 0: off): every that many ms, entries of OTHER consumers of the group
// idle for minidle or longer are claimed (XPENDING IDLE + XCLAIM in one script, on ops) and
// delivered with their counts; this consumer's own pending entries are left alone, so an entry
// waiting for a manual ack is not delivered again. Not with ack=none.
// An entry whose delivery count passes maxdeliveries (default 5) when it is re-read or claimed
// is dead-lettered instead of delivered. Entries deleted or trimmed while pending are reported
// (notice, counters.trimmed, RecoveryReport::trimmed) and acked away.
// The consumer name (default <host>-1, <host>-2… the first free one) is held by a heartbeat key
// <stream>:alive:<group>:<consumer>.
class StreamGroupConsumer : public AckingConsumer {
    Q_OBJECT
public:
    StreamGroupConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                        QObject* parent = nullptr);

    const QByteArray& group() const { return m_group; }
    const QByteArray& deadKey() const { return m_dead; }
    // <stream>:alive:<group>:<consumer>
    static QByteArray heartbeatKey(const QByteArray& stream, const QByteArray& group,
                                   const QByteArray& consumer);
    // Builds a Message from one XRANGE/XREADGROUP entry [id, [field, value, …]].
    static Message entryToMessage(const RedisReply& entry, const QByteArray& stream,
                                  const QByteArray& payloadField);

signals:
    // XGROUP CREATE made the group (it did not exist): the console created it, at start or after
    // it went missing, and may offer to remove it when done (StreamGroupCleanup).
    void groupCreated(const QByteArray& group);

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
    qint64 pendingCount() const override { return m_pending.size(); }
    void doSettle(SettleAction action, qint64 requestId, const MessageList& messages) override;
    void doRecover(qint64 requestId) override;
    void doClaim(qint64 requestId, qint64 minIdleMs) override;

private:
    void createGroup(std::function<void()> then);
    void readHistory(const QByteArray& after);
    void readNew();
    // Delivers claimed / re-read entries with their counts (XPENDING), dead-lettering those past
    // the limit and acking away those that vanished. then(delivered, dead) follows.
    void deliverPending(RedisConnection* conn, const QList<RedisReply>& entries,
                        std::function<void(qint64, qint64, QList<QByteArray>)> then);
    void claimRound(const QByteArray& minIdle, const QByteArray& cursor, RecoveryReport report,
                    std::function<void(const RecoveryReport&)> done);
    void claimOthers(const QByteArray& cursor, qint64 claimed);
    void deliverEntry(Message&& m);

    QByteArray m_group;
    QByteArray m_field;
    QByteArray m_from;
    QByteArray m_count;
    QByteArray m_block;
    QByteArray m_dead;
    bool m_deadGiven = false; // dead= in the spec: kept as given on a cluster too
    qint64 m_minIdleMs = 60000;
    qint64 m_claimIntervalMs = 0;
    bool m_claimingOthers = false;
    QString m_lastClaimError;
    QSet<QByteArray> m_pending;
    bool m_blocking = false;
};

} // namespace rqc
