#include "ReplayPlan.h"

#include "RecordingReader.h"

#include <cmath>

namespace rqc {

bool ReplayPlan::load(const QString& path, QString* error)
{
    RecordingReader reader(path);
    if (!reader.open()) {
        *error = reader.error();
        return false;
    }
    m_payloads.clear();
    m_timesMs.clear();
    RecordedRow row;
    while (reader.next(&row)) {
        if (row.event == "gone")
            continue;
        m_payloads << row.message.payload;
        m_timesMs << row.message.receivedMs;
    }
    m_skipped = reader.problemCount();
    if (!reader.error().isEmpty()) {
        *error = reader.error();
        return false;
    }
    if (m_payloads.isEmpty()) {
        *error = tr("%1 holds no message to replay.").arg(path);
        return false;
    }
    return true;
}

qint64 ReplayPlan::spanMs() const
{
    return m_timesMs.isEmpty() ? 0 : qMax<qint64>(0, m_timesMs.last() - m_timesMs.first());
}

std::vector<qint64> ReplayPlan::schedule(double speed) const
{
    std::vector<qint64> out;
    out.reserve(size_t(m_timesMs.size()));
    if (speed <= 0)
        speed = 1;
    qint64 last = 0;
    const qint64 first = m_timesMs.isEmpty() ? 0 : m_timesMs.first();
    for (const qint64 t : m_timesMs) {
        // Times that go backwards (a clock step while recording) keep the order: not earlier
        // than the message before.
        const qint64 ns = qint64(std::llround(double(t - first) * 1e6 / speed));
        last = qMax(last, ns);
        out.push_back(last);
    }
    return out;
}

LoadSource ReplayPlan::source(Timing timing, double speed) const
{
    LoadSource s;
    s.fromList = true;
    s.payloads = m_payloads;
    if (timing != Timing::FixedRate)
        s.scheduleNs = schedule(timing == Timing::Speed ? speed : 1.0);
    return s;
}

LoadPacer::Limits ReplayPlan::limits(Timing timing, quint64 rate) const
{
    LoadPacer::Limits l;
    l.count = quint64(m_payloads.size());
    l.rate = timing == Timing::FixedRate ? rate : 0;
    return l;
}

} // namespace rqc
