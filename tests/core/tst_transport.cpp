// Integration tests for RedisConnection over TCP, Unix sockets and TLS, the handshake (AUTH with
// a password or an ACL user, SELECT, CLIENT SETNAME) and how errors reach the user — against real
// redis-servers started here. A few cases use a fake server on loopback to control the bytes.
#include "Consumer.h"
#include "RedisConnection.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace rqc;

namespace {

// Opens a connection and waits for ready() or failed().
struct Opened {
    std::unique_ptr<RedisConnection> conn;
    bool ready = false;
    QString error;
};

Opened openAndWait(const ConnectionSettings& s, const QString& role = QStringLiteral("test"),
                   const QString& name = QString(), int timeoutMs = 15000)
{
    Opened o;
    o.conn = std::make_unique<RedisConnection>(s, role, name);
    QSignalSpy ready(o.conn.get(), &RedisConnection::ready);
    QSignalSpy failed(o.conn.get(), &RedisConnection::failed);
    o.conn->open();
    test::waitUntil([&] { return !ready.isEmpty() || !failed.isEmpty(); }, timeoutMs);
    o.ready = !ready.isEmpty();
    if (!failed.isEmpty())
        o.error = failed.first().at(0).toString();
    return o;
}

// Sends one command and waits for its reply.
RedisReply roundTrip(RedisConnection* c, const QList<QByteArray>& argv, int timeoutMs = 10000)
{
    RedisReply out = RedisReply::error("ERR no reply in time");
    bool done = false;
    c->send(argv, [&](const RedisReply& r) {
        out = r;
        done = true;
    });
    test::waitUntil([&] { return done; }, timeoutMs);
    return out;
}

// A loopback TCP server that answers whatever the test tells it to, to control the bytes.
class FakeServer : public QObject {
public:
    std::function<void(QTcpSocket*, const QByteArray&)> onData;
    QTcpSocket* client = nullptr;
    QByteArray received;

    bool listen()
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0))
            return false;
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            client = m_server.nextPendingConnection();
            connect(client, &QTcpSocket::readyRead, this, [this] {
                const QByteArray data = client->readAll();
                received += data;
                if (onData)
                    onData(client, data);
            });
        });
        return true;
    }
    ConnectionSettings settings() const
    {
        ConnectionSettings s;
        s.port = m_server.serverPort();
        return s;
    }

private:
    QTcpServer m_server;
};

// The canned handshake answer: CLIENT SETNAME → OK, CLIENT ID → 7.
const QByteArray kHandshakeReply = "+OK\r\n:7\r\n";

} // namespace

