// QueuePane's consumer: starting it for the pane's spec (or the PeekView's reader in Peek),
// restarting it after a switch, retiring and stopping it. Split from QueuePane.cpp.
#include "QueuePane.h"

#include "Consumer.h"
#include "InspectorDialog.h"
#include "PaneGroups.h"
#include "PeekView.h"
#include "SettleTracker.h"
#include "SubscriberBufferLine.h"

#include <QDateTime>
#include <QLabel>
#include <QTimer>

namespace rqc {

namespace {
// A precise consumer hands its name over on stop (< 200 ms); start the next one anyway after this.
constexpr int kRestartFallbackMs = 3000;

QString clockText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}
} // namespace

void QueuePane::startConsumer()
{
    if (!m_connected)
        return;
    if (m_spec.mode == Mode::Peek) {
        // Reads only: the PeekView's reader, never a Consumer.
        m_peekView->start(m_settings, m_spec);
        m_state = ConsumerState::Listening;
        m_stateLabel->setText(tr("Peeking"));
        m_stateLabel->setToolTip(tr("Reading only: nothing is taken from the list."));
        return;
    }
    auto* consumer = new Consumer(m_settings, m_spec, this);
    m_consumer = consumer;
    PaneGroups::of(this)->watch(consumer, m_settings); // groups it creates, names it reads with
    m_tracker->setConsumer(consumer);
    m_bufferLine->setConsumer(consumer,
                              m_spec.mode == Mode::PubSub || m_spec.mode == Mode::Pattern);
    // Messages from a consumer being retired are still shown: in list mode they were popped and
    // exist nowhere else. Its state and errors no longer concern the pane.
    connect(consumer, &Consumer::messagesArrived, this,
            [this, consumer](const MessageList& batch, quint64) {
                onBatch(batch, m_tracker->arrivalState(consumer));
            });
    connect(consumer, &Consumer::stateChanged, this,
            [this, consumer](ConsumerState state, const QString& detail) {
                if (consumer != m_consumer)
                    return;
                m_state = state;
                m_stateLabel->setText(consumerStateText(state));
                m_stateLabel->setToolTip(detail);
                if (state == ConsumerState::Listening && m_errorFromConsumer)
                    clearError();
            });
    connect(consumer, &Consumer::errorOccurred, this, [this, consumer](const QString& error) {
        if (consumer != m_consumer)
            return;
        m_depth.consumerFailed(m_spec, error);
        showError(error, true);
    });
    connect(consumer, &Consumer::connectionLost, this,
            [this, consumer](qint64 atMs, const QString& reason) {
                if (consumer != m_consumer)
                    return;
                m_depth.setUnreachable(atMs);
                showError(
                    tr("Connection lost at %1: %2 — reconnecting…").arg(clockText(atMs), reason),
                    true);
            });
    connect(consumer, &Consumer::connectionRestored, this,
            [this, consumer](qint64 lostAtMs, qint64 backAtMs, const QString& note) {
                if (consumer != m_consumer)
                    return;
                m_depth.setReachable();
                QString text = tr("The connection was down from %1 to %2.")
                                   .arg(clockText(lostAtMs), clockText(backAtMs));
                if (!note.isEmpty())
                    text += QLatin1Char(' ') + note;
                showError(text, false); // stays until dismissed: the gap matters
            });
    if (m_inspector)
        m_inspector->setClaimConsumer(consumer);
    consumer->start();
}

void QueuePane::restartConsumer()
{
    const quint64 generation = ++m_generation;
    Consumer* old = retireConsumer();
    if (!old || !old->isAcking()) {
        startConsumer();
        return;
    }
    // A precise consumer gives its name and heartbeat back when it stops; the next one takes
    // them over (and re-reads what was left pending) only then.
    const auto startOnce = [this, generation] {
        if (generation == m_generation && !m_consumer)
            startConsumer();
    };
    connect(old, &Consumer::stopped, this, startOnce);
    QTimer::singleShot(kRestartFallbackMs, this, startOnce);
}

Consumer* QueuePane::retireConsumer()
{
    m_peekView->stop();
    Consumer* consumer = m_consumer;
    m_consumer = nullptr;
    m_tracker->setConsumer(nullptr);
    m_bufferLine->setConsumer(nullptr, m_spec.mode == Mode::PubSub || m_spec.mode == Mode::Pattern);
    m_state = consumer ? ConsumerState::Stopping : ConsumerState::Idle; // until the next reports
    m_stateLabel->setText(consumerStateText(m_state));
    for (MessageModel::RowState& state : m_heldStates) {
        if (state == MessageModel::RowState::Pending)
            state = MessageModel::RowState::Released;
    }
    for (Arrival& a : m_backlog) {
        if (a.state == MessageModel::RowState::Pending)
            a.state = MessageModel::RowState::Released;
    }
    if (!consumer)
        return nullptr;
    if (!consumer->isRunning()) {
        consumer->deleteLater();
        return nullptr;
    }
    connect(consumer, &Consumer::stopped, consumer, &QObject::deleteLater);
    consumer->stop();
    return consumer;
}

void QueuePane::stopConsumer()
{
    m_peekView->stop();
    for (Consumer* consumer : findChildren<Consumer*>(QString(), Qt::FindDirectChildrenOnly))
        consumer->stop();
}

} // namespace rqc
