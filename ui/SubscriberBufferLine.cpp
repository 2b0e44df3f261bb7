#include "SubscriberBufferLine.h"

#include "Consumer.h"

#include <QDateTime>

namespace rqc {

SubscriberBufferLine::SubscriberBufferLine(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("subscriberBuffer"));
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setVisible(false);
}

QString SubscriberBufferLine::reportText(const OutputBufferReport& r)
{
    if (r.omem < 0)
        return tr("Redis output buffer for this subscriber: unknown (%1).").arg(r.unknownReason);
    const QString held = OutputBufferWatch::formatBytes(r.omem);
    if (r.warning())
        return tr("Warning: Redis holds %1 for this subscriber that the window has not taken yet; "
                  "it disconnects the subscriber at %2 (client-output-buffer-limit pubsub), and "
                  "the messages it holds are then lost.")
            .arg(held, r.limitText());
    return tr("Redis output buffer for this subscriber: %1 (disconnects at %2).")
        .arg(held, r.limitText());
}

void SubscriberBufferLine::setConsumer(Consumer* consumer, bool pubsub)
{
    if (m_consumer)
        disconnect(m_consumer, nullptr, this, nullptr);
    m_consumer = pubsub ? consumer : nullptr;
    m_warning = false;
    setVisible(m_consumer != nullptr || (pubsub && !m_dropText.isEmpty()));
    if (!pubsub)
        m_dropText.clear();
    if (!m_consumer)
        return;
    if (m_dropText.isEmpty())
        setText(tr("Redis output buffer for this subscriber: not read yet."));
    connect(consumer, &Consumer::outputBufferReported, this, &SubscriberBufferLine::show);
    connect(consumer, &Consumer::subscriptionDropped, this, [this](const QString& text) {
        m_dropText = tr("%1: %2").arg(
            QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")), text);
        m_warning = false;
        setText(m_dropText);
        setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
        emit dropped(text);
    });
}

void SubscriberBufferLine::show(const OutputBufferReport& report)
{
    m_warning = report.warning();
    QString text = reportText(report);
    // A drop stays on screen (the loss matters) until the buffer is fine again for a while.
    if (!m_dropText.isEmpty() && !m_warning)
        text = m_dropText + QLatin1Char('\n') + text;
    setText(text);
    setStyleSheet(m_warning
                      ? QStringLiteral("color: #9a6700; font-weight: bold;")
                      : (m_dropText.isEmpty() ? QString() : QStringLiteral("color: #b00020;")));
}

} // namespace rqc
