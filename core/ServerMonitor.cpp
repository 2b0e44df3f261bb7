#include "ServerMonitor.h"

#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace rqc {

namespace {

// PUBSUB NUMSUB takes this many channels per command.
constexpr int kNumsubChunk = 1000;

QString versionFromInfo(const QByteArray& info)
{
    for (const QByteArray& line : info.split('\n')) {
        if (line.startsWith("redis_version:"))
            return QString::fromUtf8(line.mid(int(sizeof("redis_version:") - 1)).trimmed());
    }
    return {};
}

void sortUnique(QList<QByteArray>& names)
{
    // SCAN may return a key twice (while the server rehashes).
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
}

} // namespace

ServerMonitorWorker::ServerMonitorWorker(const ConnectionSettings& settings, int intervalMs,
                                         int keyLimit, const ScanBudget& budget,
                                         const QList<QByteArray>& patterns, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_intervalMs(qMax(100, intervalMs))
    , m_keyLimit(qMax(1, keyLimit))
    , m_budget(budget)
{
    m_discovery.patterns = patterns;
    m_budget.minCount = qMax(1, m_budget.minCount);
    m_budget.maxCount = qMax(m_budget.minCount, m_budget.maxCount);
    m_budget.targetCallMs = qMax(1, m_budget.targetCallMs);
    m_budget.tickMs = qMax(10, m_budget.tickMs);
    m_count = qBound(m_budget.minCount, 100, m_budget.maxCount);
}

ServerMonitorWorker::~ServerMonitorWorker() = default;

void ServerMonitorWorker::start()
{
    if (m_conn || m_stopping)
        return;
    // Created here, on the worker's own thread.
    m_clock.start();
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (!m_refreshing) // a slow server is not asked again before it has answered
            refresh();
    });
    m_scanTimer = new QTimer(this);
    connect(m_scanTimer, &QTimer::timeout, this, &ServerMonitorWorker::onScanTick);
    m_emitTimer = new QTimer(this);
    m_emitTimer->setSingleShot(true);
    connect(m_emitTimer, &QTimer::timeout, this, &ServerMonitorWorker::emitSnapshot);
    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &ServerMonitorWorker::openConnection);
    m_conn = new RedisConnection(m_settings, QStringLiteral("admin"), QString(), this);
    connect(m_conn, &RedisConnection::ready, this, &ServerMonitorWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this,
            [this](const QString& e) { onConnectionDown(e, false); });
    connect(m_conn, &RedisConnection::disconnected, this,
            [this](const QString& e) { onConnectionDown(e, true); });
    openConnection();
}

void ServerMonitorWorker::openConnection()
{
    if (!m_stopping)
        m_conn->open();
}

void ServerMonitorWorker::onReady()
{
    m_backoff.reset();
    m_lastError.clear();
    m_conn->send({"INFO", "server"}, [this](const RedisReply& r) {
        if (r.isError())
            noteError(r, "INFO");
        else
            m_version = versionFromInfo(r.str);
        m_cluster = !r.isError() && r.str.contains("\nredis_mode:cluster");
        if (m_cluster)
            readClusterTopology(true);
        emit connected(m_version);
    });
    checkNotifications();
    refresh();
    m_timer->start(m_intervalMs);
    m_lastTickNs = m_clock.nsecsElapsed();
    m_scanTimer->start(m_budget.tickMs);
}

void ServerMonitorWorker::onConnectionDown(const QString& reason, bool wasReady)
{
    m_refreshing = false;
    m_again = false;
    m_scanInFlight = false;
    m_resolving = false;
    m_timer->stop();
    m_scanTimer->stop();
    if (m_events) {
        m_events->close();
        m_events->deleteLater();
        m_events = nullptr;
    }
    m_discovery.notifications = false;
    // The server may have restarted with other keys: the next walk starts over and the picture
    // is not whole until it has finished.
    m_cursor = "0";
    m_discovery.complete = false;
    m_discovery.rewalking = false;
    m_discovery.progress = 0;
    if (m_stopping)
        return;
    if (wasReady) {
        m_lastError.clear();
        emit connectionLost(reason);
    }
    const AccessRefusal refusal = wasReady ? AccessRefusal::None : accessRefusalOf(*m_conn, reason);
    if (refusal != AccessRefusal::None) {
        // Retrying cannot cure it: said once, as a refusal, then wait for resume().
        m_refused = true;
        m_lastError = reason;
        emit accessRefused(refusal, reason);
        return;
    }
    report(reason);
    m_reconnectTimer->start(m_backoff.next());
}

