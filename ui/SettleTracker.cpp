#include "SettleTracker.h"

#include "Consumer.h"

#include <QLocale>

namespace rqc {

namespace {
using RowState = MessageModel::RowState;

QString actionName(SettleAction action)
{
    switch (action) {
    case SettleAction::Ack:
        return SettleTracker::tr("Ack");
    case SettleAction::Requeue:
        return SettleTracker::tr("Requeue");
    case SettleAction::DeadLetter:
        return SettleTracker::tr("Dead-letter");
    }
    return QString();
}
} // namespace

SettleTracker::SettleTracker(MessageModel* model, QObject* parent)
    : QObject(parent)
    , m_model(model)
{
}

void SettleTracker::setConsumer(Consumer* consumer)
{
    if (m_consumer)
        disconnect(m_consumer, nullptr, this, nullptr);
    m_model->markAll(RowState::Pending, RowState::Released);
    m_consumer = consumer;
    m_open.clear();
    m_counters = ConsumerCounters();
    m_haveCounters = false;
    m_name.clear();
    m_pendingKey.clear();
    emit countersChanged();
    emit identityChanged();
    if (!consumer || !consumer->isAcking())
        return;
    connect(consumer, &Consumer::settled, this, &SettleTracker::onSettled);
    connect(consumer, &Consumer::countersChanged, this, [this](const ConsumerCounters& c) {
        m_counters = c;
        m_haveCounters = true;
        emit countersChanged();
    });
    connect(consumer, &Consumer::identityChosen, this,
            [this](const QByteArray& name, const QByteArray& key) {
                m_name = name;
                m_pendingKey = key;
                emit identityChanged();
            });
    connect(consumer, &Consumer::notice, this, &SettleTracker::noticeReported);
    connect(consumer, &Consumer::recoveryFinished, this, [this](const RecoveryReport& r) {
        // The recovery a reliable consumer runs at start (request 0) concerns the whole queue.
        if (r.requestId != 0 || (r.requeued == 0 && r.deadLettered == 0))
            return;
        const QLocale l;
        emit noticeReported(tr("Recovered %1 message(s) from %2 orphaned processing list(s); "
                               "%3 dead-lettered after too many deliveries.")
                                .arg(l.toString(r.requeued), l.toString(r.listsOrphaned),
                                     l.toString(r.deadLettered)));
    });
}

Consumer* SettleTracker::consumer() const { return m_consumer; }

bool SettleTracker::isPrecise() const { return m_consumer && m_consumer->isAcking(); }

RowState SettleTracker::arrivalState(const Consumer* from) const
{
    // By the spec, not isAcking(): a retired consumer's last batch may arrive after its worker
    // is gone.
    if (!from || (from->spec().mode != Mode::Reliable && from->spec().mode != Mode::Stream))
        return RowState::None;
    const QString policy = from->spec().option(QStringLiteral("ack"), QStringLiteral("auto"));
    if (policy == QLatin1String("none"))
        return RowState::NoAck;
    if (policy == QLatin1String("manual"))
        return from == m_consumer ? RowState::Pending : RowState::Released;
    return RowState::AutoAcked;
}

int SettleTracker::pendingAmong(const QList<int>& rows) const
{
    int n = 0;
    for (const int row : rows)
        n += m_model->rowState(row) == RowState::Pending ? 1 : 0;
    return n;
}

int SettleTracker::settle(SettleAction action, const QList<int>& rows)
{
    if (!isPrecise())
        return 0;
    MessageList messages;
    for (const int row : rows) {
        if (m_model->rowState(row) == RowState::Pending)
            messages.append(m_model->messageAt(row));
    }
    if (messages.isEmpty())
        return 0;
    // Oldest first, as they were delivered.
    std::sort(messages.begin(), messages.end(),
              [](const Message& a, const Message& b) { return a.seq < b.seq; });
    qint64 id = 0;
    switch (action) {
    case SettleAction::Ack:
        id = m_consumer->ack(messages);
        break;
    case SettleAction::Requeue:
        id = m_consumer->requeue(messages);
        break;
    case SettleAction::DeadLetter:
        id = m_consumer->deadLetter(messages);
        break;
    }
    m_open.insert(id, action);
    return int(messages.size());
}

RowState SettleTracker::stateAfter(SettleAction action)
{
    switch (action) {
    case SettleAction::Ack:
        return RowState::Acked;
    case SettleAction::Requeue:
        return RowState::Requeued;
    case SettleAction::DeadLetter:
        return RowState::DeadLettered;
    }
    return RowState::Acked;
}

void SettleTracker::onSettled(const SettleResult& result)
{
    if (!m_open.remove(result.requestId))
        return;
    m_model->markBySeq(result.done, stateAfter(result.action));
    m_model->markBySeq(result.gone, RowState::Gone);
    if (!result.error.isEmpty())
        emit errorOccurred(tr("%1 failed: %2").arg(actionName(result.action), result.error));
    emit settled(result);
}

} // namespace rqc
