#include "ObserveWorker.h"

#include "ClientListFields.h"
#include "RedisConnection.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace rqc {

namespace {
std::atomic<int> g_lineCostUs{0};

constexpr qint64 kReadBufferBytes = 4 * 1024 * 1024;
constexpr qint64 kBehindUs = 2000000;  // start skipping
constexpr qint64 kCaughtUpUs = 500000; // stop skipping
constexpr int kClientsEveryMs = 200;   // CLIENT LIST at most this often
constexpr int kRowsWaitMaxMs = 500;    // rows wait at most this long for client names
constexpr qint64 kOmemReportBytes = 1024 * 1024;

qint64 nowUs() { return QDateTime::currentMSecsSinceEpoch() * 1000; }

// The leading "seconds.micros" of a MONITOR line, 0 if there is none.
qint64 lineTimeUs(const QByteArray& raw)
{
    const char* p = raw.constData();
    const char* end = p + raw.size();
    if (p < end && *p == '+')
        ++p;
    qint64 s = 0;
    while (p < end && *p >= '0' && *p <= '9')
        s = s * 10 + (*p++ - '0');
    if (p >= end || *p != '.')
        return 0;
    ++p;
    qint64 u = 0;
    for (int i = 0; i < 6 && p < end && *p >= '0' && *p <= '9'; ++i)
        u = u * 10 + (*p++ - '0');
    return s * 1000000 + u;
}

Observation::Kind kindOfEvent(const QByteArray& e)
{
    if (e == "lpush" || e == "rpush" || e == "xadd" || e == "linsert")
        return Observation::Kind::Produce;
    if (e == "lpop" || e == "rpop" || e == "xautoclaim" || e == "xclaim")
        return Observation::Kind::Consume;
    if (e == "del" || e == "ltrim" || e == "xdel" || e == "xtrim" || e == "expired" ||
        e == "evicted" || e == "lrem")
        return Observation::Kind::Remove;
    return Observation::Kind::Other;
}
} // namespace

ObserveWorker::ObserveWorker(const ConnectionSettings& settings, const ConsumerSpec& spec,
                             QObject* parent)
    : ConsumerWorker(settings, spec, parent)
    , m_attributor(spec.target, spec.option(QStringLiteral("pattern")) == QLatin1String("1"))
{
}

ObserveWorker::~ObserveWorker() = default;

void ObserveWorker::setLineCostForTest(int us) { g_lineCostUs.store(us); }

QString ObserveWorker::monitorCostText()
{
    return tr("Observing with MONITOR: the server sends this console every command it runs, "
              "which costs it throughput (about half, by Redis's own measurement). Meant for "
              "development servers; source=events is cheap but shows no payloads and no clients.");
}

QString ObserveWorker::gapNote() const
{
    return tr("Commands run while disconnected were not seen; who took what resumes from a fresh "
              "snapshot of the list.");
}

bool ObserveWorker::eventsSource() const
{
    return spec().option(QStringLiteral("source")) == QLatin1String("events");
}

void ObserveWorker::onConnectionLost()
{
    m_monitoring = false;
    m_attributor.invalidate();
    ++m_seedGeneration;
}

bool ObserveWorker::lastWorkPending()
{
    if (!eventsSource()) {
        m_attributor.settle(std::numeric_limits<qint64>::max()); // everything held, as it is
        flushRows(true);
    }
    return false;
}

