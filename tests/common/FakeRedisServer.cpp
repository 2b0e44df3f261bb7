#include "FakeRedisServer.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>

namespace rqc::test {

FakeRedisServer::FakeRedisServer(QObject* parent)
    : QObject(parent)
    , m_server(this)
{
    m_answers.insert("AUTH", reply("+OK\r\n"));
    m_answers.insert("SELECT", reply("+OK\r\n"));
    m_answers.insert("CLIENT SETNAME", reply("+OK\r\n"));
    m_answers.insert("CLIENT ID", reply(":7\r\n"));
    m_answers.insert("PING", reply("+PONG\r\n"));
    // Consumers ask ROLE before taking anything (never from a replica): a master.
    m_answers.insert("ROLE", reply("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n"));
    // Consumers given no cluster=1 ask INFO cluster once: a standalone server.
    m_answers.insert("INFO", reply("$28\r\n# Cluster\r\ncluster_enabled:0\r\n"));
    connect(&m_server, &QTcpServer::newConnection, this, &FakeRedisServer::onNewConnection);
}

FakeRedisServer::~FakeRedisServer() { closeAll(); }

bool FakeRedisServer::listen() { return m_server.listen(QHostAddress::LocalHost, 0); }

quint16 FakeRedisServer::port() const { return m_server.serverPort(); }

ConnectionSettings FakeRedisServer::settings(int connectTimeoutMs) const
{
    ConnectionSettings s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = port();
    s.connectTimeoutMs = connectTimeoutMs;
    return s;
}

void FakeRedisServer::setAnswer(const QByteArray& name, const Answer& answer)
{
    m_answers.insert(name.toUpper(), answer);
}

QByteArray FakeRedisServer::nameOf(const QList<QByteArray>& argv)
{
    if (argv.isEmpty())
        return {};
    QByteArray name = argv[0].toUpper();
    if ((name == "CLIENT" || name == "CONFIG" || name == "XINFO") && argv.size() > 1)
        name += ' ' + argv[1].toUpper();
    return name;
}

QList<QByteArray> FakeRedisServer::receivedNames() const
{
    QList<QByteArray> names;
    for (const auto& argv : received)
        names << nameOf(argv);
    return names;
}

void FakeRedisServer::onNewConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        ++m_totalConnections;
        auto client = std::make_shared<Client>();
        client->socket = socket;
        client->reader = std::make_unique<RespReader>();
        m_clients.insert(socket, client);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_clients.remove(socket);
            socket->deleteLater();
        });
        if (!m_greeting.isEmpty())
            socket->write(m_greeting);
    }
}

void FakeRedisServer::onData(QTcpSocket* socket)
{
    const auto client = m_clients.value(socket);
    if (!client)
        return;
    client->reader->feed(socket->readAll());
    RedisReply cmd;
    while (m_clients.contains(socket) && client->reader->next(cmd) == RespReader::Status::Reply) {
        QList<QByteArray> argv;
        for (const RedisReply& a : cmd.elements)
            argv << a.str;
        received << argv;
        answer(socket, argv);
    }
}

void FakeRedisServer::answer(QTcpSocket* socket, const QList<QByteArray>& argv)
{
    Answer a;
    if (!(m_handler && m_handler(argv, &a)))
        a = m_answers.value(nameOf(argv), stall());
    if (a.silent)
        return;
    if (!a.bytes.isEmpty())
        socket->write(a.bytes);
    if (a.close) {
        socket->flush();
        m_clients.remove(socket);
        socket->disconnect(this);
        socket->disconnectFromHost();
        socket->deleteLater();
    }
}

void FakeRedisServer::sendToAll(const QByteArray& bytes)
{
    for (const auto& c : std::as_const(m_clients))
        c->socket->write(bytes);
}

void FakeRedisServer::closeAll()
{
    const auto clients = m_clients;
    m_clients.clear();
    for (const auto& c : clients) {
        c->socket->disconnect(this);
        c->socket->abort();
        c->socket->deleteLater();
    }
}

qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            const QByteArray kb = line.mid(6).trimmed().split(' ').value(0);
            return kb.toLongLong() * 1024;
        }
    }
    return -1;
}

} // namespace rqc::test