class TestTransport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        Consumer::registerMetaTypes();
        RQ_START_SERVER(m_tcp);
    }

    void tcp()
    {
        Opened o = openAndWait(m_tcp.settings(), QStringLiteral("list"), QStringLiteral("queue 1"));
        QVERIFY2(o.ready, qPrintable(o.error));
        QVERIFY(o.conn->isReady());
        QVERIFY(o.conn->clientId() > 0);
        QVERIFY(roundTrip(o.conn.get(), {"PING"}).isStatus("PONG"));
        QCOMPARE(roundTrip(o.conn.get(), {"CLIENT", "ID"}).integer, o.conn->clientId());
        // CLIENT SETNAME: rqconsole:<role>:<name>, spaces made safe.
        const RedisReply name = roundTrip(o.conn.get(), {"CLIENT", "GETNAME"});
        QCOMPARE(name.str, QByteArray("rqconsole:list:queue_1"));
        const RedisReply list = roundTrip(o.conn.get(), {"CLIENT", "LIST"});
        QVERIFY2(list.str.contains("name=rqconsole:list:queue_1 "), list.str.constData());
        QVERIFY(list.str.contains("id=" + QByteArray::number(o.conn->clientId()) + ' '));
    }

    void clientNameWithoutName()
    {
        Opened o = openAndWait(m_tcp.settings(), QStringLiteral("admin"));
        QVERIFY2(o.ready, qPrintable(o.error));
        QCOMPARE(roundTrip(o.conn.get(), {"CLIENT", "GETNAME"}).str, QByteArray("rqconsole:admin"));
    }

    void pipelineAndLargeValues()
    {
        Opened o = openAndWait(m_tcp.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QByteArray big(4 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char(i % 251);
        QVERIFY(roundTrip(o.conn.get(), {"SET", "big", big}).isStatus("OK"));
        QCOMPARE(roundTrip(o.conn.get(), {"GET", "big"}).str, big);

        QByteArray encoded;
        const int n = 5000;
        for (int i = 0; i < n; ++i)
            appendCommand(encoded, {"ECHO", QByteArray::number(i)});
        QList<RedisReply> replies;
        o.conn->sendEncoded(encoded, n, [&](QList<RedisReply>& r) { replies = std::move(r); });
        QCOMPARE(o.conn->pendingReplies(), n);
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), n, 20000);
        for (int i = 0; i < n; ++i)
            QCOMPARE(replies[i].str, QByteArray::number(i));
        QCOMPARE(o.conn->pendingReplies(), 0);
    }

    void unixSocket()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.unixSocket = true;
        RQ_START_SERVER_WITH(server, opts);
        QCOMPARE(server.settings().transport, ConnectionSettings::Transport::Unix);
        // Reached through a unix:// URL, as a user would type it.
        ConnectionSettings s;
        QString error;
        QVERIFY2(
            ConnectionSettings::parse(QStringLiteral("unix://") + server.socketPath(), &s, &error),
            qPrintable(error));
        Opened o = openAndWait(s);
        QVERIFY2(o.ready, qPrintable(o.error));
        QVERIFY(roundTrip(o.conn.get(), {"SET", "k", QByteArray("v\0v", 3)}).isStatus("OK"));
        QCOMPARE(roundTrip(o.conn.get(), {"GET", "k"}).str, QByteArray("v\0v", 3));
        const RedisReply info = roundTrip(o.conn.get(), {"CONFIG", "GET", "port"});
        QCOMPARE(info.elements.value(1).str, QByteArray("0")); // no TCP at all

        // A consumer works over it too.
        Consumer consumer(s, test::makeSpec(Mode::List, "uq"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        roundTrip(o.conn.get(), {"LPUSH", "uq", "over-unix"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
        QCOMPARE(rec.messages[0].payload, QByteArray("over-unix"));
    }

    void unixSocketMissing()
    {
        ConnectionSettings s;
        s.transport = ConnectionSettings::Transport::Unix;
        s.socketPath = QStringLiteral("/nonexistent-rqconsole-dir/redis.sock");
        QElapsedTimer t;
        t.start();
        Opened o = openAndWait(s);
        QVERIFY(!o.ready);
        QVERIFY2(o.error.contains(s.socketPath), qPrintable(o.error));
        QVERIFY2(t.elapsed() < rqc::test::scaled(2500), qPrintable(QString::number(t.elapsed())));
    }

    void tls()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.tls = true;
        RQ_START_SERVER_WITH(server, opts);
        const ConnectionSettings s = server.settings();
        QCOMPARE(s.transport, ConnectionSettings::Transport::Tls);
        QVERIFY(!s.caCertFile.isEmpty());
        Opened o = openAndWait(s, QStringLiteral("tls"));
        QVERIFY2(o.ready, qPrintable(o.error));
        QVERIFY(roundTrip(o.conn.get(), {"PING"}).isStatus("PONG"));
        QByteArray big(1024 * 1024 + 17, '\0');
        big[5] = '\n';
        QVERIFY(roundTrip(o.conn.get(), {"SET", "big", big}).isStatus("OK"));
        QCOMPARE(roundTrip(o.conn.get(), {"GET", "big"}).str, big);

        // A client that does not trust the certificate gets a clear TLS error, not a hang.
        ConnectionSettings untrusted = s;
        untrusted.caCertFile.clear();
        QElapsedTimer t;
        t.start();
        Opened bad = openAndWait(untrusted);
        QVERIFY(!bad.ready);
        QVERIFY2(bad.error.contains(QStringLiteral("TLS")), qPrintable(bad.error));
        QVERIFY2(bad.error.contains(QStringLiteral("self signed"), Qt::CaseInsensitive) ||
                     bad.error.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive) ||
                     bad.error.contains(QStringLiteral("untrusted"), Qt::CaseInsensitive),
                 qPrintable(bad.error));
        QVERIFY2(t.elapsed() < rqc::test::scaled(10000), qPrintable(QString::number(t.elapsed())));

        // ?insecure=1 skips verification.
        ConnectionSettings insecure = untrusted;
        insecure.tlsInsecure = true;
        Opened ok = openAndWait(insecure);
        QVERIFY2(ok.ready, qPrintable(ok.error));

        // Plain TCP against a TLS port fails instead of hanging.
        ConnectionSettings plain = s;
        plain.transport = ConnectionSettings::Transport::Tcp;
        plain.connectTimeoutMs = 2000;
        Opened p = openAndWait(plain);
        QVERIFY(!p.ready);
        QVERIFY(!p.error.isEmpty());

        // A consumer over TLS, and its stop is still prompt.
        Consumer consumer(s, test::makeSpec(Mode::List, "tq"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        roundTrip(o.conn.get(), {"LPUSH", "tq", "over-tls"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
        QVERIFY(test::waitUntil([&] {
            return roundTrip(o.conn.get(), {"CLIENT", "LIST"}).str.contains("cmd=brpop");
        }));
        QElapsedTimer st;
        st.start();
        QVERIFY(consumer.stopAndWait(5000));
        QVERIFY2(st.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(st.elapsed())));
        QCOMPARE(roundTrip(o.conn.get(), {"LPUSH", "tq", "kept"}).integer, 1);
    }

    void requirepass()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.password = "hunter2 with space";
        RQ_START_SERVER_WITH(server, opts);

        Opened right = openAndWait(server.settings());
        QVERIFY2(right.ready, qPrintable(right.error));
        QVERIFY(roundTrip(right.conn.get(), {"PING"}).isStatus("PONG"));

        ConnectionSettings wrong = server.settings();
        wrong.password = "nope";
        Opened w = openAndWait(wrong);
        QVERIFY(!w.ready);
        QVERIFY2(w.error.startsWith(QStringLiteral("WRONGPASS")), qPrintable(w.error));
        QCOMPARE(w.conn->lastError(), w.error);
        QVERIFY(!w.conn->isOpen());

        ConnectionSettings none = server.settings();
        none.password.clear();
        Opened n = openAndWait(none);
        QVERIFY(!n.ready);
        QVERIFY2(n.error.startsWith(QStringLiteral("NOAUTH")), qPrintable(n.error));

        // A consumer with the wrong password reports Redis's text and gives up: retrying will
        // not make the password right.
        Consumer consumer(wrong, test::makeSpec(Mode::List, "q"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Failed));
        QVERIFY(!rec.errors.isEmpty());
        QVERIFY2(rec.errors.first().startsWith(QStringLiteral("WRONGPASS")),
                 qPrintable(rec.errors.first()));
        QTest::qWait(400);
        QCOMPARE(rec.errors.size(), 1); // no retry loop
        QVERIFY(consumer.stopAndWait(3000));
    }

    void aclUser()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.extraArgs = QStringList{
            QStringLiteral("--user"), QStringLiteral("alice on >secret ~allowed:* &* +@all"),
            QStringLiteral("--user"), QStringLiteral("bob on >pw ~* -@all +ping +client"),
            QStringLiteral("--user"), QStringLiteral("carol on >pw ~* -@all +brpop +rpop +lpush")};
        RQ_START_SERVER_WITH(server, opts);

        ConnectionSettings alice = server.settings();
        QString error;
        QVERIFY2(ConnectionSettings::parse(
                     QStringLiteral("redis://alice:secret@127.0.0.1:%1").arg(server.port()), &alice,
                     &error),
                 qPrintable(error));
        Opened a = openAndWait(alice);
        QVERIFY2(a.ready, qPrintable(a.error));
        QCOMPARE(roundTrip(a.conn.get(), {"ACL", "WHOAMI"}).str, QByteArray("alice"));
        QVERIFY(roundTrip(a.conn.get(), {"LPUSH", "allowed:q", "x"}).isInteger());
        const RedisReply denied = roundTrip(a.conn.get(), {"LPUSH", "other", "x"});
        QVERIFY(denied.isError());
        QVERIFY2(denied.str.startsWith("NOPERM"), denied.str.constData());

        // Alice's consumer on her key works.
        {
            Consumer consumer(alice, test::makeSpec(Mode::List, "allowed:q"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
            QCOMPARE(rec.messages[0].payload, QByteArray("x"));
            QVERIFY(consumer.stopAndWait(3000));
        }

        // Wrong password for an ACL user.
        ConnectionSettings aliceWrong = alice;
        aliceWrong.password = "guess";
        Opened aw = openAndWait(aliceWrong);
        QVERIFY(!aw.ready);
        QVERIFY2(aw.error.startsWith(QStringLiteral("WRONGPASS")), qPrintable(aw.error));

        // Bob may ping and use CLIENT, nothing else: BRPOP and SUBSCRIBE are refused with NOPERM.
        ConnectionSettings bob = server.settings();
        bob.user = "bob";
        bob.password = "pw";
        Opened b = openAndWait(bob);
        QVERIFY2(b.ready, qPrintable(b.error));
        QCOMPARE(roundTrip(b.conn.get(), {"ACL", "WHOAMI"}).str.left(6), QByteArray("NOPERM"));

        // Carol may pop but not use CLIENT: she can still consume (the handshake tolerates
        // NOPERM on CLIENT SETNAME/ID); only her stop has to wait for the deadline.
        {
            ConnectionSettings carol = server.settings();
            carol.user = "carol";
            carol.password = "pw";
            Opened cc = openAndWait(carol);
            QVERIFY2(cc.ready, qPrintable(cc.error));
            QCOMPARE(cc.conn->clientId(), 0);
            Consumer consumer(carol, test::makeSpec(Mode::List, "cq"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QVERIFY(rec.waitForState(ConsumerState::Listening));
            QCOMPARE(roundTrip(cc.conn.get(), {"LPUSH", "cq", "for-carol"}).integer, 1);
            QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
            QVERIFY(rec.errors.isEmpty());
            QVERIFY(consumer.stopAndWait(5000));
            QTRY_COMPARE(rec.stoppedCount, 1);
        }

        const QList<Mode> modes{Mode::List, Mode::PubSub, Mode::Pattern};
        for (Mode mode : modes) {
            Consumer consumer(bob, test::makeSpec(mode, "q"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QVERIFY2(rec.waitForState(ConsumerState::Failed),
                     qPrintable(ConsumerSpec::modeName(mode)));
            QVERIFY(!rec.errors.isEmpty());
            QVERIFY2(rec.errors.first().startsWith(QStringLiteral("NOPERM")),
                     qPrintable(rec.errors.first()));
            QVERIFY(consumer.stopAndWait(3000));
            QVERIFY(rec.messages.isEmpty());
        }
    }

    void selectDbFromUrl()
    {
        ConnectionSettings db3;
        QString error;
        QVERIFY2(ConnectionSettings::parse(
                     QStringLiteral("redis://127.0.0.1:%1/3").arg(m_tcp.port()), &db3, &error),
                 qPrintable(error));
        QCOMPARE(db3.db, 3);
        Opened in3 = openAndWait(db3);
        QVERIFY2(in3.ready, qPrintable(in3.error));
        Opened in0 = openAndWait(m_tcp.settings());
        QVERIFY2(in0.ready, qPrintable(in0.error));
        QVERIFY(roundTrip(in3.conn.get(), {"SET", "only-in-3", "yes"}).isStatus("OK"));
        QCOMPARE(roundTrip(in3.conn.get(), {"GET", "only-in-3"}).str, QByteArray("yes"));
        QVERIFY(roundTrip(in0.conn.get(), {"GET", "only-in-3"}).isNil());
        const RedisReply list = roundTrip(in0.conn.get(), {"CLIENT", "LIST"});
        QVERIFY(list.str.contains("id=" + QByteArray::number(in3.conn->clientId()) + ' '));
        QVERIFY(list.str.contains(" db=3 "));

        // A list consumer on db 3 takes db 3's message only.
        Consumer consumer(db3, test::makeSpec(Mode::List, "dbq"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        roundTrip(in0.conn.get(), {"LPUSH", "dbq", "from-0"});
        roundTrip(in3.conn.get(), {"LPUSH", "dbq", "from-3"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
        QCOMPARE(rec.messages[0].payload, QByteArray("from-3"));
        QVERIFY(consumer.stopAndWait(3000));
        QCOMPARE(roundTrip(in0.conn.get(), {"LLEN", "dbq"}).integer, 1);

        // A database that does not exist is refused with Redis's text.
        ConnectionSettings db99 = m_tcp.settings();
        db99.db = 99;
        Opened bad = openAndWait(db99);
        QVERIFY(!bad.ready);
        QVERIFY2(bad.error.contains(QStringLiteral("DB index is out of range")),
                 qPrintable(bad.error));
    }

    void connectionRefused()
    {
        ConnectionSettings s;
        s.port = SandboxServer::freeLoopbackPort(); // nothing listens there
        QVERIFY(s.port != 0);
        QElapsedTimer t;
        t.start();
        Opened o = openAndWait(s);
        QVERIFY(!o.ready);
        QVERIFY2(o.error.contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(o.error));
        QVERIFY2(o.error.contains(QString::number(s.port)), qPrintable(o.error));
        QVERIFY2(t.elapsed() < rqc::test::scaled(2500), qPrintable(QString::number(t.elapsed())));

        // A consumer says the same and keeps retrying (the server may come up).
        Consumer consumer(s, test::makeSpec(Mode::List, "q"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY_WITH_TIMEOUT(rec.errors.size() >= 2, 10000);
        QVERIFY2(rec.errors.first().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(rec.errors.first()));
        QVERIFY(rec.sawState(ConsumerState::Reconnecting));
        QVERIFY(!rec.sawState(ConsumerState::Failed));
        QElapsedTimer st;
        st.start();
        QVERIFY(consumer.stopAndWait(3000));
        QVERIFY2(st.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(st.elapsed())));
    }

    void connectTimeout()
    {
        // A server that accepts and never answers the handshake.
        FakeServer fake;
        QVERIFY(fake.listen());
        ConnectionSettings s = fake.settings();
        s.connectTimeoutMs = 300;
        Opened o = openAndWait(s);
        QVERIFY(!o.ready);
        QVERIFY2(o.error.contains(QStringLiteral("Timed out")), qPrintable(o.error));
        QVERIFY(!fake.received.isEmpty()); // the handshake was sent
    }

    void replyOnTheWireIsDeliveredBeforeClose()
    {
        // The server answers and closes at once: the reply is delivered, then disconnected().
        FakeServer fake;
        QVERIFY(fake.listen());
        int stage = 0;
        fake.onData = [&](QTcpSocket* sock, const QByteArray&) {
            if (stage++ == 0) {
                sock->write(kHandshakeReply);
            } else {
                sock->write("$5\r\nlast!\r\n");
                sock->flush();
                sock->disconnectFromHost();
            }
        };
        Opened o = openAndWait(fake.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QCOMPARE(o.conn->clientId(), 7);
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        QSignalSpy failed(o.conn.get(), &RedisConnection::failed);
        QList<int> order;
        RedisReply got;
        o.conn->send({"GET", "x"}, [&](const RedisReply& r) {
            got = r;
            order << 1;
        });
        connect(o.conn.get(), &RedisConnection::disconnected, this, [&] { order << 2; });
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 10000);
        QCOMPARE(got.str, QByteArray("last!"));
        QCOMPARE(order, (QList<int>{1, 2}));
        QVERIFY(failed.isEmpty());
        QVERIFY(!o.conn->isOpen());
    }

    void protocolErrorFailsTheConnection()
    {
        FakeServer fake;
        QVERIFY(fake.listen());
        int stage = 0;
        fake.onData = [&](QTcpSocket* sock, const QByteArray&) {
            sock->write(stage++ == 0 ? kHandshakeReply : QByteArray("+fine\r\n!garbage\r\n"));
        };
        Opened o = openAndWait(fake.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        RedisReply first;
        bool secondCalled = false;
        o.conn->send({"A"}, [&](const RedisReply& r) { first = r; });
        o.conn->send({"B"}, [&](const RedisReply&) { secondCalled = true; });
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 10000);
        QVERIFY(first.isStatus("fine"));
        QVERIFY(!secondCalled);
        QVERIFY2(down.first().at(0).toString().contains(QStringLiteral("Protocol error")),
                 qPrintable(down.first().at(0).toString()));
    }

    void callbackClosesConnection()
    {
        Opened o = openAndWait(m_tcp.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        int calls = 0;
        // Three pipelined commands; the first callback closes: the others are never called.
        o.conn->send({"PING"}, [&](const RedisReply&) {
            ++calls;
            o.conn->close();
        });
        o.conn->send({"PING"}, [&](const RedisReply&) { ++calls; });
        o.conn->send({"PING"}, [&](const RedisReply&) { ++calls; });
        QTRY_VERIFY_WITH_TIMEOUT(!o.conn->isOpen() && calls >= 1, 10000);
        QTest::qWait(100);
        QCOMPARE(calls, 1);
        QVERIFY(down.isEmpty()); // close() is not a disconnect
        // It can be opened again and works.
        QSignalSpy ready(o.conn.get(), &RedisConnection::ready);
        o.conn->open();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QVERIFY(roundTrip(o.conn.get(), {"PING"}).isStatus("PONG"));
    }

    void callbackReopensConnection()
    {
        // A callback that closes and reopens at once: the rest of the old connection's bytes
        // must not leak into the new one, and the new one must come up normally.
        Opened o = openAndWait(m_tcp.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy ready(o.conn.get(), &RedisConnection::ready);
        QSignalSpy failed(o.conn.get(), &RedisConnection::failed);
        int stale = 0;
        o.conn->send({"PING"}, [&](const RedisReply&) { o.conn->open(); });
        o.conn->send({"ECHO", "stale"}, [&](const RedisReply&) { ++stale; });
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
        QVERIFY(failed.isEmpty());
        QCOMPARE(roundTrip(o.conn.get(), {"ECHO", "fresh"}).str, QByteArray("fresh"));
        QCOMPARE(stale, 0);
    }

    void callbackDeletesConnection()
    {
        Opened o = openAndWait(m_tcp.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        RedisConnection* raw = o.conn.release();
        QPointer<RedisConnection> guard(raw);
        int calls = 0;
        raw->send({"PING"}, [&](const RedisReply&) {
            ++calls;
            delete raw;
        });
        raw->send({"PING"}, [&](const RedisReply&) { ++calls; });
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        QTest::qWait(50);
        QCOMPARE(calls, 1);
    }

    void signalHandlersDeleteConnection()
    {
        // failed() handler deletes the connection (refused: emitted from the socket's error).
        {
            ConnectionSettings s;
            s.port = SandboxServer::freeLoopbackPort();
            auto* c = new RedisConnection(s, QStringLiteral("test"));
            QPointer<RedisConnection> guard(c);
            connect(c, &RedisConnection::failed, this, [c] { delete c; });
            c->open();
            QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        }
        // ready() handler deletes it (emitted from inside reply processing).
        {
            auto* c = new RedisConnection(m_tcp.settings(), QStringLiteral("test"));
            QPointer<RedisConnection> guard(c);
            connect(c, &RedisConnection::ready, this, [c] { delete c; });
            c->open();
            QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        }
        // disconnected() handler deletes it (the server kills the client).
        {
            auto* c = new RedisConnection(m_tcp.settings(), QStringLiteral("test"));
            QPointer<RedisConnection> guard(c);
            QSignalSpy ready(c, &RedisConnection::ready);
            connect(c, &RedisConnection::disconnected, this, [c] { delete c; });
            c->open();
            QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 10000);
            test::SyncClient admin(m_tcp.settings());
            admin.command({"CLIENT", "KILL", "ID", QByteArray::number(c->clientId())});
            QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        }
        // connect timeout handler deletes it.
        {
            FakeServer fake;
            QVERIFY(fake.listen());
            ConnectionSettings s = fake.settings();
            s.connectTimeoutMs = 100;
            auto* c = new RedisConnection(s, QStringLiteral("test"));
            QPointer<RedisConnection> guard(c);
            connect(c, &RedisConnection::failed, this, [c] { delete c; });
            c->open();
            QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        }
        QTest::qWait(50); // let deferred deletes run
    }

    void sendWhenClosedIsIgnored()
    {
        RedisConnection c(m_tcp.settings(), QStringLiteral("test"));
        bool called = false;
        c.send({"PING"}, [&](const RedisReply&) { called = true; });
        c.sendNoReply({"SUBSCRIBE", "x"});
        c.sendEncoded(encodeCommand({"PING"}), 1, [&](QList<RedisReply>&) { called = true; });
        QCOMPARE(c.pendingReplies(), 0);
        c.close();
        c.close();
        QTest::qWait(20);
        QVERIFY(!called);
        QVERIFY(!c.isOpen());
    }

    void serverKillsClient()
    {
        Opened o = openAndWait(m_tcp.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        QSignalSpy failed(o.conn.get(), &RedisConnection::failed);
        bool called = false;
        o.conn->send({"BLPOP", "never", "0"}, [&](const RedisReply&) { called = true; });
        test::SyncClient admin(m_tcp.settings());
        QTRY_VERIFY_WITH_TIMEOUT(admin.command({"CLIENT", "LIST"}).str.contains("cmd=blpop"),
                                 10000);
        admin.command({"CLIENT", "KILL", "ID", QByteArray::number(o.conn->clientId())});
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 10000);
        QVERIFY(failed.isEmpty());
        QVERIFY(!called); // a reply that never came is not invented
        QVERIFY(!down.first().at(0).toString().isEmpty());
        QVERIFY(!o.conn->isOpen());
    }

private:
    SandboxServer m_tcp;
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
