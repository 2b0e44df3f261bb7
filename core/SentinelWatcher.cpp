#include "SentinelWatcher.h"

#include "RedisConnection.h"
#include "SentinelResolver.h"

#include <QTimer>

namespace rqc {

SentinelWatcher::SentinelWatcher(const ConnectionSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
}

SentinelWatcher::~SentinelWatcher()
{
    for (RedisConnection* conn : m_conns)
        conn->close();
}

void SentinelWatcher::start()
{
    for (int i = 0; i < m_settings.sentinels.size(); ++i) {
        auto* conn = new RedisConnection(SentinelResolver::sentinelSettings(m_settings, i),
                                         QStringLiteral("sentinel-watch"), QString(), this);
        m_conns.append(conn);
        m_subscribed.append(false);
        conn->setPushHandler([this, i](RedisReply& reply) {
            // ["subscribe", channel, n] confirms; ["message", "+switch-master", payload].
            if (!reply.isArray() || reply.elements.size() != 3)
                return;
            if (reply.elements[0].str == "subscribe")
                m_subscribed[i] = true;
            else if (reply.elements[0].str == "message")
                onSwitch(reply.elements[2].str);
        });
        connect(conn, &RedisConnection::ready, this, [conn] {
            conn->sendNoReply({"SUBSCRIBE", "+switch-master"});
        });
        const auto retry = [this, i] {
            m_subscribed[i] = false;
            QTimer::singleShot(1000, this, [this, i] { openOne(i); });
        };
        connect(conn, &RedisConnection::failed, this, retry);
        connect(conn, &RedisConnection::disconnected, this, retry);
        openOne(i);
    }
}

void SentinelWatcher::openOne(int index)
{
    if (index < m_conns.size() && !m_conns[index]->isOpen())
        m_conns[index]->open();
}

int SentinelWatcher::subscribedCount() const
{
    return int(std::count(m_subscribed.begin(), m_subscribed.end(), true));
}

void SentinelWatcher::onSwitch(const QByteArray& payload)
{
    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
    const QList<QByteArray> parts = payload.split(' ');
    if (parts.size() != 5 || QString::fromUtf8(parts[0]) != m_settings.masterName)
        return;
    const auto address = [](const QByteArray& host, const QByteArray& port) {
        ConnectionSettings s;
        s.host = QString::fromUtf8(host);
        s.port = quint16(port.toUInt());
        return s.address();
    };
    const QString from = address(parts[1], parts[2]);
    const QString to = address(parts[3], parts[4]);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString key = from + QLatin1Char('>') + to;
    if (now - m_lastSeen.value(key, -60000) < 30000)
        return; // the same switch from another Sentinel
    m_lastSeen.insert(key, now);
    emit SentinelEvents::instance()->masterSwitched(m_settings.masterName, from, to);
    emit masterSwitched(m_settings.masterName, from, to, QDateTime::currentDateTime());
}

} // namespace rqc
