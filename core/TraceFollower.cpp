#include "TraceFollower.h"

#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>

namespace rqc {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("rqc::TraceJourney", text); }

qint64 serverMs(const RedisReply& time)
{
    if (time.elements.size() != 2)
        return 0;
    return time.elements[0].str.toLongLong() * 1000 + time.elements[1].str.toLongLong() / 1000;
}

// "1700000000000-3" → (1700000000000, 3)
QPair<qint64, qint64> streamId(const QByteArray& id)
{
    const qsizetype dash = id.indexOf('-');
    if (dash < 0)
        return {id.toLongLong(), 0};
    return {id.left(dash).toLongLong(), id.mid(dash + 1).toLongLong()};
}

QByteArray fieldOf(const RedisReply& flat, const char* name)
{
    for (qsizetype i = 0; i + 1 < flat.elements.size(); i += 2) {
        if (flat.elements[i].str == name)
            return flat.elements[i + 1].str;
    }
    return {};
}

QString seconds(int ms) { return QString::number(ms / 1000.0, 'g', 3); }
QString millis(qint64 ms) { return tr("%1 ms").arg(ms); }
} // namespace

QString TraceJourney::summary() const
{
    if (stage == Stage::Failed)
        return tr("Trace failed: %1").arg(error);
    if (stage == Stage::Sending)
        return tr("sending…");
    QStringList parts;
    parts << (stream ? tr("pushed as %1 (by us)").arg(QString::fromUtf8(id))
                     : tr("pushed (by us)"));
    if (hops.isEmpty()) {
        if (timedOut)
            parts << (stream ? tr("still in the stream after %1 s: no consumer group read it")
                             : tr("still in the list after %1 s: nobody took it"))
                         .arg(seconds(timeoutMs));
        else
            parts << tr("not taken yet");
    }
    for (const TraceHop& hop : hops) {
        QString took;
        const qint64 takeMs = hop.takenMs - pushedMs;
        const QString after = !hop.takenMs      ? QString()
                              : hop.takenPolled ? tr(" within %1").arg(millis(takeMs))
                                                : tr(" after %1").arg(millis(takeMs));
        if (hop.consumer.isEmpty()) {
            took = hop.group.isEmpty()
                       ? tr("taken%1 (by whom: unknown without Observe — switch to Observe to see)")
                             .arg(after)
                       : tr("delivered in group %1%2 (consumer not seen)")
                             .arg(QString::fromUtf8(hop.group), after);
        } else if (!hop.group.isEmpty()) {
            took = tr("delivered to %1 in group %2%3")
                       .arg(QString::fromUtf8(hop.consumer), QString::fromUtf8(hop.group), after);
            if (hop.deliveries > 1)
                took += tr(" (%1 deliveries)").arg(hop.deliveries);
        } else {
            took = tr("taken by %1%2%3")
                       .arg(QString::fromUtf8(hop.consumer),
                            hop.certain ? QString() : tr(" (inferred)"), after);
        }
        if (!hop.landedIn.isEmpty())
            took += tr(", landed in %1").arg(QString::fromUtf8(hop.landedIn));
        parts << took;
        const bool acks = stream || !hop.landedIn.isEmpty();
        const qint64 ackMs = hop.ackedMs - (hop.takenMs ? hop.takenMs : pushedMs);
        if (hop.ackedMs)
            parts << (hop.ackedPolled ? tr("acked within %1") : tr("acked after %1"))
                         .arg(millis(ackMs));
        else if (acks && timedOut)
            parts << tr("not acked after %1 s").arg(seconds(timeoutMs));
    }
    return parts.join(QStringLiteral(" → "));
}

