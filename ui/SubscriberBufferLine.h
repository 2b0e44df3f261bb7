#pragma once

#include "OutputBufferWatch.h"

#include <QLabel>
#include <QPointer>

namespace rqc {

class Consumer;

// One line in a pub/sub pane: what Redis holds for its subscriber connection and has not sent yet
// (CLIENT LIST omem, read at most once a second through a connection of its own), against the
// pubsub client-output-buffer-limit. It warns from half that limit on (the window is not keeping
// up; Redis will disconnect the subscriber), and says plainly when Redis did. Hidden in other
// modes.
class SubscriberBufferLine : public QLabel {
    Q_OBJECT
public:
    explicit SubscriberBufferLine(QWidget* parent = nullptr);

    // The pane's current consumer (null: none). Shows only for pub/sub consumers.
    void setConsumer(Consumer* consumer, bool pubsub);
    bool isWarning() const { return m_warning; }
    bool reportsDrop() const { return !m_dropText.isEmpty(); }

    static QString reportText(const OutputBufferReport& report);

signals:
    // Redis closed the subscription because of its output buffer (the text says so).
    void dropped(const QString& text);

private:
    void show(const OutputBufferReport& report);

    QPointer<Consumer> m_consumer;
    QString m_dropText;
    bool m_warning = false;
};

} // namespace rqc
