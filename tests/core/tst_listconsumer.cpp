// Integration tests for ListConsumer (BRPOP/BLPOP + draining RPOP/LPOP) against a real
// redis-server: order, byte-exact payloads, 100 000 messages once each, and a prompt, lossless
// stop.
#include "Consumer.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {
// Whether a client named rqconsole:list:<target> is blocked in the server right now.
bool isBlocked(test::SyncClient& c, const QByteArray& target)
{
    const QList<QByteArray> lines = c.command({"CLIENT", "LIST"}).str.split('\n');
    for (const QByteArray& line : lines) {
        if (line.contains("name=rqconsole:list:" + target + ' ') && line.contains(" flags=b "))
            return true;
    }
    return false;
}

// LPUSHes values from..to (inclusive) as decimal payloads, several per command, pipelined.
void pushRange(test::SyncClient& c, const QByteArray& key, int from, int to, int perCommand = 100)
{
    QList<QList<QByteArray>> cmds;
    for (int i = from; i <= to; i += perCommand) {
        QList<QByteArray> cmd{"LPUSH", key};
        for (int j = i; j < i + perCommand && j <= to; ++j)
            cmd << QByteArray::number(j);
        cmds << cmd;
    }
    c.pipeline(cmds, 60000);
}
} // namespace

class TestListConsumer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void fifoOrder()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = "fifo";
        Consumer consumer(m_server.settings(), spec);
        MessageList got;
        connect(&consumer, &Consumer::messagesArrived, this,
                [&](const MessageList& batch, quint64) { got += batch; });
        QSignalSpy state(&consumer, &Consumer::stateChanged);
        consumer.start();
        QTRY_VERIFY(!state.isEmpty() &&
                    state.last().at(0).value<ConsumerState>() == ConsumerState::Listening);
        for (int i = 0; i < 10; ++i)
            c.command({"LPUSH", "fifo", QByteArray::number(i)});
        QTRY_COMPARE(got.size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(got[i].payload, QByteArray::number(i));
            QCOMPARE(got[i].source, QByteArray("fifo"));
            QCOMPARE(got[i].seq, quint64(i + 1));
        }
    }

    void lifoOrder()
    {
        test::SyncClient c(m_server.settings());
        // Waiting before the consumer starts: BLPOP takes the newest first.
        for (int i = 0; i < 10; ++i)
            c.command({"LPUSH", "lifo", QByteArray::number(i)});
        Consumer consumer(m_server.settings(),
                          test::makeSpec(Mode::List, "lifo",
                                         {{QStringLiteral("direction"), QStringLiteral("lifo")}}));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 10, 10000);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(rec.messages[i].payload, QByteArray::number(9 - i));
        QVERIFY(test::waitUntil([&] { return isBlocked(c, "lifo"); }));
        QVERIFY(c.command({"CLIENT", "LIST"}).str.contains("cmd=blpop"));
        // One at a time while it waits: each arrives.
        c.command({"LPUSH", "lifo", "a"});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 11, 10000);
        QCOMPARE(rec.messages.last().payload, QByteArray("a"));
        QCOMPARE(c.command({"LLEN", "lifo"}).integer, 0);
    }

    void binaryPayloadsByteExact()
    {
        test::SyncClient c(m_server.settings());
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "bin"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        QByteArray all256(256, Qt::Uninitialized);
        for (int i = 0; i < 256; ++i)
            all256[i] = char(i);
        QByteArray mib(1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < mib.size(); ++i)
            mib[i] = char((i * 13 + 5) & 0xff);
        QByteArray mib4(4 * 1024 * 1024 + 1, Qt::Uninitialized);
        for (qsizetype i = 0; i < mib4.size(); ++i)
            mib4[i] = char((i * 31 + i / 977) & 0xff);
        const QList<QByteArray> payloads{QByteArray("a\0b\0", 4),
                                         QByteArray("\r\n"),
                                         QByteArray("x\r\ny\nz\r"),
                                         QByteArray("\xc3\x28\xff\xfe\x80"),
                                         QByteArray(),
                                         all256,
                                         mib,
                                         mib4};
        // Some while it is blocked, some in one go so the drain takes them.
        c.command({"LPUSH", "bin", payloads[0]});
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1, 10000);
        QList<QByteArray> rest{"LPUSH", "bin"};
        rest += payloads.mid(1);
        c.command(rest, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), payloads.size(), 30000);
        for (qsizetype i = 0; i < payloads.size(); ++i) {
            QCOMPARE(rec.messages[i].payload.size(), payloads[i].size());
            QVERIFY2(rec.messages[i].payload == payloads[i], qPrintable(QString::number(i)));
        }
    }

    void hundredThousandOnceInOrder()
    {
        const int n = 100000;
        test::SyncClient c(m_server.settings());
        pushRange(c, "big", 1, n / 2); // waiting before the consumer starts
        QCOMPARE(c.command({"LLEN", "big"}).integer, n / 2);
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "big"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        // The rest pushed while it runs, in bursts.
        for (int from = n / 2 + 1; from <= n; from += 5000)
            pushRange(c, "big", from, qMin(n, from + 4999), 50);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), n, 60000);
        for (int i = 0; i < n; ++i) {
            if (rec.messages[i].payload != QByteArray::number(i + 1))
                QFAIL(qPrintable(QStringLiteral("message %1 is %2")
                                     .arg(i)
                                     .arg(QString::fromUtf8(rec.messages[i].payload))));
        }
        QCOMPARE(rec.lastTotal, quint64(n));
        QCOMPARE(rec.messages.last().seq, quint64(n));
        QCOMPARE(c.command({"LLEN", "big"}).integer, 0);
        QVERIFY2(rec.batches < 2000, qPrintable(QString::number(rec.batches)));
        QTest::qWait(100);
        QCOMPARE(rec.messages.size(), n); // nothing extra
    }

    void stopWhileArrivingLosesNothing()
    {
        // A producer pushes continuously; the consumer is stopped in the middle. Every message is
        // either delivered or still in the list, none twice, FIFO order kept.
        test::SyncClient c(m_server.settings());
        Consumer consumer(
            m_server.settings(),
            test::makeSpec(Mode::List, "flow", {{QStringLiteral("batch"), QStringLiteral("50")}}));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        int pushed = 0;
        for (int burst = 0; burst < 60; ++burst) {
            QList<QList<QByteArray>> cmds;
            for (int i = 0; i < 200; ++i)
                cmds.append({"LPUSH", "flow", QByteArray::number(++pushed)});
            c.pipeline(cmds);
            if (burst == 30)
                consumer.stop(); // asynchronous: pushing goes on while it stops
        }
        QTRY_COMPARE_WITH_TIMEOUT(rec.stoppedCount, 1, 10000);
        QVERIFY(consumer.stopAndWait(3000));
        QCOMPARE(rec.state(), ConsumerState::Stopped);
        const qint64 left = c.command({"LLEN", "flow"}).integer;
        const qsizetype delivered = rec.messages.size();
        qInfo("pushed %d, delivered %lld, left %lld", pushed, qint64(delivered), left);
        QVERIFY(delivered > 0);
        QCOMPARE(delivered + left, qint64(pushed));
        // Delivered: exactly 1..k in order; left: k+1..pushed.
        for (qsizetype i = 0; i < delivered; ++i)
            QCOMPARE(rec.messages[i].payload, QByteArray::number(i + 1));
        if (left > 0) {
            const RedisReply rest = c.command({"LRANGE", "flow", "0", "-1"});
            QCOMPARE(rest.elements.size(), left);
            QCOMPARE(rest.elements.last().str, QByteArray::number(delivered + 1));
            QCOMPARE(rest.elements.first().str, QByteArray::number(pushed));
        }
        c.command({"DEL", "flow"});
    }

    void stopRacingAPushLosesNothing()
    {
        // The message lands just as CLIENT UNBLOCK is on its way: either it is delivered or it
        // stays in the list — never popped behind our back.
        test::SyncClient c(m_server.settings());
        for (int round = 0; round < 15; ++round) {
            const QByteArray key = "race" + QByteArray::number(round);
            Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, key));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QVERIFY(test::waitUntil([&] { return isBlocked(c, key); }));
            if (round % 3 == 0)
                c.command({"LPUSH", key, "m"});
            consumer.stop();
            if (round % 3 == 1)
                c.command({"LPUSH", key, "m"});
            QTRY_COMPARE_WITH_TIMEOUT(rec.stoppedCount, 1, 5000);
            if (round % 3 == 2)
                c.command({"LPUSH", key, "m"});
            QVERIFY(consumer.stopAndWait(3000));
            const qint64 left = c.command({"LLEN", key}).integer;
            QCOMPARE(rec.messages.size() + left, qint64(1));
            c.command({"DEL", key});
        }
    }

    void wrongTypeFails()
    {
        test::SyncClient c(m_server.settings());
        c.command({"HSET", "ahash", "f", "v"});
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "ahash"));
        test::ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Failed));
        QCOMPARE(rec.errors.size(), 1);
        QVERIFY2(rec.errors.first().startsWith(QStringLiteral("WRONGTYPE")),
                 qPrintable(rec.errors.first()));
        QCOMPARE(rec.state(), ConsumerState::Failed);
        QVERIFY(consumer.isRunning());
        QTest::qWait(200);
        QCOMPARE(rec.errors.size(), 1); // no retry loop
        QCOMPARE(c.command({"HGET", "ahash", "f"}).str, QByteArray("v"));
        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(3000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(t.elapsed())));
        QTRY_COMPARE(rec.stoppedCount, 1); // queued to this thread
        QCOMPARE(rec.state(), ConsumerState::Stopped);
    }

    void stopWhileBlockedIsPromptAndLossless()
    {
        test::SyncClient c(m_server.settings());
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = "blocked";
        Consumer consumer(m_server.settings(), spec);
        QSignalSpy state(&consumer, &Consumer::stateChanged);
        consumer.start();
        QTRY_VERIFY(!state.isEmpty() &&
                    state.last().at(0).value<ConsumerState>() == ConsumerState::Listening);
        QVERIFY(test::waitUntil([&] { return isBlocked(c, "blocked"); }));
        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(2000));
        const qint64 ms = t.elapsed();
        qInfo("stopping a consumer blocked in BRPOP took %.2f ms", t.nsecsElapsed() / 1e6);
        QVERIFY2(ms < 200, qPrintable(QString::number(ms)));
        c.command({"LPUSH", "blocked", "after-stop"});
        QCOMPARE(c.command({"LLEN", "blocked"}).integer, 1);
        // The consumer's connections are gone from the server.
        QVERIFY(test::waitUntil([&] {
            return !c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:list:blocked ");
        }));
        c.command({"DEL", "blocked"});
    }

    void stopPathsArePrompt()
    {
        // Never started.
        {
            Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "never"));
            QVERIFY(consumer.stopAndWait(1000));
            QVERIFY(!consumer.isRunning());
        }
        // Started and stopped at once (stop queued right behind start, while connecting).
        {
            Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "quick"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QElapsedTimer t;
            t.start();
            QVERIFY(consumer.stopAndWait(2000));
            QVERIFY2(t.elapsed() < rqc::test::scaled(200),
                     qPrintable(QString::number(t.elapsed())));
            QTRY_COMPARE(rec.stoppedCount, 1);
        }
        // During reconnect backoff (nothing listens on the port).
        {
            ConnectionSettings nowhere = m_server.settings();
            nowhere.port = SandboxServer::freeLoopbackPort();
            Consumer consumer(nowhere, test::makeSpec(Mode::List, "nowhere"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QTRY_VERIFY_WITH_TIMEOUT(rec.errors.size() >= 2, 10000);
            QElapsedTimer t;
            t.start();
            QVERIFY(consumer.stopAndWait(2000));
            QVERIFY2(t.elapsed() < rqc::test::scaled(200),
                     qPrintable(QString::number(t.elapsed())));
            QTRY_COMPARE(rec.stoppedCount, 1);
            QCOMPARE(rec.state(), ConsumerState::Stopped);
        }
        // Destroyed while running, without an explicit stop.
        {
            test::SyncClient c(m_server.settings());
            auto consumer =
                std::make_unique<Consumer>(m_server.settings(), test::makeSpec(Mode::List, "dtor"));
            consumer->start();
            QVERIFY(test::waitUntil([&] { return isBlocked(c, "dtor"); }));
            QElapsedTimer t;
            t.start();
            consumer.reset();
            QVERIFY2(t.elapsed() < rqc::test::scaled(200),
                     qPrintable(QString::number(t.elapsed())));
            c.command({"LPUSH", "dtor", "kept"});
            QCOMPARE(c.command({"LLEN", "dtor"}).integer, 1);
            c.command({"DEL", "dtor"});
        }
        // Stop twice.
        {
            Consumer consumer(m_server.settings(), test::makeSpec(Mode::List, "twice"));
            test::ConsumerRecorder rec(&consumer);
            consumer.start();
            QVERIFY(rec.waitForState(ConsumerState::Listening));
            consumer.stop();
            consumer.stop();
            QVERIFY(consumer.stopAndWait(2000));
            QTest::qWait(20);
            QCOMPARE(rec.stoppedCount, 1);
        }
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestListConsumer)
#include "tst_listconsumer.moc"
