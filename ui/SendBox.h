#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ModeFamily.h"
#include "Publisher.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace rqc {

// A pane's entry box: LPUSH for list modes, PUBLISH for channels (a pattern pane names the
// channel in "Publish to"), XADD for streams. For a stream the text is the value of one field
// (default `message`, settable), or — with "field=value lines" ticked — one field per line.
// Ctrl+Enter sends; the repeat count pipelines a burst.
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

    ConsumerSpec m_spec;
    ModeFamily m_targetFamily = ModeFamily::Other; // Other: the mode decides
    QPointer<Publisher> m_publisher;
    QHash<qint64, int> m_pendingSends; // this box's request ids -> command
    QSet<qint64> m_failedSends;        // of those, the ones that reported an error
    quint64 m_sent = 0;
    qint64 m_lastReach = -1;
    QString m_progress;

    QLabel* m_publishToLabel = nullptr;
    QLineEdit* m_publishToEdit = nullptr;
    QLabel* m_fieldLabel = nullptr;
    QLineEdit* m_fieldEdit = nullptr;
    QCheckBox* m_fieldLinesCheck = nullptr;
    QPlainTextEdit* m_messageEdit = nullptr;
    QSpinBox* m_repeatSpin = nullptr;
    QPushButton* m_sendButton = nullptr;
};

} // namespace rqc