TraceFollowerWorker::TraceFollowerWorker(const ConnectionSettings& settings, const QString& name,
                                         QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_name(name)
{
}

TraceFollowerWorker::~TraceFollowerWorker() = default;

void TraceFollowerWorker::start(const TraceRequest& request)
{
    m_request = request;
    m_request.pollMs = qMax(250, request.pollMs);
    m_journey = TraceJourney();
    m_journey.key = request.key;
    m_journey.timeoutMs = request.timeoutMs;
    m_journey.producer = "rqconsole:trace:" + m_name.toUtf8();
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &TraceFollowerWorker::poll);
    m_conn = new RedisConnection(m_settings, QStringLiteral("trace"), m_name, this);
    connect(m_conn, &RedisConnection::ready, this, &TraceFollowerWorker::onReady);
    connect(m_conn, &RedisConnection::failed, this, &TraceFollowerWorker::fail);
    connect(m_conn, &RedisConnection::disconnected, this, &TraceFollowerWorker::fail);
    changed();
    m_conn->open();
}

void TraceFollowerWorker::onReady()
{
    m_journey.producerId = m_conn->clientId();
    m_conn->send({"TYPE", m_request.key}, [this](const RedisReply& r) {
        if (r.isError())
            return fail(QString::fromUtf8(r.str));
        if (r.str != "none")
            return push(r.str);
        // No key: a list to be, unless it is a channel someone listens on (an observe pane's
        // target can be either). A published message is not kept: nothing to follow.
        m_conn->send({"PUBSUB", "NUMSUB", m_request.key}, [this](const RedisReply& n) {
            if (n.elements.size() == 2 && n.elements[1].integer > 0)
                return fail(tr("%1 is a channel with subscribers: a published message is not "
                               "kept, so there is nothing to follow.")
                                .arg(QString::fromUtf8(m_request.key)));
            push("none");
        });
    });
}

void TraceFollowerWorker::push(const QByteArray& type)
{
    if (type == "stream" || (type == "none" && m_request.payload.isNull())) {
        if (m_request.fields.isEmpty())
            return fail(tr("a stream entry needs at least one field."));
        m_journey.stream = true;
        m_journey.payload = m_request.fields.first().second;
        QList<QByteArray> argv{"XADD", m_request.key, "*"};
        for (const auto& [field, value] : std::as_const(m_request.fields))
            argv << field << value;
        m_conn->send(argv, [this](const RedisReply& r) {
            if (r.isError())
                return fail(QString::fromUtf8(r.str));
            m_journey.id = r.str;
            m_journey.pushedMs = streamId(r.str).first;
            m_journey.stage = TraceJourney::Stage::Pushed;
            changed();
            schedulePoll();
        });
        return;
    }
    if (type != "list" && type != "none")
        return fail(tr("%1 is a %2: only lists and streams can be traced.")
                        .arg(QString::fromUtf8(m_request.key), QString::fromUtf8(type)));
    m_journey.payload = m_request.payload;
    // One transaction: the push, how many copies the list now holds, and the server's clock.
    m_conn->send({"MULTI"});
    m_conn->send({"LPUSH", m_request.key, m_request.payload});
    m_conn->send({"LPOS", m_request.key, m_request.payload, "COUNT", "0"});
    m_conn->send({"TIME"});
    m_conn->send({"EXEC"}, [this](const RedisReply& r) {
        if (r.elements.size() != 3 || r.elements[0].isError())
            return fail(r.isError() ? QString::fromUtf8(r.str)
                                    : QString::fromUtf8(r.elements.value(0).str));
        m_occurrences = r.elements[1].elements.size();
        m_journey.pushedMs = serverMs(r.elements[2]);
        m_journey.stage = TraceJourney::Stage::Pushed;
        changed();
        schedulePoll();
    });
}

void TraceFollowerWorker::schedulePoll()
{
    if (!m_journey.finished)
        m_timer->start(m_request.pollMs);
}

void TraceFollowerWorker::poll()
{
    if (m_inFlight || m_journey.finished || !m_conn->isReady())
        return;
    if (m_journey.stream)
        pollStream();
    else
        pollList();
}

bool TraceFollowerWorker::overdue(qint64 nowMs)
{
    if (nowMs - m_journey.pushedMs < m_request.timeoutMs)
        return false;
    m_journey.timedOut = true;
    m_journey.finished = true;
    changed();
    return true;
}

