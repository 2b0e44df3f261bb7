// Hostile servers: a scripted fake server (FakeRedisServer) answers with huge announced sizes,
// negative and garbage lengths, deep nesting, truncated replies, wrong reply types at each
// handshake step, HTTP/SSH/TLS bytes and unasked pushes. The console must survive, keep its
// memory bounded, and say plainly what happened.
#include "Consumer.h"
#include "FakeRedisServer.h"
#include "RedisConnection.h"
#include "ServerProbe.h"
#include "TestSupport.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;
using test::FakeRedisServer;

namespace {

constexpr int kTimeoutMs = 10000;
// Generous: the point is "not gigabytes", not a tight figure.
constexpr qint64 kMaxGrowth = 200LL * 1024 * 1024;

struct Opened {
    std::unique_ptr<RedisConnection> conn;
    bool ready = false;
    QString error;
};

Opened openAndWait(const ConnectionSettings& s)
{
    Opened o;
    o.conn = std::make_unique<RedisConnection>(s, QStringLiteral("hostile"));
    QSignalSpy ready(o.conn.get(), &RedisConnection::ready);
    QSignalSpy failed(o.conn.get(), &RedisConnection::failed);
    o.conn->open();
    test::waitUntil([&] { return !ready.isEmpty() || !failed.isEmpty(); }, kTimeoutMs);
    o.ready = !ready.isEmpty();
    if (!failed.isEmpty())
        o.error = failed.first().at(0).toString();
    return o;
}

QString num(qint64 n) { return QLocale().toString(n); }

QByteArray bigBulkWithData()
{
    // Announces 2 000 000 000 bytes and sends 8 MiB of them.
    return "$2000000000\r\n" + QByteArray(8 * 1024 * 1024, 'x');
}

// Rows shared by the connection and the consumer tests: bytes answering a command, and what the
// error must say.
void hostileRows()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("array of 1e9")
        << QByteArray("*1000000000\r\n")
        << QStringLiteral("announced an array of %1 elements").arg(num(1000000000));
    QTest::newRow("array of 2e7")
        << QByteArray("*20000000\r\n")
        << QStringLiteral("announced an array of %1 elements").arg(num(20000000));
    QTest::newRow("array of 5e9 (beyond int)")
        << QByteArray("*5000000000\r\n")
        << QStringLiteral("announced an array of %1 elements").arg(num(5000000000LL));
    QTest::newRow("bulk of 2e9 with data")
        << bigBulkWithData()
        << QStringLiteral("announced a %1-byte value, above the 512 MB limit").arg(num(2000000000));
    QTest::newRow("negative bulk") << QByteArray("$-5\r\n") << QStringLiteral("negative length");
    QTest::newRow("negative array") << QByteArray("*-2\r\n") << QStringLiteral("negative length");
    QTest::newRow("garbage length")
        << QByteArray("$12a\r\nxx\r\n") << QStringLiteral("where a number was expected");
    QTest::newRow("overflowing length")
        << QByteArray("*99999999999999999999\r\n") << QStringLiteral("where a number was expected");
    QTest::newRow("deep nesting") << QByteArray("*1\r\n").repeated(100000)
                                  << QStringLiteral("nested arrays more than");
    QTest::newRow("unknown type") << QByteArray("%2\r\n") << QStringLiteral("Protocol error");
}

} // namespace

