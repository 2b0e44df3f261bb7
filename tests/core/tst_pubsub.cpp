// Integration tests for PubSubConsumer (SUBSCRIBE / PSUBSCRIBE) against a real redis-server:
// order, pattern + channel, byte-exact payloads, a 100 000-message flood and batching.
#include "Consumer.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace rqc;

class TestPubSub : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void subscribeInOrder()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::PubSub, "ch1"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(waitSubscribed(c, "ch1", 1));
        for (int i = 0; i < 50; ++i)
            QCOMPARE(c.command({"PUBLISH", "ch1", QByteArray::number(i)}).integer, 1);
        c.command({"PUBLISH", "other", "not for us"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 50, 10000);
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(rec.messages[i].payload, QByteArray::number(i));
            QCOMPARE(rec.messages[i].source, QByteArray("ch1"));
            QVERIFY(rec.messages[i].pattern.isEmpty());
            QCOMPARE(rec.messages[i].seq, quint64(i + 1));
            QVERIFY(rec.messages[i].receivedMs > 0);
        }
        QCOMPARE(rec.lastTotal, quint64(50));
        QVERIFY(rec.errors.isEmpty());
        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(3000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(t.elapsed())));
        QVERIFY(waitSubscribed(c, "ch1", 0));
    }

    void listeningMeansSubscribed()
    {
        // "listening" is shown only once the server has confirmed the subscription: a message
        // published right then reaches the consumer.
        test::SyncClient c(m_server.settings());
        for (int round = 0; round < 10; ++round) {
            const bool pattern = round % 2;
            const QByteArray target = pattern ? "ls.*" : "ls";
            Consumer consumer(m_server.settings(),
                              test::makeSpec(pattern ? Mode::Pattern : Mode::PubSub, target));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QVERIFY(rec.waitForState(ConsumerState::Listening));
            QCOMPARE(c.command({"PUBLISH", pattern ? "ls.x" : "ls", "now"}).integer, 1);
            QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
            QVERIFY(consumer.stopAndWait(3000));
        }
    }

    void patternCarriesPatternAndChannel()
    {
        test::SyncClient c(m_server.settings());
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::Pattern, "news.*"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(test::waitUntil([&] { return c.command({"PUBSUB", "NUMPAT"}).integer == 1; }));
        c.command({"PUBLISH", "news.sport", "goal"});
        c.command({"PUBLISH", "weather", "rain"});
        c.command({"PUBLISH", "news.weather", "sun"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 2, 10000);
        QCOMPARE(rec.messages[0].pattern, QByteArray("news.*"));
        QCOMPARE(rec.messages[0].source, QByteArray("news.sport"));
        QCOMPARE(rec.messages[0].payload, QByteArray("goal"));
        QCOMPARE(rec.messages[1].pattern, QByteArray("news.*"));
        QCOMPARE(rec.messages[1].source, QByteArray("news.weather"));
        QCOMPARE(rec.messages[1].payload, QByteArray("sun"));
        QTest::qWait(100);
        QCOMPARE(rec.messages.size(), 2);
    }

    void everySubscriberSeesEveryMessage()
    {
        test::SyncClient c(m_server.settings());
        Consumer a(m_server.settings(), test::makeSpec(Mode::PubSub, "fan"));
        Consumer b(m_server.settings(), test::makeSpec(Mode::PubSub, "fan"));
        test::ConsumerRecorder ra(&a);
        test::ConsumerRecorder rb(&b);
        a.start();
        b.start();
        QVERIFY(waitSubscribed(c, "fan", 2));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(c.command({"PUBLISH", "fan", QByteArray::number(i)}).integer, 2);
        QTRY_COMPARE_WITH_TIMEOUT(ra.messages.size(), 20, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(rb.messages.size(), 20, 10000);
        QCOMPARE(ra.payloads(), rb.payloads());
    }

    void binaryPayloadsByteExact()
    {
        test::SyncClient c(m_server.settings());
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::PubSub, "bin"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(waitSubscribed(c, "bin", 1));
        const QList<QByteArray> payloads = binaryPayloads();
        for (const QByteArray& p : payloads)
            QCOMPARE(c.command({"PUBLISH", "bin", p}).integer, 1);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), payloads.size(), 20000);
        for (qsizetype i = 0; i < payloads.size(); ++i) {
            QCOMPARE(rec.messages[i].payload.size(), payloads[i].size());
            QVERIFY2(rec.messages[i].payload == payloads[i], qPrintable(QString::number(i)));
        }
    }

    void floodArrivesOnceInOrderInFewBatches()
    {
        const int n = 100000;
        const int burst = 2000;
        test::SyncClient c(m_server.settings());
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::PubSub, "flood"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(waitSubscribed(c, "flood", 1));
        const qint64 consumerId = subscriberId(c, "flood");
        QVERIFY(consumerId > 0);

        qint64 receivers = 0;
        for (int from = 1; from <= n; from += burst) {
            QList<QList<QByteArray>> cmds;
            cmds.reserve(burst);
            for (int i = from; i < from + burst && i <= n; ++i)
                cmds.append({"PUBLISH", "flood", QByteArray::number(i)});
            const QList<RedisReply> replies = c.pipeline(cmds);
            QCOMPARE(replies.size(), cmds.size());
            for (const RedisReply& r : replies)
                receivers += r.integer;
        }
        // Every PUBLISH reached our subscriber: the server never dropped it for a full output
        // buffer (that would have shown as 0 receivers and a disconnect).
        QCOMPARE(receivers, qint64(n));
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), n, 60000);
        for (int i = 0; i < n; ++i) {
            if (rec.messages[i].payload != QByteArray::number(i + 1))
                QFAIL(qPrintable(QStringLiteral("message %1 is %2")
                                     .arg(i)
                                     .arg(QString::fromUtf8(rec.messages[i].payload))));
            QCOMPARE(rec.messages[i].seq, quint64(i + 1));
        }
        QCOMPARE(rec.lastTotal, quint64(n));
        QVERIFY(rec.lostReasons.isEmpty());
        QVERIFY(rec.errors.isEmpty());
        QCOMPARE(subscriberId(c, "flood"), consumerId); // same connection all along
        const QByteArray stats = c.command({"INFO", "stats"}).str;
        if (stats.contains("client_output_buffer_limit_disconnections:"))
            QVERIFY(stats.contains("client_output_buffer_limit_disconnections:0"));
        // Batched: far fewer signals than messages.
        QVERIFY2(rec.batches < 1000, qPrintable(QString::number(rec.batches)));
        qInfo("%d messages in %d batches", n, rec.batches);

        // After a quiet spell, a lone message comes in its own batch, promptly.
        QTest::qWait(300);
        const int before = rec.batches;
        QElapsedTimer t;
        t.start();
        c.command({"PUBLISH", "flood", "lone"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.batches, before + 1, 5000);
        qInfo("lone message after %lld ms", t.elapsed());
        QCOMPARE(rec.messages.size(), n + 1);
        QCOMPARE(rec.messages.last().payload, QByteArray("lone"));
        QTest::qWait(100);
        QCOMPARE(rec.batches, before + 1);
    }

