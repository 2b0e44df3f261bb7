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

// --- keyspace notifications ------------------------------------------------------------------

void ServerMonitorWorker::checkNotifications()
{
    // Only when the server already has them on: turning them on would cost every client.
    m_conn->send({"CONFIG", "GET", "notify-keyspace-events"}, [this](const RedisReply& r) {
        if (r.isError() || r.elements.size() < 2)
            return; // denied (ACL, renamed CONFIG): treated as off
        QByteArray flags = r.elements[1].str;
        flags.replace('A', "g$lshzxet");
        const bool keyevent = flags.contains('E');
        const bool keyspace = flags.contains('K');
        const bool fresh = flags.contains('n'); // "new key" events (Redis 7)
        const bool lists = flags.contains('l');
        const bool streams = flags.contains('t');
        const QByteArray db = QByteArray::number(m_settings.db);
        QList<QByteArray> subscribe;
        if (keyevent) {
            m_eventPrefix = "__keyevent@" + db + "__:";
            // One event per key created is far cheaper than one per push.
            if (fresh) {
                subscribe << m_eventPrefix + "new";
            } else {
                if (lists)
                    subscribe << m_eventPrefix + "lpush" << m_eventPrefix + "rpush";
                if (streams)
                    subscribe << m_eventPrefix + "xadd";
            }
            if (!subscribe.isEmpty())
                openEvents(subscribe, false);
        } else if (keyspace && (fresh || lists || streams)) {
            m_eventPrefix = "__keyspace@" + db + "__:";
            openEvents({m_eventPrefix + "*"}, true);
        }
    });
}

void ServerMonitorWorker::openEvents(const QList<QByteArray>& subscribe, bool pattern)
{
    if (m_events || m_stopping)
        return;
    m_events = new RedisConnection(m_settings, QStringLiteral("events"), QString(), this);
    m_events->setPushHandler([this](RedisReply& push) { onEvent(push); });
    RedisConnection* events = m_events;
    connect(m_events, &RedisConnection::ready, this, [this, subscribe, pattern] {
        QList<QByteArray> argv{pattern ? QByteArray("PSUBSCRIBE") : QByteArray("SUBSCRIBE")};
        argv += subscribe;
        m_events->sendNoReply(argv);
    });
    const auto down = [this, events](const QString&) {
        // Without events the walk still finds every key, only later.
        if (m_events != events)
            return;
        m_discovery.notifications = false;
        m_events->deleteLater();
        m_events = nullptr;
    };
    connect(m_events, &RedisConnection::failed, this, down);
    connect(m_events, &RedisConnection::disconnected, this, down);
    m_events->open();
}

void ServerMonitorWorker::onEvent(RedisReply& push)
{
    if (push.elements.isEmpty())
        return;
    const QByteArray& what = push.elements[0].str;
    if (what == "subscribe" || what == "psubscribe") {
        m_discovery.notifications = true;
        scheduleEmit();
        return;
    }
    QByteArray channel, payload;
    if (what == "message" && push.elements.size() >= 3) {
        channel = push.elements[1].str;
        payload = push.elements[2].str;
    } else if (what == "pmessage" && push.elements.size() >= 4) {
        channel = push.elements[2].str;
        payload = push.elements[3].str;
    } else {
        return;
    }
    if (!channel.startsWith(m_eventPrefix))
        return;
    QByteArray key, event;
    if (m_eventPrefix.startsWith("__keyevent")) {
        event = channel.mid(m_eventPrefix.size());
        key = payload;
    } else {
        key = channel.mid(m_eventPrefix.size());
        event = payload;
    }
    bool changed = false;
    if (event == "lpush" || event == "rpush") {
        changed = learn(KeyKind::List, key);
    } else if (event == "xadd") {
        changed = learn(KeyKind::Stream, key);
    } else if (event == "new") {
        if (!m_lists.lengths.contains(key) && !m_streams.lengths.contains(key)) {
            m_typeUnknown.append(key);
            changed = true;
        }
    }
    if (changed && !m_resolving) {
        // Events come in bursts: their keys are read together, once this burst is handled.
        m_resolving = true;
        QTimer::singleShot(0, this, &ServerMonitorWorker::resolveNewKeys);
    }
}