void ObserveWorker::onReady()
{
    if (!m_tick) {
        m_tick = new QTimer(this);
        m_tick->setInterval(250);
        connect(m_tick, &QTimer::timeout, this, [this] {
            settle();
            if (++m_omemTicks % 4 == 0)
                checkOutputBuffer();
            if (m_omemTicks % 8 == 0)
                sendLengthChecks();
        });
        m_tick->start();
    }
    openSide();
    RedisConnection* conn = connection();
    if (eventsSource()) {
        conn->setPushHandler([this](RedisReply& r) { onEvent(r); });
        const bool pattern = spec().option(QStringLiteral("pattern")) == QLatin1String("1");
        const QByteArray channel =
            "__keyspace@" + QByteArray::number(settings().db) + "__:" + spec().target;
        conn->sendNoReply({pattern ? "PSUBSCRIBE" : "SUBSCRIBE", channel});
        return;
    }
    conn->setReadBufferSize(kReadBufferBytes);
    conn->setPushHandler([this](RedisReply& r) { onMonitorLine(r); });
    m_minOffsetUs = std::numeric_limits<qint64>::max();
    m_shedding = false;
    emit notice(monitorCostText());
    conn->send({"MONITOR"}, [this](const RedisReply& r) {
        if (r.isError()) {
            // ACL (-monitor): Redis's own words, and what they mean here.
            fail(tr("The server refused MONITOR: %1 — this user may not observe with MONITOR; "
                    "source=events needs no such permission.")
                     .arg(QString::fromUtf8(r.str)));
            return;
        }
        m_monitoring = true;
        markListening();
        sendSeeds();
    });
}

void ObserveWorker::openSide()
{
    if (m_side)
        return;
    m_side = new RedisConnection(routedSettings(), QStringLiteral("observe-side"),
                                 QString::fromUtf8(spec().target), this);
    m_sideRetry = new QTimer(this);
    m_sideRetry->setSingleShot(true);
    connect(m_sideRetry, &QTimer::timeout, m_side, &RedisConnection::open);
    connect(m_side, &RedisConnection::ready, this, &ObserveWorker::onSideReady);
    const auto down = [this](const QString& e) {
        m_clientsInFlight = false;
        m_attributor.invalidate(); // snapshot replies in flight are gone
        ++m_seedGeneration;
        if (!isStopping()) {
            emit notice(tr("The observer's side connection failed (%1); retrying.").arg(e));
            m_sideRetry->start(1000);
        }
    };
    connect(m_side, &RedisConnection::failed, this, down);
    connect(m_side, &RedisConnection::disconnected, this, down);
    m_side->open();
}

void ObserveWorker::onSideReady()
{
    if (eventsSource())
        checkNotifications();
    refreshClients();
    sendSeeds();
}

void ObserveWorker::checkNotifications()
{
    m_side->send({"CONFIG", "GET", "notify-keyspace-events"}, [this](const RedisReply& r) {
        if (r.isError()) {
            emit notice(tr("Cannot check whether keyspace notifications are on: %1")
                            .arg(QString::fromUtf8(r.str)));
            return;
        }
        const QByteArray flags =
            r.isArray() && r.elements.size() >= 2 ? r.elements[1].str : QByteArray();
        const bool keyspace = flags.contains('K');
        const bool classes = flags.contains('A') || flags.contains('l') || flags.contains('t') ||
                             flags.contains('g');
        if (!keyspace || !classes) {
            emit notice(
                tr("Keyspace notifications are off on this server (notify-keyspace-events is "
                   "\"%1\"): this pane will show no events. CONFIG SET notify-keyspace-events "
                   "Klgt would turn them on for lists, streams and deletes; the console never "
                   "changes it by itself.")
                    .arg(QString::fromUtf8(flags)));
        }
    });
}

