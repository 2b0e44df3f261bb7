#include "QueueInspector.h"

#include "ClientListFields.h"
#include "ClusterDetect.h"
#include "ClusterMap.h"
#include "LuaScript.h"
#include "RedisConnection.h"
#include "ReliableRecovery.h"
#include "StreamGroupConsumer.h"
#include "WorkerThread.h"

#include <QDateTime>
#include <QHash>
#include <QTimer>

namespace rqc {

namespace {
// A census walks a keyspace of at most this many keys itself when discovery is the monitor's
// (one walk: ~0.1 s of server time at most, once a minute).
constexpr qint64 kCensusWalkMaxKeys = 100000;
} // namespace

namespace {
// XINFO replies are flat [name, value, name, value…].
QHash<QByteArray, RedisReply> fieldsOf(const RedisReply& r)
{
    QHash<QByteArray, RedisReply> out;
    for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2)
        out.insert(r.elements[i].str, r.elements[i + 1]);
    return out;
}

qint64 intOr(const RedisReply& r, qint64 fallback) { return r.isInteger() ? r.integer : fallback; }
} // namespace

QList<QueueSnapshot::BlockedClient> blockedListPops(const QByteArray& clientList)
{
    static const QList<QByteArray> pops{"brpop", "blpop", "blmove", "brpoplpush", "blmpop"};
    QList<QueueSnapshot::BlockedClient> out;
    for (const QByteArray& line : clientList.split('\n')) {
        const QHash<QByteArray, QByteArray> f = clientListFields(line);
        if (!f.value("flags").contains('b') || !pops.contains(f.value("cmd").toLower()))
            continue;
        QueueSnapshot::BlockedClient c;
        c.id = f.value("id").toLongLong();
        c.name = f.value("name");
        c.addr = f.value("addr");
        c.cmd = f.value("cmd").toLower();
        c.ageS = f.value("age").toLongLong();
        c.idleS = f.value("idle").toLongLong();
        out.append(c);
    }
    return out;
}

QueueInspectorWorker::QueueInspectorWorker(const ConnectionSettings& settings,
                                           const QByteArray& key, const InspectorOptions& options,
                                           QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_key(key)
    , m_options(options)
{
    m_deadGiven = !m_options.dead.isEmpty();
    updateNaming();
}

void QueueInspectorWorker::updateNaming()
{
    // A cluster node (cluster=1, or a map the monitor learnt): the companion keys carry the
    // queue's hash tag, as the consumers name them (ReliableListKeys::prefixFor).
    m_cluster = m_cluster || m_settings.cluster || ClusterRouting::knows(m_settings);
    if (!m_deadGiven)
        m_options.dead = ReliableListKeys::prefixFor(m_key, m_cluster) + ":dead";
}

ReliableListKeys QueueInspectorWorker::keys() const
{
    return ReliableListKeys::forQueue(m_key, m_options.dead, m_cluster);
}

QueueInspectorWorker::~QueueInspectorWorker() = default;

void QueueInspectorWorker::start()
{
    if (m_conn || m_stopping)
        return;
    m_conn =
        new RedisConnection(m_settings, QStringLiteral("inspect"), QString::fromUtf8(m_key), this);
    connect(m_conn, &RedisConnection::ready, this, &QueueInspectorWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this, &QueueInspectorWorker::onDown);
    connect(m_conn, &RedisConnection::disconnected, this, &QueueInspectorWorker::onDown);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &QueueInspectorWorker::refresh);
    m_reconnect = new QTimer(this);
    m_reconnect->setSingleShot(true);
    connect(m_reconnect, &QTimer::timeout, this, &QueueInspectorWorker::openConnection);
    openConnection();
}

void QueueInspectorWorker::openConnection()
{
    if (m_stopping)
        return;
    updateNaming();
    m_conn->setSettings(ClusterRouting::forKey(m_settings, m_key)); // a cluster: the key's node
    m_conn->open();
}

void QueueInspectorWorker::onReady()
{
    // Given without cluster=1: a cluster node? Then the key's master, and tagged names.
    if (ClusterDetect::probeOnce(m_conn, m_settings, &m_clusterProbed, this, [this](bool cluster) {
            m_settings.cluster = cluster;
            updateNaming();
            if (m_stopping)
                return;
            if (ClusterDetect::onKeysNode(m_conn, m_settings, m_key))
                return onReady();
            m_conn->close();
            openConnection();
        }))
        return;
    m_backoff.reset();
    m_lastError.clear();
    m_gathering = false;
    if (m_options.intervalMs > 0)
        m_timer->start(m_options.intervalMs);
    const auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (const auto& job : waiting)
        job.second();
    refresh();
}