void ServerMonitorWorker::resolveNewKeys()
{
    m_resolving = false;
    if (!m_conn || !m_conn->isReady())
        return;
    if (m_typeUnknown.isEmpty()) {
        readNewLengths([this] { scheduleEmit(); });
        return;
    }
    const QList<QByteArray> names = std::exchange(m_typeUnknown, {});
    QByteArray encoded;
    for (const QByteArray& k : names)
        appendCommand(encoded, {"TYPE", k});
    m_conn->sendEncoded(encoded, int(names.size()), [this, names](QList<RedisReply>& r) {
        for (qsizetype i = 0; i < names.size() && i < r.size(); ++i) {
            if (r[i].str == "list")
                learn(KeyKind::List, names[i]);
            else if (r[i].str == "stream")
                learn(KeyKind::Stream, names[i]);
        }
        readNewLengths([this] { scheduleEmit(); });
    });
}

// --- the walk --------------------------------------------------------------------------------

double ServerMonitorWorker::progressOf(const QByteArray& cursor) const
{
    // SCAN's cursor counts buckets in reverse-bit order over a table of 2^b buckets (b from
    // DBSIZE: Redis sizes it to the next power of two), so the reversed cursor is the share of
    // the table behind us. An estimate: the table may be larger than DBSIZE says.
    const quint64 v = cursor.toULongLong();
    if (v == 0 || m_discovery.dbSize <= 0)
        return 0;
    int bits = 1;
    while (bits < 62 && (quint64(1) << bits) < quint64(m_discovery.dbSize))
        ++bits;
    quint64 rev = 0;
    for (int i = 0; i < bits; ++i)
        rev |= ((v >> i) & 1) << (bits - 1 - i);
    return double(rev) / double(quint64(1) << bits);
}

bool ServerMonitorWorker::wanted(const QByteArray& name) const
{
    if (m_discovery.patterns.isEmpty())
        return true;
    for (const QByteArray& p : m_discovery.patterns) {
        if (ServerMonitor::globMatches(p, name))
            return true;
    }
    return false;
}

bool ServerMonitorWorker::learn(KeyKind kind, const QByteArray& name)
{
    Known& known = kind == KeyKind::List ? m_lists : m_streams;
    if (known.lengths.contains(name) || !wanted(name))
        return false;
    if (known.lengths.size() >= m_keyLimit) {
        known.dropped = true;
        return false;
    }
    known.lengths.insert(name, -1);
    m_newKeys.append({kind, name});
    return true;
}

void ServerMonitorWorker::readNewLengths(std::function<void()> then)
{
    if (m_newKeys.isEmpty() || !m_conn->isReady()) {
        then();
        return;
    }
    const auto keys = std::exchange(m_newKeys, {});
    QByteArray encoded;
    for (const auto& k : keys)
        appendCommand(encoded, {k.first == KeyKind::List ? "LLEN" : "XLEN", k.second});
    m_conn->sendEncoded(
        encoded, int(keys.size()), [this, keys, then = std::move(then)](QList<RedisReply>& r) {
            for (qsizetype i = 0; i < keys.size() && i < r.size(); ++i) {
                Known& known = keys[i].first == KeyKind::List ? m_lists : m_streams;
                auto it = known.lengths.find(keys[i].second);
                if (it == known.lengths.end())
                    continue;
                const bool gone =
                    !r[i].isInteger() || (keys[i].first == KeyKind::List && r[i].integer == 0);
                if (gone)
                    known.lengths.erase(it);
                else
                    *it = r[i].integer;
            }
            then();
        });
}

