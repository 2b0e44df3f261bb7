#include "Consumer.h"
#include "Publisher.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using Cmd = PublisherWorker::Command;

namespace {

// Waits until the consumer's SUBSCRIBE has reached the server.
bool waitSubscribed(test::SyncClient& c, const QByteArray& channel, qint64 n = 1)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000) {
        const RedisReply r = c.command({"PUBSUB", "NUMSUB", channel});
        if (r.isArray() && r.elements.size() == 2 && r.elements[1].integer == n)
            return true;
        QTest::qWait(10);
    }
    return false;
}

QByteArray pattern(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        out[i] = char((i * 131 + 7) & 0xff); // every byte value, NUL and CR/LF included
    return out;
}

} // namespace

class TestPublisher : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void publishReachesSubscriberAndCountsReceivers()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        ConsumerSpec spec;
        spec.mode = Mode::PubSub;
        spec.target = "news";
        Consumer consumer(m_server.settings(), spec);
        MessageList got;
        connect(&consumer, &Consumer::messagesArrived, this,
                [&](const MessageList& batch, quint64) { got += batch; });
        consumer.start();
        QVERIFY(waitSubscribed(c, "news"));

        Publisher pub(m_server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy errors(&pub, &Publisher::errorOccurred);
        pub.start();
        QVERIFY(ready.wait(5000));

        const qint64 id = pub.send(Cmd::Publish, "news", "hello");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][0].toLongLong(), id);
        QCOMPARE(sent[0][1].toULongLong(), quint64(1));
        QCOMPARE(sent[0][2].toLongLong(), qint64(1)); // one receiver
        QTRY_COMPARE(got.size(), 1);
        QCOMPARE(got[0].payload, QByteArray("hello"));
        QCOMPARE(got[0].source, QByteArray("news"));

        const qint64 id2 = pub.send(Cmd::Publish, "nobody-listens", "hello?", 3);
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(sent[1][0].toLongLong(), id2);
        QCOMPARE(sent[1][1].toULongLong(), quint64(3));
        QCOMPARE(sent[1][2].toLongLong(), qint64(0)); // nobody received it
        QVERIFY(errors.isEmpty());

        // The sum of receivers over a burst.
        pub.send(Cmd::Publish, "news", "x", 5);
        QTRY_COMPARE(sent.size(), 3);
        QCOMPARE(sent[2][2].toLongLong(), qint64(5));
        QTRY_COMPARE(got.size(), 6);
        QVERIFY(pub.stopAndWait());
    }

    void lpushBurstKeepsCountAndOrder()
    {
        // RQ_PUBLISH_BURST=1000000 turns this into the throughput measurement of issue 4.
        const int n = qEnvironmentVariableIntValue("RQ_PUBLISH_BURST") > 0
                          ? qEnvironmentVariableIntValue("RQ_PUBLISH_BURST")
                          : 100000;
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "burst"});
        Publisher pub(m_server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy progress(&pub, &Publisher::progress);
        pub.start();
        QVERIFY(ready.wait(5000));

        const QByteArray payload = QByteArray(64, 'p');
        // LPUSH prepends: "first" ends up last in the list, "last" first.
        const qint64 a = pub.send(Cmd::LPush, "burst", "first");
        QTRY_COMPARE(sent.size(), 1);
        QElapsedTimer t;
        qint64 us = 0;
        connect(&pub, &Publisher::sent, this, [&](qint64 id) {
            if (id == a + 1)
                us = qMax<qint64>(1, t.nsecsElapsed() / 1000);
        });
        t.start();
        const qint64 b = pub.send(Cmd::LPush, "burst", payload, n);
        const qint64 z = pub.send(Cmd::LPush, "burst", "last");
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 3, 60000);
        qDebug("LPUSH burst: %d x 64 bytes in %.1f ms = %.0f msg/s", n, us / 1000.0,
               n * 1e6 / double(us));

        QCOMPARE(sent[0][0].toLongLong(), a);
        QCOMPARE(sent[1][0].toLongLong(), b);
        QCOMPARE(sent[2][0].toLongLong(), z);
        QCOMPARE(sent[1][1].toULongLong(), quint64(n));
        QCOMPARE(sent[1][2].toLongLong(), qint64(n) + 1); // LLEN after the burst's last push
        QCOMPARE(sent[2][2].toLongLong(), qint64(n) + 2);

        QCOMPARE(c.command({"LLEN", "burst"}).integer, qint64(n) + 2);
        QCOMPARE(c.command({"LINDEX", "burst", "0"}).str, QByteArray("last"));
        QCOMPARE(c.command({"LINDEX", "burst", "1"}).str, payload);
        QCOMPARE(c.command({"LINDEX", "burst", QByteArray::number(n / 2)}).str, payload);
        QCOMPARE(c.command({"LINDEX", "burst", QByteArray::number(n)}).str, payload);
        QCOMPARE(c.command({"LINDEX", "burst", "-1"}).str, QByteArray("first"));

        // Progress: cumulative, ends at the total.
        QVERIFY(!progress.isEmpty());
        quint64 prev = 0;
        for (const auto& p : progress) {
            QVERIFY(p[0].toULongLong() >= prev);
            prev = p[0].toULongLong();
        }
        QCOMPARE(progress.last()[0].toULongLong(), quint64(n));
        QCOMPARE(progress.last()[1].toULongLong(), quint64(n));
        c.command({"DEL", "burst"});
    }

    void binaryPayloadsAreByteExact()
    {
        const QList<QByteArray> payloads = {
            QByteArray("nul\0inside", 10),
            QByteArray("\r\n*3\r\n$5\r\nCRLF\r\n"),
            QByteArray("\xff\xfe\xc3\x28 invalid utf-8 \x80"),
            QByteArray(),
            pattern(1024 * 1024 + 1),
        };
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "bin"});
        ConsumerSpec spec;
        spec.mode = Mode::PubSub;
        spec.target = "binchan";
        Consumer consumer(m_server.settings(), spec);
        MessageList got;
        connect(&consumer, &Consumer::messagesArrived, this,
                [&](const MessageList& batch, quint64) { got += batch; });
        consumer.start();
        QVERIFY(waitSubscribed(c, "binchan"));

        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy errors(&pub, &Publisher::errorOccurred);
        pub.start();
        for (const QByteArray& p : payloads) {
            pub.send(Cmd::LPush, "bin", p);
            pub.send(Cmd::Publish, "binchan", p);
        }
        pub.send(Cmd::LPush, "bin", payloads.last(), 3); // a burst of 1 MiB payloads, one per write
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2 * payloads.size() + 1, 20000);
        QVERIFY2(errors.isEmpty(),
                 qPrintable(errors.isEmpty() ? QString() : errors[0][0].toString()));

        const RedisReply list = c.command({"LRANGE", "bin", "0", "-1"});
        QCOMPARE(list.elements.size(), payloads.size() + 3);
        for (qsizetype i = 0; i < payloads.size(); ++i) // LPUSH reverses
            QCOMPARE(list.elements[list.elements.size() - 1 - i].str, payloads[i]);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(list.elements[i].str, payloads.last());

        QTRY_COMPARE(got.size(), payloads.size());
        for (qsizetype i = 0; i < payloads.size(); ++i)
            QCOMPARE(got[i].payload, payloads[i]);
        c.command({"DEL", "bin"});
    }

    void wrongTypeSurfacesRedisText()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "ahash", "fine"});
        c.command({"HSET", "ahash", "f", "v"});
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy errors(&pub, &Publisher::errorOccurred);
        pub.start();
        const qint64 bad = pub.send(Cmd::LPush, "ahash", "x", 2500);
        const qint64 good = pub.send(Cmd::LPush, "fine", "y", 2);
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(errors.size(), 1); // once per request, not once per message
        QVERIFY2(errors[0][0].toString().startsWith(QLatin1String("WRONGTYPE")),
                 qPrintable(errors[0][0].toString()));
        QCOMPARE(sent[0][0].toLongLong(), bad);
        QCOMPARE(sent[0][1].toULongLong(), quint64(0)); // nothing acknowledged
        // The next request is not affected.
        QCOMPARE(sent[1][0].toLongLong(), good);
        QCOMPARE(sent[1][1].toULongLong(), quint64(2));
        QCOMPARE(c.command({"TYPE", "ahash"}).str, QByteArray("hash"));
        QCOMPARE(c.command({"LLEN", "fine"}).integer, qint64(2));
    }

    void noPermissionSurfacesRedisText()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.extraArgs = QStringList{QStringLiteral("--user"),
                                     QStringLiteral("alice on >pw ~allowed:* &allowed:* +@all")};
        RQ_START_SERVER_WITH(server, opts);
        ConnectionSettings s = server.settings();
        s.user = "alice";
        s.password = "pw";
        Publisher pub(s);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy errors(&pub, &Publisher::errorOccurred);
        pub.start();
        pub.send(Cmd::LPush, "forbidden", "x", 10);
        pub.send(Cmd::Publish, "forbidden", "x");
        pub.send(Cmd::LPush, "allowed:q", "x", 10);
        QTRY_COMPARE(sent.size(), 3);
        QCOMPARE(errors.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(errors[i][0].toString().startsWith(QLatin1String("NOPERM")),
                     qPrintable(errors[i][0].toString()));
            QCOMPARE(sent[i][1].toULongLong(), quint64(0));
        }
        QCOMPARE(sent[2][1].toULongLong(), quint64(10));
    }

    void queuedRequestsAreReportedOnceInOrder()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "queued"});
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        // Sent before start(): they wait for the connection.
        QList<qint64> ids;
        quint64 total = 0;
        for (int i = 0; i < 20; ++i) {
            const int count = i % 3 == 0 ? 1500 : 1;
            ids << pub.send(Cmd::LPush, "queued", QByteArray::number(i), count);
            total += quint64(count);
        }
        pub.start();
        QTRY_COMPARE(sent.size(), 20);
        QTest::qWait(50);
        QCOMPARE(sent.size(), 20); // no duplicates
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(sent[i][0].toLongLong(), ids[i]);
            QCOMPARE(sent[i][1].toULongLong(), quint64(i % 3 == 0 ? 1500 : 1));
        }
        QCOMPARE(c.command({"LLEN", "queued"}).integer, qint64(total));
        QCOMPARE(c.command({"LINDEX", "queued", "0"}).str, QByteArray("19"));
        QCOMPARE(c.command({"LINDEX", "queued", "-1"}).str, QByteArray("0"));
    }

    void stopMidBurstReportsWhatWasAcknowledged()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "stopped"});
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy progress(&pub, &Publisher::progress);
        pub.start();
        const qint64 id = pub.send(Cmd::LPush, "stopped", QByteArray(64, 's'), 5000000);
        const qint64 after = pub.send(Cmd::LPush, "stopped", "never");
        QVERIFY(progress.wait(10000));
        QVERIFY(pub.stopAndWait(3000));
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(sent[0][0].toLongLong(), id);
        const quint64 acked = sent[0][1].toULongLong();
        QVERIFY(acked > 0 && acked < 5000000);
        // Replies on the wire were awaited: the count is exactly what Redis holds.
        QCOMPARE(quint64(c.command({"LLEN", "stopped"}).integer), acked);
        QCOMPARE(sent[1][0].toLongLong(), after);
        QCOMPARE(sent[1][1].toULongLong(), quint64(0));
        c.command({"DEL", "stopped"});
    }

    void connectionRefusedIsReported()
    {
        ConnectionSettings s;
        s.port = SandboxServer::freeLoopbackPort(); // nothing listens there
        Publisher pub(s);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy errors(&pub, &Publisher::errorOccurred);
        pub.start();
        const qint64 id = pub.send(Cmd::Publish, "ch", "x");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][0].toLongLong(), id);
        QCOMPARE(sent[0][1].toULongLong(), quint64(0));
        QVERIFY(!errors.isEmpty());
        QVERIFY2(errors[0][0].toString().contains(QLatin1String("refused"), Qt::CaseInsensitive),
                 qPrintable(errors[0][0].toString()));
    }

    void reconnectsAfterServerRestart()
    {
        SandboxServer server;
        RQ_START_SERVER(server);
        Publisher pub(server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy lost(&pub, &Publisher::connectionLost);
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        QVERIFY(ready.wait(5000));
        QString error;
        QVERIFY2(server.restart(&error), qPrintable(error));
        QTRY_COMPARE(lost.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 10000);
        pub.send(Cmd::LPush, "after-restart", "ok");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][1].toULongLong(), quint64(1));
        test::SyncClient c(server.settings());
        QCOMPARE(c.command({"LLEN", "after-restart"}).integer, qint64(1));
    }

    // A publisher shared by several senders: each request's errors and progress carry its id.
    void requestsCarryTheirOwnErrorsAndProgress()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "ahash2", "fine2"});
        c.command({"HSET", "ahash2", "f", "v"});
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        QSignalSpy progress(&pub, &Publisher::requestProgress);
        pub.start();
        const qint64 good = pub.send(Cmd::LPush, "fine2", "y", 3000);
        const qint64 bad = pub.send(Cmd::LPush, "ahash2", "x"); // one: no progress of its own
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed[0][0].toLongLong(), bad);
        QVERIFY(failed[0][1].toString().startsWith(QLatin1String("WRONGTYPE")));
        QVERIFY(!progress.isEmpty());
        for (const QList<QVariant>& p : std::as_const(progress))
            QCOMPARE(p[0].toLongLong(), good);
        QCOMPARE(progress.last()[1].toULongLong(), quint64(3000));
        c.command({"DEL", "ahash2", "fine2"});
    }

    // CLIENT KILL of the idle connection: reconnects with backoff, or at once when a send comes
    // during the backoff; the send succeeds and no request is reported failed.
    void killedConnectionReconnectsAndSends()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "after-kill"});
        Publisher pub(m_server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy lost(&pub, &Publisher::connectionLost);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        QVERIFY(ready.wait(5000));
        const auto kill = [&c] {
            return c.command({"CLIENT", "KILL", "USER", "default", "SKIPME", "yes"}).integer;
        };
        QVERIFY(kill() >= 1);
        QTRY_COMPARE(lost.size(), 1);
        pub.send(Cmd::LPush, "after-kill", "right away");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][1].toULongLong(), quint64(1));
        QTRY_VERIFY(ready.size() >= 2);
        QVERIFY(kill() >= 1);
        QTRY_COMPARE(lost.size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(ready.size() >= 3, 10000); // on its own
        pub.send(Cmd::LPush, "after-kill", "later");
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(sent[1][1].toULongLong(), quint64(1));
        QVERIFY(failed.isEmpty());
        QCOMPARE(c.command({"LLEN", "after-kill"}).integer, qint64(2));
        c.command({"DEL", "after-kill"});
    }

    void namesItsConnection()
    {
        Publisher pub(m_server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        pub.start();
        QVERIFY(ready.wait(5000));
        test::SyncClient c(m_server.settings());
        const QByteArray clients = c.command({"CLIENT", "LIST"}).str;
        QVERIFY2(clients.contains("name=rqconsole:publisher "), clients.constData());
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestPublisher)
#include "tst_publisher.moc"
