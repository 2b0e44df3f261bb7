#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>

#include <memory>

namespace rqc {

// What an observe pane saw a client do (MONITOR or keyspace notifications), and — for a take —
// which message it took. Shared and immutable once delivered; null in every other mode.
struct Observation {
    enum class Kind { Produce, Consume, Ack, Remove, Other };
    Kind kind = Kind::Other;
    QByteArray command;    // LPUSH, BRPOP, XADD, XACK, PUBLISH, lpush (an event)…
    QByteArray key;        // the key or channel it touched
    qint64 clientId = 0;   // 0 when unknown (keyspace notifications)
    QByteArray clientName; // CLIENT SETNAME, empty when unknown
    QByteArray clientAddr; // ip:port or unix socket path, empty when unknown
    // A take (Consume, Ack) names the message's producer and its consumer. A produce row names
    // its producer only: rows are immutable once delivered, and the take row that follows names
    // who took it.
    QByteArray producer;   // "name (addr)" of the client that pushed the message
    QByteArray consumer;   // "name (addr)" of the client that took it
    bool certain = true;   // false: the match is inferred (plain lists), and says so
    qint64 producedMs = 0; // when the message was pushed (server time), 0 unknown
    qint64 takenMs = 0;    // when it was taken, 0 unknown / not yet
    qint64 ackedMs = 0;    // when it was acked (reliable, stream), 0 unknown / not yet
};

// One consumed message. The payload is bytes end to end; decoding happens only for display.
struct Message {
    QByteArray payload;
    QByteArray source;     // the channel, list key or stream it came from
    QByteArray pattern;    // the PSUBSCRIBE pattern that matched, empty otherwise
    QByteArray id;         // stream entry ID (stream modes), empty otherwise
    qint64 receivedMs = 0; // wall clock when the worker read it, ms since the epoch
    quint64 seq = 0;       // 1-based sequence number within its consumer
    int deliveryCount = 1; // >1 when redelivered (reliable and stream modes)
    // Stream modes: every field/value pair of the entry, in order (payload is one of the values).
    QList<QPair<QByteArray, QByteArray>> fields;
    // Observe mode only (see Observation); null elsewhere.
    std::shared_ptr<const Observation> observed;
};

using MessageList = QList<Message>;

} // namespace rqc

Q_DECLARE_METATYPE(rqc::Message)
Q_DECLARE_METATYPE(rqc::MessageList)
