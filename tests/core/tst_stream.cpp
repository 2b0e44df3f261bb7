// Stream group mode (XREADGROUP) against a real redis-server: exactly-once acks, own pending
// re-read after a restart, XAUTOCLAIM from a dead consumer, dead letters, entries deleted while
// pending, NOACK, a SIGKILLed consumer process, and the ledger
// produced == acked + pending + queued + dead after each fault.
#include "Consumer.h"
#include "Publisher.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSet>
#include <QSysInfo>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

namespace {
// Stream ledger of one group: pending (PEL), queued (not yet delivered to the group), dead.
struct StreamLedger {
    qint64 pending = 0;
    qint64 queued = 0;
    qint64 dead = 0;
};

StreamLedger streamLedger(SyncClient& c, const QByteArray& stream, const QByteArray& group)
{
    StreamLedger l;
    l.pending = c.command({"XPENDING", stream, group}).elements.value(0).integer;
    const RedisReply groups = c.command({"XINFO", "GROUPS", stream});
    for (const RedisReply& g : groups.elements) {
        QByteArray name;
        qint64 lag = -1;
        for (qsizetype i = 0; i + 1 < g.elements.size(); i += 2) {
            if (g.elements[i].str == "name")
                name = g.elements[i + 1].str;
            if (g.elements[i].str == "lag")
                lag = g.elements[i + 1].integer;
        }
        if (name == group)
            l.queued = lag;
    }
    l.dead = c.command({"XLEN", stream + ":dead"}).integer;
    return l;
}
} // namespace

class TestStream : public QObject {
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