void QueueInspectorWorker::onDown(const QString& reason)
{
    m_timer->stop();
    m_gathering = false;
    // Replies of actions in flight are lost with the connection: answer them.
    const QList<qint64> open = std::move(m_open);
    m_open.clear();
    for (qint64 id : open) {
        RecoveryReport r;
        r.requestId = id;
        r.error =
            tr("Connection lost before Redis answered (%1); the outcome is unknown.").arg(reason);
        emit actionFinished(r);
    }
    if (reason != m_lastError) { // a server that stays down is reported once
        m_lastError = reason;
        emit errorOccurred(reason);
    }
    if (!m_stopping)
        m_reconnect->start(m_backoff.next());
}

void QueueInspectorWorker::stop()
{
    m_stopping = true;
    if (m_conn)
        m_conn->close();
    const auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (const auto& job : waiting) {
        RecoveryReport r;
        r.requestId = job.first;
        r.error = tr("The inspector stopped.");
        emit actionFinished(r);
    }
    emit stopped();
}

void QueueInspectorWorker::refresh()
{
    if (!m_conn || !m_conn->isReady() || m_stopping)
        return;
    if (m_gathering) { // one snapshot at a time; another follows this one
        m_again = true;
        return;
    }
    m_gathering = true;
    auto snap = std::make_shared<QueueSnapshot>();
    snap->key = m_key;
    snap->deadKey = m_options.dead;
    if (!m_options.census) {
        gatherType(snap);
        return;
    }
    m_conn->send({"CLIENT", "LIST", "TYPE", "normal"}, [this, snap](const RedisReply& r) {
        if (r.isError()) // e.g. denied by ACL: the rest is still worth having
            snap->clientsError = QString::fromUtf8(r.str);
        else {
            snap->clientsListed = true;
            snap->blockedListPops = blockedListPops(r.str);
        }
        gatherType(snap);
    });
}

void QueueInspectorWorker::censusOn(RedisConnection* conn, const QueueSnapshot& clients)
{
    m_conn = conn;
    updateNaming(); // a cluster found since: the companion keys carry the queue's hash tag
    m_gathering = true;
    m_again = false;
    auto snap = std::make_shared<QueueSnapshot>();
    snap->key = m_key;
    snap->deadKey = m_options.dead;
    snap->clientsListed = clients.clientsListed;
    snap->blockedListPops = clients.blockedListPops;
    snap->clientsError = clients.clientsError;
    gatherType(snap);
}

void QueueInspectorWorker::gatherType(std::shared_ptr<QueueSnapshot> snap)
{
    m_conn->send({"TYPE", m_key}, [this, snap](const RedisReply& r) {
        if (r.isError()) {
            finishSnapshot(snap, QString::fromUtf8(r.str));
            return;
        }
        if (r.str == "list") {
            snap->kind = QueueSnapshot::Kind::List;
            gatherList(snap);
        } else if (r.str == "stream") {
            snap->kind = QueueSnapshot::Kind::Stream;
            gatherStream(snap);
        } else if (r.str == "none") {
            // No queue (yet): its consumers and dead letters may still exist.
            snap->kind = QueueSnapshot::Kind::Missing;
            gatherList(snap);
        } else {
            snap->kind = QueueSnapshot::Kind::Other;
            finishSnapshot(snap);
        }
    });
}

void QueueInspectorWorker::gatherList(std::shared_ptr<QueueSnapshot> snap)
{
    const ReliableListKeys keys = this->keys();
    QByteArray encoded;
    appendCommand(encoded, {"LLEN", m_key});
    appendCommand(encoded, {"HLEN", keys.deliveries});
    appendCommand(encoded, {"TYPE", keys.dead});
    m_conn->sendEncoded(encoded, 3, [this, snap, keys](QList<RedisReply>& r) {
        snap->length = intOr(r[0], 0);
        snap->deliveriesTracked = intOr(r[1], 0);
        if (r[2].str != "list") { // no dead letters yet
            startProcessingScan(snap);
            return;
        }
        QByteArray dead;
        appendCommand(dead, {"LLEN", keys.dead});
        appendCommand(dead, {"LRANGE", keys.dead, "0", QByteArray::number(m_options.sample - 1)});
        m_conn->sendEncoded(dead, 2, [this, snap](QList<RedisReply>& d) {
            snap->deadLength = intOr(d[0], 0);
            for (const RedisReply& e : d[1].elements) {
                Message m;
                m.payload = e.str;
                m.source = snap->deadKey;
                snap->deadSample.append(m);
            }
            startProcessingScan(snap);
        });
    });
}

