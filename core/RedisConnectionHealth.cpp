// RedisConnection's health check: TCP keepalive, reply deadlines and the idle PING that find a
// half-open connection (see ConnectionSettings::healthMs). The rest of the class is in
// RedisConnection.cpp.
#include "RedisConnection.h"

#include <QAbstractSocket>
#include <QVariant>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace rqc {

void RedisConnection::setKeepAlive()
{
    // TCP keepalive notices a peer that vanished while the connection is idle at the TCP level;
    // the user timeout, data we sent that is never acknowledged. Neither notices a path that still
    // acknowledges but delivers nothing (a proxy, a stuck server): checkHealth() does.
    auto* sock = qobject_cast<QAbstractSocket*>(m_device.data());
    if (!sock)
        return;
    sock->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
#ifdef Q_OS_LINUX
    const qintptr fd = sock->socketDescriptor();
    if (fd < 0 || m_settings.healthMs <= 0)
        return;
    const int idle = qMax(1, m_settings.healthMs / 2000);
    const int interval = qMax(1, m_settings.healthMs / 6000);
    const int count = 3;
    const unsigned int userTimeout = unsigned(m_settings.healthMs);
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeout, sizeof userTimeout);
#endif
}

void RedisConnection::checkHealth()
{
    if (m_state != State::Ready || !m_device || m_settings.healthMs <= 0)
        return;
    // Not reading by choice (back-pressure): no reply can show progress, so nothing is owed;
    // the clock starts again when reading resumes.
    if (m_readPaused)
        return;
    const qint64 now = m_clock.elapsed();
    const qint64 health = m_settings.healthMs;
    qint64 owedSince = -1;
    qint64 allowance = 0;
    if (!m_pending.empty()) {
        owedSince = qMax(m_pending.front().sentAtMs, m_lastProgressMs);
        allowance = m_pending.front().allowanceMs;
    } else if (m_pushProbes > 0) {
        owedSince = qMax(m_pushProbeSentMs, m_lastProgressMs);
    }
    if (owedSince < 0) {
        if (now - m_lastProgressMs >= m_settings.blockMs())
            sendProbe();
        return;
    }
    if (allowance < 0)
        return; // blocks for ever by request: only TCP keepalive watches this connection
    if (now - owedSince <= allowance + health)
        return;
    if (m_device->bytesAvailable() > 0)
        return; // readyRead is on its way
    const double waited = (now - owedSince) / 1000.0;
    fail(tr("No reply for %1 s from %2 — the network may be down (half-open connection).")
             .arg(waited, 0, 'f', 1)
             .arg(m_settings.displayUrl()));
}

void RedisConnection::sendProbe()
{
    // A subscribed (RESP2) or MONITOR connection may still PING; its answer comes among the
    // pushes and is taken out of them (swallowProbeReply).
    if (m_pushMode) {
        ++m_pushProbes;
        m_pushProbeSentMs = m_clock.elapsed();
        writeBytes(encodeCommand({"PING"}));
        return;
    }
    Pending p;
    p.probe = true;
    p.sentAtMs = m_clock.elapsed();
    m_pending.push_back(std::move(p));
    writeBytes(encodeCommand({"PING"}));
}

bool RedisConnection::swallowProbeReply(const RedisReply& reply)
{
    // Subscribed: *2 "pong" ""; MONITOR: +PONG.
    const bool pong = (reply.isArray() && reply.elements.size() == 2 &&
                       reply.elements[0].str.compare("pong", Qt::CaseInsensitive) == 0) ||
                      (reply.type == RedisReply::Type::Status && reply.str == "PONG");
    if (pong)
        --m_pushProbes;
    return pong;
}

} // namespace rqc
