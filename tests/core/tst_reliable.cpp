// Reliable list mode (BLMOVE into a processing list) against a real redis-server: exactly-once
// acks, restarts, consumers torn down or SIGKILLed mid-batch, racing recoveries, dead letters,
// and the ledger produced == acked + pending + queued + dead after each fault.
#include "Consumer.h"
#include "RedisConnection.h"
#include "ReliableRecovery.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

class TestReliable : public QObject {
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

    void specParsing()
    {
        ConsumerSpec spec;
        QString error;
        QVERIFY(ConsumerSpec::parse(
            QStringLiteral("reliable:q,ack=manual,consumer=w1,maxdeliveries=3"), &spec, &error));
        QCOMPARE(spec.mode, Mode::Reliable);
        QCOMPARE(spec.option(QStringLiteral("consumer")), QStringLiteral("w1"));
        QVERIFY(
            ConsumerSpec::parse(QStringLiteral("stream:s,group=g,ack=none,from=0"), &spec, &error));
        QCOMPARE(spec.mode, Mode::Stream);
        QVERIFY(ConsumerSpec::parse(QStringLiteral("stream:s,claiminterval=1000"), &spec, &error));
        QVERIFY(ConsumerSpec::parse(QStringLiteral("tail:s"), &spec, &error));
        QCOMPARE(spec.mode, Mode::Tail);
        QVERIFY(ConsumerSpec::parse(QStringLiteral("tail:s,from=1700000000000-0"), &spec, &error));
        // Values are checked, with a sentence naming the option.
        const char* bad[] = {"reliable:q,ack=none",         "reliable:q,maxdeliveries=0",
                             "reliable:q,processing=q",     "reliable:q,consumer=x:alive",
                             "stream:s,from=yesterday",     "stream:s,count=-1",
                             "stream:s,ack=sometimes",      "tail:s,group=g",
                             "reliable:q,heartbeat=10",     "stream:s,claiminterval=-5",
                             "reliable:q,claiminterval=100"};
        for (const char* text : bad) {
            error.clear();
            QVERIFY2(!ConsumerSpec::parse(QString::fromLatin1(text), &spec, &error), text);
            QVERIFY2(!error.isEmpty(), text);
        }
        for (Mode m : {Mode::Reliable, Mode::Stream, Mode::Tail}) {
            QVERIFY(!ConsumerSpec::modeLabel(m).isEmpty());
            QVERIFY(!ConsumerSpec::guarantee(m).isEmpty());
            QVERIFY(ConsumerSpec::modeNames().contains(ConsumerSpec::modeName(m)));
        }
        QCOMPARE(ConsumerSpec::modeLabel(Mode::Reliable), QStringLiteral("Reliable list"));
    }

    void autoAckExactlyOnce()
    {
        produceList(*m_client, "q1", 1000);
        Consumer consumer(m_server.settings(), parseSpec(QStringLiteral("reliable:q1")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1000, 20000);
        QCOMPARE(rec.consumer, QSysInfo::machineHostName().toUtf8() + "-1");
        QCOMPARE(rec.pendingKey, QByteArray("q1:processing:") + rec.consumer);
        for (int i = 0; i < 1000; ++i) {
            QCOMPARE(rec.messages[i].payload, QByteArray("m") + QByteArray::number(i));
            QCOMPARE(rec.messages[i].deliveryCount, 1);
        }
        QTRY_COMPARE(rec.counters.acked, quint64(1000));
        QCOMPARE(rec.counters.pending, 0);
        QCOMPARE(rec.counters.gone, quint64(0));
        QCOMPARE(integer(*m_client, {"LLEN", rec.pendingKey}), 0);
        QCOMPARE(integer(*m_client, {"EXISTS", rec.pendingKey + ":alive"}), 1);

        // While blocked: a new message is taken and acked at once.
        m_client->command({"LPUSH", "q1", "late"});
        QTRY_COMPARE(rec.messages.size(), 1001);
        QTRY_COMPARE(rec.counters.acked, quint64(1001));

        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(2000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(t.elapsed())));
        // A clean stop releases the heartbeat and leaves nothing behind.
        QCOMPARE(integer(*m_client, {"EXISTS", rec.pendingKey + ":alive"}), 0);
        const ListLedger l = listLedger(*m_client, "q1");
        QCOMPARE(l.queued + l.pending + l.dead, 0);
        QCOMPARE(rec.distinctPayloads().size(), 1001);
    }

