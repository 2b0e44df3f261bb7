#pragma once

#include "AckingConsumer.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace rqc {

class RedisConnection;

// The keys of one reliable list (see ReliableListConsumer), derived from the queue's name.
// In a Redis Cluster every key a script or BLMOVE touches together must be in one slot: there the
// companion keys are named after the queue's hash tag, {queue}:processing:<consumer>,
// {queue}:dead, {queue}:deliveries (CRC16 of "queue" is the queue's own slot). A queue name that
// already has a hash tag keeps the plain names (they share its tag).
struct ReliableListKeys {
    QByteArray queue;
    QByteArray prefix;     // what the companion keys start with: queue, or {queue} in a cluster
    QByteArray dead;       // <prefix>:dead unless set
    QByteArray deliveries; // <prefix>:deliveries: failed-delivery counts, field = SHA-1 of payload
    int maxDeliveries = 5;

    static ReliableListKeys forQueue(const QByteArray& queue, const QByteArray& dead = {},
                                     bool cluster = false);
    static QByteArray prefixFor(const QByteArray& queue, bool cluster);
    QByteArray base() const { return prefix.isEmpty() ? queue : prefix; }
    // Whether key is a processing list (or its heartbeat) of queue, named either way:
    // queue:processing:… or, on a cluster, {queue}:processing:….
    static bool isProcessingOf(const QByteArray& queue, const QByteArray& key)
    {
        return key.startsWith(queue + ":processing:") ||
               key.startsWith('{' + queue + "}:processing:");
    }
    // <prefix>:processing:<consumer>
    QByteArray processingFor(const QByteArray& consumer) const;
    // The SCAN MATCH pattern for every consumer's processing list (glob characters escaped).
    QByteArray processingPattern() const;
    // The consumer part of a processing list's name (empty if it does not follow the pattern).
    QByteArray consumerOf(const QByteArray& processing) const;
    // A consumer is alive while this key exists (see AckingConsumer's heartbeat).
    static QByteArray heartbeatKey(const QByteArray& processing) { return processing + ":alive"; }
};

// Moves the messages of orphaned processing lists — those whose heartbeat key has expired — back
// to the queue's consuming end, oldest first, so they are delivered again. Each message's failed-
// delivery count is incremented; a message that reaches maxDeliveries goes to the dead list
// instead. Every message is moved by one Lua script run, which checks the heartbeat and moves the
// message atomically, so two consoles recovering at once move each message exactly once.
// A consumer's own processing list (`own`) is never recovered by it, whatever its heartbeat says:
// those messages are its in-flight ones (it re-reads that list itself at start). Its heartbeat may
// be gone while it still holds them, e.g. released at a stop that raced this run.
// Runs on a connection owned by the caller (same thread); emits finished() once, then may be
// deleted.
class ReliableRecovery : public QObject {
    Q_OBJECT
public:
    ReliableRecovery(RedisConnection* connection, const ReliableListKeys& keys,
                     QObject* parent = nullptr, const QByteArray& own = {});

    void start(qint64 requestId = 0);

    // Messages moved per script run (bounds how long one run holds the server).
    static constexpr int kChunk = 1000;

signals:
    void finished(const rqc::RecoveryReport& report);

private:
    void scan(const QByteArray& cursor);
    void next();
    void done(const QString& error = QString());

    QPointer<RedisConnection> m_conn;
    ReliableListKeys m_keys;
    QByteArray m_own;
    RecoveryReport m_report;
    QList<QByteArray> m_lists;
    QSet<QByteArray> m_seen;
    QSet<QByteArray> m_orphaned;
    bool m_finished = false;
};

} // namespace rqc
