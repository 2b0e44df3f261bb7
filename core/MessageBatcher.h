#pragma once

#include "Message.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace rqc {

// Collects messages and hands them on in batches. A message arriving after a quiet spell is
// flushed at once (leading edge); after that the gap to the next flush adapts to the size of
// the previous one: a small batch (a trickle, < largeBatch messages) waits at most the short
// interval (~4 ms, so 1 000 msgs/s reach the view within a few ms), a large one (a flood) the
// full interval (~33 ms, i.e. ~30 flushes a second).
class MessageBatcher : public QObject {
    Q_OBJECT
public:
    using Sink = std::function<void(MessageList&&)>;

    static constexpr int kShortIntervalMs = 4;
    static constexpr qsizetype kLargeBatch = 64;

    // intervalMs is the flood interval; the trickle interval is min(kShortIntervalMs, intervalMs).
    explicit MessageBatcher(Sink sink, int intervalMs = 33, QObject* parent = nullptr);

    // Tunes the adaptive policy: the interval after a batch of fewer than largeBatch messages.
    void setShortInterval(int shortIntervalMs, qsizetype largeBatch = kLargeBatch);

    // A gate (may be empty) the batcher asks before each flush: while it answers false, what is
    // held stays and grows (merged into one batch), until flush() is called again (by the owner,
    // once the gate opens) or flushNow() forces it.
    void setGate(std::function<bool()> gate) { m_gate = std::move(gate); }

    void add(Message&& message);
    void add(MessageList&& messages);
    // Delivers whatever is held, now, if the gate allows it.
    void flush();
    // Delivers whatever is held, now, whatever the gate says (at a stop).
    void flushNow();
    qsizetype held() const { return m_held.size(); }
    quint64 flushes() const { return m_flushes; }
    // The gap the next flush keeps from the last one (short or full interval).
    int currentIntervalMs() const { return m_currentMs; }

private:
    void maybeFlush();

    Sink m_sink;
    std::function<bool()> m_gate;
    int m_intervalMs;
    int m_shortMs;
    qsizetype m_largeBatch = kLargeBatch;
    int m_currentMs;
    MessageList m_held;
    QTimer m_timer;
    QElapsedTimer m_sinceFlush;
    quint64 m_flushes = 0;
};

// Capped exponential backoff for reconnects: 100 ms, 200 ms, … up to the cap.
class Backoff {
public:
    explicit Backoff(int firstMs = 100, int capMs = 5000)
        : m_first(firstMs)
        , m_cap(capMs)
    {
    }
    int next()
    {
        const int d = m_next ? m_next : m_first;
        m_next = qMin(d * 2, m_cap);
        return d;
    }
    void reset() { m_next = 0; }

private:
    int m_first;
    int m_cap;
    int m_next = 0;
};

} // namespace rqc