void ObserveWorker::sendSeeds()
{
    if (!m_side || !m_side->isReady() || !m_monitoring)
        return;
    const auto seeds = m_attributor.takeSeedRequests();
    for (const auto& [key, token] : seeds) {
        QByteArray enc;
        appendCommand(enc, {"MULTI"});
        appendCommand(enc, {"LLEN", key});
        appendCommand(enc, {"LRANGE", key,
                            QByteArray::number(-TakeAttributor::Limits().maxItemsPerKey), "-1"});
        appendCommand(enc, {"ECHO", token});
        appendCommand(enc, {"EXEC"});
        const quint64 gen = m_seedGeneration;
        m_side->sendEncoded(enc, 5, [this, gen, token = token](QList<RedisReply>& replies) {
            if (gen != m_seedGeneration)
                return;
            const RedisReply& exec = replies.last();
            const bool ok = exec.isArray() && exec.elements.size() == 3 &&
                            exec.elements[0].isInteger() && exec.elements[1].isArray();
            QList<QByteArray> items;
            if (ok) {
                for (const RedisReply& e : exec.elements[1].elements)
                    items.append(e.str);
            }
            // A stream or a missing key fails LLEN/LRANGE: no list model for it, nothing else.
            m_attributor.seedReplied(token, ok ? exec.elements[0].integer : 0, items, !ok);
            scheduleSettle();
        });
    }
}

void ObserveWorker::sendStreamRequests()
{
    if (!m_side || !m_side->isReady() || !m_monitoring)
        return;
    const auto requests = m_attributor.takeStreamRequests();
    for (const TakeAttributor::StreamRequest& req : requests) {
        QByteArray enc;
        appendCommand(enc, {"MULTI"});
        appendCommand(enc,
                      {"XREVRANGE", req.key, "+", "-", "COUNT", QByteArray::number(req.count)});
        appendCommand(enc, {"ECHO", req.token});
        appendCommand(enc, {"EXEC"});
        const quint64 gen = m_seedGeneration;
        m_side->sendEncoded(enc, 4, [this, gen, token = req.token](QList<RedisReply>& replies) {
            if (gen != m_seedGeneration)
                return;
            const RedisReply& exec = replies.last();
            const bool ok =
                exec.isArray() && exec.elements.size() == 2 && exec.elements[0].isArray();
            QList<QPair<QByteArray, QByteArray>> entries;
            if (ok) {
                for (const RedisReply& e : exec.elements[0].elements) {
                    if (e.elements.size() < 2)
                        continue;
                    // The payload as the observer reads it from XADD: "message", else the first.
                    const QList<RedisReply>& f = e.elements[1].elements;
                    QByteArray payload = f.size() > 1 ? f[1].str : QByteArray();
                    for (qsizetype i = 0; i + 1 < f.size(); i += 2) {
                        if (f[i].str == "message") {
                            payload = f[i + 1].str;
                            break;
                        }
                    }
                    entries.append({e.elements[0].str, payload});
                }
            }
            m_attributor.streamIdsReplied(token, entries, !ok);
            scheduleSettle();
        });
    }
}

void ObserveWorker::sendLengthChecks()
{
    if (!m_side || !m_side->isReady() || !m_monitoring || m_shedding)
        return;
    const auto checks = m_attributor.takeLengthChecks();
    for (const auto& [key, token] : checks) {
        QByteArray enc;
        appendCommand(enc, {"MULTI"});
        appendCommand(enc, {"LLEN", key});
        appendCommand(enc, {"ECHO", token});
        appendCommand(enc, {"EXEC"});
        const quint64 gen = m_seedGeneration;
        m_side->sendEncoded(enc, 4, [this, gen, token = token](QList<RedisReply>& replies) {
            if (gen != m_seedGeneration)
                return;
            const RedisReply& exec = replies.last();
            const bool ok =
                exec.isArray() && exec.elements.size() == 2 && exec.elements[0].isInteger();
            // A failed check (the key turned into a stream…) counts as a mismatch: a resync.
            m_attributor.lengthReplied(token, ok ? exec.elements[0].integer : -1);
            scheduleSettle();
        });
    }
}

