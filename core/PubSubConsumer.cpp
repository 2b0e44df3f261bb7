#include "PubSubConsumer.h"

#include "RedisConnection.h"

#include <QCoreApplication>
#include <QDateTime>

namespace rqc {

namespace {
// A reading older than this says nothing about why the subscription went.
constexpr qint64 kReadingFreshMs = 3 * OutputBufferWatch::kIntervalMs;

qint64 bulkBytes(const QByteArray& s)
{
    return 1 + QByteArray::number(s.size()).size() + 2 + s.size() + 2;
}
} // namespace

PubSubConsumer::PubSubConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                               QObject* parent)
    : ConsumerWorker(settings, spec, parent)
{
}

QString PubSubConsumer::gapNote() const
{
    const QString gone = QCoreApplication::translate(
        "rqc::PubSubConsumer",
        "Messages published while disconnected are gone: pub/sub keeps nothing for absent "
        "subscribers.");
    return m_dropText.isEmpty() ? gone : m_dropText + QLatin1Char(' ') + gone;
}

QByteArray PubSubConsumer::routingKey() const
{
    return spec().mode == Mode::SPubSub ? spec().target : QByteArray();
}

void PubSubConsumer::onReady()
{
    m_dropText.clear();
    // The socket reads at most this far ahead of a worker that paused reading (back-pressure).
    connection()->setReadBufferSize(kReadBufferBytes);
    connection()->setPushHandler([this](RedisReply& r) { onPush(r); });
    const QByteArray cmd = spec().mode == Mode::Pattern   ? "PSUBSCRIBE"
                           : spec().mode == Mode::SPubSub ? "SSUBSCRIBE"
                                                          : "SUBSCRIBE";
    connection()->sendNoReply({cmd, spec().target});
}

void PubSubConsumer::onPush(RedisReply& r)
{
    if (r.isError()) {
        fail(QString::fromUtf8(r.str));
        return;
    }
    if (!r.isArray() || r.elements.size() < 3)
        return;
    const QByteArray& kind = r.elements[0].str;
    Message m;
    if (kind == "message" || kind == "smessage") {
        m.source = std::move(r.elements[1].str);
        m.payload = std::move(r.elements[2].str);
        m_wireBytes += 4 + bulkBytes(kind) + bulkBytes(m.source) + bulkBytes(m.payload);
    } else if (kind == "pmessage" && r.elements.size() >= 4) {
        m.pattern = std::move(r.elements[1].str);
        m.source = std::move(r.elements[2].str);
        m.payload = std::move(r.elements[3].str);
        m_wireBytes += 4 + bulkBytes("pmessage") + bulkBytes(m.pattern) + bulkBytes(m.source) +
                       bulkBytes(m.payload);
    } else {
        if (kind == "sunsubscribe" && !isStopping()) {
            // Not asked for: the channel's slot moved to another node. Asking again here gets
            // -MOVED with the new owner, which fail() follows (see ConsumerWorker).
            connection()->sendNoReply({"SSUBSCRIBE", spec().target});
            return;
        }
        if (kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe") {
            markListening();
            // The watch asks the node this connection is on (a cluster node, for spubsub).
            const ConnectionSettings here = connection()->settings();
            if (m_watch && (m_watchedHost != here.host || m_watchedPort != here.port)) {
                m_watch->watch(0);
                m_watch->deleteLater();
                m_watch = nullptr;
            }
            if (!m_watch) {
                m_watchedHost = here.host;
                m_watchedPort = here.port;
                m_watch = new OutputBufferWatch(here, QString::fromUtf8(spec().target), this);
                connect(m_watch, &OutputBufferWatch::reported, this, &PubSubConsumer::onReport);
            }
            m_watchedId = connection()->clientId();
            m_lastReading = OutputBufferReport();
            m_goneAtMs = 0;
            m_watch->watch(m_watchedId);
        }
        return;
    }
    deliver(std::move(m));
}

void PubSubConsumer::onReport(const OutputBufferReport& report)
{
    if (report.clientId == m_watchedId && report.omem >= 0)
        m_lastReading = report;
    emit outputBufferReported(report);
    if (report.clientId == m_watchedId && report.gone && !m_goneAtMs && !isStopping()) {
        // The server dropped the subscriber; a socket paused by back-pressure has not seen it.
        m_goneAtMs = report.atMs;
        readToEnd();
    }
}

void PubSubConsumer::onConnectionLost()
{
    if (!m_watch)
        return;
    OutputBufferReport before = m_lastReading;
    if (m_goneAtMs) // judged as of when the watch saw the subscriber gone
        before.atMs += QDateTime::currentMSecsSinceEpoch() - m_goneAtMs;
    m_goneAtMs = 0;
    m_watch->watch(0);
    const qint64 id = m_watchedId;
    m_watchedId = 0;
    if (isStopping() || !id || before.clientId != id)
        return;
    judgeLoss(before, received());
}

void PubSubConsumer::judgeLoss(const OutputBufferReport& before, quint64 receivedBefore)
{
    // Redis 7.0 has no counter of output-buffer disconnections; what is known: the last reading
    // was at or past half the limit, fresh, and the server still answers (it was not a restart).
    const qint64 age = QDateTime::currentMSecsSinceEpoch() - before.atMs;
    if (!before.warning() || age > kReadingFreshMs)
        return;
    auto* const probe = m_watch;
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(
        probe, &OutputBufferWatch::probed, this, [this, conn, before, receivedBefore](bool alive) {
            disconnect(*conn);
            if (!alive)
                return;
            const qint64 lost = before.disconnectBytes();
            QString text = tr("Redis closed the subscription: its output buffer passed the pubsub "
                              "limit — messages were lost.");
            text += QLatin1Char(' ') +
                    tr("Redis dropped at least %1 queued for this subscriber (limit: "
                       "%2; last reading %3).")
                        .arg(OutputBufferWatch::formatBytes(lost), before.limitText(),
                             OutputBufferWatch::formatBytes(before.omem));
            if (receivedBefore > 0 && m_wireBytes > 0) {
                const qint64 avg = qMax<qint64>(1, m_wireBytes / qint64(receivedBefore));
                text +=
                    QLatin1Char(' ') + tr("At the average size of the %1 message(s) received, that "
                                          "is at least %2 message(s).")
                                           .arg(receivedBefore)
                                           .arg(lost / avg);
            }
            m_dropText = text;
            emit subscriptionDropped(text);
        });
    probe->probe();
}

} // namespace rqc
