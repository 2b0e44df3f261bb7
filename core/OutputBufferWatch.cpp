#include "OutputBufferWatch.h"

#include "ClientListFields.h"
#include "RedisConnection.h"

#include <QDateTime>
#include <QTimer>

namespace rqc {

namespace {

// "64kb" / "8mb" / "33554432" (CONFIG GET answers bytes; CONFIG SET accepts units too).
qint64 parseBytes(const QByteArray& text)
{
    QByteArray t = text.trimmed().toLower();
    qint64 mul = 1;
    if (t.endsWith("gb")) {
        mul = 1024ll * 1024 * 1024;
        t.chop(2);
    } else if (t.endsWith("mb")) {
        mul = 1024ll * 1024;
        t.chop(2);
    } else if (t.endsWith("kb")) {
        mul = 1024;
        t.chop(2);
    } else if (t.endsWith('b')) {
        t.chop(1);
    }
    return t.toLongLong() * mul;
}

} // namespace

qint64 OutputBufferReport::disconnectBytes() const
{
    if (!limitKnown)
        return 0;
    if (hardLimit > 0 && softLimit > 0)
        return qMin(hardLimit, softLimit);
    return qMax(hardLimit, softLimit);
}

bool OutputBufferReport::warning() const
{
    const qint64 at = disconnectBytes();
    return at > 0 && omem >= at / 2;
}

QString OutputBufferReport::limitText() const
{
    if (!limitKnown)
        return OutputBufferWatch::tr("unknown");
    QStringList parts;
    if (hardLimit > 0)
        parts << OutputBufferWatch::formatBytes(hardLimit);
    if (softLimit > 0)
        parts << OutputBufferWatch::tr("%1 for %2 s")
                     .arg(OutputBufferWatch::formatBytes(softLimit))
                     .arg(softSeconds);
    if (parts.isEmpty())
        return OutputBufferWatch::tr("none");
    return parts.join(OutputBufferWatch::tr(", or "));
}

OutputBufferWatch::OutputBufferWatch(const ConnectionSettings& settings, const QString& name,
                                     QObject* parent)
    : QObject(parent)
    , m_settings(settings)
    , m_name(name)
{
    m_clock.start();
}

OutputBufferWatch::~OutputBufferWatch() = default;

QString OutputBufferWatch::formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return tr("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return tr("%1 KiB").arg(double(bytes) / 1024, 0, 'f', bytes < 10 * 1024 ? 1 : 0);
    return tr("%1 MiB").arg(double(bytes) / (1024 * 1024), 0, 'f', 1);
}

void OutputBufferWatch::watch(qint64 clientId)
{
    m_clientId = clientId;
    if (!clientId) {
        if (m_timer)
            m_timer->stop();
        return;
    }
    if (!m_conn) {
        m_conn = new RedisConnection(m_settings, QStringLiteral("pubsub-watch"), m_name, this);
        connect(m_conn, &RedisConnection::ready, this, &OutputBufferWatch::tick);
        const auto down = [this](const QString&) {
            m_inFlight = false;
            m_limitReadMs = -1; // the server may have restarted with another limit
        };
        connect(m_conn, &RedisConnection::failed, this, down);
        connect(m_conn, &RedisConnection::disconnected, this, down);
        m_timer = new QTimer(this);
        m_timer->setInterval(kIntervalMs);
        connect(m_timer, &QTimer::timeout, this, &OutputBufferWatch::tick);
    }
    if (!m_conn->isOpen())
        m_conn->open();
    m_timer->start();
    tick();
}

bool OutputBufferWatch::serverAnswers() const { return m_conn && m_conn->isReady(); }

void OutputBufferWatch::probe()
{
    if (!m_conn || !m_conn->isReady()) {
        QTimer::singleShot(0, this, [this] { emit probed(false); });
        return;
    }
    // A dead server fails the connection (disconnected) instead of answering; the answer, or
    // its absence within a second, decides.
    auto answered = std::make_shared<bool>(false);
    m_conn->send({"PING"}, [this, answered](const RedisReply& r) {
        if (*answered)
            return;
        *answered = true;
        emit probed(!r.isError() || r.str.startsWith("NOAUTH") || r.str.startsWith("NOPERM"));
    });
    QTimer::singleShot(1000, this, [this, answered] {
        if (*answered)
            return;
        *answered = true;
        emit probed(false);
    });
}

void OutputBufferWatch::tick()
{
    if (!m_clientId || !m_conn)
        return;
    if (!m_conn->isReady()) {
        if (!m_conn->isOpen())
            m_conn->open(); // retried once a tick, no faster
        return;
    }
    if (m_inFlight)
        return; // at most one reading in flight
    m_inFlight = true;
    const qint64 now = m_clock.elapsed();
    const bool readLimit = m_limitReadMs < 0 || now - m_limitReadMs >= kLimitIntervalMs;
    QByteArray encoded;
    appendCommand(encoded, {"CLIENT", "LIST", "ID", QByteArray::number(m_clientId)});
    if (readLimit)
        appendCommand(encoded, {"CONFIG", "GET", "client-output-buffer-limit"});
    const qint64 id = m_clientId;
    m_conn->sendEncoded(encoded, readLimit ? 2 : 1, [this, id, now](QList<RedisReply>& replies) {
        m_inFlight = false;
        if (replies.size() == 2)
            m_limitReadMs = now;
        onReplies(id, replies);
    });
}

void OutputBufferWatch::onReplies(qint64 clientId, const QList<RedisReply>& replies)
{
    if (clientId != m_clientId || replies.isEmpty() || replies.size() > 2)
        return;
    OutputBufferReport r;
    r.clientId = clientId;
    r.atMs = QDateTime::currentMSecsSinceEpoch();
    const RedisReply& list = replies[0];
    if (list.isError()) {
        r.unknownReason = QString::fromUtf8(list.str);
    } else {
        const QByteArray line = list.str.trimmed();
        const QByteArray omem = clientListField(line, "omem");
        if (!omem.isEmpty())
            r.omem = omem.toLongLong();
        else {
            r.gone = line.isEmpty();
            r.unknownReason = tr("the subscriber is not in CLIENT LIST");
        }
    }
    if (replies.size() == 2) {
        OutputBufferReport limit;
        const RedisReply& config = replies[1];
        if (config.isError()) {
            limit.unknownReason = QString::fromUtf8(config.str);
        } else if (config.elements.size() >= 2) {
            // "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
            const QList<QByteArray> words = config.elements[1].str.simplified().split(' ');
            for (qsizetype i = 0; i + 3 < words.size(); i += 4) {
                if (words[i] != "pubsub")
                    continue;
                limit.hardLimit = parseBytes(words[i + 1]);
                limit.softLimit = parseBytes(words[i + 2]);
                limit.softSeconds = words[i + 3].toInt();
                limit.limitKnown = true;
            }
        }
        m_limit = limit;
    }
    if (r.unknownReason.isEmpty())
        r.unknownReason = m_limit.unknownReason;
    r.hardLimit = m_limit.hardLimit;
    r.softLimit = m_limit.softLimit;
    r.softSeconds = m_limit.softSeconds;
    r.limitKnown = m_limit.limitKnown;
    m_last = r;
    emit reported(r);
}

} // namespace rqc