void ObserveWorker::refreshClients()
{
    if (!m_side || !m_side->isReady() || m_clientsInFlight)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_clientsAtMs < kClientsEveryMs) {
        if (!m_clientsWanted) {
            m_clientsWanted = true;
            QTimer::singleShot(int(kClientsEveryMs - (now - m_clientsAtMs)), this, [this] {
                m_clientsWanted = false;
                refreshClients();
            });
        }
        return;
    }
    m_clientsInFlight = true;
    m_clientsAtMs = now;
    m_side->send({"CLIENT", "LIST"}, [this](const RedisReply& r) {
        m_clientsInFlight = false;
        m_clientsAtMs = QDateTime::currentMSecsSinceEpoch();
        if (r.isError()) {
            emit notice(tr("Client names are unknown: CLIENT LIST was refused (%1).")
                            .arg(QString::fromUtf8(r.str)));
        } else {
            QHash<QByteArray, ClientInfo> clients;
            for (const QByteArray& line : r.str.split('\n')) {
                QByteArray addr = clientListField(line, "addr");
                if (addr.isEmpty())
                    continue;
                clients.insert(addr, ClientInfo{clientListField(line, "id").toLongLong(),
                                                clientListField(line, "name")});
            }
            // Keep names of clients that left: their rows may still be on the way.
            for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
                if (!clients.contains(it.key()))
                    clients.insert(it.key(), it.value());
            }
            if (clients.size() > 10000)
                clients.clear();
            m_clients = std::move(clients);
            m_unnamed.clear();
        }
        flushRows(false);
    });
}

void ObserveWorker::onMonitorLine(RedisReply& reply)
{
    if (reply.isError()) {
        fail(QString::fromUtf8(reply.str));
        return;
    }
    const QByteArray& raw = reply.str;
    const qint64 lineUs = lineTimeUs(raw);
    if (lineUs) {
        const qint64 offset = nowUs() - lineUs;
        m_minOffsetUs = qMin(m_minOffsetUs, offset);
        m_lagUs = offset - m_minOffsetUs;
        if (!m_shedding && m_lagUs > kBehindUs) {
            m_shedding = true;
            m_attributor.invalidate();
            ++m_seedGeneration;
        } else if (m_shedding && m_lagUs < kCaughtUpUs) {
            m_shedding = false;
            emit notice(tr("The observer fell more than %1 s behind the server and skipped %n "
                           "command(s) to catch up; who took what resumes from a fresh snapshot.",
                           nullptr, int(dropped() - m_droppedReported))
                            .arg(kBehindUs / 1000000));
            m_droppedReported = dropped();
            sendSeeds();
        }
    }
    if (m_shedding) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (!m_attributor.mightMatter(raw))
        return;
    MonitorLine line;
    if (!MonitorParser::parse(raw, &line))
        return;
    if (const int cost = g_lineCostUs.load()) {
        QElapsedTimer t;
        t.start();
        while (t.nsecsElapsed() < qint64(cost) * 1000) {
        }
    }
    // A client naming itself after CLIENT LIST saw it (a worker connects, then sets its name)
    // would otherwise keep showing as its address: read the names again.
    const bool setsName =
        line.argv.size() >= 3 && line.command() == "CLIENT" && line.argv[1].toUpper() == "SETNAME";
    if (!line.isLua() &&
        (setsName || (!m_clients.contains(line.addr) && !m_unnamed.contains(line.addr)))) {
        m_unnamed.insert(line.addr);
        refreshClients();
    }
    m_attributor.apply(std::move(line));
    scheduleSettle();
}

void ObserveWorker::onEvent(RedisReply& r)
{
    if (r.isError()) {
        fail(QString::fromUtf8(r.str));
        return;
    }
    if (!r.isArray() || r.elements.size() < 3)
        return;
    const QByteArray& kind = r.elements[0].str;
    if (kind == "subscribe" || kind == "psubscribe") {
        markListening();
        return;
    }
    const bool pmessage = kind == "pmessage";
    if (!pmessage && kind != "message")
        return;
    const QByteArray& channel = r.elements[pmessage ? 2 : 1].str;
    const QByteArray& event = r.elements[pmessage ? 3 : 2].str;
    auto obs = std::make_shared<Observation>();
    obs->kind = kindOfEvent(event);
    obs->command = event;
    obs->key = channel.mid(channel.indexOf("__:") + 3);
    obs->certain = false; // events name no client and no message
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (obs->kind == Observation::Kind::Produce)
        obs->producedMs = nowMs;
    else
        obs->takenMs = nowMs;
    Message m;
    m.source = obs->key;
    m.observed = std::move(obs);
    deliver(std::move(m));
}

