// RedisConnection's Sentinel side: find the master before connecting, and let go of a master
// that a failover demoted. The rest of the class is in RedisConnection.cpp.
#include "RedisConnection.h"

#include "SentinelResolver.h"

namespace rqc {

bool RedisConnection::openThroughSentinels()
{
    if (!m_settings.isSentinel())
        return false;
    if (m_masterFound) {
        m_masterFound = false;
        return false;
    }
    if (!m_followingSwitches) {
        m_followingSwitches = true;
        connect(SentinelEvents::instance(), &SentinelEvents::masterSwitched, this,
                &RedisConnection::onMasterSwitched);
    }
    close();
    ++m_generation;
    m_state = State::Connecting;
    m_lastError.clear();
    m_refusedByServer = false;
    m_certificateRejected = false;
    // Each Sentinel, then the master's check, may take a connect timeout.
    m_connectTimer.start(m_settings.connectTimeoutMs * int(m_settings.sentinels.size() + 1));
    auto* resolver = new SentinelResolver(m_settings, this);
    m_resolver = resolver;
    connect(resolver, &SentinelResolver::resolved, this, [this](const QString& host, quint16 port) {
        dropResolver();
        m_settings.host = host;
        m_settings.port = port;
        m_masterFound = true;
        open();
    });
    connect(resolver, &SentinelResolver::failed, this, [this](const QString& error) {
        dropResolver();
        fail(error);
    });
    resolver->start();
    return true;
}

void RedisConnection::dropResolver()
{
    if (!m_resolver)
        return;
    QObject* resolver = m_resolver;
    m_resolver = nullptr;
    resolver->disconnect(this);
    resolver->deleteLater(); // we may be inside its signal
}

bool RedisConnection::followDemotion(const RedisReply& reply)
{
    if (!m_settings.isSentinel() || !reply.isError() ||
        !(reply.str.startsWith("READONLY") || reply.str.startsWith("UNBLOCKED")))
        return false;
    fail(tr("The master at %1 was demoted (%2); asking the Sentinels again.")
             .arg(m_settings.address(), QString::fromUtf8(reply.str)));
    return true;
}

void RedisConnection::onMasterSwitched(const QString& name, const QString& from, const QString& to)
{
    if (m_state == State::Closed || m_resolver || name != m_settings.masterName ||
        from != m_settings.address())
        return;
    fail(tr("failover: master moved from %1 to %2").arg(from, to));
}

} // namespace rqc
