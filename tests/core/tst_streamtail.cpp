// Stream tail mode (XREAD BLOCK from $): reads without consuming.
#include "Consumer.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

class TestStreamTail : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void init() { m_client->command({"FLUSHALL"}); }
    void cleanupTestCase() { m_client.reset(); }

    void tailReadsWithoutConsuming()
    {
        m_client->command({"XADD", "t1", "*", "message", "before"});
        m_client->command({"XGROUP", "CREATE", "t1", "app", "$"});
        // The application's worker: a group consumer with manual ack that must get everything.
        Consumer worker(m_server.settings(),
                        parseSpec(QStringLiteral("stream:t1,group=app,consumer=w,ack=manual")));
        PreciseRecorder wrec(&worker);
        worker.start();
        QTRY_VERIFY(wrec.ready());

        Consumer tail(m_server.settings(), parseSpec(QStringLiteral("tail:t1")));
        PreciseRecorder trec(&tail);
        tail.start();
        QTRY_VERIFY(trec.states.contains(ConsumerState::Listening));
        QTest::qWait(50); // let XREAD block before producing (precondition, not a result wait)

        produceStream(*m_client, "t1", 100);
        QTRY_COMPARE(trec.messages.size(), 100);
        QTRY_COMPARE(wrec.messages.size(), 100);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(trec.messages[i].payload, QByteArray("e") + QByteArray::number(i));
            QCOMPARE(trec.messages[i].id, wrec.messages[i].id);
            QCOMPARE(trec.messages[i].fields.size(), 2);
        }
        // "before" was there when the tail started from $: not shown.
        for (const Message& m : trec.messages)
            QVERIFY(m.payload != "before");
        // Nothing consumed: the stream keeps every entry, the worker's pending is untouched, and
        // the tail created no group.
        QCOMPARE(m_client->command({"XLEN", "t1"}).integer, 101);
        QCOMPARE(m_client->command({"XPENDING", "t1", "app"}).elements.value(0).integer, 100);
        QCOMPARE(m_client->command({"XINFO", "GROUPS", "t1"}).elements.size(), 1);
        QVERIFY(!tail.isAcking());

        QElapsedTimer t;
        t.start();
        QVERIFY(tail.stopAndWait(2000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(t.elapsed())));
        QCOMPARE(m_client->command({"XPENDING", "t1", "app"}).elements.value(0).integer, 100);
        const qint64 id = worker.ack(wrec.messages);
        QTRY_VERIFY(wrec.settle(id).has_value());
        QCOMPARE(wrec.settle(id)->done.size(), 100);
    }

    void tailFromStartAndMissingStream()
    {
        produceStream(*m_client, "t2", 5);
        Consumer tail(m_server.settings(), parseSpec(QStringLiteral("tail:t2,from=0")));
        PreciseRecorder rec(&tail);
        tail.start();
        QTRY_COMPARE(rec.messages.size(), 5);
        QCOMPARE(rec.messages[0].payload, QByteArray("e0"));

        // A stream that does not exist yet: the tail waits for it.
        Consumer later(m_server.settings(), parseSpec(QStringLiteral("tail:t3")));
        PreciseRecorder lrec(&later);
        later.start();
        QTRY_VERIFY(lrec.states.contains(ConsumerState::Listening));
        QTest::qWait(50);
        m_client->command({"XADD", "t3", "*", "message", "first", "other", "x"});
        QTRY_COMPARE(lrec.messages.size(), 1);
        QCOMPARE(lrec.messages[0].payload, QByteArray("first"));

        // A key of another type is refused with Redis's own words.
        m_client->command({"SET", "t4", "x"});
        Consumer wrong(m_server.settings(), parseSpec(QStringLiteral("tail:t4")));
        PreciseRecorder wrec(&wrong);
        wrong.start();
        QTRY_VERIFY(!wrec.errors.isEmpty());
        QVERIFY2(wrec.errors.first().contains(QLatin1String("WRONGTYPE")),
                 qPrintable(wrec.errors.first()));
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestStreamTail)
#include "tst_streamtail.moc"
