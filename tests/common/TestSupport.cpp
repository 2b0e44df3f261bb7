#include "TestSupport.h"

#include "RedisConnection.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
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

SyncClient::SyncClient(const ConnectionSettings& settings, const QString& role)
{
    m_conn = new RedisConnection(settings, role);
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
    QTimer::singleShot(scaled(10000), &loop, &QEventLoop::quit);
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
    QTimer::singleShot(scaled(timeoutMs), &loop, &QEventLoop::quit);
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

double timeScale()
{
    static const double scale = [] {
        bool ok = false;
        const double v = qEnvironmentVariable("RQ_TIME_SCALE").toDouble(&ok);
        return ok && v >= 1.0 ? v : 1.0;
    }();
    return scale;
}

int scaled(int timeoutMs) { return int(timeoutMs * timeScale()); }

bool waitUntil(const std::function<bool()>& pred, int timeoutMs)
{
    QDeadlineTimer deadline(scaled(timeoutMs));
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(5);
    }
    return true;
}

bool SyncClient::pipeline(quint64 count, const std::function<void(quint64, QByteArray&)>& make,
                          int chunk, int window)
{
    if (!m_conn->isReady()) {
        m_error = QStringLiteral("not connected");
        return false;
    }
    quint64 next = 0;
    quint64 answered = 0;
    int inFlight = 0;
    bool failed = false;
    QEventLoop loop;
    std::function<void()> pump = [&] {
        while (!failed && inFlight < window && next < count) {
            const quint64 n = qMin<quint64>(quint64(chunk), count - next);
            QByteArray encoded;
            encoded.reserve(qsizetype(n) * 128);
            for (quint64 i = 0; i < n; ++i)
                make(next + i, encoded);
            next += n;
            ++inFlight;
            m_conn->sendEncoded(encoded, int(n), [&, n](QList<RedisReply>& replies) {
                --inFlight;
                answered += n;
                for (const RedisReply& r : replies) {
                    if (r.isError()) {
                        m_error = QString::fromUtf8(r.str);
                        failed = true;
                        break;
                    }
                }
                if (failed || answered == count)
                    loop.quit();
                else
                    pump();
            });
        }
    };
    pump();
    const auto* conn = m_conn;
    QObject::connect(m_conn, &RedisConnection::disconnected, &loop, [&](const QString& e) {
        m_error = e;
        failed = true;
        loop.quit();
    });
    QTimer watchdog;
    quint64 lastAnswered = 0;
    QObject::connect(&watchdog, &QTimer::timeout, &loop, [&] {
        if (answered == lastAnswered) {
            m_error = QStringLiteral("pipeline stalled");
            failed = true;
            loop.quit();
        }
        lastAnswered = answered;
    });
    watchdog.start(30000);
    if (answered < count && !failed)
        loop.exec();
    QObject::disconnect(conn, &RedisConnection::disconnected, &loop, nullptr);
    return !failed && answered == count;
}

QString makeEncryptedClientCert(const QString& dir, const QByteArray& phrase)
{
    const auto openssl = [&dir](const QList<QByteArray>& argv) -> QString {
        QStringList args;
        for (const QByteArray& a : argv)
            args << QString::fromUtf8(a);
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(dir);
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return QStringLiteral("openssl %1: %2")
                .arg(args.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAll()));
        return {};
    };
    const QByteArray pass = "pass:" + phrase;
    const QList<QList<QByteArray>> steps = {
        {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=rq-test-client-ca"},
        {"genrsa", "-aes256", "-passout", pass, "-out", "client.key", "2048"},
        {"req", "-new", "-key", "client.key", "-passin", pass, "-out", "client.csr", "-subj",
         "/CN=rq-client"},
        {"x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "client.pem", "-days", "2"},
    };
    for (const QList<QByteArray>& step : steps) {
        const QString error = openssl(step);
        if (!error.isEmpty())
            return error;
    }
    QFile key(QDir(dir).filePath(QStringLiteral("client.key")));
    if (!key.open(QIODevice::ReadOnly) || !key.readAll().contains("ENCRYPTED"))
        return QStringLiteral("the client key %1 is not encrypted").arg(key.fileName());
    return {};
}

SandboxServer::Options clientCertServerOptions(const QString& caFile)
{
    SandboxServer::Options opts;
    opts.tls = true;
    // Later arguments win: client certificates required, signed by caFile.
    opts.extraArgs = {QStringLiteral("--tls-auth-clients"), QStringLiteral("yes"),
                      QStringLiteral("--tls-ca-cert-file"), caFile};
    return opts;
}

} // namespace rqc::test