void TraceFollowerWorker::pollList()
{
    m_inFlight = true;
    // Before the take: is it still in the list? After it landed in a processing list: is it
    // still there (not acked)?
    const bool landed = !m_journey.hops.isEmpty();
    const QByteArray key = landed ? m_journey.hops.first().landedIn : m_request.key;
    m_conn->send({"MULTI"});
    m_conn->send({"TIME"});
    m_conn->send({"LPOS", key, m_journey.payload, "COUNT", "0"});
    m_conn->send({"EXEC"}, [this, landed](const RedisReply& r) {
        m_inFlight = false;
        if (r.elements.size() != 2 || r.elements[1].isError())
            return fail(r.isError() ? QString::fromUtf8(r.str)
                                    : QString::fromUtf8(r.elements.value(1).str));
        const qint64 now = serverMs(r.elements[0]);
        const qint64 copies = r.elements[1].elements.size();
        if (landed) {
            if (copies == 0) {
                TraceHop& hop = m_journey.hops.first();
                hop.ackedMs = now;
                hop.ackedPolled = true;
                m_journey.stage = TraceJourney::Stage::Acked;
                m_journey.finished = true;
                changed();
                return;
            }
        } else if (copies < m_occurrences) {
            // Gone from the list (with duplicates: a copy of it is). Did it land in a
            // processing list?
            TraceHop hop;
            hop.takenMs = now;
            hop.takenPolled = true;
            m_journey.hops << hop;
            m_journey.stage = TraceJourney::Stage::Taken;
            m_processing.clear();
            m_inFlight = true;
            scanProcessing("0", 0);
            return;
        }
        if (!overdue(now))
            schedulePoll();
    });
}

