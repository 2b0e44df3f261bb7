#include "CensusService.h"

#include "ClusterDetect.h"
#include "ClusterMap.h"
#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QTimer>

#include <utility>

namespace rqc {

namespace {
// The server-wide part of a census: the clients blocked in list pops.
QueueSnapshot clientsFrom(const RedisReply& r)
{
    QueueSnapshot clients;
    if (r.isError()) { // e.g. denied by ACL: the rest is still worth having
        clients.clientsError = QString::fromUtf8(r.str);
    } else {
        clients.clientsListed = true;
        clients.blockedListPops = blockedListPops(r.str);
    }
    return clients;
}
} // namespace

CensusWorker::CensusWorker(const ConnectionSettings& settings, bool walkKeyspace, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_walkKeyspace(walkKeyspace)
{
    m_clock.start();
}

CensusWorker::~CensusWorker()
{
    // The connections first: the inspectors' callbacks on them must never run without them.
    delete m_conn;
    m_conn = nullptr;
    for (const Node& node : std::as_const(m_nodes))
        delete node.conn;
    m_nodes.clear();
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
    m_idleTimer = new QTimer(this);
    m_idleTimer->setSingleShot(true);
    connect(m_idleTimer, &QTimer::timeout, this, [this] {
        closeNodes(true);
        scheduleIdleClose();
    });
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
    closeNodes(false);
    emit stopped();
}

void CensusWorker::onReady()
{
    // Given without cluster=1: a cluster node? Then keys other masters serve are read there.
    if (ClusterDetect::probeOnce(m_conn, m_settings, &m_clusterProbed, this, [this](bool) {
            if (!m_stopping)
                onReady();
        }))
        return;
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
    m_currentNode.clear();
    m_inRound = false;
    closeNodes(false);           // a census in flight there must not finish into the next round
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
    closeNodes(false); // opened again with the new settings when needed
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
            [this](const QueueSnapshot& answer) {
                QueueSnapshot census = answer;
                ClusterRedirect moved;
                if (ClusterMap::parseRedirect(census.error.toUtf8(), &moved) && !moved.ask) {
                    // A stale slot map: corrected, and the next census of the key asks there.
                    ClusterRouting::noteMoved(m_conn->settings(), moved);
                    census.error.clear();
                    census.elsewhere = ClusterMap::notSampledText(moved.host + QLatin1Char(':') +
                                                                  QString::number(moved.port));
                }
                m_current.clear();
                m_currentNode.clear();
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
    if (!m_clusterProbed && ClusterDetect::undecided(m_settings))
        return; // onReady() starts it once the server is known to be a cluster node or not
    m_inRound = true;
    ++m_roundNo;
    closeNodes(true);
    m_round = std::exchange(m_queue, {});
    emit roundStarted(int(m_round.size()));
    // CLIENT LIST is server-wide (Redis does not say which key a client waits on): one read
    // serves every key of the round (on a cluster, one more per other master censused).
    m_conn->send({"CLIENT", "LIST", "TYPE", "normal"}, [this](const RedisReply& r) {
        m_clients = clientsFrom(r);
        next();
    });
}

void CensusWorker::next()
{
    if (!m_inRound || m_stopping)
        return;
    if (m_round.isEmpty()) {
        m_inRound = false;
        startRound();
        return;
    }
    m_current = m_round.takeFirst();
    // A cluster: a key another master serves is censused on that master.
    const ConnectionSettings routed = ClusterRouting::forKey(m_settings, m_current);
    if (routed.address() != m_conn->settings().address()) {
        censusOnNode(routed);
        return;
    }
    inspectorFor(m_current)->censusOn(m_conn, m_clients);
}

void CensusWorker::censusOnNode(const ConnectionSettings& routed)
{
    const QString address = routed.address();
    m_currentNode = address;
    Node& node = m_nodes[address];
    node.usedAtMs = m_clock.elapsed();
    scheduleIdleClose();
    if (!node.conn) {
        node.conn =
            new RedisConnection(routed, QStringLiteral("inspect"), QStringLiteral("census"), this);
        connect(node.conn, &RedisConnection::ready, this, [this, address] {
            const auto it = m_nodes.find(address);
            if (it != m_nodes.end()) {
                it->backoff.reset();
                it->retryAtMs = 0;
                it->downReason.clear();
            }
            if (m_currentNode == address && !m_current.isEmpty())
                continueOnNode(address);
        });
        const auto down = [this, address](const QString& reason) {
            nodeDown(address, reason);
        };
        connect(node.conn, &RedisConnection::failed, this, down);
        connect(node.conn, &RedisConnection::disconnected, this, down);
    }
    if (node.conn->isReady())
        continueOnNode(address);
    else if (node.conn->isOpen())
        return; // connecting: its ready() or failed() goes on
    else if (node.retryAtMs > m_clock.elapsed())
        answerUnreachable(address, node.downReason); // down a moment ago: not tried again yet
    else
        node.conn->open(); // its ready() goes on
}

void CensusWorker::continueOnNode(const QString& address)
{
    const auto it = m_nodes.constFind(address);
    if (it == m_nodes.constEnd() || !it->conn->isReady())
        return;
    if (it->listedInRound == m_roundNo) {
        inspectorFor(m_current)->censusOn(it->conn, it->clients);
        return;
    }
    const QByteArray key = m_current;
    it->conn->send({"CLIENT", "LIST", "TYPE", "normal"}, [this, address, key](const RedisReply& r) {
        const auto at = m_nodes.find(address);
        if (at == m_nodes.end() || m_current != key || m_currentNode != address)
            return;
        at->clients = clientsFrom(r);
        at->listedInRound = m_roundNo;
        inspectorFor(key)->censusOn(at->conn, at->clients);
    });
}

void CensusWorker::nodeDown(const QString& address, const QString& reason)
{
    const auto it = m_nodes.find(address);
    if (it != m_nodes.end()) {
        it->listedInRound = 0;
        // Opened again when a key needs it, but not before the backoff has passed: a master
        // that is down is not asked once per key of every round.
        it->retryAtMs = m_clock.elapsed() + it->backoff.next();
        it->downReason = reason;
    }
    if (m_currentNode != address || m_current.isEmpty())
        return;
    answerUnreachable(address, reason); // the census in flight there is lost
}

void CensusWorker::answerUnreachable(const QString& address, const QString& reason)
{
    // Nothing of the key was read: no figure, only why; the round goes on with the other keys.
    QueueSnapshot census;
    census.key = std::exchange(m_current, QByteArray());
    census.error = reason;
    census.elsewhere = tr("not read: its master %1 cannot be reached (%2)").arg(address, reason);
    m_currentNode.clear();
    emit censusReady(census);
    QMetaObject::invokeMethod(this, &CensusWorker::next, Qt::QueuedConnection);
}

void CensusWorker::closeNodes(bool idleOnly)
{
    if (!idleOnly && !m_currentNode.isEmpty() && !m_current.isEmpty()) {
        // The census in flight there is asked again, on a new connection.
        m_round.prepend(std::exchange(m_current, QByteArray()));
        m_currentNode.clear();
        QMetaObject::invokeMethod(this, &CensusWorker::next, Qt::QueuedConnection);
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (idleOnly &&
            (it.key() == m_currentNode || m_clock.elapsed() - it->usedAtMs < m_nodeIdleMs)) {
            ++it;
            continue;
        }
        it->conn->close();
        it->conn->deleteLater();
        it = m_nodes.erase(it);
    }
}

void CensusWorker::scheduleIdleClose()
{
    if (!m_idleTimer || m_nodes.isEmpty())
        return;
    qint64 due = -1;
    for (const Node& node : std::as_const(m_nodes))
        due = due < 0 ? node.usedAtMs : qMin(due, node.usedAtMs);
    // The node of the census in flight is not closed: looked at again a moment later.
    const qint64 wait = qMax<qint64>(due + m_nodeIdleMs - m_clock.elapsed(), 100);
    m_idleTimer->start(int(qMin<qint64>(wait, m_nodeIdleMs)));
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
    worker->setNodeIdleMs(m_nodeIdleMs);
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
