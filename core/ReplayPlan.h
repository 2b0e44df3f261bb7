#pragma once

#include "LoadJob.h"
#include "LoadPacer.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace rqc {

// The messages of a recording (README "Recording", RecordingReader), to be sent again: their
// payloads in file order, byte for byte, and when each arrived. A "gone" row of a peek recording
// is not a message and is left out; bad lines are skipped and counted (RecordingReader).
class ReplayPlan {
    Q_DECLARE_TR_FUNCTIONS(rqc::ReplayPlan)
public:
    enum class Timing { Recorded, Speed, FixedRate };

    // False with *error when the file cannot be read or holds no message.
    bool load(const QString& path, QString* error);

    const QList<QByteArray>& payloads() const { return m_payloads; }
    const QList<qint64>& timesMs() const { return m_timesMs; }
    qint64 skippedLines() const { return m_skipped; }
    // The span between the first and the last message, as recorded.
    qint64 spanMs() const;

    // The send: every payload in order; Recorded = as recorded, Speed = recorded / speed,
    // FixedRate = rate messages a second.
    LoadSource source(Timing timing, double speed) const;
    LoadPacer::Limits limits(Timing timing, quint64 rate) const;
    // The schedule alone (ns after the start), for Recorded and Speed.
    std::vector<qint64> schedule(double speed) const;

private:
    QList<QByteArray> m_payloads;
    QList<qint64> m_timesMs;
    qint64 m_skipped = 0;
};

} // namespace rqc