void ServerMonitorWorker::resume(const ConnectionSettings& settings)
{
    if (m_stopping || !m_conn)
        return;
    m_settings = settings; // the events connection is made from these too
    m_conn->setSettings(settings);
    if (!m_refused)
        return;
    m_refused = false;
    m_lastError.clear();
    m_backoff.reset();
    openConnection();
}

void ServerMonitorWorker::report(const QString& error)
{
    // A lasting problem (server down, NOPERM at every refresh) is said once, not every few seconds.
    if (error == m_lastError)
        return;
    m_lastError = error;
    emit errorOccurred(error);
}

void ServerMonitorWorker::noteError(const RedisReply& reply, const QByteArray& command)
{
    const QString text = QString::fromUtf8(reply.str);
    m_errors << tr("%1: %2").arg(QString::fromUtf8(command), text);
    report(text);
}

// --- refresh ---------------------------------------------------------------------------------

void ServerMonitorWorker::refresh()
{
    if (m_stopping || !m_conn || !m_conn->isReady())
        return;
    if (m_refreshing) {
        m_again = true;
        return;
    }
    m_refreshing = true;
    m_again = false;
    m_errors.clear();
    if (m_cluster && followTopology)
        readClusterTopology(true); // answered before readKnown's replies, in order
    readKnown();
}

void ServerMonitorWorker::readKnown()
{
    // Every known key, the channels and DBSIZE in one pipelined write.
    const QList<QByteArray> lists = m_lists.lengths.keys();
    const QList<QByteArray> streams = m_streams.lengths.keys();
    QByteArray encoded;
    for (const QByteArray& k : lists)
        appendCommand(encoded, {"LLEN", k});
    for (const QByteArray& k : streams) {
        appendCommand(encoded, {"XLEN", k});
        appendCommand(encoded, {"EXISTS", k}); // a stream may exist empty
    }
    appendCommand(encoded, {"PUBSUB", "CHANNELS"});
    appendCommand(encoded, {"PUBSUB", "NUMPAT"});
    appendCommand(encoded, {"DBSIZE"});
    const int replies = int(lists.size() + 2 * streams.size() + 3);
    m_conn->sendEncoded(encoded, replies, [this, lists, streams](QList<RedisReply>& r) {
        qsizetype i = 0;
        // An error means the key changed type (the walk or an event finds it again); LLEN 0
        // means it is gone (Redis deletes empty lists).
        for (const QByteArray& k : lists) {
            const RedisReply& len = r[i++];
            auto it = m_lists.lengths.find(k);
            if (it == m_lists.lengths.end())
                continue;
            if (len.isInteger() && len.integer > 0)
                *it = len.integer;
            else
                m_lists.lengths.erase(it);
        }
        for (const QByteArray& k : streams) {
            const RedisReply& len = r[i++];
            const RedisReply& exists = r[i++];
            auto it = m_streams.lengths.find(k);
            if (it == m_streams.lengths.end())
                continue;
            if (len.isInteger() && exists.integer > 0)
                *it = len.integer;
            else
                m_streams.lengths.erase(it);
        }
        const RedisReply& channels = r[i++];
        m_channelNames.clear();
        m_channelsTruncated = false;
        if (channels.isError()) {
            noteError(channels, "PUBSUB CHANNELS");
        } else {
            for (const RedisReply& e : channels.elements) {
                if (!wanted(e.str))
                    continue;
                if (m_channelNames.size() >= m_keyLimit) {
                    m_channelsTruncated = true;
                    break;
                }
                m_channelNames.append(e.str);
            }
        }
        sortUnique(m_channelNames);
        const RedisReply& numpat = r[i++];
        if (numpat.isError())
            noteError(numpat, "PUBSUB NUMPAT");
        else
            m_patternSubscriptions = numpat.integer;
        const RedisReply& dbsize = r[i++];
        if (dbsize.isError())
            noteError(dbsize, "DBSIZE");
        else
            m_discovery.dbSize = dbsize.integer;
        if (!m_discovery.complete)
            m_discovery.progress = progressOf(m_cursor);
        readNumsub();
    });
}