void TraceFollowerWorker::scanProcessing(const QByteArray& cursor, int pages)
{
    // Processing lists exist only while they hold something: look for them once the element
    // left the list. Bounded: at most 20 SCAN pages.
    const QByteArray pattern = m_request.key + ":processing:*";
    m_conn->send({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000", "TYPE", "list"},
                 [this, pages](const RedisReply& r) {
                     if (r.isError() || r.elements.size() != 2)
                         return fail(QString::fromUtf8(r.str));
                     for (const RedisReply& k : r.elements[1].elements)
                         m_processing << k.str;
                     const QByteArray next = r.elements[0].str;
                     if (next != "0" && pages < 19)
                         return scanProcessing(next, pages + 1);
                     findInProcessing(m_journey.hops.first().takenMs);
                 });
}

void TraceFollowerWorker::findInProcessing(qint64 nowMs)
{
    m_conn->send({"MULTI"});
    for (const QByteArray& list : std::as_const(m_processing))
        m_conn->send({"LPOS", list, m_journey.payload});
    m_conn->send({"EXEC"}, [this, nowMs](const RedisReply& r) {
        m_inFlight = false;
        TraceHop& hop = m_journey.hops.first();
        for (qsizetype i = 0; i < r.elements.size() && i < m_processing.size(); ++i) {
            if (r.elements[i].isInteger()) {
                hop.landedIn = m_processing[i];
                hop.consumer = hop.landedIn.mid(m_request.key.size() + 12); // ":processing:"
                break;
            }
        }
        changed();
        // A plain take: nothing more to see without MONITOR.
        if (hop.landedIn.isEmpty()) {
            m_journey.finished = true;
            changed();
            return;
        }
        if (!overdue(nowMs))
            schedulePoll();
    });
}

void TraceFollowerWorker::pollStream()
{
    m_inFlight = true;
    m_conn->send({"MULTI"});
    m_conn->send({"TIME"});
    m_conn->send({"XINFO", "GROUPS", m_request.key});
    m_conn->send({"EXEC"}, [this](const RedisReply& r) {
        if (r.elements.size() != 2 || r.elements[1].isError()) {
            m_inFlight = false;
            return fail(r.isError() ? QString::fromUtf8(r.str)
                                    : QString::fromUtf8(r.elements.value(1).str));
        }
        const qint64 now = serverMs(r.elements[0]);
        const auto ours = streamId(m_journey.id);
        // Groups that have read past our entry and whose copy is not acked yet.
        QList<QByteArray> open;
        for (const RedisReply& g : r.elements[1].elements) {
            const QByteArray name = fieldOf(g, "name");
            if (streamId(fieldOf(g, "last-delivered-id")) < ours)
                continue;
            auto it = std::find_if(m_journey.hops.begin(), m_journey.hops.end(),
                                   [&](const TraceHop& h) { return h.group == name; });
            if (it == m_journey.hops.end()) {
                TraceHop hop;
                hop.group = name;
                m_journey.hops << hop;
                it = m_journey.hops.end() - 1;
            }
            if (!it->ackedMs)
                open << name;
        }
        if (open.isEmpty()) {
            m_inFlight = false;
            if (!overdue(now))
                schedulePoll();
            return;
        }
        m_conn->send({"MULTI"});
        m_conn->send({"TIME"});
        for (const QByteArray& g : std::as_const(open))
            m_conn->send(
                {"XPENDING", m_request.key, g, "IDLE", "0", m_journey.id, m_journey.id, "1"});
        m_conn->send({"EXEC"}, [this, open](const RedisReply& x) {
            m_inFlight = false;
            if (x.elements.size() != open.size() + 1)
                return fail(QString::fromUtf8(x.str));
            const qint64 at = serverMs(x.elements[0]);
            for (qsizetype i = 0; i < open.size(); ++i) {
                auto it = std::find_if(m_journey.hops.begin(), m_journey.hops.end(),
                                       [&](const TraceHop& h) { return h.group == open[i]; });
                const RedisReply& p = x.elements[i + 1];
                if (p.isArray() && p.elements.size() == 1 && p.elements[0].elements.size() == 4) {
                    const RedisReply& e = p.elements[0];
                    it->consumer = e.elements[1].str;
                    // Idle counts from the last delivery: a redelivery moves it later.
                    if (!it->takenMs)
                        it->takenMs = qMax(m_journey.pushedMs, at - e.elements[2].integer);
                    it->deliveries = int(e.elements[3].integer);
                } else if (p.isArray() && p.elements.isEmpty()) {
                    // Read past it and not pending: acked (by whoever held it, if we saw that).
                    if (!it->takenMs) {
                        it->takenMs = at;
                        it->takenPolled = true;
                    }
                    it->ackedMs = at;
                    it->ackedPolled = true;
                }
            }
            bool allAcked = true;
            for (const TraceHop& h : std::as_const(m_journey.hops))
                allAcked = allAcked && h.ackedMs;
            m_journey.stage = allAcked ? TraceJourney::Stage::Acked : TraceJourney::Stage::Taken;
            m_journey.finished = allAcked;
            changed();
            if (!allAcked && !overdue(at))
                schedulePoll();
        });
    });
}

void TraceFollowerWorker::changed()
{
    emit journeyChanged(m_journey);
    // Nothing more to ask: the connection goes (after the reply being handled now).
    if (m_journey.finished && m_conn)
        QMetaObject::invokeMethod(m_conn, &RedisConnection::close, Qt::QueuedConnection);
}

void TraceFollowerWorker::fail(const QString& error)
{
    if (m_journey.finished)
        return;
    m_timer->stop();
    m_journey.stage = TraceJourney::Stage::Failed;
    m_journey.error = error;
    m_journey.finished = true;
    changed();
}

TraceFollower::TraceFollower(const ConnectionSettings& settings, const QString& name,
                             QObject* parent)
    : QObject(parent)
    , m_name(name)
{
    qRegisterMetaType<rqc::TraceJourney>();
    qRegisterMetaType<rqc::TraceRequest>();
    auto* worker = new TraceFollowerWorker(settings, name);
    connect(worker, &TraceFollowerWorker::journeyChanged, this, &TraceFollower::journeyChanged);
    m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-trace"), worker);
}

TraceFollower::~TraceFollower() = default;

void TraceFollower::start(const TraceRequest& request)
{
    auto* worker = qobject_cast<TraceFollowerWorker*>(m_thread->worker());
    m_thread->post([worker, request] { worker->start(request); });
    m_thread->start();
}

QByteArray TraceFollower::clientName() const { return "rqconsole:trace:" + m_name.toUtf8(); }

} // namespace rqc
