#pragma once

#include "Message.h"

#include <QHash>
#include <QLabel>

#include <deque>

class QTimer;

namespace rqc {

// Observe panes only: one line under the header with each consumer seen taking from the target —
// its take rate over the last 10 s and the last message it took — from the observer's own rows
// (no extra request to the server). Details per consumer in the tooltip.
class ObservedConsumers : public QLabel {
    Q_OBJECT
public:
    explicit ObservedConsumers(QWidget* parent = nullptr);

    // Counts the takes among rows the pane received (rows of other kinds are ignored).
    void add(const MessageList& batch);
    void clear();
    // Takes per second over the last rateWindowMs() for consumer, as now (for tests).
    double rateOf(const QByteArray& consumer, qint64 nowMs) const;
    static qint64 rateWindowMs() { return 10000; }

private:
    struct Stats {
        std::deque<qint64> takenMs; // within the rate window
        QByteArray lastPayload;
        qint64 lastMs = 0;
        bool lastCertain = true;
        quint64 total = 0;
    };
    void refresh();

    QHash<QByteArray, Stats> m_stats;
    QTimer* m_timer = nullptr;
};

} // namespace rqc
