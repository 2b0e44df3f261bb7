#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>

namespace rqc {

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
};

using MessageList = QList<Message>;

} // namespace rqc

Q_DECLARE_METATYPE(rqc::Message)
Q_DECLARE_METATYPE(rqc::MessageList)