    void manualAckSurvivesRestart()
    {
        produceList(*m_client, "q2", 20);
        const ConsumerSpec spec = parseSpec(QStringLiteral("reliable:q2,ack=manual,consumer=c1"));
        MessageList first;
        {
            Consumer consumer(m_server.settings(), spec);
            PreciseRecorder rec(&consumer);
            consumer.start();
            QTRY_COMPARE(rec.messages.size(), 20);
            const qint64 id = consumer.ack(rec.messages.mid(0, 5));
            QTRY_VERIFY(rec.settle(id).has_value());
            QCOMPARE(rec.settle(id)->done.size(), 5);
            QVERIFY(rec.settle(id)->error.isEmpty());
            QTRY_COMPARE(rec.counters.acked, quint64(5));
            QCOMPARE(rec.counters.pending, 15);
            QCOMPARE(integer(*m_client, {"LLEN", "q2:processing:c1"}), 15);
            QVERIFY(consumer.stopAndWait(2000));
        }
        // Nothing acked is lost: the 15 wait in the processing list.
        QCOMPARE(integer(*m_client, {"LLEN", "q2:processing:c1"}), 15);
        ListLedger l = listLedger(*m_client, "q2");
        QCOMPARE(5 + l.pending + l.queued + l.dead, 20);

        Consumer again(m_server.settings(), spec);
        PreciseRecorder rec(&again);
        again.start();
        QTRY_COMPARE(rec.messages.size(), 15);
        for (int i = 0; i < 15; ++i) {
            QCOMPARE(rec.messages[i].payload, QByteArray("m") + QByteArray::number(i + 5));
            QCOMPARE(rec.messages[i].deliveryCount, 2); // redelivered, and marked so
        }
        QTRY_COMPARE(rec.counters.redelivered, quint64(15));
        const qint64 id = again.ack(rec.messages);
        QTRY_VERIFY(rec.settle(id).has_value());
        QCOMPARE(rec.settle(id)->done.size(), 15);
        QCOMPARE(integer(*m_client, {"LLEN", "q2:processing:c1"}), 0);
        // Counts of acked messages are cleaned up.
        QTRY_COMPARE(integer(*m_client, {"HLEN", "q2:deliveries"}), 0);
        l = listLedger(*m_client, "q2");
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void settleActions()
    {
        m_client->command({"LPUSH", "q3", "a", "b", "c"});
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("reliable:q3,ack=manual,consumer=c")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE(rec.messages.size(), 3);
        const Message a = rec.messages[0], b = rec.messages[1], c = rec.messages[2];
        QCOMPARE(a.payload, QByteArray("a"));

        // Requeue: back to the queue's consuming end; we are blocked on it, so it comes back
        // at once, counted.
        const qint64 rq = consumer.requeue({a});
        QTRY_VERIFY(rec.settle(rq).has_value());
        QCOMPARE(rec.settle(rq)->done, QList<quint64>{a.seq});
        QCOMPARE(rec.settle(rq)->action, SettleAction::Requeue);
        QTRY_COMPARE(rec.messages.size(), 4);
        QCOMPARE(rec.messages[3].payload, QByteArray("a"));
        QCOMPARE(rec.messages[3].deliveryCount, 2);

        const qint64 dl = consumer.deadLetter({b});
        QTRY_VERIFY(rec.settle(dl).has_value());
        QCOMPARE(rec.settle(dl)->done, QList<quint64>{b.seq});
        QCOMPARE(m_client->command({"LRANGE", "q3:dead", "0", "-1"}).elements.value(0).str,
                 QByteArray("b"));

        const qint64 ak = consumer.ack({c});
        QTRY_VERIFY(rec.settle(ak).has_value());
        QCOMPARE(rec.settle(ak)->done, QList<quint64>{c.seq});
        // Acking twice finds nothing: exactly once.
        const qint64 ak2 = consumer.ack({c});
        QTRY_VERIFY(rec.settle(ak2).has_value());
        QVERIFY(rec.settle(ak2)->done.isEmpty());
        QCOMPARE(rec.settle(ak2)->gone, QList<quint64>{c.seq});

        QTRY_COMPARE(rec.counters.requeued, quint64(1));
        QTRY_COMPARE(rec.counters.deadLettered, quint64(1));
        QTRY_COMPARE(rec.counters.acked, quint64(1));
        QTRY_COMPARE(rec.counters.gone, quint64(1));
        QTRY_COMPARE(rec.counters.pending, 1); // the redelivered "a"
        QCOMPARE(integer(*m_client, {"LLEN", "q3:processing:c"}), 1);

        // A list-mode consumer cannot settle: answered with an error, never silently.
        Consumer plain(m_server.settings(), parseSpec(QStringLiteral("list:q3")));
        PreciseRecorder prec(&plain);
        const qint64 pid = plain.ack({a});
        QTRY_VERIFY(prec.settle(pid).has_value());
        QVERIFY(!prec.settle(pid)->error.isEmpty());
    }

    void consumerTornDownMidBatch()
    {
        const int total = 10000;
        produceList(*m_client, "q4", total);
        // A: torn down from inside its first batch, while it is still draining.
        int takenByA = 0;
        {
            Consumer a(m_server.settings(),
                       parseSpec(QStringLiteral("reliable:q4,ack=manual,consumer=a")));
            PreciseRecorder rec(&a);
            connect(&a, &Consumer::messagesArrived, &a, [&a] { a.stop(); });
            // A real event loop (QSignalSpy::wait), not QTRY's 10 ms polls: the batches taken by
            // one script each drain 10 000 in a few ms, so the stop must follow the first batch
            // at once.
            QSignalSpy stopped(&a, &Consumer::stopped);
            a.start();
            QVERIFY(rec.stopped || stopped.wait(10000));
            takenByA = int(rec.messages.size());
        }
        ListLedger l = listLedger(*m_client, "q4");
        qInfo("A took %d of %d before it was torn down", takenByA, total);
        QVERIFY(takenByA > 0 && takenByA < total);
        QCOMPARE(integer(*m_client, {"LLEN", "q4:processing:a"}), takenByA);
        QCOMPARE(l.pending + l.queued + l.dead, total);

        // B: recovers A's list at start, acks 1000, and is torn down without acking the rest.
        QSet<QByteArray> ackedByB;
        QSet<QByteArray> redeliveredToB;
        int takenByB = 0;
        {
            Consumer b(m_server.settings(),
                       parseSpec(QStringLiteral("reliable:q4,ack=manual,consumer=b")));
            PreciseRecorder rec(&b);
            b.start();
            QTRY_VERIFY(rec.recovery(0).has_value());
            QCOMPARE(rec.recovery(0)->requeued, takenByA);
            QCOMPARE(rec.recovery(0)->listsOrphaned, 1);
            QTRY_VERIFY_WITH_TIMEOUT(rec.messages.size() >= 2000, 20000);
            const MessageList firstThousand = rec.messages.mid(0, 1000);
            const qint64 id = b.ack(firstThousand);
            QTRY_VERIFY(rec.settle(id).has_value());
            QCOMPARE(rec.settle(id)->done.size(), 1000);
            for (const Message& m : firstThousand)
                ackedByB.insert(m.payload);
            QVERIFY(b.stopAndWait(2000));
            QCoreApplication::processEvents(); // the last batch the worker emitted
            takenByB = int(rec.messages.size());
            for (const Message& m : rec.messages) {
                if (m.deliveryCount == 2)
                    redeliveredToB.insert(m.payload);
            }
        }
        // Every message A took came back to B once, counted.
        QCOMPARE(redeliveredToB.size(), takenByA);
        l = listLedger(*m_client, "q4");
        QCOMPARE(integer(*m_client, {"LLEN", "q4:processing:b"}), takenByB - 1000);
        QCOMPARE(1000 + l.pending + l.queued + l.dead, total);

        // C recovers B's list and drains everything, auto-ack.
        Consumer c(m_server.settings(), parseSpec(QStringLiteral("reliable:q4,consumer=c")));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_VERIFY(rec.recovery(0).has_value());
        QCOMPARE(rec.recovery(0)->requeued, takenByB - 1000);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total - 1000, 20000);
        QTRY_COMPARE(rec.counters.acked, quint64(total - 1000));
        for (const Message& m : rec.messages)
            QVERIFY(!ackedByB.contains(m.payload));
        QCOMPARE(rec.distinctPayloads().size(), total - 1000);
        l = listLedger(*m_client, "q4");
        QCOMPARE(1000 + qint64(rec.counters.acked) + l.pending + l.queued + l.dead, total);
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void recoveryNeverTakesTheConsumersOwnList()
    {
        // A consumer's own processing list holds its in-flight messages even when its heartbeat
        // is gone (released at a stop that raced the recovery started at its start, or deleted
        // by hand): its own recovery must leave that list alone, or every one of those messages
        // is delivered twice. Failed before the fix: requeued == taken, processing list empty.
        const int total = 200;
        produceList(*m_client, "q6", total);
        Consumer a(m_server.settings(),
                   parseSpec(QStringLiteral("reliable:q6,ack=manual,consumer=a")));
        PreciseRecorder rec(&a);
        a.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 10000);
        QTRY_VERIFY(rec.recovery(0).has_value());
        QCOMPARE(integer(*m_client, {"LLEN", "q6:processing:a"}), total);
        QCOMPARE(integer(*m_client, {"DEL", "q6:processing:a:alive"}), 1);
        const qint64 id = a.recover();
        QTRY_VERIFY(rec.recovery(id).has_value());
        QVERIFY(rec.recovery(id)->error.isEmpty());
        QCOMPARE(rec.recovery(id)->requeued, 0);
        QCOMPARE(integer(*m_client, {"LLEN", "q6:processing:a"}), total);
        QCOMPARE(integer(*m_client, {"LLEN", "q6"}), 0);
        // Nothing was delivered twice, and the messages still ack.
        QCOMPARE(rec.messages.size(), total);
        const qint64 ackId = a.ack(rec.messages);
        QTRY_VERIFY(rec.settle(ackId).has_value());
        QCOMPARE(rec.settle(ackId)->done.size(), total);
        QCOMPARE(integer(*m_client, {"LLEN", "q6:processing:a"}), 0);
    }