void QueueInspectorWorker::startProcessingScan(std::shared_ptr<QueueSnapshot> snap)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool walked = m_lastScanMs >= 0 && now - m_lastScanMs < m_options.rescanMs;
    if (m_options.census && !walked && !m_hintComplete && !m_options.walkKeyspace &&
        !m_sizeChecked) {
        // Discovery is the ServerMonitor's, within its budget: walk here only a keyspace so small
        // that one walk costs next to nothing (what the monitor found so far is read otherwise).
        m_conn->send({"DBSIZE"}, [this, snap](const RedisReply& r) {
            m_sizeChecked = true;
            m_smallKeyspace = r.isInteger() && r.integer <= kCensusWalkMaxKeys;
            startProcessingScan(snap);
            m_sizeChecked = false;
        });
        return;
    }
    const bool noWalk = !m_options.walkKeyspace && !m_smallKeyspace;
    if (m_options.census && (walked || m_hintComplete || noWalk)) {
        // Walking the keyspace costs O(keys): between walks, re-read only the lists known from
        // the last walk and from the hint.
        const ReliableListKeys keys = this->keys();
        QList<QByteArray> known = m_knownProcessing;
        for (const QByteArray& key : std::as_const(m_hint)) {
            if (!known.contains(key))
                known << key;
        }
        for (const QByteArray& key : std::as_const(known)) {
            QueueSnapshot::ProcessingList p;
            p.key = key;
            p.consumer = keys.consumerOf(key);
            snap->processing.append(p);
        }
        readProcessing(snap);
        return;
    }
    scanProcessing(snap, "0");
}

void QueueInspectorWorker::setProcessingHint(const QList<QByteArray>& keys, bool complete)
{
    const QByteArray prefix = this->keys().base() + ":processing:";
    m_hint.clear();
    for (const QByteArray& key : keys) {
        if (key.startsWith(prefix) && !key.endsWith(":alive"))
            m_hint << key;
    }
    m_hintComplete = complete;
}

void QueueInspectorWorker::scanProcessing(std::shared_ptr<QueueSnapshot> snap,
                                          const QByteArray& cursor)
{
    const ReliableListKeys keys = this->keys();
    QList<QByteArray> argv{"SCAN", cursor, "MATCH", keys.processingPattern(), "COUNT", "1000"};
    if (!m_options.census) // the census wants the heartbeat keys (strings) too
        argv << "TYPE"
             << "list";
    m_conn->send(argv, [this, snap, keys](const RedisReply& r) {
        if (r.isError() || r.elements.size() != 2) {
            finishSnapshot(snap, QString::fromUtf8(r.isError() ? r.str : r.toDebugString()));
            return;
        }
        for (const RedisReply& k : r.elements[1].elements) {
            QByteArray key = k.str;
            if (m_options.census && key.endsWith(":alive"))
                key.chop(6); // a heartbeat: its consumer's processing list may be empty (absent)
            bool seen = false;
            for (const auto& p : snap->processing)
                seen = seen || p.key == key;
            if (!seen) {
                QueueSnapshot::ProcessingList p;
                p.key = key;
                p.consumer = keys.consumerOf(key);
                snap->processing.append(p);
            }
        }
        if (r.elements[0].str != "0") {
            scanProcessing(snap, r.elements[0].str);
            return;
        }
        if (m_options.census) {
            m_lastScanMs = QDateTime::currentMSecsSinceEpoch();
            m_knownProcessing.clear();
            for (const auto& p : snap->processing)
                m_knownProcessing << p.key;
        }
        readProcessing(snap);
    });
}

