#include "TestSupport.h"

#include "RedisConnection.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace rqc::test {

bool startServer(SandboxServer& server, const SandboxServer::Options& options, QString* error)
{
    QString e;
    if (server.start(options, &e))
        return true;
    if (error)
        *error = QStringLiteral("could not start redis-server: ") + e;
    return false;
}

SyncClient::SyncClient(const ConnectionSettings& settings)
{
    m_conn = new RedisConnection(settings, QStringLiteral("test"));
    QEventLoop loop;
    bool done = false;
    QObject::connect(m_conn, &RedisConnection::ready, &loop, [&] {
        done = true;
        loop.quit();
    });
    QObject::connect(m_conn, &RedisConnection::failed, &loop, [&](const QString& e) {
        m_error = e;
        loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    m_conn->open();
    if (!done && m_error.isEmpty())
        loop.exec();
    if (!done && m_error.isEmpty())
        m_error = QStringLiteral("timed out connecting");
}

SyncClient::~SyncClient() { delete m_conn; }

bool SyncClient::isConnected() const { return m_conn->isReady(); }

RedisReply SyncClient::command(const QList<QByteArray>& argv, int timeoutMs)
{
    const QList<RedisReply> r = pipeline({argv}, timeoutMs);
    return r.isEmpty() ? RedisReply::error("ERR test client: no reply") : r.first();
}

QList<RedisReply> SyncClient::pipeline(const QList<QList<QByteArray>>& commands, int timeoutMs)
{
    QList<RedisReply> out;
    if (!m_conn->isReady() || commands.isEmpty())
        return out;
    QByteArray encoded;
    for (const auto& c : commands)
        appendCommand(encoded, c);
    bool done = false;
    QEventLoop loop;
    m_conn->sendEncoded(encoded, int(commands.size()), [&](QList<RedisReply>& replies) {
        out = std::move(replies);
        done = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done)
        loop.exec();
    return out;
}

} // namespace rqc::test
