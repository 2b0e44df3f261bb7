#pragma once

#include "Message.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace rqc {

// Collects messages and hands them on in batches: at most one flush per interval under load,
// but a message arriving after a quiet spell is flushed at once (leading edge), so a lone
// message is never held back.
class MessageBatcher : public QObject {
    Q_OBJECT
public:
    using Sink = std::function<void(MessageList&&)>;

    explicit MessageBatcher(Sink sink, int intervalMs = 33, QObject* parent = nullptr);

    void add(Message&& message);
    void add(MessageList&& messages);
    // Delivers whatever is held, now.
    void flush();
    qsizetype held() const { return m_held.size(); }
    quint64 flushes() const { return m_flushes; }

private:
    void maybeFlush();

    Sink m_sink;
    int m_intervalMs;
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
