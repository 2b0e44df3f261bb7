#pragma once

#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "Message.h"
#include "TraceFollower.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace rqc {

class SendBox;

// Peek and Observe panes: "Send and trace" sends the entry box's text once, through a
// TraceFollower (its own connection, so the push is ours by client name and, for a stream, by
// the id XADD returned), and shows the message's journey: pushed → taken → acked, or what is
// still missing when the follower gives up. In an observe pane the observer's take rows for the
// message (matched by key, payload and our client name, or by stream id) name the consumer —
// inferred for plain lists — and give MONITOR's times, which are exact where polling only bounds.
class TraceTracker : public QWidget {
    Q_OBJECT
public:
    TraceTracker(SendBox* sendBox, QWidget* parent = nullptr);
    ~TraceTracker() override;

    void setSpec(const ConsumerSpec& spec);
    void setConnection(const ConnectionSettings& settings);
    // Rows an observe pane received: take rows of the traced message join its journey.
    void observe(const MessageList& batch);
    void trace();

    // The journey as shown: the follower's, with what observe saw.
    TraceJourney journey() const;
    QString summary() const;

signals:
    void journeyChanged();
    // Once per trace, when its journey is complete (acked, given up, or taken where no ack
    // follows): one row for the pane, event TRACE, producer → consumer with its latency.
    void traced(const rqc::Message& row);

private:
    void show();
    bool complete(const TraceJourney& j) const;

    SendBox* m_sendBox;
    ConsumerSpec m_spec;
    ConnectionSettings m_settings;
    bool m_connected = false;
    QPointer<TraceFollower> m_follower;
    TraceJourney m_journey;    // the follower's
    QList<Observation> m_seen; // observe take rows of the traced message
    MessageList m_early;       // take rows on our key that came before the push was confirmed
    bool m_rowShown = false;

    QPushButton* m_traceButton = nullptr;
    QSpinBox* m_timeoutSpin = nullptr;
    QLabel* m_label = nullptr;
};

} // namespace rqc
