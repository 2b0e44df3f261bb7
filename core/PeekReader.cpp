#include "PeekReader.h"

#include "AccessRefusal.h"
#include "ClusterDetect.h"
#include "ClusterMap.h"
#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QDateTime>
#include <QTimer>

namespace rqc {

namespace {

bool isInEvent(const QByteArray& e)
{
    return e == "lpush" || e == "rpush" || e == "linsert" || e == "xadd";
}

bool isOutEvent(const QByteArray& e)
{
    return e == "lpop" || e == "rpop" || e == "lrem" || e == "ltrim" || e == "xdel" ||
           e == "xtrim" || e == "del" || e == "expired" || e == "evicted";
}

// The keyevent channels a key's changes arrive on when only E is on.
const char* const kEventNames[] = {"lpush", "rpush", "linsert", "lset",    "lpop",
                                   "rpop",  "lrem",  "ltrim",   "xadd",    "xdel",
                                   "xtrim", "del",   "expired", "evicted", "rename_to"};

QList<PeekRow> rowsOf(const RedisReply& r, qint64 firstIndex)
{
    QList<PeekRow> rows;
    rows.reserve(r.elements.size());
    for (const RedisReply& e : r.elements)
        rows.append({firstIndex++, e.str});
    return rows;
}

QList<PeekEntry> entriesOf(const RedisReply& r)
{
    QList<PeekEntry> entries;
    entries.reserve(r.elements.size());
    for (const RedisReply& e : r.elements) {
        if (e.elements.size() < 2)
            continue;
        PeekEntry entry;
        entry.id = e.elements[0].str;
        const QList<RedisReply>& kv = e.elements[1].elements;
        for (qsizetype i = 0; i + 1 < kv.size(); i += 2)
            entry.fields.append({kv[i].str, kv[i + 1].str});
        entries.append(std::move(entry));
    }
    return entries;
}

PeekSnapshot::Kind kindOf(const QByteArray& type)
{
    if (type == "list")
        return PeekSnapshot::Kind::List;
    if (type == "stream")
        return PeekSnapshot::Kind::Stream;
    if (type == "none")
        return PeekSnapshot::Kind::Missing;
    return PeekSnapshot::Kind::Other;
}

} // namespace

QByteArray PeekEntry::payload() const
{
    for (const auto& kv : fields) {
        if (kv.first == "message")
            return kv.second;
    }
    return fields.isEmpty() ? QByteArray() : fields.first().second;
}

QMap<qint64, QByteArray> PeekSnapshot::listByIndex() const
{
    QMap<qint64, QByteArray> byIndex;
    for (const QList<PeekRow>* part : {&head, &page, &tail}) {
        for (const PeekRow& p : *part)
            byIndex.insert(p.index, p.payload);
    }
    return byIndex;
}

PeekReaderWorker::PeekReaderWorker(const ConnectionSettings& settings, const QByteArray& key,
                                   int window, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_key(key)
    , m_window(qBound(1, window, 10000))
{
}

PeekReaderWorker::~PeekReaderWorker() = default;

void PeekReaderWorker::start()
{
    if (m_conn || m_stopping)
        return;
    // Created here, on the worker's own thread.
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &PeekReaderWorker::refresh);
    m_reconnect = new QTimer(this);
    m_reconnect->setSingleShot(true);
    connect(m_reconnect, &QTimer::timeout, this, &PeekReaderWorker::openConnection);
    m_conn = new RedisConnection(m_settings, QStringLiteral("peek"), QString(), this);
    connect(m_conn, &RedisConnection::ready, this, &PeekReaderWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this, &PeekReaderWorker::onDown);
    connect(m_conn, &RedisConnection::disconnected, this, &PeekReaderWorker::onDown);
    openConnection();
}

void PeekReaderWorker::openConnection()
{
    if (m_stopping)
        return;
    m_conn->setSettings(ClusterRouting::forKey(m_settings, m_key)); // a cluster: the key's node
    m_conn->open();
}

void PeekReaderWorker::onReady()
{
    // Given without cluster=1: a cluster node? Then read the key on its master (ClusterDetect).
    if (ClusterDetect::probeOnce(m_conn, m_settings, &m_clusterProbed, this, [this](bool) {
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
    m_inFlight = false;
    m_again = false;
    checkNotifications();
    refresh();
}

void PeekReaderWorker::onDown(const QString& reason)
{
    m_inFlight = false;
    m_timer->stop();
    if (m_events) {
        m_events->close();
        m_events->deleteLater();
        m_events = nullptr;
    }
    if (m_stopping)
        return;
    setLive(PeekLive::Unknown, reason);
    if (reason != m_lastError) // a server that stays down is said once, not at every retry
        emit errorOccurred(reason);
    m_lastError = reason;
    // A refused password or certificate is not cured by retrying: the pane's owner restarts
    // the peek with new settings (the window asks the user once for the whole server).
    if (accessRefusalOf(*m_conn, reason) != AccessRefusal::None)
        return;
    m_reconnect->start(m_backoff.next());
}

QByteArray PeekReaderWorker::dbPrefix(const char* kind) const
{
    return QByteArray("__") + kind + '@' + QByteArray::number(m_settings.db) + "__:";
}

void PeekReaderWorker::checkNotifications()
{
    m_conn->send({"CONFIG", "GET", "notify-keyspace-events"}, [this](const RedisReply& r) {
        if (r.isError()) // ACL may deny CONFIG: then nothing is known, and we poll
            applyNotifyConfig(QByteArray(), QString::fromUtf8(r.str));
        else
            applyNotifyConfig(r.elements.value(1).str, QString());
    });
}

void PeekReaderWorker::applyNotifyConfig(const QByteArray& flags, const QString& denied)
{
    m_flags = flags;
    const bool classOn = flags.contains('A') || flags.contains('l') || flags.contains('t');
    const bool keyspace = flags.contains('K');
    if (classOn && (keyspace || flags.contains('E'))) {
        subscribe(keyspace);
        return;
    }
    if (m_events) {
        m_events->close();
        m_events->deleteLater();
        m_events = nullptr;
    }
    const QString detail =
        denied.isEmpty()
            ? tr("Keyspace notifications are off on this server (notify-keyspace-events \"%1\").")
                  .arg(QString::fromUtf8(flags))
            : tr("Could not read notify-keyspace-events: %1").arg(denied);
    setLive(PeekLive::Polling, detail);
    schedule(kMinIntervalMs);
}

void PeekReaderWorker::subscribe(bool keyspace)
{
    if (m_events) {
        m_events->close();
        m_events->deleteLater();
    }
    // Keyspace notifications are node-local: on the node that serves the key.
    m_events =
        new RedisConnection(m_conn->settings(), QStringLiteral("peek-events"), QString(), this);
    m_events->setPushHandler([this](RedisReply& r) { onPush(r); });
    RedisConnection* events = m_events;
    connect(events, &RedisConnection::ready, this, [this, events, keyspace] {
        QList<QByteArray> argv{"SUBSCRIBE"};
        if (keyspace) {
            argv << dbPrefix("keyspace") + m_key;
        } else {
            for (const char* e : kEventNames)
                argv << dbPrefix("keyevent") + e;
        }
        events->sendNoReply(argv);
        setLive(PeekLive::Notifications,
                tr("Refreshed on keyspace notifications (notify-keyspace-events \"%1\").")
                    .arg(QString::fromUtf8(m_flags)));
        refresh(); // anything that happened before the subscription
    });
    const auto down = [this, events](const QString& reason) {
        if (events != m_events)
            return;
        m_events->deleteLater();
        m_events = nullptr;
        setLive(PeekLive::Polling, tr("Notifications connection lost: %1").arg(reason));
        schedule(kMinIntervalMs);
    };
    connect(events, &RedisConnection::failed, this, down);
    connect(events, &RedisConnection::disconnected, this, down);
    events->open();
}

void PeekReaderWorker::onPush(RedisReply& r)
{
    if (r.elements.size() < 3 || r.elements[0].str != "message")
        return;
    const QByteArray& channel = r.elements[1].str;
    QByteArray event;
    if (channel.startsWith("__keyspace@")) {
        event = r.elements[2].str;
    } else {
        if (r.elements[2].str != m_key)
            return; // another key's event
        event = channel.mid(channel.lastIndexOf(':') + 1);
    }
    if (isInEvent(event))
        ++m_inEvents;
    else if (isOutEvent(event))
        ++m_outEvents;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    // Coalesced: at most one refresh per kMinIntervalMs, however many events arrive.
    const qint64 since = m_sinceStart.isValid() ? m_sinceStart.elapsed() : kMinIntervalMs;
    schedule(int(qMax<qint64>(0, kMinIntervalMs - since)));
}

void PeekReaderWorker::setLive(PeekLive live, const QString& detail)
{
    const bool changed = live != m_live;
    m_live = live;
    if (changed || live == PeekLive::Polling)
        emit liveChanged(live, detail);
    if (changed) {
        m_rateBaseMs = 0; // rates of one source are not mixed with the other's
        m_inEvents = m_outEvents = 0;
        m_in = m_out = -1;
    }
}

void PeekReaderWorker::schedule(int delayMs)
{
    if (m_stopping || !m_timer)
        return;
    if (m_timer->isActive() && m_timer->remainingTime() <= delayMs)
        return;
    m_timer->start(delayMs);
}

void PeekReaderWorker::refresh()
{
    if (m_stopping || !m_conn || !m_conn->isReady())
        return;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    m_timer->stop();
    m_inFlight = true;
    m_again = false;
    m_sinceStart.start();

    // One MULTI/EXEC: the length and every window come from the same instant.
    const QByteArray n = QByteArray::number(m_window);
    QList<QList<QByteArray>> cmds{{"TYPE", m_key}};
    const bool stream = m_kind == PeekSnapshot::Kind::Stream;
    if (stream) {
        cmds << QList<QByteArray>{"XLEN", m_key}
             << QList<QByteArray>{"XREVRANGE", m_key, m_streamEnd, "-", "COUNT", n};
    } else {
        cmds << QList<QByteArray>{"LLEN", m_key}
             << QList<QByteArray>{"LRANGE", m_key, "0", QByteArray::number(m_window - 1)}
             << QList<QByteArray>{"LRANGE", m_key, "-" + n, "-1"};
        if (m_pageStart >= 0)
            cmds << QList<QByteArray>{"LRANGE", m_key, QByteArray::number(m_pageStart),
                                      QByteArray::number(m_pageStart + m_window - 1)};
    }
    QByteArray encoded;
    appendCommand(encoded, {"MULTI"});
    for (const auto& c : std::as_const(cmds))
        appendCommand(encoded, c);
    appendCommand(encoded, {"EXEC"});
    const qint64 pageStart = m_pageStart;
    m_conn->sendEncoded(encoded, int(cmds.size()) + 2,
                        [this, stream, pageStart](QList<RedisReply>& replies) {
                            PeekSnapshot snap;
                            snap.key = m_key;
                            snap.window = m_window;
                            const RedisReply& exec = replies.last();
                            if (exec.isError() || !exec.isArray() || exec.elements.isEmpty()) {
                                // Refused as a whole (e.g. NOPERM on one command): say why.
                                RedisReply why = exec;
                                for (const RedisReply& r : std::as_const(replies)) {
                                    if (r.isError()) {
                                        why = r;
                                        break;
                                    }
                                }
                                snap.error = QString::fromUtf8(why.str);
                                if (ClusterRouting::followMovedLater(m_conn->settings(), why, this,
                                                                     [this](const QString& e) {
                                                                         if (m_stopping)
                                                                             return;
                                                                         m_conn->close();
                                                                         onDown(e);
                                                                     }))
                                    return; // a cluster slot's new owner: reconnect there
                                finishRefresh(std::move(snap));
                                return;
                            }
                            const QList<RedisReply>& r = exec.elements;
                            snap.type = r[0].str;
                            snap.kind = kindOf(snap.type);
                            if ((snap.kind == PeekSnapshot::Kind::Stream) != stream &&
                                (snap.kind == PeekSnapshot::Kind::Stream ||
                                 snap.kind == PeekSnapshot::Kind::List)) {
                                // The key is of the other kind: ask again the right way.
                                m_kind = snap.kind;
                                m_inFlight = false;
                                refresh();
                                return;
                            }
                            if (snap.kind == PeekSnapshot::Kind::List) {
                                snap.length = r.value(1).integer;
                                snap.head = rowsOf(r.value(2), 0);
                                const RedisReply& tail = r.value(3);
                                snap.tail = rowsOf(tail, snap.length - tail.elements.size());
                                if (pageStart >= 0) {
                                    snap.pageStart = pageStart;
                                    snap.page = rowsOf(r.value(4), pageStart);
                                }
                            } else if (snap.kind == PeekSnapshot::Kind::Stream) {
                                snap.length = r.value(1).integer;
                                snap.entries = entriesOf(r.value(2));
                                snap.atNewest = m_streamEnd == "+";
                            }
                            for (const RedisReply& e : r) {
                                if (e.isError() && snap.kind != PeekSnapshot::Kind::Other) {
                                    snap.error = QString::fromUtf8(e.str);
                                    break;
                                }
                            }
                            finishRefresh(std::move(snap));
                        });
}

void PeekReaderWorker::finishRefresh(PeekSnapshot snap)
{
    m_inFlight = false;
    snap.takenAtMs = QDateTime::currentMSecsSinceEpoch();
    snap.live = m_live;
    // Rates over at least a second; polling knows only the net change of the length.
    if (m_rateBaseMs == 0) {
        m_rateBaseMs = snap.takenAtMs;
        m_rateBaseLength = snap.length;
        m_inEvents = m_outEvents = 0;
    } else if (snap.takenAtMs - m_rateBaseMs >= 1000) {
        const double dt = double(snap.takenAtMs - m_rateBaseMs) / 1000.0;
        m_net = double(snap.length - m_rateBaseLength) / dt;
        m_netKnown = true;
        if (m_live == PeekLive::Notifications) {
            m_in = double(m_inEvents) / dt;
            m_out = double(m_outEvents) / dt;
        }
        m_rateBaseMs = snap.takenAtMs;
        m_rateBaseLength = snap.length;
        m_inEvents = m_outEvents = 0;
    }
    snap.netKnown = m_netKnown;
    snap.netPerSec = m_net;
    snap.inEventsPerSec = m_live == PeekLive::Notifications ? m_in : -1;
    snap.outEventsPerSec = m_live == PeekLive::Notifications ? m_out : -1;
    emit snapshotReady(snap);

    const int sinceStart = int(m_sinceStart.elapsed());
    const int soonest = qMax(0, kMinIntervalMs - sinceStart);
    if (m_again || m_live == PeekLive::Polling)
        schedule(soonest);
    else if (m_live == PeekLive::Notifications)
        schedule(kSafetyIntervalMs);
    m_again = false;
}

void PeekReaderWorker::showPage(qint64 start)
{
    m_pageStart = start < 0 ? -1 : start;
    refresh();
}

void PeekReaderWorker::pageStream(StreamPage which)
{
    if (!m_conn || !m_conn->isReady())
        return;
    const QByteArray n = QByteArray::number(m_window);
    const auto forwardFrom = [this, n](const QByteArray& from) {
        // Read forward, then show that page newest first (its newest entry becomes the end).
        m_conn->send({"XRANGE", m_key, from, "+", "COUNT", n}, [this](const RedisReply& r) {
            if (!r.isError() && !r.elements.isEmpty()) {
                // Fewer than a page left: that is the newest page, which follows new entries.
                m_streamEnd =
                    r.elements.size() < m_window ? QByteArray("+") : entriesOf(r).last().id;
            }
            refresh();
        });
    };
    switch (which) {
    case StreamPage::Newest:
        m_streamEnd = "+";
        refresh();
        return;
    case StreamPage::Oldest:
        forwardFrom("-");
        return;
    case StreamPage::Older:
        // Continue below the oldest entry of the current page.
        m_conn->send({"XREVRANGE", m_key, m_streamEnd, "-", "COUNT", n},
                     [this](const RedisReply& r) {
                         if (r.isError() || r.elements.isEmpty()) {
                             refresh();
                             return;
                         }
                         // Only if something is older: the last page stays the last page.
                         const QByteArray below = "(" + entriesOf(r).last().id;
                         m_conn->send({"XREVRANGE", m_key, below, "-", "COUNT", "1"},
                                      [this, below](const RedisReply& older) {
                                          if (!older.isError() && !older.elements.isEmpty())
                                              m_streamEnd = below;
                                          refresh();
                                      });
                     });
        return;
    case StreamPage::Newer:
        if (m_streamEnd == "+") {
            refresh();
            return;
        }
        // Continue above the newest entry of the current page.
        m_conn->send({"XREVRANGE", m_key, m_streamEnd, "-", "COUNT", "1"},
                     [forwardFrom](const RedisReply& r) {
                         if (r.isError() || r.elements.isEmpty())
                             forwardFrom("-");
                         else
                             forwardFrom("(" + entriesOf(r).first().id);
                     });
        return;
    }
}

void PeekReaderWorker::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    if (m_timer)
        m_timer->stop();
    if (m_reconnect)
        m_reconnect->stop();
    if (m_events)
        m_events->close();
    if (m_conn)
        m_conn->close();
    emit stopped();
}

// ---------------------------------------------------------------------------------------------

PeekReader::PeekReader(const ConnectionSettings& settings, const QByteArray& key, int window,
                       QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_key(key)
    , m_window(window)
{
    qRegisterMetaType<rqc::PeekSnapshot>();
    qRegisterMetaType<rqc::PeekActionResult>();
    qRegisterMetaType<rqc::PeekLive>();
    qRegisterMetaType<rqc::PeekAction>();
}

PeekReader::~PeekReader() { stop(); }

void PeekReader::start()
{
    if (m_thread && m_thread->isRunning())
        return;
    m_thread.reset();
    auto* worker = new PeekReaderWorker(m_settings, m_key, m_window);
    m_worker = worker;
    m_thread = std::make_unique<WorkerThread>(
        QStringLiteral("rq-peek-%1").arg(QString::fromUtf8(m_key.left(32))), worker);
    m_thread->quitWhen(worker, &PeekReaderWorker::stopped);
    connect(worker, &PeekReaderWorker::snapshotReady, this, &PeekReader::snapshotReady);
    connect(worker, &PeekReaderWorker::liveChanged, this, &PeekReader::liveChanged);
    connect(worker, &PeekReaderWorker::actionFinished, this, &PeekReader::actionFinished);
    connect(worker, &PeekReaderWorker::errorOccurred, this, &PeekReader::errorOccurred);
    m_thread->start();
    m_thread->post([worker] { worker->start(); });
}

template <typename Fn> void PeekReader::post(Fn&& fn)
{
    PeekReaderWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w, fn = std::forward<Fn>(fn)] { fn(w); });
}

void PeekReader::stop()
{
    if (!m_thread || !m_thread->isRunning())
        return;
    post([](PeekReaderWorker* w) { w->stop(); });
    m_thread->wait(3000);
    // If the worker did not confirm in time, m_thread's destructor ends the loop and waits.
}

void PeekReader::refresh()
{
    post([](PeekReaderWorker* w) { w->refresh(); });
}

void PeekReader::showPage(qint64 start)
{
    post([start](PeekReaderWorker* w) { w->showPage(start); });
}

void PeekReader::pageStream(PeekReaderWorker::StreamPage which)
{
    post([which](PeekReaderWorker* w) { w->pageStream(which); });
}

qint64 PeekReader::act(PeekAction action, qint64 index, const QByteArray& expected,
                       const QByteArray& destination)
{
    const qint64 id = ++m_lastRequestId;
    post([=](PeekReaderWorker* w) { w->act(id, action, index, expected, destination); });
    return id;
}

qint64 PeekReader::deleteEntry(const QByteArray& entryId)
{
    const qint64 id = ++m_lastRequestId;
    post([id, entryId](PeekReaderWorker* w) { w->deleteEntry(id, entryId); });
    return id;
}

qint64 PeekReader::enableNotifications()
{
    const qint64 id = ++m_lastRequestId;
    post([id](PeekReaderWorker* w) { w->enableNotifications(id); });
    return id;
}

} // namespace rqc
