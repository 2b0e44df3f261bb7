#include "MessageBatcher.h"

namespace rqc {

MessageBatcher::MessageBatcher(Sink sink, int intervalMs, QObject* parent)
    : QObject(parent)
    , m_sink(std::move(sink))
    , m_intervalMs(intervalMs)
    , m_shortMs(qMin(kShortIntervalMs, intervalMs))
    , m_currentMs(m_shortMs)
    , m_timer(this)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &MessageBatcher::flush);
}

void MessageBatcher::setShortInterval(int shortIntervalMs, qsizetype largeBatch)
{
    m_shortMs = qMin(shortIntervalMs, m_intervalMs);
    m_largeBatch = largeBatch;
    if (m_currentMs < m_intervalMs)
        m_currentMs = m_shortMs;
}

void MessageBatcher::add(Message&& message)
{
    m_held.append(std::move(message));
    maybeFlush();
}

void MessageBatcher::add(MessageList&& messages)
{
    if (messages.isEmpty())
        return;
    if (m_held.isEmpty())
        m_held = std::move(messages);
    else
        m_held.append(std::move(messages));
    maybeFlush();
}

void MessageBatcher::maybeFlush()
{
    if (m_timer.isActive())
        return; // a flush is already scheduled
    const qint64 since = m_sinceFlush.isValid() ? m_sinceFlush.elapsed() : m_currentMs;
    if (since >= m_currentMs)
        flush(); // leading edge: quiet for a whole interval, deliver at once
    else
        m_timer.start(int(m_currentMs - since));
}

void MessageBatcher::flush()
{
    m_timer.stop();
    if (m_held.isEmpty() || (m_gate && !m_gate()))
        return;
    flushNow();
}

void MessageBatcher::flushNow()
{
    m_timer.stop();
    if (m_held.isEmpty())
        return;
    m_sinceFlush.start();
    ++m_flushes;
    // A flood (large batches) gets the full interval, a trickle the short one.
    m_currentMs = m_held.size() >= m_largeBatch ? m_intervalMs : m_shortMs;
    MessageList out;
    out.swap(m_held);
    m_sink(std::move(out));
}

} // namespace rqc