void ServerMonitorWorker::readNumsub()
{
    const auto next = [this] {
        if (m_discovery.dbSize >= 0 && m_discovery.dbSize <= m_budget.smallKeyspace)
            walkSmallKeyspace("0");
        else
            finishRefresh();
    };
    m_channels.clear();
    if (m_channelNames.isEmpty()) {
        next();
        return;
    }
    QByteArray encoded;
    int replies = 0;
    for (qsizetype i = 0; i < m_channelNames.size(); i += kNumsubChunk) {
        QList<QByteArray> argv{"PUBSUB", "NUMSUB"};
        argv += m_channelNames.mid(i, kNumsubChunk);
        appendCommand(encoded, argv);
        ++replies;
    }
    m_conn->sendEncoded(encoded, replies, [this, next](QList<RedisReply>& r) {
        for (const RedisReply& numsub : r) {
            if (numsub.isError()) {
                noteError(numsub, "PUBSUB NUMSUB");
                continue;
            }
            for (qsizetype e = 0; e + 1 < numsub.elements.size(); e += 2) {
                const qint64 n = numsub.elements[e + 1].integer;
                if (n > 0) // unsubscribed since PUBSUB CHANNELS
                    m_channels.append({numsub.elements[e].str, n});
            }
        }
        next();
    });
}

void ServerMonitorWorker::walkSmallKeyspace(const QByteArray& cursor)
{
    // A step or two of a millisecond each: cheaper than keeping a cursor between refreshes.
    if (cursor == "0")
        m_cursor = "0";
    const int count = int(qBound<qint64>(m_budget.minCount, 2 * m_discovery.dbSize + 10,
                                         qMax<qint64>(m_budget.maxCount, 1000)));
    scanStep(m_cursor, count, [this](bool ok) {
        if (ok && m_cursor != "0" && m_refreshing) {
            walkSmallKeyspace(m_cursor);
            return;
        }
        readNewLengths([this] { finishRefresh(); });
    });
}

void ServerMonitorWorker::finishRefresh()
{
    if (!m_refreshing)
        return; // the connection went down meanwhile
    m_refreshing = false;
    m_refreshedOnce = true;
    if (m_errors.isEmpty())
        m_lastError.clear(); // recovered: a new failure is worth saying again
    emitSnapshot();
    if (m_again)
        refresh();
}

void ServerMonitorWorker::scheduleEmit()
{
    if (m_refreshedOnce && !m_emitTimer->isActive())
        m_emitTimer->start(250);
}

void ServerMonitorWorker::emitSnapshot()
{
    m_emitTimer->stop();
    ServerSnapshot snap;
    snap.keyLimit = m_keyLimit;
    const auto collect = [](const Known& known, QList<ServerSnapshot::Key>& out, qint64 least) {
        out.reserve(known.lengths.size());
        for (auto it = known.lengths.cbegin(); it != known.lengths.cend(); ++it) {
            if (it.value() >= least) // not read yet, or gone
                out.append({it.key(), it.value()});
        }
        std::sort(out.begin(), out.end(),
                  [](const ServerSnapshot::Key& a, const ServerSnapshot::Key& b) {
                      return a.name < b.name;
                  });
    };
    collect(m_lists, snap.lists, 1); // Redis deletes empty lists
    collect(m_streams, snap.streams, 0);
    snap.channels = m_channels;
    snap.listsTruncated = m_lists.dropped || m_lists.droppedLastPass;
    snap.streamsTruncated = m_streams.dropped || m_streams.droppedLastPass;
    snap.channelsTruncated = m_channelsTruncated;
    snap.truncated = snap.listsTruncated || snap.streamsTruncated || snap.channelsTruncated;
    snap.patternSubscriptions = m_patternSubscriptions;
    snap.errors = m_errors;
    snap.discovery = m_discovery;
    snap.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    snap.serverVersion = m_version;
    snap.clusterMasters = m_clusterMasters;
    snap.clusterSelfId = m_clusterSelfId;
    emit snapshotReady(snap);
}

void ServerMonitorWorker::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_timer)
        m_timer->stop();
    if (m_scanTimer)
        m_scanTimer->stop();
    if (m_emitTimer)
        m_emitTimer->stop();
    if (m_reconnectTimer)
        m_reconnectTimer->stop();
    if (m_events)
        m_events->close();
    if (m_conn)
        m_conn->close();
    emit stopped();
}

