#pragma once

#include "ReplayPlan.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace rqc {

class Publisher;
class SendBox;

// Replays a recording (JSON Lines, README "Recording") through the pane's publisher: to a
// target and command of the user's choice (the pane's by default), at the recorded timing, N
// times faster, or at a fixed rate; progress and Stop; payloads byte for byte, in order.
class ReplayDialog : public QDialog {
    Q_OBJECT
public:
    explicit ReplayDialog(SendBox* box);

    void setPath(const QString& path);
    // Starts the replay with the dialog's choices; false (with the reason shown) when it cannot.
    bool start();
    void stop();
    bool isRunning() const { return m_id != 0; }
    QString statusText() const;

private:
    void finish(quint64 sent);

    QPointer<Publisher> m_publisher;
    QLineEdit* m_pathEdit = nullptr;
    QComboBox* m_commandCombo = nullptr;
    QLineEdit* m_targetEdit = nullptr;
    QComboBox* m_timingCombo = nullptr;
    QDoubleSpinBox* m_speedSpin = nullptr;
    QSpinBox* m_rateSpin = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_startButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    qint64 m_id = 0;
    quint64 m_total = 0;
};

} // namespace rqc
