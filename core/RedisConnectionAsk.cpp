// Redis Cluster -ASK, followed inside the connection (see RedisConnection.h): every owner of a
// connection — consumers, their ops connections, the publisher, peeks, the inspector — gets the
// answer of the node that is importing the slot instead of the ASK.
#include "ClusterMap.h"
#include "RedisConnection.h"

#include <QPointer>
#include <QTimer>

namespace rqc {

namespace {

// A side connection with nothing sent and nothing owed for this long is closed (a migration is
// over, or the key moved back); the next -ASK opens one again.
constexpr qint64 kAskIdleMs = 5000;

bool isAsk(const RedisReply& r) { return r.isError() && r.str.startsWith("ASK "); }

// Splits pre-encoded RESP commands (arrays of bulk strings, as appendCommand writes them).
// Empty when the bytes are anything else.
QList<QByteArray> splitCommands(const QByteArray& bytes, QList<QByteArray>* names)
{
    QList<QByteArray> out;
    qsizetype pos = 0;
    const auto number = [&](char kind, qint64* value) {
        if (pos >= bytes.size() || bytes[pos] != kind)
            return false;
        const qsizetype end = bytes.indexOf("\r\n", pos);
        if (end < 0)
            return false;
        bool ok = false;
        *value = bytes.mid(pos + 1, end - pos - 1).toLongLong(&ok);
        pos = end + 2;
        return ok && *value >= 0;
    };
    while (pos < bytes.size()) {
        const qsizetype start = pos;
        qint64 args = 0;
        if (!number('*', &args) || args == 0)
            return {};
        for (qint64 i = 0; i < args; ++i) {
            qint64 len = 0;
            if (!number('$', &len) || pos + len + 2 > bytes.size())
                return {};
            if (i == 0)
                names->append(bytes.mid(pos, len).toUpper());
            pos += len + 2;
        }
        out.append(bytes.mid(start, pos - start));
    }
    return out;
}

} // namespace

void RedisConnection::prepareAsk()
{
    // Known to be a cluster node (or one whose map was learnt): keep what is sent. A node not
    // known as one starts keeping at its first ASK (that one is handed over as it is).
    m_keepForAsk =
        m_keepForAsk || m_settings.cluster || !ClusterRouting::mapFor(m_settings).isEmpty();
}

bool RedisConnection::holdForAsk(Pending& done)
{
    if (done.probe)
        return false;
    QList<int> asks;
    for (int i = 0; i < done.replies.size(); ++i) {
        if (isAsk(done.replies[i]))
            asks << i;
    }
    if (asks.isEmpty() && m_held.empty())
        return false;
    Held held;
    held.seq = ++m_heldSeq;
    QList<QByteArray> commands, names;
    if (!asks.isEmpty()) {
        m_keepForAsk = true;
        commands = splitCommands(done.encoded, &names);
        // A transaction is not taken apart: its ASK goes to the owner as it is.
        if (commands.size() != done.expected || names.contains("MULTI") || names.contains("EXEC"))
            asks.clear();
    }
    held.p = std::move(done);
    for (int i : asks) {
        ClusterRedirect r;
        if (!ClusterMap::parseRedirect(held.p.replies[i].str, &r))
            continue;
        RedisConnection* side = askConnection(r.host, r.port);
        const QString address = side->settings().address();
        held.asked.insert(i, address);
        const QByteArray bytes = encodeCommand({"ASKING"}) + commands[i];
        QPointer<RedisConnection> self(this);
        const quint64 seq = held.seq, generation = m_generation;
        auto answered = [self, seq, generation, i, address](QList<RedisReply>& replies) {
            if (!self || self->m_generation != generation)
                return;
            self->m_askUsedMs.insert(address, self->m_clock.elapsed());
            for (Held& h : self->m_held) {
                if (h.seq == seq && h.asked.remove(i) && replies.size() == 2)
                    h.p.replies[i] = std::move(replies[1]);
            }
            self->deliverHeld();
        };
        if (side->isReady())
            side->sendEncoded(bytes, 2, answered);
        else
            m_askWaiting[address].append(
                [side, bytes, answered] { side->sendEncoded(bytes, 2, answered); });
    }
    m_held.push_back(std::move(held));
    deliverHeld();
    return true;
}

void RedisConnection::deliverHeld()
{
    QPointer<RedisConnection> self(this);
    const quint64 generation = m_generation;
    while (self && m_generation == generation && !m_held.empty() &&
           m_held.front().asked.isEmpty()) {
        Held h = std::move(m_held.front());
        m_held.pop_front();
        deliver(h.p); // may close, reopen or delete us
    }
}

RedisConnection* RedisConnection::askConnection(const QString& host, quint16 port)
{
    const QString address = host + QLatin1Char(':') + QString::number(port);
    RedisConnection*& side = m_askConns[address];
    if (!side) {
        ConnectionSettings s = m_settings;
        if (s.transport == ConnectionSettings::Transport::Unix)
            s.transport = ConnectionSettings::Transport::Tcp;
        s.host = host;
        s.port = port;
        s.cluster = true;
        s.sentinels.clear();
        s.masterName.clear();
        side = new RedisConnection(s, QStringLiteral("ask"), QString(), this);
        connect(side, &RedisConnection::ready, this, [this, address] {
            const auto waiting = m_askWaiting.take(address);
            for (const auto& send : waiting)
                send();
        });
        connect(side, &RedisConnection::failed, this, [this, address] { askNodeDown(address); });
        connect(side, &RedisConnection::disconnected, this,
                [this, address] { askNodeDown(address); });
    }
    if (!side->isOpen())
        side->open();
    m_askUsedMs.insert(address, m_clock.elapsed());
    if (!m_askIdleTimer) {
        m_askIdleTimer = new QTimer(this);
        m_askIdleTimer->setInterval(1000);
        connect(m_askIdleTimer, &QTimer::timeout, this, &RedisConnection::closeIdleAsked);
    }
    if (!m_askIdleTimer->isActive())
        m_askIdleTimer->start();
    return side;
}

void RedisConnection::closeIdleAsked()
{
    const qint64 now = m_clock.elapsed();
    for (auto it = m_askConns.begin(); it != m_askConns.end();) {
        RedisConnection* side = it.value();
        const bool idle = !m_askWaiting.contains(it.key()) &&
                          (!side->isOpen() || (side->pendingReplies() == 0 &&
                                               now - m_askUsedMs.value(it.key()) >= kAskIdleMs));
        if (!idle) {
            ++it;
            continue;
        }
        m_askUsedMs.remove(it.key());
        side->close();
        side->deleteLater();
        it = m_askConns.erase(it);
    }
    if (m_askConns.isEmpty())
        m_askIdleTimer->stop();
}

void RedisConnection::askNodeDown(const QString& address)
{
    // What was sent there gets no answer: the callers get the ASK itself, as without this.
    m_askWaiting.remove(address);
    for (Held& h : m_held) {
        for (auto it = h.asked.begin(); it != h.asked.end();)
            it = it.value() == address ? h.asked.erase(it) : std::next(it);
    }
    QMetaObject::invokeMethod(
        this,
        [self = QPointer<RedisConnection>(this)] {
            if (self)
                self->deliverHeld();
        },
        Qt::QueuedConnection);
}

void RedisConnection::closeAsked()
{
    m_held.clear();
    m_askWaiting.clear();
    for (RedisConnection* side : std::as_const(m_askConns))
        side->close();
    if (m_askIdleTimer)
        m_askIdleTimer->stop();
}

RedisConnection::ServedAt RedisConnection::servedAt() const
{
    for (const Held& h : m_held) {
        for (const QString& address : h.asked) {
            const RedisConnection* side = m_askConns.value(address);
            if (side)
                return {side->settings(), side->isReady() ? side->clientId() : 0};
        }
    }
    return {m_settings, m_clientId};
}

int RedisConnection::heldReplies() const
{
    int n = 0;
    for (const Held& h : m_held)
        n += h.p.expected;
    return n;
}

} // namespace rqc
