#pragma once

#include "ConsumerWorker.h"
#include "OutputBufferWatch.h"

namespace rqc {

struct RedisReply;

// SUBSCRIBE to a channel (mode PubSub) or PSUBSCRIBE to a pattern (mode Pattern). Every subscriber
// sees every message; nothing is kept for a subscriber that is not connected.
// Mode SPubSub: SSUBSCRIBE (Redis 7 sharded pub/sub) on the cluster node that serves the channel's
// slot. When the slot moves, Redis ends the subscription with an unasked sunsubscribe: the worker
// subscribes again, the old node answers -MOVED, and it reconnects to the new owner (the gap is
// reported like any other: what was published meanwhile is gone).
//
// Back-pressure: when the taker falls behind (see DeliveryCredit), the worker stops reading its
// socket; the socket buffers at most kReadBufferBytes ahead, and the rest waits in Redis's output
// buffer for this client. An OutputBufferWatch reads that buffer (omem) once a second, next to the
// pubsub client-output-buffer-limit; when Redis closes the subscription after a reading at or past
// half that limit (and the server still answers), the loss is reported as what it is.
class PubSubConsumer : public ConsumerWorker {
    Q_OBJECT
public:
    static constexpr qint64 kReadBufferBytes = 1024 * 1024;

    PubSubConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                   QObject* parent = nullptr);

signals:
    // Once a second while subscribed.
    void outputBufferReported(const rqc::OutputBufferReport& report);
    // Redis closed the subscription because its output buffer passed the pubsub limit.
    void subscriptionDropped(const QString& text);

protected:
    void onReady() override;
    QString gapNote() const override;
    // Listening once the server has confirmed the subscription, not before.
    bool listeningWhenReady() const override { return false; }
    bool pausesReadingWhenFull() const override { return true; }
    void onConnectionLost() override;
    // Plain pub/sub is cluster-wide (any node); sharded pub/sub goes to the channel's slot.
    QByteArray routingKey() const override;

private:
    void onPush(RedisReply& reply);
    void judgeLoss(const OutputBufferReport& before, quint64 receivedBefore);

    OutputBufferWatch* m_watch = nullptr;
    void onReport(const OutputBufferReport& report);

    qint64 m_watchedId = 0; // the subscribed connection's CLIENT ID
    QString m_watchedHost;  // the node the watch asks
    quint16 m_watchedPort = 0;
    OutputBufferReport m_lastReading; // the last one with an omem, for m_watchedId
    qint64 m_goneAtMs = 0;            // when the watch found the subscriber gone
    QString m_dropText;               // the last loss, when it was the output-buffer limit
    qint64 m_wireBytes = 0;           // RESP bytes of the messages received, for their average size
};

} // namespace rqc
