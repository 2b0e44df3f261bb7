#include "ServerProbe.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace rqc {

ServerProbe::ServerProbe(QObject* parent)
    : QObject(parent)
    , m_timer(this)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this,
            [this] { done(false, tr("No answer within the time limit.")); });
}

ServerProbe::~ServerProbe()
{
    if (m_device)
        m_device->deleteLater();
}

void ServerProbe::probe(const ConnectionSettings& settings, int timeoutMs)
{
    if (m_device) {
        m_device->disconnect(this);
        m_device->deleteLater();
    }
    if (settings.transport == ConnectionSettings::Transport::Unix) {
        auto* socket = new QLocalSocket(this);
        m_device = socket;
        // Queued: QLocalSocket reports a missing socket inside connectToServer(), and finished()
        // must never be emitted before probe() returns.
        connect(
            socket, &QLocalSocket::connected, this,
            [this, socket] {
                if (socket == m_device)
                    done(true, QString());
            },
            Qt::QueuedConnection);
        connect(
            socket, &QLocalSocket::errorOccurred, this,
            [this, socket] {
                if (socket == m_device)
                    done(false, socket->errorString());
            },
            Qt::QueuedConnection);
        socket->connectToServer(settings.socketPath);
    } else {
        // TLS servers accept the TCP connection first; that is enough to know one is there.
        auto* socket = new QTcpSocket(this);
        m_device = socket;
        connect(
            socket, &QTcpSocket::connected, this,
            [this, socket] {
                if (socket == m_device)
                    done(true, QString());
            },
            Qt::QueuedConnection);
        connect(
            socket, &QTcpSocket::errorOccurred, this,
            [this, socket] {
                if (socket == m_device)
                    done(false, socket->errorString());
            },
            Qt::QueuedConnection);
        socket->connectToHost(settings.host, settings.port);
    }
    m_timer.start(timeoutMs);
}

void ServerProbe::done(bool answered, const QString& detail)
{
    if (!m_device)
        return;
    m_timer.stop();
    QIODevice* device = m_device;
    m_device = nullptr;
    device->disconnect(this);
    device->close();
    device->deleteLater();
    emit finished(answered, detail);
}

} // namespace rqc