void QueueInspectorWorker::readProcessing(std::shared_ptr<QueueSnapshot> snap)
{
    if (snap->processing.isEmpty()) {
        finishSnapshot(snap);
        return;
    }
    QByteArray encoded;
    for (const auto& p : snap->processing) {
        const QByteArray alive = ReliableListKeys::heartbeatKey(p.key);
        appendCommand(encoded, {"LLEN", p.key});
        appendCommand(encoded, {"PTTL", alive});
        appendCommand(encoded, {"GET", alive});
        appendCommand(encoded, {"LRANGE", p.key, "0", QByteArray::number(m_options.sample - 1)});
    }
    m_conn->sendEncoded(
        encoded, int(snap->processing.size()) * 4, [this, snap](QList<RedisReply>& d) {
            for (qsizetype i = 0; i < snap->processing.size(); ++i) {
                auto& p = snap->processing[i];
                p.length = intOr(d[i * 4], 0);
                p.heartbeatTtlMs = intOr(d[i * 4 + 1], -2);
                p.alive = p.heartbeatTtlMs != -2;
                p.heartbeat = d[i * 4 + 2].str;
                for (const RedisReply& e : d[i * 4 + 3].elements)
                    p.head.append(e.str);
            }
            // Census: a consumer gone with nothing left behind is no consumer.
            if (m_options.census) {
                snap->processing.removeIf([](const auto& p) { return !p.alive && p.length == 0; });
            }
            finishSnapshot(snap);
        });
}

void QueueInspectorWorker::gatherStream(std::shared_ptr<QueueSnapshot> snap)
{
    QByteArray encoded;
    appendCommand(encoded, {"XLEN", m_key});
    appendCommand(encoded, {"XINFO", "GROUPS", m_key});
    appendCommand(encoded, {"TYPE", m_options.dead});
    m_conn->sendEncoded(encoded, 3, [this, snap](QList<RedisReply>& r) {
        snap->length = intOr(r[0], 0);
        for (const RedisReply& g : r[1].elements) {
            const auto f = fieldsOf(g);
            QueueSnapshot::StreamGroup group;
            group.name = f.value("name").str;
            group.consumerCount = intOr(f.value("consumers"), 0);
            group.pending = intOr(f.value("pending"), 0);
            group.lastDeliveredId = f.value("last-delivered-id").str;
            group.entriesRead = intOr(f.value("entries-read"), -1);
            group.lag = intOr(f.value("lag"), -1);
            snap->groups.append(group);
        }
        if (r[2].str != "stream") {
            gatherGroups(snap);
            return;
        }
        QByteArray dead;
        appendCommand(dead, {"XLEN", m_options.dead});
        appendCommand(dead, {"XREVRANGE", m_options.dead, "+", "-", "COUNT",
                             QByteArray::number(m_options.sample)});
        m_conn->sendEncoded(dead, 2, [this, snap](QList<RedisReply>& d) {
            snap->deadLength = intOr(d[0], 0);
            for (const RedisReply& e : d[1].elements)
                snap->deadSample.append(
                    StreamGroupConsumer::entryToMessage(e, snap->deadKey, "message"));
            gatherGroups(snap);
        });
    });
}

void QueueInspectorWorker::gatherGroups(std::shared_ptr<QueueSnapshot> snap)
{
    if (snap->groups.isEmpty()) {
        finishSnapshot(snap);
        return;
    }
    QByteArray encoded;
    for (const auto& g : snap->groups) {
        appendCommand(encoded, {"XINFO", "CONSUMERS", m_key, g.name});
        appendCommand(encoded,
                      {"XPENDING", m_key, g.name, "-", "+", QByteArray::number(m_options.sample)});
    }
    m_conn->sendEncoded(encoded, int(snap->groups.size()) * 2, [this, snap](QList<RedisReply>& r) {
        QByteArray beats;
        int beatCount = 0;
        for (qsizetype i = 0; i < snap->groups.size(); ++i) {
            auto& g = snap->groups[i];
            for (const RedisReply& c : r[i * 2].elements) {
                const auto f = fieldsOf(c);
                QueueSnapshot::StreamConsumer sc;
                sc.name = f.value("name").str;
                sc.pending = intOr(f.value("pending"), 0);
                sc.idleMs = intOr(f.value("idle"), 0);
                sc.inactiveMs = intOr(f.value("inactive"), -1);
                g.consumers.append(sc);
                appendCommand(
                    beats, {"EXISTS", StreamGroupConsumer::heartbeatKey(m_key, g.name, sc.name)});
                ++beatCount;
            }
            for (const RedisReply& p : r[i * 2 + 1].elements) {
                QueueSnapshot::PendingEntry e;
                e.id = p.elements.value(0).str;
                e.consumer = p.elements.value(1).str;
                e.idleMs = p.elements.value(2).integer;
                e.deliveries = p.elements.value(3).integer;
                g.oldestPending.append(e);
                // Does the entry still exist? (deleted or trimmed while pending otherwise)
                appendCommand(beats, {"XRANGE", m_key, e.id, e.id});
                ++beatCount;
            }
        }
        if (!beatCount) {
            finishSnapshot(snap);
            return;
        }
        m_conn->sendEncoded(beats, beatCount, [this, snap](QList<RedisReply>& b) {
            int k = 0;
            for (auto& g : snap->groups) {
                for (auto& c : g.consumers)
                    c.heartbeat = b.value(k++).integer > 0;
                for (auto& e : g.oldestPending)
                    e.deleted = b.value(k++).elements.isEmpty();
            }
            finishSnapshot(snap);
        });
    });
}

