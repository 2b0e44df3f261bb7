#include "ServerMonitor.h"

#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QDateTime>
#include <QTimer>

#include <algorithm>

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
                                         int keyLimit, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_intervalMs(qMax(100, intervalMs))
    , m_keyLimit(qMax(1, keyLimit))
{
}

ServerMonitorWorker::~ServerMonitorWorker() = default;

void ServerMonitorWorker::start()
{
    if (m_conn || m_stopping)
        return;
    // Created here, on the worker's own thread.
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (!m_refreshing) // a slow server is not asked again before it has answered
            refresh();
    });
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
        emit connected(m_version);
    });
    refresh();
    m_timer->start(m_intervalMs);
}

void ServerMonitorWorker::onConnectionDown(const QString& reason, bool wasReady)
{
    m_refreshing = false;
    m_again = false;
    m_timer->stop();
    if (m_stopping)
        return;
    if (wasReady) {
        m_lastError.clear();
        emit connectionLost(reason);
    }
    report(reason);
    m_reconnectTimer->start(m_backoff.next());
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
    m_snap.errors << tr("%1: %2").arg(QString::fromUtf8(command), text);
    report(text);
}

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
    m_snap = ServerSnapshot();
    m_snap.keyLimit = m_keyLimit;
    m_lists = Scan();
    m_lists.type = "list";
    m_streams = Scan();
    m_streams.type = "stream";
    m_channelNames.clear();
    // The three walks are independent: pipelined, they cost one round trip on a small server.
    m_stepsLeft = 3;
    scanStep(&m_lists);
    scanStep(&m_streams);
    m_conn->send({"PUBSUB", "CHANNELS"}, [this](const RedisReply& r) {
        if (r.isError()) {
            noteError(r, "PUBSUB CHANNELS");
        } else {
            for (const RedisReply& e : r.elements) {
                if (m_channelNames.size() >= m_keyLimit) {
                    m_snap.channelsTruncated = true;
                    break;
                }
                m_channelNames.append(e.str);
            }
        }
        stepDone();
    });
}

void ServerMonitorWorker::scanStep(Scan* scan)
{
    ++scan->calls;
    m_conn->send(
        {"SCAN", scan->cursor, "MATCH", "*", "COUNT", QByteArray::number(kScanCount), "TYPE",
         scan->type},
        [this, scan](const RedisReply& r) {
            if (r.isError() || !r.isArray() || r.elements.size() < 2) {
                noteError(r.isError() ? r : RedisReply::error("unexpected SCAN reply"), "SCAN");
                stepDone();
                return;
            }
            scan->cursor = r.elements[0].str;
            for (const RedisReply& key : r.elements[1].elements) {
                if (scan->keys.size() >= m_keyLimit) {
                    scan->truncated = true;
                    break;
                }
                scan->keys.append(key.str);
            }
            const bool complete = scan->cursor == "0";
            if (!complete && (scan->keys.size() >= m_keyLimit || scan->calls >= kMaxScanCalls))
                scan->truncated = true;
            if (complete || scan->truncated)
                stepDone();
            else
                scanStep(scan);
        });
}

void ServerMonitorWorker::stepDone()
{
    if (--m_stepsLeft == 0)
        measure();
}

