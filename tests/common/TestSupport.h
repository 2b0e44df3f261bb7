#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"
#include "SandboxServer.h"

#include <QByteArray>
#include <QList>

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
    explicit SyncClient(const ConnectionSettings& settings);
    ~SyncClient();
    bool isConnected() const;
    QString error() const { return m_error; }
    RedisReply command(const QList<QByteArray>& argv, int timeoutMs = 10000);
    // Sends many commands pipelined and returns all replies.
    QList<RedisReply> pipeline(const QList<QList<QByteArray>>& commands, int timeoutMs = 30000);

private:
    RedisConnection* m_conn = nullptr;
    QString m_error;
};

} // namespace rqc::test

// Starts the server or fails the test with the server's own words.
#define RQ_START_SERVER_WITH(server, options)                                                      \
    do {                                                                                           \
        QString rqStartError;                                                                      \
        if (!rqc::test::startServer(server, options, &rqStartError))                               \
            QFAIL(qPrintable(rqStartError));                                                       \
    } while (0)
#define RQ_START_SERVER(server) RQ_START_SERVER_WITH(server, rqc::SandboxServer::Options())
