// Auto-ack (reliable list, stream group) against a real redis-server: a message is acked only
// after its batch left the worker towards the pane — never while it could still die with the
// worker — and at a stop the last batch's acks are answered before stopped().
#include "Consumer.h"
#include "StreamGroupConsumer.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

namespace {
// How many entries of the group are pending (XPENDING summary).
qint64 groupPending(SyncClient& c, const QByteArray& stream, const QByteArray& group)
{
    return c.command({"XPENDING", stream, group}).elements.value(0).integer;
}

// How many entries of the stream the group has not read yet (XINFO GROUPS lag, Redis 7).
qint64 groupLag(SyncClient& c, const QByteArray& stream, const QByteArray& group)
{
    for (const RedisReply& g : c.command({"XINFO", "GROUPS", stream}).elements) {
        QByteArray name;
        qint64 lag = -1;
        for (qsizetype i = 0; i + 1 < g.elements.size(); i += 2) {
            if (g.elements[i].str == "name")
                name = g.elements[i + 1].str;
            if (g.elements[i].str == "lag")
                lag = g.elements[i + 1].integer;
        }
        if (name == group)
            return lag;
    }
    return -1;
}
} // namespace

class TestAutoAck : public QObject {
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
    qint64 blockedClients()
    {
        const QByteArray info = m_client->command({"INFO", "clients"}).str;
        const qsizetype at = info.indexOf("blocked_clients:");
        return at < 0 ? -1 : info.mid(at + 16, info.indexOf('\r', at) - at - 16).toLongLong();
    }
    // How many LREM the server ran (scripts included) since CONFIG RESETSTAT.
    qint64 lremCalls()
    {
        const QByteArray info = m_client->command({"INFO", "commandstats"}).str;
        const qsizetype at = info.indexOf("cmdstat_lrem:calls=");
        return at < 0 ? 0 : info.mid(at + 19, info.indexOf(',', at) - at - 19).toLongLong();
    }