    void autoAckExactlyOnce()
    {
        // from=0: the group starts at the beginning, so entries added before it exist count.
        produceStream(*m_client, "s1", 1000);
        Consumer consumer(m_server.settings(), parseSpec(QStringLiteral("stream:s1,from=0")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 1000, 20000);
        QCOMPARE(rec.consumer, QSysInfo::machineHostName().toUtf8() + "-1");
        QCOMPARE(rec.pendingKey, QByteArray("rqconsole"));
        for (int i = 0; i < 1000; ++i) {
            const Message& m = rec.messages[i];
            QCOMPARE(m.payload, QByteArray("e") + QByteArray::number(i));
            QVERIFY(!m.id.isEmpty());
            QCOMPARE(m.fields.size(), 2);
            QCOMPARE(m.fields[1].first, QByteArray("n"));
            QCOMPARE(m.fields[1].second, QByteArray::number(i));
            QCOMPARE(m.deliveryCount, 1);
        }
        QTRY_COMPARE(rec.counters.acked, quint64(1000));
        QCOMPARE(rec.counters.pending, 0);
        m_client->command({"XADD", "s1", "*", "message", "late"});
        QTRY_COMPARE(rec.messages.size(), 1001);
        QTRY_COMPARE(rec.counters.acked, quint64(1001));
        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(2000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(200), qPrintable(QString::number(t.elapsed())));
        const StreamLedger l = streamLedger(*m_client, "s1", "rqconsole");
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void defaultGroupStartsAtNewEntries()
    {
        m_client->command({"XADD", "s0", "*", "message", "old"});
        Consumer consumer(m_server.settings(), parseSpec(QStringLiteral("stream:s0,group=g")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        // XGROUP CREATE … $: "old" is not for this group; only what comes after.
        QTRY_COMPARE(m_client->command({"XINFO", "GROUPS", "s0"}).elements.size(), 1);
        m_client->command({"XADD", "s0", "*", "message", "new"});
        QTRY_COMPARE(rec.messages.size(), 1);
        QCOMPARE(rec.messages[0].payload, QByteArray("new"));
        // A second consumer on the existing group: BUSYGROUP is not an error.
        Consumer second(m_server.settings(), parseSpec(QStringLiteral("stream:s0,group=g")));
        PreciseRecorder rec2(&second);
        second.start();
        QTRY_VERIFY(rec2.ready());
        QVERIFY(rec2.errors.isEmpty());
        QVERIFY(rec2.consumer != rec.consumer);
    }

    void manualAckSurvivesRestart()
    {
        produceStream(*m_client, "s2", 20);
        const ConsumerSpec spec =
            parseSpec(QStringLiteral("stream:s2,group=g,consumer=c1,ack=manual,from=0"));
        {
            Consumer consumer(m_server.settings(), spec);
            PreciseRecorder rec(&consumer);
            consumer.start();
            QTRY_COMPARE(rec.messages.size(), 20);
            const qint64 id = consumer.ack(rec.messages.mid(0, 5));
            QTRY_VERIFY(rec.settle(id).has_value());
            QCOMPARE(rec.settle(id)->done.size(), 5);
            QTRY_COMPARE(rec.counters.pending, 15);
            QVERIFY(consumer.stopAndWait(2000));
        }
        StreamLedger l = streamLedger(*m_client, "s2", "g");
        QCOMPARE(l.pending, 15);
        QCOMPARE(5 + l.pending + l.queued + l.dead, 20);

        Consumer again(m_server.settings(), spec);
        PreciseRecorder rec(&again);
        again.start();
        QTRY_COMPARE(rec.messages.size(), 15);
        for (int i = 0; i < 15; ++i) {
            QCOMPARE(rec.messages[i].payload, QByteArray("e") + QByteArray::number(i + 5));
            QCOMPARE(rec.messages[i].deliveryCount, 2);
        }
        const qint64 id = again.ack(rec.messages);
        QTRY_VERIFY(rec.settle(id).has_value());
        QCOMPARE(rec.settle(id)->done.size(), 15);
        // Exactly once: acking again finds nothing.
        const qint64 id2 = again.ack(rec.messages.mid(0, 1));
        QTRY_VERIFY(rec.settle(id2).has_value());
        QCOMPARE(rec.settle(id2)->gone.size(), 1);
        l = streamLedger(*m_client, "s2", "g");
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void claimIdleEntryFromAnotherConsumer()
    {
        produceStream(*m_client, "s3", 3);
        // A dead consumer: read with XREADGROUP by "ghost" and never acked.
        m_client->command({"XGROUP", "CREATE", "s3", "g", "0"});
        m_client->command(
            {"XREADGROUP", "GROUP", "g", "ghost", "COUNT", "10", "STREAMS", "s3", ">"});
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:s3,group=g,ack=manual,minidle=50")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        // Entries idle for less than minidle stay with their consumer.
        const qint64 early = consumer.claim(60000);
        QTRY_VERIFY(rec.recovery(early).has_value());
        QCOMPARE(rec.recovery(early)->requeued, 0);
        QVERIFY(rec.messages.isEmpty());
        // Once idle for longer than minidle=50, they are claimed.
        QTRY_COMPARE(m_client->command({"XPENDING", "s3", "g", "IDLE", "50", "-", "+", "10"})
                         .elements.size(),
                     3);
        const qint64 id = consumer.claim();
        QTRY_VERIFY(rec.recovery(id).has_value());
        QVERIFY(rec.recovery(id)->error.isEmpty());
        QCOMPARE(rec.recovery(id)->requeued, 3);
        QTRY_COMPARE(rec.messages.size(), 3);
        for (const Message& m : rec.messages)
            QCOMPARE(m.deliveryCount, 2);
        // The entries moved from ghost's PEL to ours.
        const RedisReply pel = m_client->command({"XPENDING", "s3", "g", "-", "+", "10"});
        QCOMPARE(pel.elements.size(), 3);
        for (const RedisReply& p : pel.elements)
            QCOMPARE(p.elements[1].str, rec.consumer);
        const qint64 ack = consumer.ack(rec.messages);
        QTRY_VERIFY(rec.settle(ack).has_value());
        QCOMPARE(rec.settle(ack)->done.size(), 3);
    }

    void periodicClaimTakesOthersIdleEntries()
    {
        produceStream(*m_client, "s14", 3, "ghost");
        m_client->command({"XGROUP", "CREATE", "s14", "g", "0"});
        // A dead consumer read them and never acked.
        m_client->command(
            {"XREADGROUP", "GROUP", "g", "ghost", "COUNT", "10", "STREAMS", "s14", ">"});
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:s14,group=g,consumer=c,ack=manual,"
                                                   "minidle=200,claiminterval=50")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        // Claimed without asking once idle for 200 ms, delivered with their counts.
        QTRY_COMPARE(rec.messages.size(), 3);
        for (const Message& m : rec.messages)
            QCOMPARE(m.deliveryCount, 2);
        QTRY_VERIFY(!rec.notices.isEmpty());
        RedisReply pel = m_client->command({"XPENDING", "s14", "g", "-", "+", "10"});
        QCOMPARE(pel.elements.size(), 3);
        for (const RedisReply& p : pel.elements)
            QCOMPARE(p.elements[1].str, QByteArray("c"));

        // Our own pending entries (waiting for a manual ack) are never claimed again: once they
        // have been idle for longer than minidle, a new ghost entry is claimed and they are not.
        QTRY_COMPARE(m_client->command({"XPENDING", "s14", "g", "IDLE", "250", "-", "+", "10"})
                         .elements.size(),
                     3);
        // Added and read by ghost in one transaction: our blocked XREADGROUP cannot take it.
        m_client->pipeline(
            {{"MULTI"},
             {"XADD", "s14", "*", "message", "late0"},
             {"XREADGROUP", "GROUP", "g", "ghost", "COUNT", "10", "STREAMS", "s14", ">"},
             {"EXEC"}});
        QTRY_COMPARE(rec.messages.size(), 4);
        QCOMPARE(rec.messages[3].payload, QByteArray("late0"));
        pel = m_client->command({"XPENDING", "s14", "g", "-", "+", "10"});
        QCOMPARE(pel.elements.size(), 4);
        for (const RedisReply& p : pel.elements) {
            QCOMPARE(p.elements[1].str, QByteArray("c"));
            QCOMPARE(p.elements[3].integer, 2); // delivered to ghost, then to us: once each
        }
        const qint64 ack = consumer.ack(rec.messages);
        QTRY_VERIFY(rec.settle(ack).has_value());
        QCOMPARE(rec.settle(ack)->done.size(), 4);
        QCOMPARE(rec.distinctPayloads().size(), 4);
    }

    void settleActions()
    {
        produceStream(*m_client, "s4", 3);
        Consumer consumer(
            m_server.settings(),
            parseSpec(QStringLiteral("stream:s4,group=g,consumer=c,ack=manual,from=0")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE(rec.messages.size(), 3);
        const Message a = rec.messages[0], b = rec.messages[1];
        // Requeue delivers again now, one more delivery counted.
        const qint64 rq = consumer.requeue({a});
        QTRY_VERIFY(rec.settle(rq).has_value());
        QCOMPARE(rec.settle(rq)->done, QList<quint64>{a.seq});
        QTRY_COMPARE(rec.messages.size(), 4);
        QCOMPARE(rec.messages[3].id, a.id);
        QCOMPARE(rec.messages[3].deliveryCount, 2);
        // Dead-letter: copied to s4:dead with its origin, and acked.
        const qint64 dl = consumer.deadLetter({b});
        QTRY_VERIFY(rec.settle(dl).has_value());
        QCOMPARE(rec.settle(dl)->done, QList<quint64>{b.seq});
        const RedisReply dead = m_client->command({"XRANGE", "s4:dead", "-", "+"});
        QCOMPARE(dead.elements.size(), 1);
        const QList<RedisReply> f = dead.elements[0].elements[1].elements;
        QList<QByteArray> flat;
        for (const RedisReply& x : f)
            flat << x.str;
        QVERIFY(flat.contains("message"));
        QCOMPARE(flat.value(flat.indexOf("origin-id") + 1), b.id);
        QCOMPARE(flat.value(flat.indexOf("origin-group") + 1), QByteArray("g"));
        QCOMPARE(flat.value(flat.indexOf("deliveries") + 1), QByteArray("1"));
        QTRY_COMPARE(rec.counters.deadLettered, quint64(1));
        QTRY_COMPARE(rec.counters.requeued, quint64(1));
        QTRY_COMPARE(rec.counters.pending, 2);
        const StreamLedger l = streamLedger(*m_client, "s4", "g");
        QCOMPARE(l.pending, 2);
        QCOMPARE(l.dead, 1);
    }

    void deadLetterAfterMaxDeliveries()
    {
        m_client->command({"XADD", "s5", "*", "message", "poison"});
        m_client->command({"XGROUP", "CREATE", "s5", "g", "0"});
        // Delivered to "ghost" once, then claimed twice: its count passes maxdeliveries=2 at
        // the second claim and it goes to the dead stream instead of the pane.
        m_client->command({"XREADGROUP", "GROUP", "g", "ghost", "STREAMS", "s5", ">"});
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:s5,group=g,ack=manual,maxdeliveries=2,"
                                                   "consumer=w")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        const qint64 c1 = consumer.claim(0);
        QTRY_VERIFY(rec.recovery(c1).has_value());
        QCOMPARE(rec.recovery(c1)->requeued, 1);
        QTRY_COMPARE(rec.messages.size(), 1);
        QCOMPARE(rec.messages[0].deliveryCount, 2);
        const qint64 c2 = consumer.claim(0);
        QTRY_VERIFY(rec.recovery(c2).has_value());
        QCOMPARE(rec.recovery(c2)->deadLettered, 1);
        QCOMPARE(rec.recovery(c2)->requeued, 0);
        QCOMPARE(integer(*m_client, {"XLEN", "s5:dead"}), 1);
        const StreamLedger l = streamLedger(*m_client, "s5", "g");
        QCOMPARE(l.pending, 0);
        QCOMPARE(l.dead, 1);
        QTRY_COMPARE(rec.counters.deadLettered, quint64(1));
    }

    void deletedWhilePendingIsReported()
    {
        produceStream(*m_client, "s6", 3);
        const ConsumerSpec spec =
            parseSpec(QStringLiteral("stream:s6,group=g,consumer=c,ack=manual,from=0"));
        QByteArray deletedId;
        {
            Consumer consumer(m_server.settings(), spec);
            PreciseRecorder rec(&consumer);
            consumer.start();
            QTRY_COMPARE(rec.messages.size(), 3);
            deletedId = rec.messages[1].id;
            QVERIFY(consumer.stopAndWait(2000));
        }
        // Another consumer holds one more entry; both get deleted while pending.
        m_client->command({"XADD", "s6", "*", "message", "x"});
        const RedisReply r =
            m_client->command({"XREADGROUP", "GROUP", "g", "ghost", "STREAMS", "s6", ">"});
        const QByteArray ghostId =
            r.elements.value(0).elements.value(1).elements.value(0).elements.value(0).str;
        QVERIFY(!ghostId.isEmpty());
        m_client->command({"XDEL", "s6", deletedId, ghostId});
        Consumer consumer(m_server.settings(), spec);
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE(rec.messages.size(), 2);
        QTRY_COMPARE(rec.counters.trimmed, quint64(1));
        bool reported = false;
        for (const QString& n : rec.notices)
            reported = reported || n.contains(QString::fromUtf8(deletedId));
        QVERIFY(reported);
        // Acked away: the PEL holds only the two that still exist (and ghost's, until claimed).
        QTRY_COMPARE(streamLedger(*m_client, "s6", "g").pending, 3);
        QCOMPARE(integer(*m_client, {"XLEN", "s6:dead"}), 0);

        // XAUTOCLAIM reports entries deleted while another consumer had them pending.
        const qint64 id = consumer.claim(0);
        QTRY_VERIFY(rec.recovery(id).has_value());
        QCOMPARE(rec.recovery(id)->trimmed, QList<QByteArray>{ghostId});
        // Our own two live entries were claimed to ourselves again (minidle 0); none is lost.
        QTRY_COMPARE(streamLedger(*m_client, "s6", "g").pending, 2);
    }

    void noAckIsAtMostOnce()
    {
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:s7,group=g,ack=none")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        QTRY_COMPARE(m_client->command({"XINFO", "GROUPS", "s7"}).elements.size(), 1);
        produceStream(*m_client, "s7", 10);
        QTRY_COMPARE(rec.messages.size(), 10);
        QCOMPARE(streamLedger(*m_client, "s7", "g").pending, 0);
        const qint64 id = consumer.ack(rec.messages);
        QTRY_VERIFY(rec.settle(id).has_value());
        QVERIFY(!rec.settle(id)->error.isEmpty());
    }

    void consumerProcessKilled()
    {
        const int total = 10000;
        produceStream(*m_client, "s8", total);
        QList<QByteArray> lines;
        QString error;
        QVERIFY2(runHelperUntilAckedThenKill(
                     *m_client, m_server.url(),
                     QStringLiteral("stream:s8,group=g,consumer=k1,ack=manual,from=0"), 500, &lines,
                     &error),
                 qPrintable(error));
        QList<QByteArray> ids;
        for (const QByteArray& line : lines) {
            if (line.startsWith("GOT "))
                ids << line.split(' ').value(2);
            if (line.startsWith("ACKED "))
                QCOMPARE(line, QByteArray("ACKED 500 0"));
        }
        const QSet<QByteArray> ackedByHelper(ids.begin(), ids.begin() + 500);
        StreamLedger l = streamLedger(*m_client, "s8", "g");
        qInfo("the killed helper had %lld pending", l.pending);
        QCOMPARE(500 + l.pending + l.queued + l.dead, total);

        // Another consumer claims what the killed one held and gets each again, counted.
        Consumer b(m_server.settings(),
                   parseSpec(QStringLiteral("stream:s8,group=g,consumer=b,minidle=0")));
        PreciseRecorder rec(&b);
        b.start();
        QTRY_VERIFY(rec.ready());
        const qint64 id = b.recover();
        QTRY_VERIFY_WITH_TIMEOUT(rec.recovery(id).has_value(), 20000);
        QCOMPARE(rec.recovery(id)->requeued, l.pending);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total - 500, 20000);
        int redelivered = 0;
        for (const Message& m : rec.messages) {
            QVERIFY(!ackedByHelper.contains(m.id));
            redelivered += m.deliveryCount == 2 ? 1 : 0;
        }
        QCOMPARE(redelivered, l.pending);
        QTRY_COMPARE(rec.counters.acked, quint64(total - 500));
        l = streamLedger(*m_client, "s8", "g");
        QCOMPARE(500 + qint64(rec.counters.acked) + l.pending + l.queued + l.dead, total);
        QCOMPARE(l.pending + l.queued + l.dead, 0);
    }

    void consumerTornDownMidBatch()
    {
        const int total = 10000;
        produceStream(*m_client, "s9", total);
        int taken = 0;
        {
            Consumer a(m_server.settings(),
                       parseSpec(QStringLiteral("stream:s9,group=g,consumer=a,ack=manual,from=0,"
                                                "count=500")));
            PreciseRecorder rec(&a);
            connect(&a, &Consumer::messagesArrived, &a, [&a] { a.stop(); });
            a.start();
            QTRY_VERIFY(rec.stopped);
            taken = int(rec.messages.size());
        }
        qInfo("A took %d of %d before it was torn down", taken, total);
        StreamLedger l = streamLedger(*m_client, "s9", "g");
        QCOMPARE(l.pending, taken);
        QCOMPARE(l.pending + l.queued + l.dead, total);
        // Restarted under the same name: its own pending entries come first, counted.
        Consumer a2(m_server.settings(),
                    parseSpec(QStringLiteral("stream:s9,group=g,consumer=a,from=0")));
        PreciseRecorder rec(&a2);
        a2.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 20000);
        for (int i = 0; i < total; ++i)
            QCOMPARE(rec.messages[i].deliveryCount, i < taken ? 2 : 1);
        QTRY_COMPARE(rec.counters.acked, quint64(total));
        l = streamLedger(*m_client, "s9", "g");
        QCOMPARE(qint64(rec.counters.acked) + l.pending + l.queued + l.dead, total);
    }

    void publishWithXadd()
    {
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:sp,group=g,field=body")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        QTRY_COMPARE(m_client->command({"XINFO", "GROUPS", "sp"}).elements.size(), 1);
        Publisher publisher(m_server.settings());
        QMap<qint64, quint64> done;
        connect(&publisher, &Publisher::sent, this,
                [&done](qint64 id, quint64 count, qint64) { done.insert(id, count); });
        publisher.start();
        // The entry box's field/value form, and a burst.
        const qint64 a = publisher.sendEntry("sp", {{"body", "hello"}, {"kind", "greeting"}}, 3);
        // A plain send: field "message" (this pane reads "body", so its payload is empty).
        const qint64 b = publisher.send(PublisherWorker::Command::XAdd, "sp", "plain");
        const qint64 c = publisher.sendEntry("sp", {});
        QTRY_COMPARE(done.size(), 3);
        QCOMPARE(done.value(a), quint64(3));
        QCOMPARE(done.value(b), quint64(1));
        QCOMPARE(done.value(c), quint64(0)); // refused: an entry needs a field
        QTRY_COMPARE(rec.messages.size(), 4);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(rec.messages[i].payload, QByteArray("hello"));
            QCOMPARE(rec.messages[i].fields, (QList<QPair<QByteArray, QByteArray>>{
                                                 {"body", "hello"}, {"kind", "greeting"}}));
        }
        QVERIFY(rec.messages[3].payload.isEmpty());
        QCOMPARE(rec.messages[3].fields.value(0).second, QByteArray("plain"));
        QCOMPARE(m_client->command({"XLEN", "sp"}).integer, 4);
    }

    void reconnectLosesNothing()
    {
        produceStream(*m_client, "s11", 10, "a");
        Consumer consumer(
            m_server.settings(),
            parseSpec(QStringLiteral("stream:s11,group=g,consumer=rc,ack=manual,from=0")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_COMPARE(rec.messages.size(), 10);
        m_client->command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
        QTRY_VERIFY(rec.states.contains(ConsumerState::Reconnecting));
        QTRY_COMPARE(rec.states.last(), ConsumerState::Listening);
        produceStream(*m_client, "s11", 10, "b");
        QTRY_COMPARE(rec.messages.size(), 20);
        QCOMPARE(rec.distinctPayloads().size(), 20);
        QCOMPARE(streamLedger(*m_client, "s11", "g").pending, 20);
        const qint64 id = consumer.ack(rec.messages);
        QTRY_VERIFY(rec.settle(id).has_value());
        QCOMPARE(rec.settle(id)->done.size(), 20);
        QCOMPARE(streamLedger(*m_client, "s11", "g").pending, 0);
    }

    void drainRateAutoAck()
    {
        const int total = 100000;
        produceStream(*m_client, "sbench", total, "e", 64);
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:sbench,group=g,from=0")));
        PreciseRecorder rec(&consumer);
        QElapsedTimer t;
        t.start();
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 60000);
        const qint64 receivedMs = t.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(total), 60000);
        const qint64 ackedMs = t.elapsed();
        qInfo("stream auto-ack drain: %d x 64 B in the pane after %lld ms (%.0f msg/s); all acked "
              "after %lld ms (%.0f msg/s, counters are throttled to 100 ms)",
              total, receivedMs, total * 1000.0 / qMax<qint64>(1, receivedMs), ackedMs,
              total * 1000.0 / qMax<qint64>(1, ackedMs));
        QCOMPARE(streamLedger(*m_client, "sbench", "g").pending, 0);
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
