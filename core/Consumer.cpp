#include "Consumer.h"

#include "ListConsumer.h"
#include "PubSubConsumer.h"

#include <QThread>

namespace rqc {

void Consumer::registerMetaTypes()
{
    qRegisterMetaType<rqc::Message>();
    qRegisterMetaType<rqc::MessageList>();
    qRegisterMetaType<rqc::ConsumerState>();
    qRegisterMetaType<rqc::ConsumerSpec>();
    qRegisterMetaType<rqc::ConnectionSettings>();
}

ConsumerWorker* Consumer::createWorker(const ConnectionSettings& settings,
                                       const ConsumerSpec& spec)
{
    switch (spec.mode) {
    case Mode::PubSub:
    case Mode::Pattern:
        return new PubSubConsumer(settings, spec);
    case Mode::List:
        return new ListConsumer(settings, spec);
    }
    return nullptr;
}

Consumer::Consumer(const ConnectionSettings& settings, const ConsumerSpec& spec, QObject* parent)
    : QObject(parent)
    , m_spec(spec)
{
    registerMetaTypes();
    m_worker = createWorker(settings, spec);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("rq-%1-%2")
                                .arg(ConsumerSpec::modeName(spec.mode),
                                     QString::fromUtf8(spec.target.left(32))));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Direct: QThread::quit is thread-safe, and the main thread may be blocked in wait().
    connect(m_worker, &ConsumerWorker::stopped, m_thread, &QThread::quit, Qt::DirectConnection);

    connect(m_worker, &ConsumerWorker::messagesArrived, this, &Consumer::messagesArrived);
    connect(m_worker, &ConsumerWorker::stateChanged, this, &Consumer::stateChanged);
    connect(m_worker, &ConsumerWorker::errorOccurred, this, &Consumer::errorOccurred);
    connect(m_worker, &ConsumerWorker::connectionLost, this, &Consumer::connectionLost);
    connect(m_worker, &ConsumerWorker::connectionRestored, this, &Consumer::connectionRestored);
    connect(m_worker, &ConsumerWorker::stopped, this, &Consumer::stopped);
}

Consumer::~Consumer()
{
    if (!m_thread->isRunning() && m_worker && m_worker->thread() == m_thread && !m_started) {
        delete m_worker; // never started: no event loop will delete it
        return;
    }
    if (!stopAndWait(3000)) {
        // The worker did not confirm its stop in time; end its event loop anyway (never terminate).
        m_thread->quit();
        m_thread->wait();
    }
}

void Consumer::start()
{
    if (m_started)
        return;
    m_started = true;
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &ConsumerWorker::start, Qt::QueuedConnection);
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
    return m_thread->wait(QDeadlineTimer(timeoutMs));
}

bool Consumer::isRunning() const { return m_thread->isRunning(); }

} // namespace rqc
