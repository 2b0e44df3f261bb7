#pragma once

#include "AckingConsumer.h"
#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ConsumerWorker.h"
#include "DepthFact.h"
#include "Message.h"
#include "MessageModel.h"
#include "ServerMonitor.h"

#include <QPointer>
#include <QWidget>

#include <deque>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTimer;
class QToolButton;

class QSettings;

namespace rqc {

class AckBar;
class CensusService;
class Consumer;
class ConsumersLine;
class SubscriberBufferLine;
class InspectorDialog;
class MessageFilterProxy;
class ObservedConsumers;
class PaneChart;
class PaneRecorder;
class PaneStatusLine;
class PayloadView;
class PeekView;
class Publisher;
class SendBox;
class ServerTag;
class SettleTracker;
class TraceTracker;

// One queue or channel: a consumer for its mode and target, an entry box (SendBox, through the
// server's shared publisher), and the live view of what was consumed. In the precise modes
// (reliable list, stream group) the AckBar sets the ack policy and settles the selected messages,
// the view shows each row's state and delivery count (SettleTracker), and Inspect… opens the
// queue's InspectorDialog. All network work happens in core workers on their own threads; the pane
// only queues requests and shows what comes back.
class QueuePane : public QWidget {
    Q_OBJECT
public:
    explicit QueuePane(const ConsumerSpec& spec, QWidget* parent = nullptr);
    ~QueuePane() override;

    ConsumerSpec spec() const { return m_spec; }
    // The server to use; starts the consumer. Sends go through `publisher`, the server's shared
    // one (MainWindow's session owns it); without one the pane starts its own. The consumers line
    // asks `census`, the server's shared CensusService, likewise. Until then the pane waits.
    void setConnection(const ConnectionSettings& settings, Publisher* publisher = nullptr,
                       CensusService* census = nullptr);
    // New settings for the same server (a password entered after a refusal): a consumer that
    // failed starts again with them, and everything the pane opens later uses them.
    void resumeConnection(const ConnectionSettings& settings, CensusService* census);
    // Switches mode, target or options; restarts the consumer.
    void setSpec(const ConsumerSpec& spec);
    void setCapacity(int capacity);
    void applySnapshot(const ServerSnapshot& snapshot);
    // The window's monitor lost the server at sinceMs: figures from snapshots are no longer facts.
    void setServerUnreachable(qint64 sinceMs);
    // Asks the consumer to stop without waiting (the destructor waits for what is left).
    void stopConsumer();
    void focusEntry();

    // Precise modes: settle the pending messages selected in the live view.
    void settleSelected(SettleAction action);
    // Opens (or raises) the inspector for this pane's queue.
    InspectorDialog* openInspector();
    InspectorDialog* inspector() const;

    // Records every row this pane receives to a JSON Lines file (PaneRecorder); record=FILE in
    // a spec does the same.
    void startRecording(const QString& path);
    void stopRecording();
    bool isRecording() const;
    PaneRecorder* recorder() const { return m_recorder; }

    MessageModel* model() const { return m_model; }
    MessageFilterProxy* proxy() const { return m_proxy; }
    SettleTracker* tracker() const { return m_tracker; }
    AckBar* ackBar() const { return m_ackBar; }
    // Peek mode's view (shown instead of the message table; no Consumer runs in Peek).
    PeekView* peekView() const { return m_peekView; }
    TraceTracker* traceTracker() const { return m_trace; }
    ConsumerState consumerState() const { return m_state; }
    quint64 receivedTotal() const { return m_received; }
    quint64 sentTotal() const;
    QString errorText() const { return m_error; }
    QString statusText() const;

    static QString objectNameFor(const QByteArray& target);

    // Safe by default (MainWindow turns it on): a switch to a consuming mode from the pane's own
    // controls becomes consumeRequested() instead, until consuming the target is approved.
    void setConsumeGuarded(bool guarded) { m_consumeGuarded = guarded; }
    void approveConsuming(const QByteArray& target) { m_consumeApprovedFor = target; }
    bool consumeApproved(const QByteArray& target) const
    {
        return !m_consumeGuarded || (!target.isEmpty() && target == m_consumeApprovedFor);
    }
    // setSpec() as the user asked for it: an unapproved consuming switch is asked about first.
    void requestSpec(const ConsumerSpec& spec);
    // A notice in the pane (and the status bar) until dismissed.
    void showNotice(const QString& text);
    // Where the entry box keeps its history and snippets (the window's settings).
    void setSettingsStore(QSettings* settings);
    ConsumersLine* consumersLine() const { return m_consumersLine; }
    // The saved connection this pane's server is ("production · orders"), as a coloured strip
    // above the header; an empty text hides it.
    void setServerTag(const QString& text, const QString& color);
    ServerTag* serverTag() const { return m_serverTag; }
    // The chart of the pane's queue over time: null until its Chart button is first checked,
    // hidden again when it is unchecked.
    PaneChart* chart() const { return m_chart; }

signals:
    void closeRequested(rqc::QueuePane* pane);
    void specChanged(rqc::QueuePane* pane, const rqc::ConsumerSpec& spec);
    // For the status bar: the pane's target and Redis's own error text (or a notice).
    void errorReported(const QString& message);
    void sendFinished();
    // A consuming switch the user asked for that needs a confirmation (see setConsumeGuarded).
    void consumeRequested(rqc::QueuePane* pane, const rqc::ConsumerSpec& spec);
    void recordingChanged(rqc::QueuePane* pane, bool recording);
    // The depth shown is older than what this pane consumed since, and the consumer is idle now:
    // a fresh snapshot (applySnapshot) is wanted. Once per drain.
    void depthRefreshWanted();

private:
    // Rows appended to the view per event-loop turn when a big batch arrives (a few milliseconds).
    static constexpr qsizetype kAppendChunk = 2000;

