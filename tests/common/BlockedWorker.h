#pragma once

#include "ConnectionSettings.h"
#include "RedisConnection.h"
#include "RedisReply.h"
#include "TestSupport.h"

#include <QByteArray>
#include <QList>
#include <QObject>

#include <memory>

namespace rqc::test {

// A stand-in for one of the user's own workers: its own connection, named with CLIENT SETNAME,
// sending one blocking command (BRPOP q 0, XREADGROUP … BLOCK 0 …) and waiting for its answer
// until it is deleted (the server then drops the client, nothing is popped).
class BlockedWorker {
public:
    BlockedWorker(const ConnectionSettings& settings, const QByteArray& name,
                  const QList<QByteArray>& argv)
        : m_name(name)
    {
        m_conn = std::make_unique<RedisConnection>(settings, QStringLiteral("test-worker"));
        QObject::connect(m_conn.get(), &RedisConnection::ready, &m_ctx, [this, argv] {
            m_conn->send({"CLIENT", "SETNAME", m_name});
            m_conn->send(argv, [this](const RedisReply& r) {
                m_reply = r;
                m_answered = true;
            });
        });
        m_conn->open();
    }

    const QByteArray& name() const { return m_name; }
    bool answered() const { return m_answered; }
    const RedisReply& reply() const { return m_reply; }

    // Whether CLIENT LIST shows a client of this name blocked (flag b).
    bool isBlocked(SyncClient& client) const
    {
        const RedisReply r = client.command({"CLIENT", "LIST"});
        for (const QByteArray& line : r.str.split('\n')) {
            if (line.contains(" name=" + m_name + ' ') && line.contains("flags=b"))
                return true;
        }
        return false;
    }

private:
    QByteArray m_name;
    QObject m_ctx;
    std::unique_ptr<RedisConnection> m_conn;
    RedisReply m_reply;
    bool m_answered = false;
};

} // namespace rqc::test
