#include "DeliveryCredit.h"

namespace rqc {

DeliveryCredit::DeliveryCredit(const Limits& limits)
    : m_limits(limits)
{
}

bool DeliveryCredit::canEmit() const
{
    return m_count.load(std::memory_order_acquire) < qMax(1, m_limits.batchesInFlight);
}

void DeliveryCredit::emitted(qint64 rows, qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    m_inFlight.push_back({rows, bytes});
    m_rows.fetch_add(rows, std::memory_order_relaxed);
    m_bytes.fetch_add(bytes, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_release);
}

void DeliveryCredit::taken(int batches)
{
    QMutexLocker lock(&m_mutex);
    for (int i = 0; i < batches && !m_inFlight.empty(); ++i) {
        m_rows.fetch_sub(m_inFlight.front().rows, std::memory_order_relaxed);
        m_bytes.fetch_sub(m_inFlight.front().bytes, std::memory_order_relaxed);
        m_inFlight.pop_front();
        m_count.fetch_sub(1, std::memory_order_release);
    }
}

int DeliveryCredit::batchesInFlight() const { return m_count.load(std::memory_order_acquire); }

qint64 DeliveryCredit::rowsInFlight() const { return m_rows.load(std::memory_order_relaxed); }

qint64 DeliveryCredit::bytesInFlight() const { return m_bytes.load(std::memory_order_relaxed); }

qint64 DeliveryCredit::messageBytes(const Message& m)
{
    qint64 n = qint64(sizeof(Message)) + m.payload.size() + m.source.size() + m.pattern.size() +
               m.id.size();
    for (const auto& f : m.fields) {
        // A stream entry's payload is its payload field's value, shared, not copied.
        const bool shared = f.second.isSharedWith(m.payload) && !m.payload.isEmpty();
        n += qint64(sizeof(f)) + f.first.size() + (shared ? 0 : f.second.size());
    }
    if (m.observed)
        n += qint64(sizeof(Observation)) + m.observed->command.size() + m.observed->key.size() +
             m.observed->clientName.size() + m.observed->producer.size() +
             m.observed->consumer.size();
    return n;
}

} // namespace rqc
