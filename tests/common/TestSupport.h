#pragma once

#include "ConnectionSettings.h"
#include "Consumer.h"
#include "RedisReply.h"
#include "SandboxServer.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>

#include <functional>

namespace rqc {
class RedisConnection;
}

namespace rqc::test {

// Starts a private redis-server for one test executable, or fails the test with its log.
// Usage in initTestCase(): QVERIFY2(startServer(m_server), "…") — see the macro below.
bool startServer(SandboxServer& server, const SandboxServer::Options& options = {},
                 QString* error = nullptr);

// A plain synchronous client for test set-up and checks (runs its own event loop while waiting).
// Never used by the product; the product is asynchronous.
class SyncClient {
public:
    explicit SyncClient(const ConnectionSettings& settings,
                        const QString& role = QStringLiteral("test"));
    ~SyncClient();
    bool isConnected() const;
    QString error() const { return m_error; }
    RedisReply command(const QList<QByteArray>& argv, int timeoutMs = 10000);
    // Sends many commands pipelined and returns all replies.
    QList<RedisReply> pipeline(const QList<QList<QByteArray>>& commands, int timeoutMs = 30000);
    // Streams `count` commands produced by make(i, out) (appending one encoded command for i),
    // with at most `window` chunks of `chunk` commands in flight; for filling large queues.
    // Returns false (with error()) on an error reply, a lost connection or a stall.
    bool pipeline(quint64 count, const std::function<void(quint64, QByteArray&)>& make,
                  int chunk = 4096, int window = 4);

    // The underlying connection (e.g. to watch for disconnected()).
    RedisConnection* connection() const { return m_conn; }

private:
    RedisConnection* m_conn = nullptr;
    QString m_error;
};

// A spec for one target in one mode, with optional key=value options.
ConsumerSpec makeSpec(Mode mode, const QByteArray& target,
                      const QMap<QString, QString>& options = {});

// Records everything a Consumer reports (on the thread that creates it), for assertions.
class ConsumerRecorder : public QObject {
    Q_OBJECT
public:
    explicit ConsumerRecorder(Consumer* consumer);

    MessageList messages;
    int batches = 0;
    quint64 lastTotal = 0;
    QStringList errors;
    QList<ConsumerState> states;
    QStringList lostReasons;
    QStringList restoredNotes;
    int stoppedCount = 0;

    ConsumerState state() const { return states.isEmpty() ? ConsumerState::Idle : states.last(); }
    bool sawState(ConsumerState s) const { return states.contains(s); }
    // Waits until the consumer has been in state s (now or earlier). False on timeout.
    bool waitForState(ConsumerState s, int timeoutMs = 10000);
    // Payloads in arrival order.
    QList<QByteArray> payloads() const;
};

// How much slower than a plain build this test runs: RQ_TIME_SCALE from the environment (set by
// scripts/test.sh for sanitizer builds, e.g. 3), 1 when unset or not a number >= 1.
double timeScale();
// A test timeout (a limit on waiting, never an expectation of speed) scaled by timeScale().
int scaled(int timeoutMs);

// Waits (running the event loop) until pred() holds; false on timeout (scaled by timeScale()).
bool waitUntil(const std::function<bool()>& pred, int timeoutMs = 10000);

// Makes, with openssl in dir: a CA (ca.pem, ca.key) and a client certificate (client.pem) signed by
// it, whose key (client.key) is encrypted with aes256 under phrase. Returns what failed (openssl's
// own words, or a key that came out unencrypted); empty on success.
QString makeEncryptedClientCert(const QString& dir, const QByteArray& phrase);
// A TLS sandbox server that requires client certificates signed by caFile (tls-auth-clients yes).
SandboxServer::Options clientCertServerOptions(const QString& caFile);

} // namespace rqc::test

// Starts the server or fails the test with the server's own words.
#define RQ_START_SERVER_WITH(server, options)                                                      \
    do {                                                                                           \
        QString rqStartError;                                                                      \
        if (!rqc::test::startServer(server, options, &rqStartError))                               \
            QFAIL(qPrintable(rqStartError));                                                       \
    } while (0)
#define RQ_START_SERVER(server) RQ_START_SERVER_WITH(server, rqc::SandboxServer::Options())
