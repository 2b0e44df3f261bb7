#include "Consumer.h"

#include "ClusterMap.h"

#include "ListConsumer.h"
#include "ObserveWorker.h"
#include "PubSubConsumer.h"
#include "ReliableListConsumer.h"
#include "StreamGroupConsumer.h"
#include "StreamTailConsumer.h"
#include "WorkerThread.h"

namespace rqc {

DeliveryCredit::Limits Consumer::s_limits;

void Consumer::registerMetaTypes()
{
    qRegisterMetaType<rqc::Message>();
    qRegisterMetaType<rqc::MessageList>();
    qRegisterMetaType<rqc::ConsumerState>();
    qRegisterMetaType<rqc::ConsumerSpec>();
    qRegisterMetaType<rqc::ConnectionSettings>();
    qRegisterMetaType<rqc::SettleResult>();
    qRegisterMetaType<rqc::ConsumerCounters>();
    qRegisterMetaType<rqc::RecoveryReport>();
    qRegisterMetaType<rqc::OutputBufferReport>();
}

ConsumerWorker* Consumer::createWorker(const ConnectionSettings& given, const ConsumerSpec& spec)
{
    // A server found to be a cluster node (by the server monitor, a Test connection, a MOVED) is
    // treated as with cluster=1: keys are routed, and a reliable list's companion keys carry the
    // queue's hash tag, which its pane's notice explains.
    ConnectionSettings settings = given;
    if (!settings.cluster && !settings.isSentinel() && ClusterRouting::knows(settings))
        settings.cluster = true;
    switch (spec.mode) {
    case Mode::PubSub:
    case Mode::Pattern:
    case Mode::SPubSub:
        return new PubSubConsumer(settings, spec);
    case Mode::List:
        return new ListConsumer(settings, spec);
    case Mode::Reliable:
        return new ReliableListConsumer(settings, spec);
    case Mode::Stream:
        return new StreamGroupConsumer(settings, spec);
    case Mode::Tail:
        return new StreamTailConsumer(settings, spec);
    case Mode::Observe:
        return new ObserveWorker(settings, spec);
    case Mode::Peek: // no consumer: the pane's PeekView reads the key itself
        return nullptr;
    }
    return nullptr;
}

Consumer::Consumer(const ConnectionSettings& settings, const ConsumerSpec& spec, QObject* parent)
    : QObject(parent)
    , m_spec(spec)
{
    registerMetaTypes();
    m_worker = createWorker(settings, spec);
    m_thread = std::make_unique<WorkerThread>(
        QStringLiteral("rq-%1-%2")
            .arg(ConsumerSpec::modeName(spec.mode), QString::fromUtf8(spec.target.left(32))),
        m_worker);
    m_thread->quitWhen(m_worker.data(), &ConsumerWorker::stopped);

    if (m_worker) {
        m_credit = std::make_shared<DeliveryCredit>(s_limits);
        m_worker->setDeliveryCredit(m_credit);
    }
    // Queued to this thread: the batch is taken once the receivers have had it.
    connect(m_worker, &ConsumerWorker::messagesArrived, this,
            [this](const MessageList& batch, quint64 total) {
                emit messagesArrived(batch, total);
                if (!m_manualAck && m_credit)
                    m_credit->taken(1);
            });
    connect(m_worker, &ConsumerWorker::stateChanged, this, &Consumer::stateChanged);
    connect(m_worker, &ConsumerWorker::errorOccurred, this, &Consumer::errorOccurred);
    connect(m_worker, &ConsumerWorker::connectionLost, this, &Consumer::connectionLost);
    connect(m_worker, &ConsumerWorker::connectionRestored, this, &Consumer::connectionRestored);
    connect(m_worker, &ConsumerWorker::stopped, this, &Consumer::stopped);
    if (auto* acking = qobject_cast<AckingConsumer*>(m_worker.data())) {
        connect(acking, &AckingConsumer::settled, this, &Consumer::settled);
        connect(acking, &AckingConsumer::countersChanged, this, &Consumer::countersChanged);
        connect(acking, &AckingConsumer::recoveryFinished, this, &Consumer::recoveryFinished);
        connect(acking, &AckingConsumer::identityChosen, this, &Consumer::identityChosen);
        connect(acking, &AckingConsumer::notice, this, &Consumer::notice);
    }
    if (auto* group = qobject_cast<StreamGroupConsumer*>(m_worker.data()))
        connect(group, &StreamGroupConsumer::groupCreated, this, &Consumer::groupCreated);
    if (auto* pubsub = qobject_cast<PubSubConsumer*>(m_worker.data())) {
        connect(pubsub, &PubSubConsumer::outputBufferReported, this,
                &Consumer::outputBufferReported);
        connect(pubsub, &PubSubConsumer::subscriptionDropped, this, &Consumer::subscriptionDropped);
    }
    if (auto* observer = qobject_cast<ObserveWorker*>(m_worker.data()))
        connect(observer, &ObserveWorker::notice, this, &Consumer::notice);
}

Consumer::~Consumer()
{
    stopAndWait(3000);
    // m_thread's destructor deletes a worker that never ran, or ends the loop and waits (never
    // terminate()) if the worker did not confirm its stop in time.
}

void Consumer::start()
{
    if (m_thread->hasStarted())
        return;
    // Queued before the thread starts: the worker's thread runs it first thing. Posting after
    // start() is just as ordered for Qt (its event queue's mutex), but that mutex is futex-based
    // inside libQt6Core, invisible to ThreadSanitizer, which then reported the worker reading the
    // queued call's slot object as a race with its allocation here; before start(), the thread's
    // creation orders the two where TSan can see it.
    QMetaObject::invokeMethod(m_worker, &ConsumerWorker::start, Qt::QueuedConnection);
    m_thread->start();
}

void Consumer::stop()
{
    if (m_worker && m_thread->isRunning())
        QMetaObject::invokeMethod(m_worker, &ConsumerWorker::stop, Qt::QueuedConnection);
}

bool Consumer::stopAndWait(int timeoutMs)
{
    if (!m_thread->isRunning())
        return true;
    stop();
    return m_thread->wait(timeoutMs);
}

void Consumer::acknowledge(int batches)
{
    if (m_credit)
        m_credit->taken(batches);
}

void Consumer::setDefaultLimitsForTest(const DeliveryCredit::Limits& limits) { s_limits = limits; }

bool Consumer::isAcking() const
{
    return qobject_cast<AckingConsumer*>(m_worker.data()) != nullptr;
}

qint64 Consumer::ack(const MessageList& messages) { return settle(SettleAction::Ack, messages); }

qint64 Consumer::requeue(const MessageList& messages)
{
    return settle(SettleAction::Requeue, messages);
}

qint64 Consumer::deadLetter(const MessageList& messages)
{
    return settle(SettleAction::DeadLetter, messages);
}

qint64 Consumer::settle(SettleAction action, const MessageList& messages)
{
    const qint64 id = ++m_lastRequestId;
    auto* acking = qobject_cast<AckingConsumer*>(m_worker.data());
    if (!acking || !m_thread->isRunning()) {
        SettleResult r;
        r.requestId = id;
        r.action = action;
        r.error =
            acking
                ? tr("The consumer is not running.")
                : tr("Mode %1 does not settle messages.").arg(ConsumerSpec::modeLabel(m_spec.mode));
        QMetaObject::invokeMethod(
            this, [this, r] { emit settled(r); }, Qt::QueuedConnection);
        return id;
    }
    QMetaObject::invokeMethod(
        acking,
        [acking, action, id, messages] {
            if (action == SettleAction::Ack)
                acking->ack(id, messages);
            else if (action == SettleAction::Requeue)
                acking->requeue(id, messages);
            else
                acking->deadLetter(id, messages);
        },
        Qt::QueuedConnection);
    return id;
}

qint64 Consumer::recover() { return recoverOrClaim(false, -1); }

qint64 Consumer::claim(qint64 minIdleMs) { return recoverOrClaim(true, minIdleMs); }

qint64 Consumer::recoverOrClaim(bool claim, qint64 minIdleMs)
{
    const qint64 id = ++m_lastRequestId;
    auto* acking = qobject_cast<AckingConsumer*>(m_worker.data());
    if (!acking || !m_thread->isRunning()) {
        RecoveryReport r;
        r.requestId = id;
        r.error =
            acking
                ? tr("The consumer is not running.")
                : tr("Mode %1 has nothing to recover.").arg(ConsumerSpec::modeLabel(m_spec.mode));
        QMetaObject::invokeMethod(
            this, [this, r] { emit recoveryFinished(r); }, Qt::QueuedConnection);
        return id;
    }
    QMetaObject::invokeMethod(
        acking,
        [acking, claim, id, minIdleMs] {
            if (claim)
                acking->claim(id, minIdleMs);
            else
                acking->recover(id);
        },
        Qt::QueuedConnection);
    return id;
}

bool Consumer::isRunning() const { return m_thread->isRunning(); }

} // namespace rqc
