// Consuming from a three-master Redis Cluster: each pane's connection goes to the node that serves
// its key (following MOVED from whichever node it was given), a reliable list's processing list
// carries the queue's hash tag, and a slot migration during a drain — SETSLOT IMPORTING/MIGRATING,
// MIGRATE, SETSLOT NODE — loses nothing and acks nothing twice, for a reliable list and for a
// stream group.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "Consumer.h"
#include "PeekReader.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSet>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterDrain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    // Given node 0's address, panes on keys served by nodes 1 and 2 end up on those nodes.
    void panesFollowMovedToTheirNode()
    {
        const QByteArray a = m_cluster.keyOnNode("plain-a:", 1);
        const QByteArray b = m_cluster.keyOnNode("plain-b:", 2);
        const ConnectionSettings seed = m_cluster.settings(0);
        Consumer ca(seed, parseSpec(QStringLiteral("list:") + QString::fromUtf8(a)));
        Consumer cb(seed, parseSpec(QStringLiteral("list:") + QString::fromUtf8(b)));
        ConsumerRecorder ra(&ca), rb(&cb);
        ca.start();
        cb.start();
        QVERIFY(ra.waitForState(ConsumerState::Listening));
        QVERIFY(rb.waitForState(ConsumerState::Listening));
        RQ_CLUSTER_PUSH(m_cluster, a, numbered("a", 0, 100));
        RQ_CLUSTER_PUSH(m_cluster, b, numbered("b", 0, 100));
        QTRY_COMPARE(ra.messages.size(), 100);
        QTRY_COMPARE(rb.messages.size(), 100);
        QVERIFY(ra.errors.isEmpty() || !ra.errors.join(QString()).contains(QLatin1String("MOVED")));
        // The routing table knows both slots now.
        QCOMPARE(ClusterRouting::forKey(seed, a).port, m_cluster.port(1));
        QCOMPARE(ClusterRouting::forKey(seed, b).port, m_cluster.port(2));
        QVERIFY(ca.stopAndWait());
        QVERIFY(cb.stopAndWait());
    }

    // A peek given node 0 reads a list that node 2 serves (routed by the table, or by MOVED),
    // and follows it when its slot moves.
    void peekFollowsItsKey()
    {
        const QByteArray key = m_cluster.keyOnNode("peeked:", 2);
        RQ_CLUSTER_PUSH(m_cluster, key, numbered("p", 0, 7));
        PeekReader reader(m_cluster.settings(0), key, 10);
        QList<PeekSnapshot> snaps;
        QObject ctx;
        connect(&reader, &PeekReader::snapshotReady, &ctx,
                [&](const PeekSnapshot& s) { snaps.append(s); });
        reader.start();
        QTRY_VERIFY(!snaps.isEmpty() && snaps.last().error.isEmpty() && snaps.last().length == 7);
        QString e;
        const int slot = ClusterMap::keySlot(key);
        QVERIFY2(m_cluster.migrateSlot(slot, 2, 0, &e), qPrintable(e));
        RQ_CLUSTER_PUSH(m_cluster, key, numbered("p", 7, 3));
        reader.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(snaps.last().error.isEmpty() && snaps.last().length == 10,
                                 scaled(10000));
        QCOMPARE(ClusterRouting::forKey(m_cluster.settings(2), key).port, m_cluster.port(0));
        reader.stop();
        QVERIFY2(m_cluster.migrateSlot(slot, 0, 2, &e), qPrintable(e));
    }

    // Without cluster=1, and for a user that may not ask INFO (so the consumer cannot find out
    // that this is a cluster), the processing list lands in another slot: Redis refuses, and the
    // pane says what to do.
    void reliableListWithoutClusterFlagSaysWhy()
    {
        const RedisReply acl = m_cluster.command(
            0, {"ACL", "SETUSER", "noinfo", "on", ">pw", "~*", "&*", "+@all", "-info"});
        QVERIFY2(acl.isStatus("OK"), acl.toDebugString().constData());
        ConnectionSettings s = m_cluster.settings(0);
        s.user = "noinfo";
        s.password = "pw";
        const QByteArray q = m_cluster.keyOnNode("untagged:", 0);
        Consumer c(s,
                   parseSpec(QStringLiteral("reliable:%1,consumer=u").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_VERIFY(rec.states.contains(ConsumerState::Failed));
        const QString errors = rec.errors.join(QLatin1Char('\n'));
        QVERIFY2(errors.contains(QLatin1String("cluster=1")), qPrintable(errors));
        QVERIFY(c.stopAndWait());
    }

    void reliableListUsesTheQueuesHashTag()
    {
        const QByteArray q = m_cluster.keyOnNode("tagged:", 1);
        ConnectionSettings seed = m_cluster.settings(2);
        seed.cluster = true;
        Consumer c(
            seed,
            parseSpec(
                QStringLiteral("reliable:%1,ack=manual,consumer=w").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        RQ_CLUSTER_PUSH(m_cluster, q, numbered("t", 0, 10));
        QTRY_COMPARE(rec.messages.size(), 10);
        QCOMPARE(rec.pendingKey, '{' + q + "}:processing:w");
        QCOMPARE(ClusterMap::keySlot(rec.pendingKey), ClusterMap::keySlot(q));
        QTRY_VERIFY(!rec.notices.isEmpty());
        QVERIFY2(rec.notices.join(QLatin1Char('\n')).contains(QLatin1String("hash tag")),
                 qPrintable(rec.notices.join(QLatin1Char('\n'))));
        QCOMPARE(m_cluster.keyCommand({"LLEN", rec.pendingKey}).integer, qint64(10));
        // A crash leaves the processing list behind: a second consumer recovers it by its tagged
        // name once the heartbeat is gone.
        QVERIFY(c.stopAndWait()); // a clean stop releases the heartbeat
        Consumer again(
            seed,
            parseSpec(
                QStringLiteral("reliable:%1,ack=auto,consumer=w2").arg(QString::fromUtf8(q))));
        PreciseRecorder rec2(&again);
        again.start();
        QTRY_COMPARE(rec2.messages.size(), 10);
        QTRY_VERIFY(!rec2.recoveries.isEmpty());
        QCOMPARE(rec2.recoveries.first().listsOrphaned, 1);
        QTRY_COMPARE(rec2.counters.acked, quint64(10));
        QCOMPARE(m_cluster.keyCommand({"LLEN", rec.pendingKey}).integer, qint64(0));
        QVERIFY(again.stopAndWait());
    }

    // The key test: a queue's slot moves to another master while two panes (keys in different
    // slots, on different nodes) drain.
    void slotMigrationDuringReliableDrain()
    {
        const int total = 30000;
        const QByteArray q = m_cluster.keyOnNode("drain-q:", 1);
        const QByteArray other = m_cluster.keyOnNode("drain-o:", 2);
        const int slot = ClusterMap::keySlot(q);
        RQ_CLUSTER_PUSH(m_cluster, q, numbered("q", 0, total - 2000));
        RQ_CLUSTER_PUSH(m_cluster, other, numbered("o", 0, 5000));
        ConnectionSettings seed = m_cluster.settings(0);
        seed.cluster = true;
        Consumer cq(seed,
                    parseSpec(QStringLiteral("reliable:%1,consumer=mq").arg(QString::fromUtf8(q))));
        Consumer co(
            seed,
            parseSpec(QStringLiteral("reliable:%1,consumer=mo").arg(QString::fromUtf8(other))));
        PreciseRecorder rq(&cq), ro(&co);
        cq.start();
        co.start();
        QTRY_VERIFY(!rq.messages.isEmpty());
        const quint64 atStart = cq.worker()->received();
        quint64 atMidway = 0;
        QString e;
        QVERIFY2(m_cluster.migrateSlot(slot, 1, 0, &e,
                                       [&] {
                                           atMidway = cq.worker()->received();
                                           // Produced while half moved (redis-cli -c style: ASK).
                                           RQ_CLUSTER_PUSH(m_cluster, q,
                                                           numbered("q", total - 2000, 1000));
                                       }),
                 qPrintable(e));
        QCOMPARE(m_cluster.ownerOf(slot), 0);
        RQ_CLUSTER_PUSH(m_cluster, q, numbered("q", total - 1000, 1000)); // after the move
        qInfo("migration began after %llu of %d messages; keys moved at %llu", atStart, total,
              atMidway);
        QTRY_COMPARE_WITH_TIMEOUT(rq.messages.size(), total, scaled(60000));
        QTRY_COMPARE_WITH_TIMEOUT(ro.messages.size(), 5000, scaled(30000));
        QTRY_COMPARE_WITH_TIMEOUT(rq.counters.acked, quint64(total), scaled(30000));
        QTRY_COMPARE(ro.counters.acked, quint64(5000));
        // Nothing lost, nothing twice: every payload exactly once, acked exactly once.
        QCOMPARE(rq.distinctPayloads().size(), total);
        QCOMPARE(rq.counters.gone, quint64(0));
        QCOMPARE(rq.counters.redelivered, quint64(0));
        QCOMPARE(rq.counters.pending, 0);
        QCOMPARE(ro.distinctPayloads().size(), 5000);
        // The ledger, on the new owner: the queue and the processing list are empty.
        QCOMPARE(m_cluster.command(0, {"LLEN", q}).integer, qint64(0));
        QCOMPARE(m_cluster.command(0, {"LLEN", rq.pendingKey}).integer, qint64(0));
        QCOMPARE(m_cluster.command(0, {"EXISTS", '{' + q + "}:dead"}).integer, qint64(0));
        QVERIFY(cq.stopAndWait(5000));
        QVERIFY(co.stopAndWait(5000));
        // The processing list moved with the queue and its heartbeat was released there.
        QCOMPARE(m_cluster.command(0, {"EXISTS", rq.pendingKey + ":alive"}).integer, qint64(0));
    }

    void slotMigrationDuringStreamGroupDrain()
    {
        const int total = 20000;
        const QByteArray s = m_cluster.keyOnNode("drain-s:", 2);
        const int slot = ClusterMap::keySlot(s);
        xaddMany(s, 0, total - 2000);
        ConnectionSettings seed = m_cluster.settings(1);
        seed.cluster = true;
        Consumer c(
            seed,
            parseSpec(
                QStringLiteral("stream:%1,group=g,from=0,consumer=ms").arg(QString::fromUtf8(s))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_VERIFY(!rec.messages.isEmpty());
        const quint64 atStart = c.worker()->received();
        QString e;
        QVERIFY2(m_cluster.migrateSlot(slot, 2, 1, &e, [&] { xaddMany(s, total - 2000, 1000); }),
                 qPrintable(e));
        QCOMPARE(m_cluster.ownerOf(slot), 1);
        xaddMany(s, total - 1000, 1000);
        qInfo("migration began after %llu of %d entries", atStart, total);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, scaled(60000));
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(total), scaled(30000));
        QCOMPARE(rec.distinctPayloads().size(), total);
        QCOMPARE(rec.counters.gone, quint64(0));
        QCOMPARE(rec.counters.redelivered, quint64(0));
        const RedisReply pel = m_cluster.command(1, {"XPENDING", s, "g"});
        QVERIFY2(pel.isArray(), pel.toDebugString().constData());
        QCOMPARE(pel.elements.value(0).integer, qint64(0));
        QVERIFY(c.stopAndWait(5000));
    }

private:
    void xaddMany(const QByteArray& key, int from, int count)
    {
        const int owner = m_cluster.ownerOfKey(key);
        SyncClient c(m_cluster.settings(owner));
        QList<QList<QByteArray>> cmds;
        for (int i = from; i < from + count; ++i)
            cmds << QList<QByteArray>{"XADD", key, "*", "message", "s" + QByteArray::number(i)};
        QList<RedisReply> replies = c.pipeline(cmds);
        ClusterRedirect redirect;
        if (!replies.isEmpty() && replies.first().isError() &&
            ClusterMap::parseRedirect(replies.first().str, &redirect) && redirect.ask) {
            // Half moved: the stream is on the target already.
            int target = owner;
            for (int i = 0; i < m_cluster.size(); ++i) {
                if (m_cluster.port(i) == redirect.port)
                    target = i;
            }
            SyncClient t(m_cluster.settings(target));
            QList<QList<QByteArray>> asked;
            for (const auto& cmd : cmds)
                asked << QList<QByteArray>{"ASKING"} << cmd;
            replies.clear();
            const QList<RedisReply> all = t.pipeline(asked);
            for (qsizetype i = 1; i < all.size(); i += 2)
                replies << all[i];
        }
        QCOMPARE(replies.size(), qsizetype(count));
        for (const RedisReply& r : replies)
            QVERIFY2(r.isString(), r.toDebugString().constData());
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterDrain)
#include "tst_clusterdrain.moc"
