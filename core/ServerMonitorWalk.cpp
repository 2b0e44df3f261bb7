#include "ServerMonitor.h"

#include "RedisConnection.h"

#include <QDateTime>
#include <QTimer>

#include <utility>

// The discovery walk of ServerMonitorWorker: keyspace notifications and the budgeted SCAN walk.
// The connection, the refresh and the snapshot are in ServerMonitor.cpp.

namespace rqc {
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
    if (m_passStartedMs == 0)
        m_passStartedMs = QDateTime::currentMSecsSinceEpoch();
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
        if (std::exchange(m_restartAsked, false)) { // asked while this step was under way
            m_cursor = "0";
            m_discovery.progress = 0;
            m_discovery.rewalking = true;
            m_passStartedMs = QDateTime::currentMSecsSinceEpoch();
        }
        then(true);
    });
}

void ServerMonitorWorker::restartWalk()
{
    // Bounded: the first walk's rate (ScanBudget::firstPassMsPerSec), and a Refresh pressed
    // again while the walk it asked for runs does not start it over. Before the first walk
    // has ended, that walk goes on as it is.
    if (m_discovery.complete && !m_discovery.rewalking &&
        m_discovery.dbSize > m_budget.smallKeyspace) {
        if (m_scanInFlight) {
            m_restartAsked = true;
        } else {
            m_cursor = "0";
            m_discovery.progress = 0;
            m_discovery.rewalking = true;
            m_passStartedMs = QDateTime::currentMSecsSinceEpoch();
        }
    }
    refresh();
}

void ServerMonitorWorker::passFinished()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_discovery.lastPassMs = m_passStartedMs > 0 ? now - m_passStartedMs : 0;
    m_discovery.lastPassEndedMs = now;
    m_passStartedMs = now;
    m_discovery.rewalking = false;
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
    const bool fast = !m_discovery.complete || m_discovery.rewalking; // first walk, or Refresh
    const double budget = fast ? m_budget.firstPassMsPerSec : m_budget.steadyMsPerSec;
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
    const bool firstPass = fast;
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
            if (m_tokensMs >= qMin<double>(m_budget.targetCallMs, 1.0) &&
                (!m_discovery.complete || m_discovery.rewalking))
                onScanTick(); // more of this tick's budget left
        });
    });
}

} // namespace rqc
