#include "SentinelResolver.h"

#include "RedisConnection.h"
#include "ServerRole.h"

namespace rqc {

SentinelEvents* SentinelEvents::instance()
{
    static SentinelEvents* events = new SentinelEvents; // lives as long as the process
    return events;
}

SentinelResolver::SentinelResolver(const ConnectionSettings& settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
}

SentinelResolver::~SentinelResolver() { dropConnection(); }

ConnectionSettings SentinelResolver::sentinelSettings(const ConnectionSettings& settings, int index)
{
    ConnectionSettings s;
    s.transport = ConnectionSettings::Transport::Tcp;
    s.host = settings.sentinels.value(index).first;
    s.port = settings.sentinels.value(index).second;
    s.password = settings.sentinelPassword;
    s.connectTimeoutMs = settings.connectTimeoutMs;
    s.healthMs = settings.healthMs;
    return s;
}

void SentinelResolver::start()
{
    m_index = 0;
    m_errors.clear();
    askSentinel();
}

void SentinelResolver::dropConnection()
{
    if (!m_conn)
        return;
    RedisConnection* conn = m_conn;
    m_conn = nullptr;
    conn->disconnect(this);
    conn->close();
    conn->deleteLater(); // we may be inside one of its callbacks
}

void SentinelResolver::next(const QString& why)
{
    m_errors << why;
    dropConnection();
    ++m_index;
    if (m_index >= m_settings.sentinels.size()) {
        emit failed(tr("No Sentinel named a reachable master \"%1\": %2")
                        .arg(m_settings.masterName, m_errors.join(QStringLiteral("; "))));
        return;
    }
    askSentinel();
}

void SentinelResolver::askSentinel()
{
    const ConnectionSettings s = sentinelSettings(m_settings, m_index);
    const QString where = s.address();
    auto* conn = new RedisConnection(s, QStringLiteral("sentinel"), QString(), this);
    m_conn = conn;
    connect(conn, &RedisConnection::failed, this,
            [this, where](const QString& e) { next(tr("Sentinel %1: %2").arg(where, e)); });
    connect(conn, &RedisConnection::disconnected, this,
            [this, where](const QString& e) { next(tr("Sentinel %1: %2").arg(where, e)); });
    connect(conn, &RedisConnection::ready, this, [this, conn, where] {
        conn->send({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", m_settings.masterName.toUtf8()},
                   [this, where](const RedisReply& r) {
                       if (r.isError()) {
                           next(tr("Sentinel %1: %2").arg(where, QString::fromUtf8(r.str)));
                       } else if (!r.isArray() || r.elements.size() != 2) {
                           next(tr("Sentinel %1 does not know a master named \"%2\"")
                                    .arg(where, m_settings.masterName));
                       } else {
                           const QString host = QString::fromUtf8(r.elements[0].str);
                           const int port = r.elements[1].str.toInt();
                           dropConnection();
                           verify(host, quint16(port));
                       }
                   });
    });
    conn->open();
}

void SentinelResolver::verify(const QString& host, quint16 port)
{
    // The master's own settings (password, TLS…) at the address given, without the Sentinels.
    ConnectionSettings s = m_settings;
    s.sentinels.clear();
    s.host = host;
    s.port = port;
    const QString where = s.address();
    auto* conn = new RedisConnection(s, QStringLiteral("sentinel-check"), QString(), this);
    m_conn = conn;
    connect(conn, &RedisConnection::failed, this,
            [this, where](const QString& e) { next(tr("master %1: %2").arg(where, e)); });
    connect(conn, &RedisConnection::disconnected, this,
            [this, where](const QString& e) { next(tr("master %1: %2").arg(where, e)); });
    connect(conn, &RedisConnection::ready, this, [this, conn, host, port, where] {
        conn->send({"ROLE"}, [this, host, port, where](const RedisReply& r) {
            const ServerRole role = ServerRole::fromRoleReply(r);
            // NOPERM on ROLE: the Sentinel's word is all there is.
            if (role.replica) {
                next(tr("%1 is a replica, not the master (a failover in progress?)").arg(where));
                return;
            }
            dropConnection();
            emit resolved(host, port);
        });
    });
    conn->open();
}

} // namespace rqc