private:
    static bool waitSubscribed(test::SyncClient& c, const QByteArray& channel, int count)
    {
        return test::waitUntil([&] {
            const RedisReply r = c.command({"PUBSUB", "NUMSUB", channel});
            return r.elements.size() == 2 && r.elements[1].integer == count;
        });
    }

    // The client id of the (one) connection subscribed to channel, from CLIENT LIST.
    static qint64 subscriberId(test::SyncClient& c, const QByteArray& channel)
    {
        const QList<QByteArray> lines =
            c.command({"CLIENT", "LIST", "TYPE", "pubsub"}).str.split('\n');
        for (const QByteArray& line : lines) {
            if (!line.contains("name=rqconsole:pubsub:" + channel + ' '))
                continue;
            for (const QByteArray& field : line.split(' ')) {
                if (field.startsWith("id="))
                    return field.mid(3).toLongLong();
            }
        }
        return 0;
    }

    static QList<QByteArray> binaryPayloads()
    {
        QByteArray all256(256, Qt::Uninitialized);
        for (int i = 0; i < 256; ++i)
            all256[i] = char(i);
        QByteArray mib(1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < mib.size(); ++i)
            mib[i] = char((i * 7 + 3) & 0xff);
        return {QByteArray("nul\0inside", 10),
                QByteArray("\r\n"),
                QByteArray("line1\r\nline2\nline3\r"),
                QByteArray("\xff\xfe\xc3\x28 invalid utf-8"),
                QByteArray(),
                QByteArray("*3\r\n$7\r\nmessage\r\n"), // RESP inside a payload
                all256,
                mib};
    }

    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestPubSub)
#include "tst_pubsub.moc"