// ---------------------------------------------------------------------------------------------

ServerMonitor::ServerMonitor(const ConnectionSettings& settings, int intervalMs, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_intervalMs(intervalMs)
{
    qRegisterMetaType<rqc::ServerSnapshot>();
}

ServerMonitor::~ServerMonitor() { stop(); }

void ServerMonitor::setKeyLimit(int limit) { m_keyLimit = qMax(1, limit); }

void ServerMonitor::setScanBudget(const ScanBudget& budget) { m_budget = budget; }

void ServerMonitor::setPatterns(const QList<QByteArray>& patterns) { m_patterns = patterns; }

bool ServerMonitor::globMatches(const QByteArray& pattern, const QByteArray& text)
{
    // After Redis's stringmatchlen(): backtracking only to the last '*'.
    qsizetype p = 0, t = 0, starP = -1, starT = 0;
    const qsizetype pn = pattern.size(), tn = text.size();
    while (t < tn) {
        bool step = false;
        if (p < pn) {
            const char c = pattern[p];
            if (c == '*') {
                starP = p++;
                starT = t;
                continue;
            }
            if (c == '?') {
                step = true;
                ++p;
            } else if (c == '[') {
                qsizetype q = p + 1;
                const bool negate = q < pn && pattern[q] == '^';
                if (negate)
                    ++q;
                bool match = false;
                while (q < pn && pattern[q] != ']') {
                    if (pattern[q] == '\\' && q + 1 < pn) {
                        match = match || pattern[q + 1] == text[t];
                        q += 2;
                    } else if (q + 2 < pn && pattern[q + 1] == '-' && pattern[q + 2] != ']') {
                        char lo = pattern[q], hi = pattern[q + 2];
                        if (lo > hi)
                            std::swap(lo, hi);
                        match = match || (text[t] >= lo && text[t] <= hi);
                        q += 3;
                    } else {
                        match = match || pattern[q] == text[t];
                        ++q;
                    }
                }
                if (match != negate) {
                    step = true;
                    p = q < pn ? q + 1 : q;
                }
            } else {
                const qsizetype lit = (c == '\\' && p + 1 < pn) ? p + 1 : p;
                if (pattern[lit] == text[t]) {
                    step = true;
                    p = lit + 1;
                }
            }
        }
        if (step) {
            ++t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pn && pattern[p] == '*')
        ++p;
    return p == pn;
}

void ServerMonitor::start()
{
    if (m_thread && m_thread->isRunning())
        return;
    m_thread.reset();
    auto* worker =
        new ServerMonitorWorker(m_settings, m_intervalMs, m_keyLimit, m_budget, m_patterns);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-monitor"), worker);
    m_thread->quitWhen(worker, &ServerMonitorWorker::stopped);
    worker->followTopology = m_fanOut;
    connect(worker, &ServerMonitorWorker::snapshotReady, this, &ServerMonitor::onOwnSnapshot);
    connect(worker, &ServerMonitorWorker::connected, this, &ServerMonitor::connected);
    connect(worker, &ServerMonitorWorker::errorOccurred, this, &ServerMonitor::errorOccurred);
    connect(worker, &ServerMonitorWorker::connectionLost, this, &ServerMonitor::connectionLost);
    connect(worker, &ServerMonitorWorker::accessRefused, this, &ServerMonitor::accessRefused);
    m_thread->start();
    m_thread->post([worker] { worker->start(); });
}

void ServerMonitor::refreshNow()
{
    ServerMonitorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w] { w->refresh(); });
}

void ServerMonitor::restartWalk()
{
    ServerMonitorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w] { w->restartWalk(); });
    for (auto& node : m_nodes)
        node.second->restartWalk();
}

void ServerMonitor::resume(const ConnectionSettings& settings)
{
    m_settings = settings; // for a later start()
    for (auto& node : m_nodes)
        node.second->resume(forNode(settings, node.first));
    ServerMonitorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w, settings] { w->resume(settings); });
}

void ServerMonitor::stop()
{
    stopNodes();
    if (!m_thread || !m_thread->isRunning())
        return;
    ServerMonitorWorker* w = m_worker;
    if (w)
        m_thread->post([w] { w->stop(); });
    m_thread->wait(3000);
    // If the worker did not confirm in time, m_thread's destructor ends the loop and waits.
}

} // namespace rqc