void ServerMonitorWorker::measure()
{
    sortUnique(m_lists.keys);
    sortUnique(m_streams.keys);
    sortUnique(m_channelNames);
    m_snap.listsTruncated = m_lists.truncated;
    m_snap.streamsTruncated = m_streams.truncated;

    // LLEN, XLEN and NUMSUB for everything found, in one pipelined write.
    QByteArray encoded;
    int replies = 0;
    for (const QByteArray& k : std::as_const(m_lists.keys)) {
        appendCommand(encoded, {"LLEN", k});
        ++replies;
    }
    for (const QByteArray& k : std::as_const(m_streams.keys)) {
        appendCommand(encoded, {"XLEN", k});
        ++replies;
    }
    for (qsizetype i = 0; i < m_channelNames.size(); i += kNumsubChunk) {
        QList<QByteArray> argv{"PUBSUB", "NUMSUB"};
        argv += m_channelNames.mid(i, kNumsubChunk);
        appendCommand(encoded, argv);
        ++replies;
    }
    appendCommand(encoded, {"PUBSUB", "NUMPAT"});
    ++replies;

    m_conn->sendEncoded(encoded, replies, [this](QList<RedisReply>& r) {
        qsizetype i = 0;
        // An error here means the key changed type since SCAN (or vanished: LLEN 0); skip it.
        for (const QByteArray& k : std::as_const(m_lists.keys)) {
            const RedisReply& len = r[i++];
            if (len.isInteger() && len.integer > 0) // Redis deletes empty lists
                m_snap.lists.append({k, len.integer});
        }
        for (const QByteArray& k : std::as_const(m_streams.keys)) {
            const RedisReply& len = r[i++];
            if (len.isInteger()) // a stream may exist empty
                m_snap.streams.append({k, len.integer});
        }
        for (qsizetype c = 0; c < m_channelNames.size(); c += kNumsubChunk) {
            const RedisReply& numsub = r[i++];
            if (numsub.isError()) {
                noteError(numsub, "PUBSUB NUMSUB");
                continue;
            }
            for (qsizetype e = 0; e + 1 < numsub.elements.size(); e += 2) {
                const qint64 n = numsub.elements[e + 1].integer;
                if (n > 0) // unsubscribed since PUBSUB CHANNELS
                    m_snap.channels.append({numsub.elements[e].str, n});
            }
        }
        const RedisReply& numpat = r[i++];
        if (numpat.isError())
            noteError(numpat, "PUBSUB NUMPAT");
        else
            m_snap.patternSubscriptions = numpat.integer;
        finishRefresh();
    });
}

void ServerMonitorWorker::finishRefresh()
{
    m_snap.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    m_snap.serverVersion = m_version;
    m_snap.truncated = m_snap.listsTruncated || m_snap.streamsTruncated || m_snap.channelsTruncated;
    if (m_snap.errors.isEmpty())
        m_lastError.clear(); // recovered: a new failure is worth saying again
    m_refreshing = false;
    emit snapshotReady(m_snap);
    m_lists = Scan();
    m_streams = Scan();
    m_channelNames.clear();
    if (m_again)
        refresh();
}

void ServerMonitorWorker::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_timer)
        m_timer->stop();
    if (m_reconnectTimer)
        m_reconnectTimer->stop();
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

void ServerMonitor::start()
{
    if (m_thread && m_thread->isRunning())
        return;
    m_thread.reset();
    auto* worker = new ServerMonitorWorker(m_settings, m_intervalMs, m_keyLimit);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-monitor"), worker);
    m_thread->quitWhen(worker, &ServerMonitorWorker::stopped);
    connect(worker, &ServerMonitorWorker::snapshotReady, this, &ServerMonitor::snapshotReady);
    connect(worker, &ServerMonitorWorker::connected, this, &ServerMonitor::connected);
    connect(worker, &ServerMonitorWorker::errorOccurred, this, &ServerMonitor::errorOccurred);
    connect(worker, &ServerMonitorWorker::connectionLost, this, &ServerMonitor::connectionLost);
    m_thread->start();
    m_thread->post([worker] { worker->start(); });
}

void ServerMonitor::refreshNow()
{
    ServerMonitorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w] { w->refresh(); });
}

void ServerMonitor::stop()
{
    if (!m_thread || !m_thread->isRunning())
        return;
    ServerMonitorWorker* w = m_worker;
    if (w)
        m_thread->post([w] { w->stop(); });
    m_thread->wait(3000);
    // If the worker did not confirm in time, m_thread's destructor ends the loop and waits.
}

} // namespace rqc
