#include "TestSupport.h"

#include "RedisConnection.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTest>
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

ConsumerSpec makeSpec(Mode mode, const QByteArray& target, const QMap<QString, QString>& options)
{
    ConsumerSpec spec;
    spec.mode = mode;
    spec.target = target;
    spec.options = options;
    return spec;
}

ConsumerRecorder::ConsumerRecorder(Consumer* consumer)
{
    connect(consumer, &Consumer::messagesArrived, this,
            [this](const MessageList& batch, quint64 total) {
                messages += batch;
                ++batches;
                lastTotal = total;
            });
    connect(consumer, &Consumer::errorOccurred, this, [this](const QString& e) { errors << e; });
    connect(consumer, &Consumer::stateChanged, this,
            [this](ConsumerState s, const QString&) { states << s; });
    connect(consumer, &Consumer::connectionLost, this,
            [this](qint64, const QString& reason) { lostReasons << reason; });
    connect(consumer, &Consumer::connectionRestored, this,
            [this](qint64, qint64, const QString& note) { restoredNotes << note; });
    connect(consumer, &Consumer::stopped, this, [this] { ++stoppedCount; });
}

bool ConsumerRecorder::waitForState(ConsumerState s, int timeoutMs)
{
    return waitUntil([this, s] { return states.contains(s); }, timeoutMs);
}

QList<QByteArray> ConsumerRecorder::payloads() const
{
    QList<QByteArray> out;
    out.reserve(messages.size());
    for (const Message& m : messages)
        out << m.payload;
    return out;
}

bool waitUntil(const std::function<bool()>& pred, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

} // namespace rqc::test