    void consumerProcessKilled()
    {
        const int total = 10000;
        produceList(*m_client, "q5", total);
        QList<QByteArray> lines;
        QString error;
        QVERIFY2(runHelperUntilAckedThenKill(
                     *m_client, m_server.url(),
                     QStringLiteral("reliable:q5,ack=manual,consumer=k1,heartbeat=600"), 500,
                     &lines, &error),
                 qPrintable(error));
        QSet<QByteArray> got;
        QList<QByteArray> order;
        for (const QByteArray& line : lines) {
            if (line.startsWith("GOT ")) {
                const QByteArray payload = line.split(' ').value(3);
                got.insert(payload);
                order << payload;
            }
            if (line.startsWith("ACKED "))
                QCOMPARE(line, QByteArray("ACKED 500 0"));
        }
        QVERIFY(got.size() >= 500);
        qInfo("the killed helper had taken %d of %d", int(got.size()), total);
        const QSet<QByteArray> ackedByHelper(order.begin(), order.begin() + 500);

        // The ledger holds right after the kill: every message is acked, pending or queued.
        // Everything the helper printed and did not ack is in its processing list (and maybe a
        // few more it had taken but not printed yet).
        QSet<QByteArray> inProcessing;
        for (const RedisReply& e :
             m_client->command({"LRANGE", "q5:processing:k1", "0", "-1"}).elements)
            inProcessing.insert(e.str);
        for (const QByteArray& p : got) {
            if (!ackedByHelper.contains(p))
                QVERIFY(inProcessing.contains(p));
        }
        ListLedger l = listLedger(*m_client, "q5");
        QCOMPARE(500 + l.pending + l.queued + l.dead, total);
        QVERIFY(l.pending >= got.size() - 500);

        // Once the heartbeat has expired, recovery gives every taken message back.
        QTRY_COMPARE_WITH_TIMEOUT(integer(*m_client, {"EXISTS", "q5:processing:k1:alive"}), 0,
                                  5000);
        Consumer b(m_server.settings(), parseSpec(QStringLiteral("reliable:q5,consumer=b")));
        PreciseRecorder rec(&b);
        b.start();
        QTRY_VERIFY(rec.recovery(0).has_value());
        QCOMPARE(rec.recovery(0)->requeued, l.pending);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total - 500, 20000);
        for (const Message& m : rec.messages) {
            QVERIFY(!ackedByHelper.contains(m.payload));
            // Taken by the killed consumer: delivered again with its count.
            QCOMPARE(m.deliveryCount, inProcessing.contains(m.payload) ? 2 : 1);
        }
        QCOMPARE(rec.distinctPayloads().size(), total - 500);
        QTRY_COMPARE(rec.counters.acked, quint64(total - 500));
        l = listLedger(*m_client, "q5");
        QCOMPARE(500 + qint64(rec.counters.acked) + l.pending + l.queued + l.dead, total);
    }

    void racingRecoveriesMoveEachMessageOnce()
    {
        // 100 orphaned processing lists (no heartbeat), 100 messages each.
        const int lists = 100, per = 100;
        for (int i = 0; i < lists; ++i) {
            QList<QByteArray> argv{"LPUSH", "q6:processing:dead" + QByteArray::number(i)};
            for (int j = 0; j < per; ++j)
                argv << "l" + QByteArray::number(i) + "-" + QByteArray::number(j);
            m_client->command(argv);
        }
        // Two consumers, two threads and connections, both recovering at start, at once.
        Consumer a(m_server.settings(), parseSpec(QStringLiteral("reliable:q6,consumer=ra")));
        Consumer b(m_server.settings(), parseSpec(QStringLiteral("reliable:q6,consumer=rb")));
        PreciseRecorder ra(&a), rb(&b);
        a.start();
        b.start();
        QTRY_VERIFY_WITH_TIMEOUT(ra.recovery(0).has_value() && rb.recovery(0).has_value(), 20000);
        QVERIFY(ra.recovery(0)->error.isEmpty());
        QVERIFY(rb.recovery(0)->error.isEmpty());
        QCOMPARE(ra.recovery(0)->requeued + rb.recovery(0)->requeued, qint64(lists * per));
        qInfo("recovered by a: %lld, by b: %lld", ra.recovery(0)->requeued,
              rb.recovery(0)->requeued);
        QTRY_COMPARE_WITH_TIMEOUT(ra.messages.size() + rb.messages.size(), lists * per, 20000);
        QSet<QByteArray> all = ra.distinctPayloads();
        all.unite(rb.distinctPayloads());
        QCOMPARE(all.size(), lists * per);
        // Moved once means counted once.
        for (const PreciseRecorder* r : {&ra, &rb}) {
            for (const Message& m : r->messages)
                QCOMPARE(m.deliveryCount, 2);
        }
        QTRY_COMPARE(ra.counters.acked + rb.counters.acked, quint64(lists * per));
        const ListLedger l = listLedger(*m_client, "q6");
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void racingRecoveriesOnTwoConnections()
    {
        // The recovery object itself, twice at once on two connections: 100 orphaned lists of 100,
        // and one of 10 000 (moved in chunks of 1000, so both runs work on it in turn).
        const int lists = 101, per = 100, big = 10000;
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < lists; ++i) {
            QList<QByteArray> argv{"LPUSH", "q10:processing:gone" + QByteArray::number(i)};
            for (int j = 0; j < (i == 0 ? big : per); ++j)
                argv << "l" + QByteArray::number(i) + "-" + QByteArray::number(j);
            cmds << argv;
        }
        const int total = big + (lists - 1) * per;
        m_client->pipeline(cmds);
        RedisConnection c1(m_server.settings(), QStringLiteral("test")),
            c2(m_server.settings(), QStringLiteral("test"));
        c1.open();
        c2.open();
        QTRY_VERIFY(c1.isReady() && c2.isReady());
        ReliableListKeys keys = ReliableListKeys::forQueue("q10");
        ReliableRecovery r1(&c1, keys), r2(&c2, keys);
        QList<RecoveryReport> reports;
        for (ReliableRecovery* r : {&r1, &r2}) {
            connect(r, &ReliableRecovery::finished, this,
                    [&reports](const RecoveryReport& rep) { reports << rep; });
        }
        r1.start(1);
        r2.start(2);
        QTRY_COMPARE_WITH_TIMEOUT(reports.size(), 2, 20000);
        qInfo("recovered by connection 1: %lld, by connection 2: %lld (%d and %d lists)",
              reports[0].requeued, reports[1].requeued, reports[0].listsOrphaned,
              reports[1].listsOrphaned);
        QCOMPARE(reports[0].requeued + reports[1].requeued, qint64(total));
        QCOMPARE(integer(*m_client, {"LLEN", "q10"}), qint64(total));
        // Each message is in the queue once, with one failed delivery counted.
        const RedisReply all = m_client->command({"LRANGE", "q10", "0", "-1"});
        QSet<QByteArray> distinct;
        for (const RedisReply& e : all.elements)
            distinct.insert(e.str);
        QCOMPARE(distinct.size(), total);
        const RedisReply counts = m_client->command({"HVALS", "q10:deliveries"});
        QCOMPARE(counts.elements.size(), total);
        for (const RedisReply& v : counts.elements)
            QCOMPARE(v.str, QByteArray("1"));
        // Oldest first at the consuming (right) end: list 0's first push comes out first.
        QCOMPARE(m_client->command({"LINDEX", "q10", "-1"}).str.startsWith("l"), true);
    }

    void deadLetterAfterMaxDeliveries()
    {
        m_client->command({"LPUSH", "q7", "poison"});
        // Each consumer takes it, fails (stops without acking); the next one recovers it.
        for (int i = 1; i <= 3; ++i) {
            Consumer c(
                m_server.settings(),
                parseSpec(QStringLiteral("reliable:q7,ack=manual,maxdeliveries=3,consumer=w") +
                          QString::number(i)));
            PreciseRecorder rec(&c);
            c.start();
            QTRY_COMPARE(rec.messages.size(), 1);
            QCOMPARE(rec.messages[0].payload, QByteArray("poison"));
            QCOMPARE(rec.messages[0].deliveryCount, i);
            QVERIFY(c.stopAndWait(2000));
        }
        Consumer last(m_server.settings(),
                      parseSpec(QStringLiteral("reliable:q7,ack=manual,maxdeliveries=3")));
        PreciseRecorder rec(&last);
        last.start();
        QTRY_VERIFY(rec.recovery(0).has_value());
        QCOMPARE(rec.recovery(0)->deadLettered, 1);
        QCOMPARE(rec.recovery(0)->requeued, 0);
        QCOMPARE(m_client->command({"LRANGE", "q7:dead", "0", "-1"}).elements.size(), 1);
        QCOMPARE(integer(*m_client, {"LLEN", "q7"}), 0);
        QCOMPARE(integer(*m_client, {"HLEN", "q7:deliveries"}), 0);
        QVERIFY(rec.messages.isEmpty());
        const ListLedger l = listLedger(*m_client, "q7");
        QCOMPARE(l.dead, 1);
        QCOMPARE(l.pending + l.queued, 0);
    }

    void deadLetterOnOwnRestart()
    {
        // The same consumer crashing on a message again and again: its own processing list is
        // re-read at each start, counted, and dead-lettered at the limit.
        m_client->command({"LPUSH", "q8", "poison"});
        const ConsumerSpec spec =
            parseSpec(QStringLiteral("reliable:q8,ack=manual,consumer=same,maxdeliveries=2"));
        for (int i = 1; i <= 2; ++i) {
            Consumer c(m_server.settings(), spec);
            PreciseRecorder rec(&c);
            c.start();
            QTRY_COMPARE(rec.messages.size(), 1);
            QCOMPARE(rec.messages[0].deliveryCount, i);
            QVERIFY(c.stopAndWait(2000));
        }
        Consumer c(m_server.settings(), spec);
        PreciseRecorder rec(&c);
        c.start();
        QTRY_COMPARE(rec.counters.deadLettered, quint64(1));
        QVERIFY(!rec.notices.isEmpty());
        QVERIFY(rec.messages.isEmpty());
        QCOMPARE(integer(*m_client, {"LLEN", "q8:dead"}), 1);
        QCOMPARE(integer(*m_client, {"LLEN", "q8:processing:same"}), 0);
    }

    void liveConsumerIsNotRecovered()
    {
        produceList(*m_client, "q9", 10);
        Consumer a(m_server.settings(),
                   parseSpec(QStringLiteral("reliable:q9,ack=manual,consumer=alive")));
        PreciseRecorder ra(&a);
        a.start();
        QTRY_COMPARE(ra.messages.size(), 10);
        Consumer b(m_server.settings(), parseSpec(QStringLiteral("reliable:q9,consumer=other")));
        PreciseRecorder rb(&b);
        b.start();
        QTRY_VERIFY(rb.recovery(0).has_value());
        QCOMPARE(rb.recovery(0)->listsFound, 1);
        QCOMPARE(rb.recovery(0)->requeued, 0);
        QCOMPARE(integer(*m_client, {"LLEN", "q9:processing:alive"}), 10);
        // A second default-named consumer on the same queue gets the next free name.
        Consumer c(m_server.settings(), parseSpec(QStringLiteral("reliable:q9")));
        Consumer d(m_server.settings(), parseSpec(QStringLiteral("reliable:q9")));
        PreciseRecorder rc(&c), rd(&d);
        c.start();
        d.start();
        QTRY_VERIFY(rc.ready() && rd.ready());
        QVERIFY(rc.consumer != rd.consumer);
    }

    void reconnectLosesNothing()
    {
        produceList(*m_client, "q11", 10, "a");
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("reliable:q11,ack=manual,consumer=rc")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE(rec.messages.size(), 10);
        // Every connection of the consumer is cut (the blocked BLMOVE, the ops connection).
        m_client->command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
        QTRY_VERIFY(rec.states.contains(ConsumerState::Reconnecting));
        QTRY_COMPARE(rec.states.last(), ConsumerState::Listening);
        produceList(*m_client, "q11", 10, "b");
        QTRY_COMPARE(rec.messages.size(), 20);
        QCOMPARE(rec.distinctPayloads().size(), 20); // nothing delivered twice
        QCOMPARE(integer(*m_client, {"LLEN", "q11:processing:rc"}), 20);
        QTRY_COMPARE(rec.counters.pending, 20);
        const qint64 id = consumer.ack(rec.messages);
        QTRY_VERIFY(rec.settle(id).has_value());
        QCOMPARE(rec.settle(id)->done.size(), 20);
        QCOMPARE(integer(*m_client, {"LLEN", "q11:processing:rc"}), 0);
        QTRY_COMPARE(integer(*m_client, {"EXISTS", "q11:processing:rc:alive"}), 1);
    }

    void drainRateAutoAck()
    {
        // Measured, not asserted: 100 000 x 64-byte messages, reliable auto-ack.
        const int total = 100000;
        produceList(*m_client, "qbench", total, "m", 64);
        Consumer consumer(m_server.settings(), parseSpec(QStringLiteral("reliable:qbench")));
        PreciseRecorder rec(&consumer);
        QElapsedTimer t;
        t.start();
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 60000);
        const qint64 receivedMs = t.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(total), 60000);
        const qint64 ackedMs = t.elapsed();
        qInfo("reliable auto-ack drain: %d x 64 B in the pane after %lld ms (%.0f msg/s); all "
              "acked after %lld ms (%.0f msg/s, counters are throttled to 100 ms)",
              total, receivedMs, total * 1000.0 / qMax<qint64>(1, receivedMs), ackedMs,
              total * 1000.0 / qMax<qint64>(1, ackedMs));
        QCOMPARE(integer(*m_client, {"LLEN", rec.pendingKey}), 0);
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestReliable)
#include "tst_reliable.moc"
