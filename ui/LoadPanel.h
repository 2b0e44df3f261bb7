#pragma once

#include "LoadPacer.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace rqc {

// The entry box's load mode: how many messages (or for how long), at what rate, Start and Stop,
// a progress bar and the figures of the run (sent, achieved rate, reached, acked). Asks for a run
// (startRequested); SendBox sends it and feeds the figures back.
class LoadPanel : public QWidget {
    Q_OBJECT
public:
    explicit LoadPanel(QWidget* parent = nullptr);

    LoadPacer::Limits limits() const;
    void setLimits(quint64 count, int seconds, quint64 rate); // for tests and settings

    // The run has begun / has figures / is over. acked < 0: the pane does not settle messages.
    void begin(const LoadPacer::Limits& limits);
    void update(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked);
    void finish(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked);
    // The run's acked figure moved (after it finished too: acks come after the last send).
    void updateAcked(qint64 acked);
    bool isRunning() const { return m_running; }
    // The figures line, also shown in the pane's status while a run is on.
    QString figures() const { return m_figures; }
    // Achieved messages per second of the run so far.
    static double rateOf(quint64 sent, qint64 elapsedNs);

signals:
    void startRequested(const rqc::LoadPacer::Limits& limits);
    void stopRequested();

private:
    QString describe(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked) const;

    QComboBox* m_limitKind = nullptr;
    QSpinBox* m_limitSpin = nullptr;
    QSpinBox* m_rateSpin = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    LoadPacer::Limits m_limits;
    bool m_running = false;
    QString m_figures;
    quint64 m_sent = 0; // the last figures given, for updateAcked()
    qint64 m_reached = -1;
    qint64 m_elapsedNs = 0;
};

} // namespace rqc
