#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>

#include <functional>
#include <memory>

class QTcpSocket;

namespace rqc::test {

// A scripted stand-in for a Redis server on 127.0.0.1 (a free port), for hostile-server tests.
// Each command a client sends is parsed with the real RESP reader and answered from the script:
// canned bytes per command name, or a handler. By default the handshake is answered as Redis
// does (+OK to AUTH, SELECT and CLIENT SETNAME; :7 to CLIENT ID), PING with +PONG, ROLE as a
// master, and anything else not at all (the client waits, as on a blocking pop).
class FakeRedisServer : public QObject {
    Q_OBJECT
public:
    // What to do with one command.
    struct Answer {
        QByteArray bytes;    // written as is (may be a partial reply, or not RESP at all)
        bool close = false;  // then close the connection (after flushing bytes)
        bool silent = false; // send nothing, keep the connection (a stall)
    };
    static Answer reply(const QByteArray& bytes) { return Answer{bytes, false, false}; }
    static Answer replyAndClose(const QByteArray& bytes) { return Answer{bytes, true, false}; }
    static Answer stall() { return Answer{{}, false, true}; }

    explicit FakeRedisServer(QObject* parent = nullptr);
    ~FakeRedisServer() override;

    bool listen();
    quint16 port() const;
    // redis://127.0.0.1:<port>, with a short connect timeout unless told otherwise.
    ConnectionSettings settings(int connectTimeoutMs = 3000) const;

    // name: the command ("AUTH", "BRPOP") or a command and subcommand ("CLIENT SETNAME"),
    // case-insensitive. Replaces the default answer.
    void setAnswer(const QByteArray& name, const Answer& answer);
    // Consulted before the table; returning false leaves the command to the table.
    using Handler = std::function<bool(const QList<QByteArray>& argv, Answer* answer)>;
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Bytes written to every new connection before it sends anything (an HTTP or SSH banner).
    void setGreeting(const QByteArray& bytes) { m_greeting = bytes; }

    // Unasked bytes to every connected client (pushes); closes every connection.
    void sendToAll(const QByteArray& bytes);
    void closeAll();

    int connectionCount() const { return m_totalConnections; }
    int openConnections() const { return int(m_clients.size()); }
    // Every command received so far, in order, from all connections.
    QList<QList<QByteArray>> received;
    // Names (as in setAnswer) of the commands received.
    QList<QByteArray> receivedNames() const;

private:
    struct Client {
        QTcpSocket* socket = nullptr;
        std::unique_ptr<RespReader> reader;
    };
    void onNewConnection();
    void onData(QTcpSocket* socket);
    void answer(QTcpSocket* socket, const QList<QByteArray>& argv);
    static QByteArray nameOf(const QList<QByteArray>& argv);

    QTcpServer m_server;
    QHash<QByteArray, Answer> m_answers;
    Handler m_handler;
    QByteArray m_greeting;
    QHash<QTcpSocket*, std::shared_ptr<Client>> m_clients;
    int m_totalConnections = 0;
};

// The resident set size of this process (VmRSS from /proc/self/status), in bytes; -1 if unknown.
qint64 residentBytes();

} // namespace rqc::test