    void reliableOnlyAfterEmit()
    {
        // The worker is held inside the emission of each of its first batches. The server then
        // shows what a crash at that moment would leave: every message of the batch being
        // emitted is still in the processing list, and whatever was acked had left the worker
        // before — at the first batch, nothing at all.
        const int total = 30000;
        produceList(*m_client, "q12", total);
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("reliable:q12,consumer=e")));
        PreciseRecorder rec(&consumer);
        const int gated = 5;
        EmitGate gate(&consumer, gated);
        consumer.start();
        qint64 ackedWhileHeld = 0;
        int k = 0;
        for (; k < gated; ++k) {
            bool held = false;
            QVERIFY(waitUntil(
                [&] { return (held = gate.held.tryAcquire()) || rec.messages.size() == total; }));
            if (!held)
                break; // drained in fewer batches
            const MessageList batch = gate.heldBatch();
            QSet<QByteArray> emittedBefore;
            for (const Message& m : gate.emittedBefore())
                emittedBefore.insert(m.payload);
            // One atomic look at the queue and the processing list (LMOVEs may still be running).
            const QList<RedisReply> snap = m_client->pipeline(
                {{"MULTI"}, {"LLEN", "q12"}, {"LRANGE", "q12:processing:e", "0", "-1"}, {"EXEC"}});
            const RedisReply exec = snap.value(3);
            QVERIFY2(exec.isArray() && exec.elements.size() == 2, exec.toDebugString().constData());
            const qint64 taken = total - exec.elements[0].integer;
            QSet<QByteArray> processing;
            for (const RedisReply& e : exec.elements[1].elements)
                processing.insert(e.str);
            for (const Message& m : batch)
                QVERIFY2(processing.contains(m.payload),
                         ("acked before it was emitted: " + m.payload).constData());
            // Taken so far: m0 … m<taken-1> (LPUSH, taken from the right). Acked: taken and no
            // longer in the processing list.
            for (qint64 i = 0; i < taken; ++i) {
                const QByteArray p = QByteArray("m") + QByteArray::number(i);
                if (processing.contains(p))
                    continue;
                ++ackedWhileHeld;
                QVERIFY2(emittedBefore.contains(p),
                         ("acked before it was emitted: " + p).constData());
            }
            if (k == 0)
                QCOMPARE(qint64(processing.size()), taken);
            gate.release();
        }
        QVERIFY2(k >= 3, qPrintable(QStringLiteral("only %1 batches").arg(k)));
        qInfo("%d batches held; %lld acks seen then, all of messages emitted before", k,
              ackedWhileHeld);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 20000);
        QTRY_COMPARE(rec.counters.acked, quint64(total));
        QCOMPARE(integer(*m_client, {"LLEN", "q12:processing:e"}), 0);
        QCOMPARE(rec.distinctPayloads().size(), total);
    }

    void reliableTailAckAndFallback()
    {
        // Acks of a batch that is the processing list's tail take one LTRIM; when something else
        // sits at the tail (here a foreign entry pushed at the oldest end), each message is
        // removed by value instead — and the foreign entry stays. Delivery is FIFO either way.
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("reliable:q16,consumer=t")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        QTRY_VERIFY(rec.ready());
        m_client->command({"CONFIG", "RESETSTAT"});
        // Blocked in BLMOVE on an empty queue: the processing list is ours to tamper with.
        QTRY_COMPARE(blockedClients(), 1);
        produceList(*m_client, "q16", 300, "a");
        QTRY_COMPARE(rec.counters.acked, quint64(300));
        QCOMPARE(integer(*m_client, {"LLEN", "q16:processing:t"}), 0);
        QCOMPARE(lremCalls(), 0); // every batch was the tail: trimmed
        QTRY_COMPARE(blockedClients(), 1);
        m_client->command({"RPUSH", "q16:processing:t", "foreign"});
        produceList(*m_client, "q16", 300, "b");
        QTRY_COMPARE(rec.counters.acked, quint64(600));
        QCOMPARE(rec.counters.gone, quint64(0));
        QCOMPARE(lremCalls(), 300); // the fallback, one LREM per message
        const RedisReply left = m_client->command({"LRANGE", "q16:processing:t", "0", "-1"});
        QCOMPARE(left.elements.size(), 1);
        QCOMPARE(left.elements[0].str, QByteArray("foreign"));
        QCOMPARE(rec.messages.size(), 600);
        for (int i = 0; i < 300; ++i) {
            QCOMPARE(rec.messages[i].payload, "a" + QByteArray::number(i));
            QCOMPARE(rec.messages[300 + i].payload, "b" + QByteArray::number(i));
        }
        QVERIFY(consumer.stopAndWait(2000));
    }

    void reliableAtStopBeforeStopped()
    {
        // Stopped mid-drain: the last batch leaves the worker at the stop, and its acks are sent
        // and answered before stopped(). Nothing taken stays unacked, nothing is lost.
        const int total = 20000;
        produceList(*m_client, "q13", total);
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("reliable:q13,consumer=s")));
        PreciseRecorder rec(&consumer);
        connect(&consumer, &Consumer::messagesArrived, &consumer, [&consumer] { consumer.stop(); });
        // A real event loop, not QTRY's 10 ms polls: the stop must follow the first batch at once
        // (the batched takes drain 20 000 in a few ms).
        QSignalSpy stoppedSpy(&consumer, &Consumer::stopped);
        consumer.start();
        QVERIFY(rec.stopped || stoppedSpy.wait(10000));
        QTRY_VERIFY(rec.stopped); // queued after the last batch and the last counters
        const qint64 got = rec.messages.size();
        qInfo("stopped after %lld of %d", got, total);
        QVERIFY(got > 0 && got < total);
        QCOMPARE(integer(*m_client, {"LLEN", "q13:processing:s"}), 0);
        QCOMPARE(integer(*m_client, {"LLEN", "q13"}), total - got);
        QCOMPARE(integer(*m_client, {"EXISTS", "q13:processing:s:alive"}), 0);
        QCOMPARE(rec.counters.acked, quint64(got));
        QCOMPARE(rec.counters.pending, 0);
        QCOMPARE(qint64(rec.distinctPayloads().size()), got);
    }

    void streamOnlyAfterEmit()
    {
        // The worker is held inside the emission of each of its first batches: every entry of
        // the batch is still in the consumer's PEL then, and whatever was acked had left the
        // worker before — at the first batch, nothing at all.
        const int total = 30000;
        produceStream(*m_client, "s12", total);
        QList<QByteArray> ids;
        for (const RedisReply& e : m_client->command({"XRANGE", "s12", "-", "+"}).elements)
            ids << e.elements.value(0).str;
        QCOMPARE(ids.size(), total);
        Consumer consumer(m_server.settings(),
                          parseSpec(QStringLiteral("stream:s12,group=g,consumer=e,from=0")));
        PreciseRecorder rec(&consumer);
        const int gated = 5;
        EmitGate gate(&consumer, gated);
        consumer.start();
        qint64 ackedWhileHeld = 0;
        int k = 0;
        for (; k < gated; ++k) {
            bool held = false;
            QVERIFY(waitUntil(
                [&] { return (held = gate.held.tryAcquire()) || rec.messages.size() == total; }));
            if (!held)
                break; // drained in fewer batches
            const MessageList batch = gate.heldBatch();
            QSet<QByteArray> emittedBefore;
            for (const Message& m : gate.emittedBefore())
                emittedBefore.insert(m.id);
            // One atomic look at the PEL and at how far the group has read.
            const QList<RedisReply> snap = m_client->pipeline(
                {{"MULTI"},
                 {"XPENDING", "s12", "g", "-", "+", QByteArray::number(total), "e"},
                 {"XINFO", "GROUPS", "s12"},
                 {"EXEC"}});
            const RedisReply exec = snap.value(3);
            QVERIFY2(exec.isArray() && exec.elements.size() == 2, exec.toDebugString().constData());
            QSet<QByteArray> pending;
            for (const RedisReply& p : exec.elements[0].elements)
                pending.insert(p.elements.value(0).str);
            QByteArray lastDelivered;
            const RedisReply group = exec.elements[1].elements.value(0);
            for (qsizetype i = 0; i + 1 < group.elements.size(); i += 2) {
                if (group.elements[i].str == "last-delivered-id")
                    lastDelivered = group.elements[i + 1].str;
            }
            const qsizetype delivered = ids.indexOf(lastDelivered) + 1;
            QVERIFY(delivered > 0);
            for (const Message& m : batch)
                QVERIFY2(pending.contains(m.id),
                         ("acked before it was emitted: " + m.id).constData());
            for (qsizetype i = 0; i < delivered; ++i) {
                if (pending.contains(ids[i]))
                    continue;
                ++ackedWhileHeld;
                QVERIFY2(emittedBefore.contains(ids[i]),
                         ("acked before it was emitted: " + ids[i]).constData());
            }
            if (k == 0)
                QCOMPARE(qsizetype(pending.size()), delivered);
            gate.release();
        }
        QVERIFY2(k >= 3, qPrintable(QStringLiteral("only %1 batches").arg(k)));
        qInfo("%d batches held; %lld acks seen then, all of entries emitted before", k,
              ackedWhileHeld);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, 20000);
        QTRY_COMPARE(rec.counters.acked, quint64(total));
        QCOMPARE(groupPending(*m_client, "s12", "g"), 0);
    }

    void streamAtStopBeforeStopped()
    {
        // Stopped mid-drain: the last batch leaves the worker at the stop, and its XACK is sent
        // and answered before stopped(). Nothing read stays pending, nothing is lost.
        const int total = 20000;
        produceStream(*m_client, "s13", total);
        Consumer consumer(
            m_server.settings(),
            parseSpec(QStringLiteral("stream:s13,group=g,consumer=s,from=0,count=500")));
        PreciseRecorder rec(&consumer);
        connect(&consumer, &Consumer::messagesArrived, &consumer, [&consumer] { consumer.stop(); });
        consumer.start();
        QTRY_VERIFY(rec.stopped);
        const qint64 got = rec.messages.size();
        qInfo("stopped after %lld of %d", got, total);
        QVERIFY(got > 0 && got < total);
        QCOMPARE(groupPending(*m_client, "s13", "g"), 0);
        QCOMPARE(groupLag(*m_client, "s13", "g"), total - got);
        QCOMPARE(integer(*m_client, {"EXISTS", StreamGroupConsumer::heartbeatKey("s13", "g", "s")}),
                 0);
        QCOMPARE(rec.counters.acked, quint64(got));
        QCOMPARE(rec.counters.pending, 0);
        QCOMPARE(qint64(rec.distinctPayloads().size()), got);
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestAutoAck)
#include "tst_autoack.moc"