void ObserveWorker::scheduleSettle()
{
    if (m_settleQueued)
        return;
    m_settleQueued = true;
    // After everything already read is processed: a script's or EXEC's lines arrive together.
    QTimer::singleShot(0, this, [this] {
        m_settleQueued = false;
        settle();
    });
}

void ObserveWorker::settle()
{
    if (eventsSource() || isStopping())
        return;
    m_attributor.settle(nowUs());
    sendSeeds();
    sendStreamRequests();
    flushRows(false);
}

QByteArray ObserveWorker::who(const QByteArray& addr) const
{
    if (addr.isEmpty())
        return {};
    const QByteArray name = m_clients.value(addr).name;
    return name.isEmpty() ? addr : name + " (" + addr + ')';
}

void ObserveWorker::flushRows(bool force)
{
    std::vector<TakeAttributor::Row>& rows = m_attributor.rows();
    if (rows.empty()) {
        m_rowsWaitingSinceMs = 0;
        return;
    }
    // Rows wait briefly for the names CLIENT LIST is fetching.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (!m_rowsWaitingSinceMs)
        m_rowsWaitingSinceMs = nowMs;
    if (!force && (m_clientsInFlight || m_clientsWanted) &&
        nowMs - m_rowsWaitingSinceMs < kRowsWaitMaxMs && rows.size() < 50000)
        return;
    m_rowsWaitingSinceMs = 0;
    for (TakeAttributor::Row& row : rows) {
        auto obs = std::make_shared<Observation>(std::move(row.obs));
        const ClientInfo client = m_clients.value(row.clientAddr);
        obs->clientId = client.id;
        obs->clientName = client.name;
        obs->clientAddr = row.clientAddr;
        obs->producer = who(row.producerAddr);
        if (!row.consumerName.isEmpty()) {
            obs->consumer = row.consumerName;
            if (!row.consumerAddr.isEmpty() &&
                m_clients.value(row.consumerAddr).name != row.consumerName)
                obs->consumer += " (" + row.consumerAddr + ')';
        } else {
            obs->consumer = who(row.consumerAddr);
        }
        Message m;
        m.payload = std::move(row.payload);
        m.source = obs->key;
        m.id = std::move(row.id);
        m.observed = std::move(obs);
        deliver(std::move(m));
    }
    rows.clear();
}

void ObserveWorker::checkOutputBuffer()
{
    if (!m_side || !m_side->isReady() || !m_monitoring || !connection() ||
        !connection()->clientId())
        return;
    m_side->send({"CLIENT", "LIST", "ID", QByteArray::number(connection()->clientId())},
                 [this](const RedisReply& r) {
                     if (!r.isString())
                         return;
                     const qint64 omem = clientListField(r.str.trimmed(), "omem").toLongLong();
                     const bool grew = omem >= kOmemReportBytes && omem >= 2 * m_lastOmem;
                     const bool cleared = omem < kOmemReportBytes && m_lastOmem >= kOmemReportBytes;
                     if (grew) {
                         emit notice(tr("The server holds %1 MiB of MONITOR output for this "
                                        "observer (omem); Redis disconnects it when that reaches "
                                        "client-output-buffer-limit for normal clients.")
                                         .arg(double(omem) / (1024 * 1024), 0, 'f', 1));
                         m_lastOmem = omem;
                     } else if (cleared) {
                         emit notice(tr("The observer caught up: the server's output buffer for "
                                        "it is back under 1 MiB."));
                         m_lastOmem = 0;
                     }
                 });
}

} // namespace rqc