    // QueuePane.cpp: the pane, its header and its controls.
    void buildUi();
    // QueuePaneView.cpp: the live view and the rows on their way into it.
    QWidget* buildView();
    void openChart();
    void updateModeUi();
    // QueuePaneConsumer.cpp: the consumer's start, restart and stop.
    void startConsumer();
    void restartConsumer();
    Consumer* retireConsumer();
    void onBatch(const MessageList& batch, MessageModel::RowState state);
    // Appends rows to the view: at once, or a chunk per event-loop turn behind a backlog.
    void showRows(const MessageList& rows, MessageModel::RowState state);
    void appendBacklog(qsizetype budget);
    // Observe: the entry box follows what the application pushes to the key (LPUSH, XADD…).
    void learnTargetFamily(const MessageList& batch);
    void onModeChosen(int index);
    void onTargetEdited();
    void onPolicyChosen(const QString& policy);
    void onPauseToggled(bool paused);
    void onCurrentRowChanged();
    void updatePendingSelection();
    QList<int> selectedRows() const;
    void clearView();
    // After a switch of mode: counts and the detail start again; rows still readable
    // in Redis (from tail, peek, stream group) go, rows that exist nowhere else stay.
    void startAfresh(Mode before);
    void showError(const QString& text, bool fromConsumer);
    void clearError();
    void updateStatus();
    bool depthIsStale() const;
    void setDepth(qint64 depth, qint64 atMs);

    ConsumerSpec m_spec;
    ConnectionSettings m_settings;
    bool m_connected = false;
    QPointer<Consumer> m_consumer;
    quint64 m_generation = 0; // of consumer restarts
    ConsumerState m_state = ConsumerState::Idle;

    MessageModel* m_model = nullptr;
    MessageFilterProxy* m_proxy = nullptr;
    SettleTracker* m_tracker = nullptr;
    TraceTracker* m_trace = nullptr;
    MessageList m_held; // arrived while paused, shown on resume
    QList<MessageModel::RowState> m_heldStates;
    quint64 m_heldDropped = 0;
    struct Arrival {
        MessageList rows;
        qsizetype offset = 0; // rows before it are in the view
        MessageModel::RowState state = MessageModel::RowState::None;
    };
    std::deque<Arrival> m_backlog; // received, on their way into the view (showRows)
    qsizetype m_backlogRows = 0;
    quint64 m_backlogDropped = 0;
    QTimer* m_appendTimer = nullptr;
    quint64 m_received = 0;
    DepthFact m_depth;           // LLEN / XLEN, or subscribers of a channel, or why unknown
    qint64 m_lastBatchMs = 0;    // when the last consumed batch arrived (epoch ms)
    qint64 m_refreshAskedMs = 0; // last depthRefreshWanted(), 0 none since the last batch
    QString m_error;
    bool m_errorFromConsumer = false;
    bool m_errorFromSend = false; // cleared by the next send that goes through
    bool m_followTail = true;
    bool m_updatingUi = false;

    QLineEdit* m_targetEdit = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QLabel* m_stateLabel = nullptr;
    QToolButton* m_closeButton = nullptr;
    ServerTag* m_serverTag = nullptr;
    QToolButton* m_chartButton = nullptr;
    PaneChart* m_chart = nullptr;            // built when first shown
    QList<ServerSnapshot::Key> m_chartLists; // reliable: the last snapshot's lists, until then
    QLabel* m_guaranteeLabel = nullptr;
    QLabel* m_errorLabel = nullptr;
    AckBar* m_ackBar = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_clearButton = nullptr;
    QTableView* m_view = nullptr;
    QWidget* m_viewBox = nullptr;
    PeekView* m_peekView = nullptr;
    PayloadView* m_payloadView = nullptr;
    QSplitter* m_contentSplitter = nullptr;
    SendBox* m_sendBox = nullptr;
    PaneStatusLine* m_statusLine = nullptr;
    PaneRecorder* m_recorder = nullptr;
    QTimer* m_statusTimer = nullptr;
    QPointer<InspectorDialog> m_inspector;
    ConsumersLine* m_consumersLine = nullptr;
    SubscriberBufferLine* m_bufferLine = nullptr;
    ObservedConsumers* m_observedConsumers = nullptr;
    bool m_consumeGuarded = false;
    QByteArray m_consumeApprovedFor;
};

} // namespace rqc