void QueueInspectorWorker::finishSnapshot(std::shared_ptr<QueueSnapshot> snap, const QString& error)
{
    snap->error = error;
    snap->takenAtMs = QDateTime::currentMSecsSinceEpoch();
    m_gathering = false;
    // The key's slot moved: the map is corrected, and the next connection goes to its node (a
    // connection lent by censusOn() is left to its owner: this worker was not started).
    if (m_conn && m_reconnect &&
        ClusterRouting::followMovedLater(m_conn->settings(), RedisReply::error(error.toUtf8()),
                                         this, [this](const QString&) {
                                             if (m_stopping)
                                                 return;
                                             m_conn->close();
                                             openConnection();
                                         }))
        return;
    emit snapshotReady(*snap);
    if (m_again) {
        m_again = false;
        refresh();
    }
}

QueueInspector::QueueInspector(const ConnectionSettings& settings, const QByteArray& key,
                               const InspectorOptions& options, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_key(key)
    , m_options(options)
{
    qRegisterMetaType<rqc::QueueSnapshot>();
    qRegisterMetaType<rqc::RecoveryReport>();
}

QueueInspector::~QueueInspector() { stop(); }

void QueueInspector::start()
{
    if (m_thread && m_thread->isRunning())
        return;
    m_thread.reset();
    auto* worker = new QueueInspectorWorker(m_settings, m_key, m_options);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(
        QStringLiteral("rq-inspect-%1").arg(QString::fromUtf8(m_key.left(32))), worker);
    m_thread->quitWhen(worker, &QueueInspectorWorker::stopped);
    connect(worker, &QueueInspectorWorker::snapshotReady, this, &QueueInspector::snapshotReady);
    connect(worker, &QueueInspectorWorker::actionFinished, this, &QueueInspector::actionFinished);
    connect(worker, &QueueInspectorWorker::errorOccurred, this, &QueueInspector::errorOccurred);
    m_thread->start();
    m_thread->post([worker] { worker->start(); });
}

void QueueInspector::refresh()
{
    QueueInspectorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w] { w->refresh(); });
}

void QueueInspector::setProcessingHint(const QList<QByteArray>& keys, bool complete)
{
    QueueInspectorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w, keys, complete] { w->setProcessingHint(keys, complete); });
}

void QueueInspector::stop()
{
    if (!m_thread || !m_thread->isRunning())
        return;
    QueueInspectorWorker* w = m_worker;
    if (w)
        m_thread->post([w] { w->stop(); });
    m_thread->wait(3000);
}

template <typename Fn> qint64 QueueInspector::post(Fn&& fn)
{
    const qint64 id = ++m_lastRequestId;
    QueueInspectorWorker* w = m_worker;
    if (!m_thread || !w || !m_thread->isRunning()) {
        RecoveryReport r;
        r.requestId = id;
        r.error = tr("The inspector is not running.");
        QMetaObject::invokeMethod(
            this, [this, r] { emit actionFinished(r); }, Qt::QueuedConnection);
        return id;
    }
    m_thread->post([w, id, fn] { fn(w, id); });
    return id;
}

qint64 QueueInspector::recover()
{
    return post([](QueueInspectorWorker* w, qint64 id) { w->recover(id); });
}

qint64 QueueInspector::claim(const QByteArray& group, const QByteArray& consumer, qint64 minIdleMs)
{
    return post([group, consumer, minIdleMs](QueueInspectorWorker* w, qint64 id) {
        w->claim(id, group, consumer, minIdleMs);
    });
}

qint64 QueueInspector::requeueDead(const QList<QByteArray>& items)
{
    return post([items](QueueInspectorWorker* w, qint64 id) { w->requeueDead(id, items); });
}

} // namespace rqc
