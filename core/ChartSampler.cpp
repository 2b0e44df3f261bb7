#include "ChartSampler.h"

#include "ClusterMap.h"
#include "RedisConnection.h"
#include "WorkerThread.h"

#include <QDateTime>
#include <QSet>
#include <QTimer>

#include <map>

namespace rqc {

namespace {

// INFO's "field:value" lines.
qint64 infoField(const QByteArray& info, const QByteArray& field)
{
    const QByteArray needle = field + ':';
    qsizetype at = 0;
    while ((at = info.indexOf(needle, at)) >= 0) {
        if (at == 0 || info[at - 1] == '\n') {
            const qsizetype start = at + needle.size();
            qsizetype end = info.indexOf('\n', start);
            if (end < 0)
                end = info.size();
            bool ok = false;
            const qint64 v = info.mid(start, end - start).trimmed().toLongLong(&ok);
            return ok ? v : -1;
        }
        at += needle.size();
    }
    return -1;
}

// A RESP2 flat map (XINFO GROUPS entry): field -> reply.
const RedisReply* mapField(const RedisReply& map, const char* field)
{
    for (int i = 0; i + 1 < map.elements.size(); i += 2)
        if (map.elements[i].str == field)
            return &map.elements[i + 1];
    return nullptr;
}

qint64 intOf(const RedisReply* r) { return r && r->isInteger() ? r->integer : -1; }

} // namespace

int SampleTarget::commandCount() const
{
    switch (kind) {
    case Kind::List:
        return 1 + int(processingLists.size());
    case Kind::Stream:
        return 2;
    case Kind::Server:
        return 3;
    }
    return 0;
}

ChartSamplerWorker::ChartSamplerWorker(const ConnectionSettings& settings, int intervalMs)
    : m_settings(settings)
    , m_intervalMs(intervalMs)
    , m_backoff(200, 5000)
{
}

ChartSamplerWorker::~ChartSamplerWorker() = default;

void ChartSamplerWorker::setTargets(const QHash<int, SampleTarget>& targets)
{
    m_targets = targets;
    if (m_targets.isEmpty()) {
        // Nothing visible: nothing sampled, and no connection held on the server either.
        if (m_timer)
            m_timer->stop();
        if (m_reconnect)
            m_reconnect->stop();
        if (m_conn) {
            m_conn->close();
            m_conn->deleteLater();
            m_conn = nullptr;
        }
        closeNodes();
        ++m_round;
        m_inFlight = false;
        m_wasDown = false;
        return;
    }
    ensureOpen();
    closeUnwatchedNodes();
}

void ChartSamplerWorker::ensureOpen()
{
    if (m_stopping)
        return;
    if (!m_timer && m_intervalMs > 0) {
        m_timer = new QTimer(this);
        m_timer->setInterval(m_intervalMs);
        connect(m_timer, &QTimer::timeout, this, &ChartSamplerWorker::onTick);
    }
    if (m_timer && !m_timer->isActive())
        m_timer->start();
    if (m_conn)
        return;
    m_conn = new RedisConnection(m_settings, QStringLiteral("charts"), QString(), this);
    connect(m_conn, &RedisConnection::ready, this, [this] {
        m_backoff.reset();
        if (m_wasDown) {
            m_wasDown = false;
            emit restored();
        }
    });
    connect(m_conn, &RedisConnection::failed, this, &ChartSamplerWorker::onDown);
    connect(m_conn, &RedisConnection::disconnected, this, &ChartSamplerWorker::onDown);
    m_conn->open();
}

void ChartSamplerWorker::onDown(const QString& reason)
{
    m_inFlight = false;
    ++m_round;
    if (!m_wasDown) {
        m_wasDown = true;
        emit dropped(reason);
    }
    if (m_stopping || m_targets.isEmpty())
        return;
    if (!m_reconnect) {
        m_reconnect = new QTimer(this);
        m_reconnect->setSingleShot(true);
        connect(m_reconnect, &QTimer::timeout, this, [this] {
            if (m_conn && !m_conn->isOpen() && !m_targets.isEmpty())
                m_conn->open();
        });
    }
    m_reconnect->start(m_backoff.next());
}

void ChartSamplerWorker::sampleNow() { onTick(); }

void ChartSamplerWorker::onTick()
{
    if (m_targets.isEmpty() || !m_conn || !m_conn->isReady() || m_inFlight)
        return;
    closeUnwatchedNodes(); // a -MOVED may have sent a chart's key elsewhere
    // Sorted by id, so replies are read back in the order they were asked for.
    const std::map<int, SampleTarget> targets(m_targets.keyValueBegin(), m_targets.keyValueEnd());
    // One pipeline per node: on a cluster, a key is sampled on the master serving its slot.
    std::map<RedisConnection*, std::map<int, SampleTarget>> byNode;
    auto round = std::make_shared<Round>();
    for (const auto& [id, t] : targets) {
        RedisConnection* c = connectionFor(t);
        if (c && c->isReady()) {
            byNode[c].insert({id, t});
        } else {
            ChartSample s;
            s.error =
                ClusterMap::notSampledText(ClusterRouting::forKey(m_settings, t.key).address());
            round->out.insert(id, s);
        }
    }
    round->left = int(byNode.size());
    if (round->left == 0) {
        emit sampled(round->out);
        return;
    }
    m_inFlight = true;
    const quint64 generation = ++m_round;
    for (const auto& [conn, group] : byNode) {
        QByteArray encoded;
        int count = 0;
        for (const auto& [id, t] : group) {
            Q_UNUSED(id)
            encode(t, encoded);
            count += t.commandCount();
        }
        RedisConnection* c = conn;
        c->sendEncoded(encoded, count,
                       [this, c, ids = group, round, generation](QList<RedisReply>& replies) {
                           if (generation != m_round)
                               return; // a round given up (the connection went down)
                           int at = 0;
                           for (const auto& [id, t] : ids) {
                               ChartSample s;
                               parse(t, replies, at, s);
                               routeAgain(c, s);
                               round->out.insert(id, s);
                           }
                           if (--round->left == 0) {
                               m_inFlight = false;
                               emit sampled(round->out);
                           }
                       });
    }
}

void ChartSamplerWorker::encode(const SampleTarget& t, QByteArray& encoded)
{
    switch (t.kind) {
    case SampleTarget::Kind::List:
        appendCommand(encoded, {QByteArrayLiteral("LLEN"), t.key});
        for (const QByteArray& p : t.processingLists)
            appendCommand(encoded, {QByteArrayLiteral("LLEN"), p});
        break;
    case SampleTarget::Kind::Stream:
        appendCommand(encoded, {QByteArrayLiteral("XLEN"), t.key});
        appendCommand(encoded, {QByteArrayLiteral("XINFO"), QByteArrayLiteral("GROUPS"), t.key});
        break;
    case SampleTarget::Kind::Server:
        appendCommand(encoded, {QByteArrayLiteral("INFO"), QByteArrayLiteral("stats")});
        appendCommand(encoded, {QByteArrayLiteral("INFO"), QByteArrayLiteral("memory")});
        appendCommand(encoded, {QByteArrayLiteral("INFO"), QByteArrayLiteral("clients")});
        break;
    }
}

RedisConnection* ChartSamplerWorker::connectionFor(const SampleTarget& t)
{
    if (t.kind == SampleTarget::Kind::Server)
        return m_conn;
    const ConnectionSettings routed = ClusterRouting::forKey(m_settings, t.key);
    if (routed.address() == m_conn->settings().address())
        return m_conn;
    RedisConnection*& c = m_nodes[routed.address()];
    if (!c)
        c = new RedisConnection(routed, QStringLiteral("charts"), QString(), this);
    if (!c->isOpen())
        c->open(); // sampled from the next tick on
    return c;
}

void ChartSamplerWorker::routeAgain(RedisConnection* via, ChartSample& s) const
{
    // Not the key's node (the slot moved): no figure rather than a wrong one; the map is
    // corrected, and the next tick asks the right node.
    ClusterRedirect redirect;
    if (!ClusterMap::parseRedirect(s.error.toUtf8(), &redirect))
        return;
    ClusterRouting::noteMoved(via->settings(), redirect);
    s = ChartSample();
    s.error = ClusterMap::notSampledText(redirect.host + QLatin1Char(':') +
                                         QString::number(redirect.port));
}

void ChartSamplerWorker::closeUnwatchedNodes()
{
    QSet<QString> watched;
    for (const SampleTarget& t : std::as_const(m_targets)) {
        if (t.kind != SampleTarget::Kind::Server)
            watched.insert(ClusterRouting::forKey(m_settings, t.key).address());
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (watched.contains(it.key())) {
            ++it;
            continue;
        }
        if (m_inFlight && it.value()->isOpen()) {
            // Its share of the round trip will not come back: give the round up.
            ++m_round;
            m_inFlight = false;
        }
        it.value()->close();
        it.value()->deleteLater();
        it = m_nodes.erase(it);
    }
}

void ChartSamplerWorker::closeNodes()
{
    for (RedisConnection* c : std::as_const(m_nodes)) {
        c->close();
        c->deleteLater();
    }
    m_nodes.clear();
}

void ChartSamplerWorker::parse(const SampleTarget& t, const QList<RedisReply>& replies, int& at,
                               ChartSample& s) const
{
    const auto next = [&]() -> const RedisReply& {
        static const RedisReply missing = RedisReply::error("ERR no reply");
        return at < replies.size() ? replies[at++] : missing;
    };
    const auto fail = [&](const RedisReply& r) {
        if (r.isError() && s.error.isEmpty())
            s.error = QString::fromUtf8(r.str);
    };
    switch (t.kind) {
    case SampleTarget::Kind::List: {
        const RedisReply& len = next();
        fail(len);
        s.depth = intOf(&len);
        if (!t.processingLists.isEmpty()) {
            s.pending = 0;
            for (int i = 0; i < t.processingLists.size(); ++i) {
                const RedisReply& p = next();
                fail(p);
                s.pending += qMax<qint64>(0, intOf(&p));
            }
        }
        break;
    }
    case SampleTarget::Kind::Stream: {
        const RedisReply& len = next();
        fail(len);
        s.depth = intOf(&len);
        const RedisReply& groups = next();
        if (groups.isError()) {
            // A stream that does not exist (yet) has no groups: not an error for a chart.
            if (!groups.str.contains("no such key"))
                fail(groups);
            break;
        }
        qint64 pending = 0, consumers = 0, lag = -1;
        bool found = false;
        for (const RedisReply& g : groups.elements) {
            const RedisReply* name = mapField(g, "name");
            const bool mine = t.group.isEmpty() || (name && name->str == t.group);
            if (!mine)
                continue;
            pending += qMax<qint64>(0, intOf(mapField(g, "pending")));
            consumers += qMax<qint64>(0, intOf(mapField(g, "consumers")));
            const qint64 groupLag = intOf(mapField(g, "lag"));
            const qint64 read = intOf(mapField(g, "entries-read"));
            lag = qMax(lag, groupLag);
            // entries-read + lag = entries ever added (Redis 7), when the server knows both.
            if (s.addedTotal < 0 && read >= 0 && groupLag >= 0)
                s.addedTotal = read + groupLag;
            if (!t.group.isEmpty())
                s.readTotal = read;
            found = true;
        }
        if (found || t.group.isEmpty()) {
            s.pending = pending;
            s.consumers = consumers;
            s.lag = lag;
        }
        break;
    }
    case SampleTarget::Kind::Server: {
        const RedisReply& stats = next();
        const RedisReply& memory = next();
        const RedisReply& clients = next();
        fail(stats);
        fail(memory);
        fail(clients);
        s.commandsTotal = infoField(stats.str, "total_commands_processed");
        s.pubsubChannels = infoField(stats.str, "pubsub_channels");
        s.pubsubPatterns = infoField(stats.str, "pubsub_patterns");
        s.usedMemory = infoField(memory.str, "used_memory");
        s.connectedClients = infoField(clients.str, "connected_clients");
        s.blockedClients = infoField(clients.str, "blocked_clients");
        break;
    }
    }
}

void ChartSamplerWorker::stop()
{
    m_stopping = true;
    if (m_timer)
        m_timer->stop();
    if (m_reconnect)
        m_reconnect->stop();
    if (m_conn)
        m_conn->close();
    closeNodes();
    emit stopped();
}

ChartSampler::ChartSampler(const ConnectionSettings& settings, int intervalMs, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_intervalMs(intervalMs)
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    qRegisterMetaType<ChartSample>();
    qRegisterMetaType<QHash<int, ChartSample>>();
    qRegisterMetaType<QHash<int, SampleTarget>>();
}

ChartSampler::~ChartSampler()
{
    if (m_thread && m_thread->isRunning()) {
        ChartSamplerWorker* w = m_worker;
        if (w)
            m_thread->post([w] { w->stop(); });
        m_thread->wait(3000);
    }
}

std::shared_ptr<ChartSampler> ChartSampler::shared(const ConnectionSettings& settings)
{
    // Weak: a sampler lives exactly as long as the charts that hold it.
    static QHash<QString, std::weak_ptr<ChartSampler>> samplers;
    const QString key = settings.displayUrl();
    if (auto existing = samplers.value(key).lock(); existing && existing->settings() == settings)
        return existing;
    auto made = std::make_shared<ChartSampler>(settings);
    samplers.insert(key, made);
    return made;
}

qint64 ChartSampler::now() const { return m_clock(); }

int ChartSampler::watch(const SampleTarget& target)
{
    const int id = m_nextId++;
    m_targets.insert(id, target);
    if (!m_thread) {
        auto* worker = new ChartSamplerWorker(m_settings, m_intervalMs);
        m_worker = worker;
        m_thread = std::make_unique<WorkerThread>(QStringLiteral("rq-charts"), worker);
        m_thread->quitWhen(worker, &ChartSamplerWorker::stopped);
        connect(worker, &ChartSamplerWorker::sampled, this,
                [this](const QHash<int, ChartSample>& samples) {
                    ++m_roundTrips;
                    QHash<int, ChartSample> live;
                    // A target unwatched while its round trip was out is not reported.
                    for (auto it = samples.begin(); it != samples.end(); ++it)
                        if (m_targets.contains(it.key()))
                            live.insert(it.key(), it.value());
                    emit sampled(now(), live);
                });
        connect(worker, &ChartSamplerWorker::dropped, this,
                [this](const QString& reason) { emit connectionDropped(now(), reason); });
        connect(worker, &ChartSamplerWorker::restored, this,
                [this] { emit connectionRestored(now()); });
        m_thread->start();
    }
    push();
    return id;
}

void ChartSampler::unwatch(int id)
{
    if (m_targets.remove(id))
        push();
}

void ChartSampler::push()
{
    ChartSamplerWorker* w = m_worker;
    if (!m_thread || !w)
        return;
    const QHash<int, SampleTarget> targets = m_targets;
    m_thread->post([w, targets] { w->setTargets(targets); });
}

void ChartSampler::sampleNow()
{
    ChartSamplerWorker* w = m_worker;
    if (m_thread && w)
        m_thread->post([w] { w->sampleNow(); });
}

} // namespace rqc
