#pragma once
// Shared by the Sentinel tests (tst_sentinel, tst_sentinelkill): a paced acker for a precise
// Consumer. Header-only.

#include "Consumer.h"
#include "PreciseSupport.h"

#include <QHash>
#include <QTimer>

namespace rqc::test {

// Acks what a precise consumer delivers, a few at a time (so that the drain lasts through a
// failover), retrying what failed; counts the acks Redis confirmed per payload.
struct PacedAcker {
    Consumer* consumer;
    PreciseRecorder* rec;
    QHash<quint64, QByteArray> payloadOf; // seq → payload
    QList<Message> waiting;               // delivered, ack not confirmed, not in a request
    QHash<qint64, MessageList> inRequest; // request id → its messages
    qsizetype seenMessages = 0;
    qsizetype seenSettles = 0;
    QHash<QByteArray, int> ackedTimes;
    int perTick = 20;
    QTimer timer;

    PacedAcker(Consumer* c, PreciseRecorder* r)
        : consumer(c)
        , rec(r)
    {
        QObject::connect(&timer, &QTimer::timeout, &timer, [this] { tick(); });
        timer.start(10);
    }
    void tick()
    {
        for (; seenMessages < rec->messages.size(); ++seenMessages) {
            const Message& m = rec->messages[seenMessages];
            payloadOf.insert(m.seq, m.payload);
            waiting.append(m);
        }
        for (; seenSettles < rec->settles.size(); ++seenSettles) {
            const SettleResult& r = rec->settles[seenSettles];
            const MessageList sent = inRequest.take(r.requestId);
            for (quint64 seq : r.done)
                ++ackedTimes[payloadOf.value(seq)];
            if (!r.error.isEmpty()) {
                // Not settled (the connection went): asked again.
                for (const Message& m : sent) {
                    if (!r.done.contains(m.seq) && !r.gone.contains(m.seq))
                        waiting.append(m);
                }
            }
        }
        if (waiting.isEmpty() || inRequest.size() * perTick >= maxInFlight())
            return;
        MessageList batch;
        while (!waiting.isEmpty() && batch.size() < perTick)
            batch.append(waiting.takeFirst());
        const qint64 id = consumer->ack(batch);
        inRequest.insert(id, batch);
    }
    int maxInFlight() const { return 4 * perTick; }
    qsizetype ackedDistinct() const { return ackedTimes.size(); }
    int ackedTwice() const
    {
        int n = 0;
        for (int times : ackedTimes)
            n += times > 1 ? 1 : 0;
        return n;
    }
};

} // namespace rqc::test
