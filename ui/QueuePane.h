#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ConsumerWorker.h"
#include "Message.h"
#include "ServerMonitor.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableView;
class QTimer;
class QToolButton;

namespace rqc {

class Consumer;
class MessageFilterProxy;
class MessageModel;
class PayloadView;
class Publisher;

// One queue or channel: a consumer for its mode and target, a publisher for the entry box, and
// the live view of what was consumed. All network work happens in core workers on their own
// threads; the pane only queues requests and shows what comes back.
//
// Each pane has its own Publisher (one connection and thread): a 1 000 000-message burst in one
// pane must not hold up a single message typed into another, and a publisher's errors and
// progress then belong to exactly one pane. Idle publishers cost one connection each.
class QueuePane : public QWidget {
    Q_OBJECT
public:
    explicit QueuePane(const ConsumerSpec& spec, QWidget* parent = nullptr);
    ~QueuePane() override;

    ConsumerSpec spec() const { return m_spec; }
    // The server to use; starts the consumer (and publisher). Until then the pane waits.
    void setConnection(const ConnectionSettings& settings);
    // Switches mode, target or options; restarts the consumer.
    void setSpec(const ConsumerSpec& spec);
    void setCapacity(int capacity);
    void applySnapshot(const ServerSnapshot& snapshot);
    // Asks the consumer to stop without waiting (the destructor waits for what is left).
    void stopConsumer();
    void focusEntry();

    MessageModel* model() const { return m_model; }
    MessageFilterProxy* proxy() const { return m_proxy; }
    ConsumerState consumerState() const { return m_state; }
    quint64 receivedTotal() const { return m_received; }
    quint64 sentTotal() const { return m_sent; }
    QString errorText() const { return m_error; }
    QString statusText() const;

    static QString objectNameFor(const QByteArray& target);

signals:
    void closeRequested(rqc::QueuePane* pane);
    void specChanged(rqc::QueuePane* pane, const rqc::ConsumerSpec& spec);
    // For the status bar: the pane's target and Redis's own error text.
    void errorReported(const QString& message);
    void sendFinished();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildUi();
    void updateModeUi();
    void startConsumer();
    void retireConsumer();
    void onBatch(const MessageList& batch);
    void onModeChosen(int index);
    void onTargetEdited();
    void onPauseToggled(bool paused);
    void onCurrentRowChanged();
    void clearView();
    void send();
    QByteArray publishTarget() const;
    void showError(const QString& text, bool fromConsumer);
    void clearError();
    void updateStatus();

    ConsumerSpec m_spec;
    ConnectionSettings m_settings;
    bool m_connected = false;
    QPointer<Consumer> m_consumer;
    Publisher* m_publisher = nullptr;
    ConsumerState m_state = ConsumerState::Idle;

    MessageModel* m_model = nullptr;
    MessageFilterProxy* m_proxy = nullptr;
    MessageList m_held; // arrived while paused, shown on resume
    quint64 m_heldDropped = 0;
    quint64 m_received = 0;
    quint64 m_sent = 0;
    qint64 m_depth = -1;     // LLEN (list) or subscribers (channel); -1 unknown
    qint64 m_lastReach = -1; // receivers of the last PUBLISH
    QString m_sendProgress;
    QHash<qint64, int> m_pendingSends;
    QString m_error;
    bool m_errorFromConsumer = false;
    bool m_followTail = true;
    bool m_updatingUi = false;
    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, quint64>> m_rateSamples;
    double m_rate = 0;

    QLineEdit* m_targetEdit = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QLabel* m_stateLabel = nullptr;
    QToolButton* m_closeButton = nullptr;
    QLabel* m_guaranteeLabel = nullptr;
    QLabel* m_errorLabel = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_clearButton = nullptr;
    QTableView* m_view = nullptr;
    PayloadView* m_payloadView = nullptr;
    QSplitter* m_contentSplitter = nullptr;
    QLabel* m_publishToLabel = nullptr;
    QLineEdit* m_publishToEdit = nullptr;
    QPlainTextEdit* m_messageEdit = nullptr;
    QSpinBox* m_repeatSpin = nullptr;
    QPushButton* m_sendButton = nullptr;
    QLabel* m_statusLine = nullptr;
    QTimer* m_statusTimer = nullptr;
};

} // namespace rqc
