#pragma once

#include "Message.h"

#include <QMutex>
#include <QtGlobal>

#include <atomic>
#include <deque>

namespace rqc {

// Back-pressure between a consumer worker and whoever takes its batches (the window): the worker
// counts each batch it emits as in flight, the taker acknowledges each batch once it has taken it
// (taken(), from any thread), and the worker emits no further batch while `batchesInFlight` are
// unacknowledged: it merges what arrives meanwhile into one pending batch instead. Once what it
// holds (in flight + pending) reaches `queuedRows` or `queuedBytes`, it stops taking more from
// Redis (see ConsumerWorker::roomFor and the read pause of push modes) until acknowledgements
// make room. Shared between the two threads; every member is thread-safe.
struct DeliveryLimits {
    int batchesInFlight = 4;
    qint64 queuedRows = 100000;
    qint64 queuedBytes = 64ll * 1024 * 1024;
};

class DeliveryCredit {
public:
    using Limits = DeliveryLimits;

    explicit DeliveryCredit(const Limits& limits = Limits());

    const Limits& limits() const { return m_limits; }
    // Worker side: whether one more batch may be emitted now.
    bool canEmit() const;
    // Worker side: a batch of rows/bytes was emitted.
    void emitted(qint64 rows, qint64 bytes);
    // Taker side (any thread): the oldest `batches` batches in flight were taken.
    void taken(int batches = 1);
    int batchesInFlight() const;
    qint64 rowsInFlight() const;
    qint64 bytesInFlight() const;

    // What one message costs in memory, roughly (its byte arrays plus the struct; bytes shared
    // between its payload and a field are counted once).
    static qint64 messageBytes(const Message& m);

private:
    struct Batch {
        qint64 rows = 0;
        qint64 bytes = 0;
    };
    const Limits m_limits;
    mutable QMutex m_mutex;
    std::deque<Batch> m_inFlight; // under m_mutex; the atomics mirror it for lock-free reads
    std::atomic<int> m_count{0};
    std::atomic<qint64> m_rows{0};
    std::atomic<qint64> m_bytes{0};
};

} // namespace rqc
