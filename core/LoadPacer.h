#pragma once

#include <QtGlobal>

#include <memory>
#include <vector>

namespace rqc {

// How many messages a load run may have sent by a given time: at most `rate` a second (0: as
// fast as the connection takes them), stopping after `count` messages (0: no count) or `duration`
// (0: none). A token bucket over the whole run, so a late tick catches up and the run's average
// is the rate asked for. Pure arithmetic on the times it is given (nanoseconds from any clock),
// so tests drive it with a fake clock.
class LoadPacer {
public:
    struct Limits {
        quint64 rate = 0;      // messages per second; 0 = as fast as possible
        quint64 count = 0;     // 0 = until the duration is over
        qint64 durationNs = 0; // 0 = until count is sent
        bool isValid() const { return count > 0 || durationNs > 0; }
    };

    LoadPacer() = default;
    explicit LoadPacer(const Limits& limits)
        : m_limits(limits)
    {
    }

    // A replay's timing: message i is due schedule[i] ns after start (non-decreasing). The count
    // becomes the schedule's length; the rate no longer applies.
    void setSchedule(std::vector<qint64> dueNs);
    void start(qint64 nowNs)
    {
        m_startNs = nowNs;
        m_issued = 0;
    }
    // How many more messages may be issued at nowNs (unbounded fast runs: a large number the
    // caller caps by its own batch size).
    quint64 allowed(qint64 nowNs) const;
    void issued(quint64 n) { m_issued += n; }
    quint64 issuedCount() const { return m_issued; }
    // Nothing more will ever be allowed: count sent or time up.
    bool exhausted(qint64 nowNs) const;
    // When allowed() next becomes non-zero, or when the duration ends (whichever is first);
    // -1 once exhausted.
    qint64 nextEventNs(qint64 nowNs) const;
    // Messages due by nowNs (for a paced run), before the count cap.
    quint64 dueBy(qint64 nowNs) const;
    const Limits& limits() const { return m_limits; }

    static constexpr quint64 kUnbounded = quint64(1) << 40;

private:
    bool timeUp(qint64 nowNs) const
    {
        return m_limits.durationNs > 0 && nowNs - m_startNs >= m_limits.durationNs;
    }

    Limits m_limits;
    std::shared_ptr<const std::vector<qint64>> m_schedule;
    qint64 m_startNs = 0;
    quint64 m_issued = 0;
};

} // namespace rqc
