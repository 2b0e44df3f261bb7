#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ModeFamily.h"
#include "PayloadFile.h"
#include "Publisher.h"
#include "SendHistory.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QToolButton;

class QTimer;

namespace rqc {

class LoadPanel;
class SendHistory;

// A pane's entry box: LPUSH for list modes, PUBLISH for channels (a pattern pane names the
// channel in "Publish to"), XADD for streams. For a stream the text is the value of one field
// (default `message`, settable), or — with "field=value lines" ticked — one field per line.
// Ctrl+Enter sends; the repeat count pipelines a burst. Text with placeholders (MessageTemplate:
// {{seq}}, {{uuid}}…) is expanded per message; a bad one is an error before anything is sent.
// Load mode (LoadPanel) sends N messages or for D seconds at a rate, with Stop.
//
// The Publisher is normally the server's one shared publisher (setPublisher): this box keeps the
// ids of its own requests and shows only their results, progress and errors, so a send from
// another pane, or the shared connection dropping and coming back while this pane sends nothing,
// shows nothing here. A box used alone (setConnection) starts a Publisher of its own.
class SendBox : public QWidget {
    Q_OBJECT
public:
    explicit SendBox(QWidget* parent = nullptr);

    // Mode and target: which command, where to, and which controls show.
    void setSpec(const ConsumerSpec& spec);
    // Peek and Observe panes learn what their key is only from the server (a peeked stream, an
    // observed list): send with that family's command instead of the mode's default.
    void setTargetFamily(ModeFamily family);
    // Sends through the given publisher (normally the server's shared one, owned elsewhere).
    // Once: a box that has a publisher keeps it.
    void setPublisher(Publisher* publisher);
    // Starts a publisher of its own (once), for a box used without a shared one.
    void setConnection(const ConnectionSettings& settings);
    bool isConnected() const { return m_publisher != nullptr; }
    Publisher* publisher() const { return m_publisher; }
    void send();
    void focusEntry();

    quint64 sentTotal() const { return m_sent; }
    // Receivers of the last PUBLISH; -1 before the first.
    qint64 lastReach() const { return m_lastReach; }
    // "sending 10 of 1 000", or "sent N" once something was sent, or empty.
    QString sendText() const;

    // The stream fields the entry box holds now. Empty with *error set when a line is not
    // field=value.
    PublisherWorker::StreamFields streamFields(QString* error) const;
    // The entry box's text as bytes (what a list send pushes).
    QByteArray messageBytes() const;
    void setMessageText(const QString& text);
    LoadPanel* loadPanel() const { return m_loadPanel; }
    // Where a load run's "acked" comes from: the pane's settled count, or -1 when the pane does
    // not settle (set by QueuePane).
    void setAckedCounter(std::function<qint64()> counter) { m_ackedCounter = std::move(counter); }
    // Starts a load run from the entry box's text (what the panel's Start does).
    void startLoad(const rqc::LoadPacer::Limits& limits);
    void stopLoad();
    // Sends a file's bytes as one message or each line as a message (as a load run at the load
    // panel's rate); false with the error shown when it cannot be read.
    bool sendFile(const QString& path, rqc::PayloadFile::Split split);
    // The command and target a send goes to now (for replay's defaults); target empty when a
    // pattern pane has no channel to publish to.
    PublisherWorker::Command currentCommand() const { return command(); }
    QByteArray currentTarget() const { return publishTarget(); }
    // History (Up/Down) and snippets live in these settings (MainWindow's).
    void setSettings(QSettings* settings);
    SendHistory* history() const { return m_history.get(); }
    // The key the history of this box is kept under: mode and target.
    QString historyTarget() const;

signals:
    // A send request finished: count messages were acknowledged by Redis.
    void sent(quint64 count);
    // A send request finished without an error: whatever a failed send showed is over.
    void sendSucceeded();
    // An LPUSH reported the list's length.
    void depthReported(qint64 depth);
    void errorOccurred(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QByteArray publishTarget() const;
    ModeFamily family() const;
    PublisherWorker::Command command() const;
    // The text as a template, checked: false (with an error shown) when a placeholder is bad.
    bool checkTemplate(const QByteArray& text);
    // Queues a send of the entry box's text; 0 after an error (already shown).
    qint64 queueSend(const LoadPacer::Limits* load, int count, const LoadSource* source = nullptr);
    // Up/Down in the entry box: true when handled.
    bool recall(bool up);
    void onSent(qint64 id, quint64 count, qint64 receivers);
    void onLoadProgress(qint64 id, quint64 acked, qint64 receivers, qint64 elapsedNs);
    qint64 ackedSinceLoad() const;
    // After a run to a settling target: acks come after the last send; the run's acked figure
    // follows them (a few times a second) until it reaches what was sent or stops moving.
    void followAcks(quint64 sent);

    ConsumerSpec m_spec;
    ModeFamily m_targetFamily = ModeFamily::Other; // Other: the mode decides
    QPointer<Publisher> m_publisher;
    QHash<qint64, int> m_pendingSends; // this box's request ids -> command
    QSet<qint64> m_failedSends;        // of those, the ones that reported an error
    quint64 m_sent = 0;
    qint64 m_lastReach = -1;
    QString m_progress;
    qint64 m_lastBurstReach = -1; // receivers summed over the last burst of PUBLISH
    // The load run under way (0: none) and its figures.
    qint64 m_loadId = 0;
    qint64 m_loadReceivers = 0;
    qint64 m_loadElapsedNs = 0;
    qint64 m_ackedAtLoadStart = -1;
    std::function<qint64()> m_ackedCounter;
    QTimer* m_ackFollow = nullptr;
    quint64 m_ackFollowSent = 0;
    qint64 m_ackFollowLast = -1;
    int m_ackFollowIdle = 0; // ticks without a new ack
    std::unique_ptr<SendHistory> m_history;
    HistoryCursor m_historyCursor;
    bool m_browsingHistory = false;
    bool m_settingText = false;

    QLabel* m_publishToLabel = nullptr;
    QLineEdit* m_publishToEdit = nullptr;
    QLabel* m_fieldLabel = nullptr;
    QLineEdit* m_fieldEdit = nullptr;
    QCheckBox* m_fieldLinesCheck = nullptr;
    QPlainTextEdit* m_messageEdit = nullptr;
    QSpinBox* m_repeatSpin = nullptr;
    QPushButton* m_sendButton = nullptr;
    QToolButton* m_helpButton = nullptr;
    QToolButton* m_loadButton = nullptr;
    LoadPanel* m_loadPanel = nullptr;
    QToolButton* m_toolsButton = nullptr;
};

} // namespace rqc