class TestHostile : public QObject {
    Q_OBJECT
private slots:
    void hostileReplyFailsTheConnection_data() { hostileRows(); }
    void hostileReplyFailsTheConnection()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("GET", FakeRedisServer::reply(bytes));
        Opened o = openAndWait(fake.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        const qint64 before = test::residentBytes();
        bool called = false;
        o.conn->send({"GET", "k"}, [&](const RedisReply&) { called = true; });
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, kTimeoutMs);
        const QString error = down.first().at(0).toString();
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("Protocol error: Protocol error")),
                 qPrintable(error));
        QVERIFY(!called);
        QVERIFY(!o.conn->isOpen());
        const qint64 after = test::residentBytes();
        qInfo("VmRSS %lld kB before, %lld kB after", before / 1024, after / 1024);
        QVERIFY2(after - before < kMaxGrowth, qPrintable(QString::number(after - before)));
    }

    void limitIsConfigurable()
    {
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("GET", FakeRedisServer::reply("$2000000\r\n"));
        fake.setAnswer("SMALL",
                       FakeRedisServer::reply("$1000\r\n" + QByteArray(1000, 'a') + "\r\n"));
        ConnectionSettings s = fake.settings();
        s.maxReplyBytes = 1024 * 1024;
        Opened o = openAndWait(s);
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        RedisReply small;
        o.conn->send({"SMALL"}, [&](const RedisReply& r) { small = r; });
        o.conn->send({"GET", "k"});
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, kTimeoutMs);
        QCOMPARE(small.str.size(), 1000);
        const QString error = down.first().at(0).toString();
        QVERIFY2(error.contains(QStringLiteral("announced a %1-byte value, above the 1 MB limit")
                                    .arg(num(2000000))),
                 qPrintable(error));
    }

    void hostileReplyInTheHandshake_data() { hostileRows(); }
    void hostileReplyInTheHandshake()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        if (QByteArray(QTest::currentDataTag()) == "unknown type") // the first byte of all
            expected = QStringLiteral("does not speak the Redis protocol");
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("CLIENT SETNAME", FakeRedisServer::reply(bytes));
        const qint64 before = test::residentBytes();
        Opened o = openAndWait(fake.settings());
        QVERIFY(!o.ready);
        QVERIFY2(o.error.contains(expected), qPrintable(o.error));
        QVERIFY(!o.conn->refusedByServer());
        const qint64 after = test::residentBytes();
        qInfo("VmRSS %lld kB before, %lld kB after", before / 1024, after / 1024);
        QVERIFY2(after - before < kMaxGrowth, qPrintable(QString::number(after - before)));
    }

    void wrongTypeAtEachHandshakeStep_data()
    {
        QTest::addColumn<QByteArray>("step");
        QTest::addColumn<QByteArray>("bytes");
        const QList<QByteArray> steps{"AUTH", "SELECT", "CLIENT SETNAME", "CLIENT ID"};
        const QList<QPair<const char*, QByteArray>> wrong{{"integer", ":1\r\n"},
                                                          {"bulk", "$2\r\nOK\r\n"},
                                                          {"nil", "$-1\r\n"},
                                                          {"array", "*2\r\n+OK\r\n+OK\r\n"},
                                                          {"status", "+OK\r\n"}};
        for (const QByteArray& step : steps) {
            for (const auto& [name, bytes] : wrong) {
                const bool fine = (step == "CLIENT ID") == (bytes == ":1\r\n");
                if (fine)
                    continue; // the answer Redis gives
                QTest::addRow("%s %s", step.constData(), name) << step << bytes;
            }
        }
    }
    void wrongTypeAtEachHandshakeStep()
    {
        QFETCH(QByteArray, step);
        QFETCH(QByteArray, bytes);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer(step, FakeRedisServer::reply(bytes));
        ConnectionSettings s = fake.settings();
        s.password = "secret"; // AUTH and SELECT are sent too
        s.db = 3;
        Opened o = openAndWait(s);
        QVERIFY(!o.ready);
        QVERIFY2(
            o.error.contains(QStringLiteral("answered %1 with").arg(QString::fromLatin1(step))),
            qPrintable(o.error));
        QVERIFY2(o.error.contains(QStringLiteral("does not behave like Redis")),
                 qPrintable(o.error));
        QVERIFY(!o.error.contains(QStringLiteral("secret")));
        QCOMPARE(fake.receivedNames().mid(0, 4),
                 (QList<QByteArray>{"AUTH", "SELECT", "CLIENT SETNAME", "CLIENT ID"}));
    }

    void notRedis_data()
    {
        QTest::addColumn<QByteArray>("greeting");
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("expected");
        const QByteArray http = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n"
                                "Content-Length: 11\r\n\r\n<html></html>";
        QTest::newRow("http") << QByteArray() << http
                              << QStringLiteral("answered like an HTTP server, not Redis "
                                                "(it sent \"HTTP/1.1 400 Bad Request\")");
        QTest::newRow("html") << QByteArray() << QByteArray("<html><body>hi</body></html>\n")
                              << QStringLiteral("answered like an HTTP server, not Redis");
        QTest::newRow("ssh") << QByteArray("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n") << QByteArray()
                             << QStringLiteral("answered like an SSH server, not Redis");
        QTest::newRow("tls alert") << QByteArray() << QByteArray("\x15\x03\x01\x00\x02\x02\x46", 7)
                                   << QStringLiteral("answered with TLS");
        QTest::newRow("other") << QByteArray() << QByteArray("220 smtp.example ESMTP\r\n")
                               << QStringLiteral("does not speak the Redis protocol: its first "
                                                 "bytes were \"220 smtp.example ESMTP\"");
    }
    void notRedis()
    {
        QFETCH(QByteArray, greeting);
        QFETCH(QByteArray, answer);
        QFETCH(QString, expected);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setGreeting(greeting);
        if (!answer.isEmpty()) {
            fake.setHandler([answer](const QList<QByteArray>&, FakeRedisServer::Answer* a) {
                *a = FakeRedisServer::replyAndClose(answer);
                return true;
            });
        }
        Opened o = openAndWait(fake.settings());
        QVERIFY(!o.ready);
        QVERIFY2(o.error.contains(expected), qPrintable(o.error));
        QVERIFY2(!o.error.contains(QStringLiteral("Protocol error: Protocol error")),
                 qPrintable(o.error));
    }

    void truncatedReplyThenClose_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bulk") << QByteArray("$100\r\nabc")
                              << QStringLiteral("3 of a value of 100 bytes had arrived");
        QTest::newRow("array") << QByteArray("*3\r\n$1\r\na\r\n")
                               << QStringLiteral("11 bytes of a reply had arrived");
        QTest::newRow("header") << QByteArray("*3") << QStringLiteral("2 bytes of a reply");
    }
    void truncatedReplyThenClose()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("GET", FakeRedisServer::replyAndClose(bytes));
        Opened o = openAndWait(fake.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        bool called = false;
        o.conn->send({"GET", "k"}, [&](const RedisReply&) { called = true; });
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, kTimeoutMs);
        const QString error = down.first().at(0).toString();
        QVERIFY2(error.contains(QStringLiteral("closed the connection")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("in the middle of a reply")), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!called);
    }

    void timeoutSaysWhatWasAwaited_data()
    {
        QTest::addColumn<QByteArray>("step");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing") << QByteArray("CLIENT ID") << QByteArray()
                                 << QStringLiteral("to answer CLIENT ID (handshake step 2 of 2). "
                                                   "Nothing of the answer arrived.");
        QTest::newRow("half a status")
            << QByteArray("CLIENT SETNAME") << QByteArray("+O")
            << QStringLiteral("to answer CLIENT SETNAME (handshake step 1 of 2). Only part of the "
                              "answer arrived: 2 bytes of a reply had arrived.");
        QTest::newRow("half a bulk")
            << QByteArray("CLIENT SETNAME") << QByteArray("$5000\r\nabcdef")
            << QStringLiteral("6 of a value of %1 bytes had arrived").arg(num(5000));
    }
    void timeoutSaysWhatWasAwaited()
    {
        QFETCH(QByteArray, step);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer(step,
                       bytes.isEmpty() ? FakeRedisServer::stall() : FakeRedisServer::reply(bytes));
        fake.setAnswer("CLIENT ID", FakeRedisServer::stall()); // nothing after the partial answer
        Opened o = openAndWait(fake.settings(300));
        QVERIFY(!o.ready);
        QVERIFY2(o.error.startsWith(QStringLiteral("Timed out after 300 ms waiting for")),
                 qPrintable(o.error));
        QVERIFY2(o.error.contains(expected), qPrintable(o.error));
    }

    void unaskedPushesDoNotDerailReplies()
    {
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("GET", FakeRedisServer::reply("$3\r\nval\r\n"));
        Opened o = openAndWait(fake.settings());
        QVERIFY2(o.ready, qPrintable(o.error));
        QSignalSpy down(o.conn.get(), &RedisConnection::disconnected);
        // Nothing asked: the pushes go to the push handler, and the connection stays usable.
        int pushes = 0;
        o.conn->setPushHandler([&](RedisReply& r) { pushes += r.isArray() ? 1 : 1000; });
        QTRY_COMPARE(fake.openConnections(), 1);
        fake.sendToAll(QByteArray("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nx\r\n").repeated(1000));
        QTRY_COMPARE_WITH_TIMEOUT(pushes, 1000, kTimeoutMs);
        RedisReply got;
        o.conn->send({"PING"}, [&](const RedisReply&) {
            o.conn->send({"GET", "k"}, [&](const RedisReply& r) { got = r; });
        });
        QTRY_COMPARE_WITH_TIMEOUT(got.str, QByteArray("val"), kTimeoutMs);
        QVERIFY(o.conn->isReady());
        QVERIFY(down.isEmpty());
    }

    void listConsumerSurvivesHostileReplies_data() { hostileRows(); }
    void listConsumerSurvivesHostileReplies()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setAnswer("BRPOP", FakeRedisServer::reply(bytes));
        fake.setAnswer("CLIENT UNBLOCK", FakeRedisServer::reply(":0\r\n"));
        const qint64 before = test::residentBytes();
        {
            Consumer consumer(fake.settings(), test::makeSpec(Mode::List, "q"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QTRY_VERIFY_WITH_TIMEOUT(!rec.errors.isEmpty(), kTimeoutMs);
            QVERIFY2(rec.errors.first().contains(expected), qPrintable(rec.errors.first()));
            QVERIFY(rec.messages.isEmpty());
            QVERIFY(consumer.stopAndWait(5000));
        }
        const qint64 after = test::residentBytes();
        qInfo("VmRSS %lld kB before, %lld kB after", before / 1024, after / 1024);
        QVERIFY2(after - before < kMaxGrowth, qPrintable(QString::number(after - before)));
    }

    // Found by scripts/soak.sh: after a restart Redis answers "-LOADING" until its data set is
    // loaded (the handshake's commands are allowed, so the connection is ready). Every consumer
    // took that as a final error and stopped for good. A server that is loading or busy is a
    // passing state: the consumer reconnects with backoff, says why, and goes on.
    void consumerRetriesWhileServerLoads_data()
    {
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("loading") << QByteArray("-LOADING Redis is loading the dataset in memory");
        QTest::newRow("busy") << QByteArray(
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
            "NOSAVE.");
        QTest::newRow("masterdown")
            << QByteArray("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is "
                          "set to 'no'.");
    }
    void consumerRetriesWhileServerLoads()
    {
        QFETCH(QByteArray, error);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        int brpops = 0;
        fake.setHandler([&](const QList<QByteArray>& argv, FakeRedisServer::Answer* answer) {
            if (argv.value(0).toUpper() != "BRPOP")
                return false;
            ++brpops;
            if (brpops <= 2)
                *answer = FakeRedisServer::reply(error + "\r\n");
            else if (brpops == 3)
                *answer = FakeRedisServer::reply("*2\r\n$1\r\nq\r\n$5\r\nhello\r\n");
            else
                *answer = FakeRedisServer::stall();
            return true;
        });
        fake.setAnswer("CLIENT UNBLOCK", FakeRedisServer::reply(":0\r\n"));
        Consumer consumer(fake.settings(), test::makeSpec(Mode::List, "q"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.payloads(), QList<QByteArray>{"hello"}, kTimeoutMs);
        QVERIFY(!rec.sawState(ConsumerState::Failed));
        QCOMPARE(rec.state(), ConsumerState::Listening);
        // Said, not hidden: each refusal is reported and the gap is shown like any other.
        QVERIFY(!rec.errors.isEmpty());
        QVERIFY2(rec.errors.first().startsWith(QString::fromLatin1(error.mid(1, 8))),
                 qPrintable(rec.errors.first()));
        QCOMPARE(rec.lostReasons.size(), 2);
        QVERIFY(fake.connectionCount() >= 3);
        QVERIFY(consumer.stopAndWait(5000));
    }

    void reliableConsumerRetriesWhileServerLoads()
    {
        // The reliable consumer's first command claims its name (SET … NX on the heartbeat key).
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        int sets = 0;
        fake.setHandler([&](const QList<QByteArray>& argv, FakeRedisServer::Answer* answer) {
            if (argv.value(0).toUpper() != "SET")
                return false;
            ++sets;
            *answer =
                sets == 1
                    ? FakeRedisServer::reply("-LOADING Redis is loading the dataset in memory\r\n")
                    : FakeRedisServer::stall();
            return true;
        });
        Consumer consumer(fake.settings(), test::makeSpec(Mode::Reliable, "q"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY_WITH_TIMEOUT(sets >= 2, kTimeoutMs);
        QVERIFY(!rec.sawState(ConsumerState::Failed));
        QVERIFY(consumer.stopAndWait(5000));
    }

    void probeSurvivesHostilePeers_data()
    {
        QTest::addColumn<QByteArray>("greeting");
        QTest::newRow("huge array") << QByteArray("*1000000000\r\n");
        QTest::newRow("http") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n");
        QTest::newRow("deep") << QByteArray("*1\r\n").repeated(100000);
    }
    void probeSurvivesHostilePeers()
    {
        QFETCH(QByteArray, greeting);
        FakeRedisServer fake;
        QVERIFY(fake.listen());
        fake.setGreeting(greeting);
        ServerProbe probe;
        QSignalSpy done(&probe, &ServerProbe::finished);
        probe.probe(fake.settings(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, kTimeoutMs);
        QVERIFY(done.first().at(0).toBool()); // something answers there
        QVERIFY(!probe.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
