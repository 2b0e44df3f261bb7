#pragma once

#include "AckingConsumer.h"
#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QElapsedTimer>
#include <QLabel>

#include <deque>

namespace rqc {

// The one-line summary under a pane: received, rate, depth, dropped, sending, paused — and for
// the precise modes the consumer's true counters (acked, pending, redelivered, dead). The pane
// hands it the figures; it keeps the rate over the last second itself.
class PaneStatusLine : public QLabel {
    Q_OBJECT
public:
    struct Figures {
        Mode mode = Mode::List;
        quint64 received = 0;
        qint64 depth = -1; // LLEN / XLEN, or subscribers of a channel; -1 unknown
        QString depthWhy;  // why the depth is unknown (DepthFact::whyUnknown)
        // The depth was read before the latest messages were consumed: shown with its age (a
        // drain under steady load is never idle long enough for a fresh read).
        bool depthStale = false;
        qint64 depthAgeMs = 0;
        qint64 lastReach = -1; // receivers of the last PUBLISH
        quint64 dropped = 0;
        QString sendText; // "sending…" / "sent N"
        bool paused = false;
        qint64 held = 0;
        int capacity = 0;
        bool precise = false; // counters below are meaningful
        ConsumerCounters counters;
    };

    explicit PaneStatusLine(QWidget* parent = nullptr);

    // Samples the rate and shows the figures.
    void showFigures(const Figures& figures);
    double rate() const { return m_rate; }
    static QString textFor(const Figures& figures, double rate);
    // The depth a pane on spec shows: LLEN, XLEN, or a channel's subscribers (-1: unknown).
    // See DepthFact::depthIn.
    static qint64 depthIn(const ConsumerSpec& spec, const ServerSnapshot& snapshot);

private:
    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, quint64>> m_samples;
    double m_rate = 0;
};

} // namespace rqc