void ServerMonitorWorker::scanStep(const QByteArray& cursor, int count,
                                   std::function<void(bool ok)> then)
{
    // Both TYPE filters at the same cursor, in one round trip: SCAN … TYPE filters after
    // walking, so each costs the walk, but together they cost less than half of a walk that
    // sends TYPE for every key (measured: README, Performance).
    QByteArray encoded;
    QList<QByteArray> argv{"SCAN", cursor, "COUNT", QByteArray::number(count)};
    if (m_discovery.patterns.size() == 1) // several: filtered here, after one walk
        argv << "MATCH" << m_discovery.patterns.first();
    appendCommand(encoded, argv + QList<QByteArray>{"TYPE", "list"});
    appendCommand(encoded, argv + QList<QByteArray>{"TYPE", "stream"});
    m_scanInFlight = true;
    const qint64 sentNs = m_clock.nsecsElapsed();
    m_discovery.scanCalls += 2;
    m_discovery.count = count;
    m_conn->sendEncoded(encoded, 2, [this, sentNs, then = std::move(then)](QList<RedisReply>& r) {
        m_scanInFlight = false;
        m_discovery.lastCallMs = double(m_clock.nsecsElapsed() - sentNs) / 1e6;
        QByteArray next[2];
        for (int i = 0; i < 2; ++i) {
            const RedisReply& reply = r[i];
            if (reply.isError() || !reply.isArray() || reply.elements.size() < 2) {
                noteError(reply.isError() ? reply : RedisReply::error("unexpected SCAN reply"),
                          "SCAN");
                then(false);
                return;
            }
            next[i] = reply.elements[0].str;
            for (const RedisReply& key : reply.elements[1].elements)
                learn(i == 0 ? KeyKind::List : KeyKind::Stream, key.str);
        }
        // The two cursors agree unless the table was rehashed in between: keep the one less
        // far on, so neither kind skips a bucket (a key seen twice is harmless).
        if (next[0] == next[1] || next[1] == "0")
            m_cursor = next[0];
        else if (next[0] == "0")
            m_cursor = next[1];
        else
            m_cursor = progressOf(next[0]) <= progressOf(next[1]) ? next[0] : next[1];
        m_discovery.progress = progressOf(m_cursor);
        if (m_cursor == "0")
            passFinished();
        then(true);
    });
}

void ServerMonitorWorker::passFinished()
{
    ++m_discovery.passes;
    m_discovery.complete = true;
    m_tokensMs = qMin(m_tokensMs, 0.0); // the first walk's budget is not carried over
    m_discovery.progress = 0;
    for (Known* k : {&m_lists, &m_streams}) {
        k->droppedLastPass = k->dropped;
        k->dropped = false;
    }
}

void ServerMonitorWorker::onScanTick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double budget =
        m_discovery.complete ? m_budget.steadyMsPerSec : m_budget.firstPassMsPerSec;
    m_tokensMs += budget * double(now - m_lastTickNs) / 1e9;
    m_lastTickNs = now;
    // Unspent budget does not pile up into a burst.
    m_tokensMs = qMin(m_tokensMs, qMax(2.0 * m_budget.targetCallMs, budget / 5));
    // A small keyspace is walked whole by each refresh instead.
    if (!m_refreshedOnce || m_discovery.dbSize <= m_budget.smallKeyspace)
        return;
    if (m_scanInFlight || m_refreshing || !m_conn->isReady() || m_conn->pendingReplies() > 0)
        return; // the step's latency must be its own, not that of replies queued before it
    const double target = qMin<double>(m_budget.targetCallMs, qMax(1.0, budget));
    if (m_tokensMs < target)
        return;
    if (m_keysPerMs > 0) {
        const int wanted = int(m_keysPerMs * target);
        m_count = qBound(m_budget.minCount, qMin(wanted, 2 * m_count), m_budget.maxCount);
    }
    const int count = m_count;
    const bool firstPass = !m_discovery.complete;
    scanStep(m_cursor, count, [this, count, target, firstPass](bool ok) {
        const double ms = qMax(0.01, m_discovery.lastCallMs);
        m_tokensMs -= ms;
        if (!ok)
            return;
        const double rate = count / ms;
        m_keysPerMs = m_keysPerMs > 0 ? 0.7 * m_keysPerMs + 0.3 * rate : rate;
        if (ms > 4 * target) {
            // The server is slow (or busy): smaller steps, and a pause four times as long as
            // the step took.
            m_count = qMax(m_budget.minCount, m_count / 2);
            m_tokensMs -= 4 * ms;
        }
        const bool learnt = !m_newKeys.isEmpty();
        readNewLengths([this, learnt, firstPass] {
            if (learnt || firstPass)
                scheduleEmit(); // the first walk's progress is shown as it goes
            if (m_tokensMs >= qMin<double>(m_budget.targetCallMs, 1.0) && !m_discovery.complete)
                onScanTick(); // more of this tick's budget left
        });
    });
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
    connect(worker, &ServerMonitorWorker::snapshotReady, this, &ServerMonitor::snapshotReady);
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

void ServerMonitor::resume(const ConnectionSettings& settings)
{
    m_settings = settings; // for a later start()
    ServerMonitorWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w, settings] { w->resume(settings); });
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
