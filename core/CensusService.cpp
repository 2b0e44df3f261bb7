#include "CensusService.h"

#include "ClusterMap.h"
#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QTimer>

#include <utility>

namespace rqc {

CensusWorker::CensusWorker(const ConnectionSettings& settings, bool walkKeyspace, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_walkKeyspace(walkKeyspace)
{
}

CensusWorker::~CensusWorker()
{
    // The connection first: the inspectors' callbacks on it must never run without them.
    delete m_conn;
    m_conn = nullptr;
}

void CensusWorker::start()
{
    if (m_conn || m_stopping)
        return;
    m_conn =
        new RedisConnection(m_settings, QStringLiteral("inspect"), QStringLiteral("census"), this);
    connect(m_conn, &RedisConnection::ready, this, &CensusWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this, &CensusWorker::onDown);
    connect(m_conn, &RedisConnection::disconnected, this, &CensusWorker::onDown);
    m_reconnect = new QTimer(this);
    m_reconnect->setSingleShot(true);
    connect(m_reconnect, &QTimer::timeout, this, &CensusWorker::openConnection);
    openConnection();
}

void CensusWorker::openConnection()
{
    if (!m_stopping)
        m_conn->open();
}

void CensusWorker::stop()
{
    m_stopping = true;
    if (m_conn)
        m_conn->close();
    emit stopped();
}

void CensusWorker::onReady()
{
    m_backoff.reset();
    m_lastError.clear();
    startRound();
}

void CensusWorker::onDown(const QString& reason)
{
    // The census in flight and the rest of its round are lost with the connection: asked again
    // once it is back, before what was queued since.
    QList<QByteArray> again = m_round;
    if (!m_current.isEmpty() && !again.contains(m_current))
        again.prepend(m_current);
    for (const QByteArray& key : std::as_const(m_queue)) {
        if (!again.contains(key))
            again << key;
    }
    m_queue = again;
    m_round.clear();
    m_current.clear();
    m_inRound = false;
    if (reason != m_lastError) { // a server that stays down is reported once
        m_lastError = reason;
        emit errorOccurred(reason);
    }
    if (m_stopping)
        return;
    const AccessRefusal refusal = accessRefusalOf(*m_conn, reason);
    if (refusal != AccessRefusal::None) {
        m_refused = true; // retrying cannot cure it: wait for resume()
        emit accessRefused(refusal, reason);
        return;
    }
    m_reconnect->start(m_backoff.next());
}

void CensusWorker::resume(const ConnectionSettings& settings)
{
    if (m_stopping || !m_conn)
        return;
    m_settings = settings;
    m_conn->setSettings(settings);
    if (!m_refused)
        return;
    m_refused = false;
    m_lastError.clear();
    m_backoff.reset();
    openConnection();
}

void CensusWorker::request(const QByteArray& key)
{
    if (key.isEmpty() || m_queue.contains(key) || m_round.contains(key))
        return; // already waiting: that census answers this request too
    m_queue << key;
    startRound();
}

void CensusWorker::setKnownLists(const QByteArray& key, const QList<QByteArray>& lists,
                                 bool complete)
{
    inspectorFor(key)->setProcessingHint(lists, complete);
}

QueueInspectorWorker* CensusWorker::inspectorFor(const QByteArray& key)
{
    QueueInspectorWorker* inspector = m_inspectors.value(key);
    if (inspector)
        return inspector;
    InspectorOptions options;
    options.census = true;
    options.walkKeyspace = m_walkKeyspace;
    options.sample = 1;     // heads only: the census counts, it does not list messages
    options.intervalMs = 0; // the service decides when
    inspector = new QueueInspectorWorker(m_settings, key, options, this);
    connect(inspector, &QueueInspectorWorker::snapshotReady, this,
            [this](const QueueSnapshot& census) {
                m_current.clear();
                emit censusReady(census);
                next();
            });
    m_inspectors.insert(key, inspector);
    return inspector;
}

void CensusWorker::startRound()
{
    if (m_inRound || m_stopping || !m_conn || !m_conn->isReady() || m_queue.isEmpty())
        return;
    m_inRound = true;
    m_round = std::exchange(m_queue, {});
    emit roundStarted(int(m_round.size()));
    // CLIENT LIST is server-wide (Redis does not say which key a client waits on): one read
    // serves every key of the round.
    m_conn->send({"CLIENT", "LIST", "TYPE", "normal"}, [this](const RedisReply& r) {
        m_clients = QueueSnapshot();
        if (r.isError()) { // e.g. denied by ACL: the rest is still worth having
            m_clients.clientsError = QString::fromUtf8(r.str);
        } else {
            m_clients.clientsListed = true;
            m_clients.blockedListPops = blockedListPops(r.str);
        }
        next();
    });
}

void CensusWorker::next()
{
    if (!m_inRound)
        return;
    if (m_round.isEmpty()) {
        m_inRound = false;
        startRound();
        return;
    }
    m_current = m_round.takeFirst();
    // A cluster: the census reads the node given; a key another master serves is not counted
    // there (no figure rather than a wrong one).
    const ConnectionSettings routed = ClusterRouting::forKey(m_settings, m_current);
    if (routed.address() != m_conn->settings().address()) {
        QueueSnapshot census;
        census.key = m_current;
        census.elsewhere = ClusterMap::notSampledText(routed.address());
        m_current.clear();
        emit censusReady(census);
        QMetaObject::invokeMethod(this, &CensusWorker::next, Qt::QueuedConnection);
        return;
    }
    inspectorFor(m_current)->censusOn(m_conn, m_clients);
}

CensusService::CensusService(const ConnectionSettings& settings, bool walkKeyspace, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_walkKeyspace(walkKeyspace)
{
    qRegisterMetaType<rqc::QueueSnapshot>();
}

CensusService::~CensusService()
{
    if (!m_thread || !m_thread->isRunning())
        return;
    CensusWorker* w = m_worker;
    if (w)
        m_thread->post([w] { w->stop(); });
    m_thread->wait(3000);
}

bool CensusService::isStarted() const { return m_thread != nullptr; }

void CensusService::start()
{
    if (m_thread)
        return;
    auto* worker = new CensusWorker(m_settings, m_walkKeyspace);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-census"), worker);
    m_thread->quitWhen(worker, &CensusWorker::stopped);
    connect(worker, &CensusWorker::censusReady, this, &CensusService::censusReady);
    connect(worker, &CensusWorker::errorOccurred, this, &CensusService::errorOccurred);
    connect(worker, &CensusWorker::roundStarted, this, &CensusService::roundStarted);
    connect(worker, &CensusWorker::accessRefused, this, &CensusService::accessRefused);
    m_thread->start();
    m_thread->post([worker] { worker->start(); });
}

void CensusService::request(const QByteArray& key)
{
    start();
    CensusWorker* w = m_worker;
    if (w)
        m_thread->post([w, key] { w->request(key); });
}

void CensusService::resume(const ConnectionSettings& settings)
{
    m_settings = settings;
    CensusWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w, settings] { w->resume(settings); });
}

void CensusService::setKnownLists(const QByteArray& key, const QList<QByteArray>& lists,
                                  bool complete)
{
    start();
    CensusWorker* w = m_worker;
    if (w)
        m_thread->post([w, key, lists, complete] { w->setKnownLists(key, lists, complete); });
}

} // namespace rqc
