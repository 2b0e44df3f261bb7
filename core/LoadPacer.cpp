#include "LoadPacer.h"

#include <algorithm>

namespace rqc {

namespace {
constexpr quint64 kNsPerSecond = 1000000000ULL;
}

void LoadPacer::setSchedule(std::vector<qint64> dueNs)
{
    m_limits.count = dueNs.size();
    m_limits.rate = 0;
    m_schedule = std::make_shared<const std::vector<qint64>>(std::move(dueNs));
}

quint64 LoadPacer::dueBy(qint64 nowNs) const
{
    const quint64 elapsed = nowNs > m_startNs ? quint64(nowNs - m_startNs) : 0;
    if (m_schedule)
        return quint64(std::upper_bound(m_schedule->begin(), m_schedule->end(), qint64(elapsed)) -
                       m_schedule->begin());
    // floor(elapsed * rate / 1e9) + 1 in integers (the first message goes at once); split so
    // that hours at a million a second do not overflow.
    const quint64 whole = elapsed / kNsPerSecond;
    const quint64 part = elapsed % kNsPerSecond;
    return whole * m_limits.rate + part * m_limits.rate / kNsPerSecond + 1;
}

quint64 LoadPacer::allowed(qint64 nowNs) const
{
    if (exhausted(nowNs))
        return 0;
    quint64 cap = m_limits.count > 0 ? m_limits.count : m_issued + kUnbounded;
    if (m_limits.rate > 0 || m_schedule)
        cap = qMin(cap, dueBy(nowNs));
    return cap > m_issued ? cap - m_issued : 0;
}

bool LoadPacer::exhausted(qint64 nowNs) const
{
    return (m_limits.count > 0 && m_issued >= m_limits.count) || timeUp(nowNs) ||
           !m_limits.isValid() || (m_schedule && m_issued >= m_schedule->size());
}

qint64 LoadPacer::nextEventNs(qint64 nowNs) const
{
    if (exhausted(nowNs))
        return -1;
    if (allowed(nowNs) > 0)
        return nowNs;
    qint64 next = m_limits.durationNs > 0 ? m_startNs + m_limits.durationNs : -1;
    if (m_schedule) {
        const qint64 due = m_startNs + (*m_schedule)[size_t(m_issued)];
        return next < 0 ? due : qMin(next, due);
    }
    if (m_limits.rate > 0) {
        // Message number m_issued (0-based) is due at ceil(m_issued * 1e9 / rate).
        const quint64 k = m_issued;
        const quint64 whole = k / m_limits.rate;
        const quint64 rest = k % m_limits.rate;
        const quint64 ns =
            whole * kNsPerSecond + (rest * kNsPerSecond + m_limits.rate - 1) / m_limits.rate;
        const qint64 due = m_startNs + qint64(ns);
        next = next < 0 ? due : qMin(next, due);
    }
    return next;
}

} // namespace rqc
