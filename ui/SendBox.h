#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "Publisher.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace rqc {

// A pane's entry box and its own Publisher: LPUSH for list modes, PUBLISH for channels (a
// pattern pane names the channel in "Publish to"), XADD for streams. For a stream the text is
// the value of one field (default `message`, settable), or — with "field=value lines" ticked —
// one field per line. Ctrl+Enter sends; the repeat count pipelines a burst.
//
// Each pane has its own Publisher (one connection and thread): a 1 000 000-message burst in one
// pane must not hold up a single message typed into another, and a publisher's errors and
// progress then belong to exactly one pane. Idle publishers cost one connection each.
class SendBox : public QWidget {
    Q_OBJECT
public:
    explicit SendBox(QWidget* parent = nullptr);

    // Mode and target: which command, where to, and which controls show.
    void setSpec(const ConsumerSpec& spec);
    // Starts the publisher (once).
    void setConnection(const ConnectionSettings& settings);
    bool isConnected() const { return m_publisher != nullptr; }
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
    // An LPUSH reported the list's length.
    void depthReported(qint64 depth);
    void errorOccurred(const QString& text);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QByteArray publishTarget() const;
    PublisherWorker::Command command() const;

    ConsumerSpec m_spec;
    Publisher* m_publisher = nullptr;
    QHash<qint64, int> m_pendingSends; // request id -> command
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
