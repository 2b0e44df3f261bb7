// -ASK followed during a real slot migration (CLUSTER SETSLOT IMPORTING/MIGRATING, the keys moved
// by MIGRATE, so that the source answers ASK until SETSLOT NODE): the command goes once more,
// after ASKING, to the importing node, inside the connection — so consumers, their ack
// connections and the publisher keep working while the slot is half moved, instead of waiting
// for the MOVED that ends the migration. Nothing is lost and nothing is acked twice.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "Consumer.h"
#include "Publisher.h"
#include "RedisConnection.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterAsk : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    // One connection to the slot's old owner, one key moved by MIGRATE while the slot is half
    // moved: the source answers that key's commands with -ASK, and the connection alone sends
    // each of them again after ASKING to the importing node, replies in order, a command for a
    // key still on the source served there. Without the ASK handling the caller got "-ASK …".
    void connectionFollowsAskForAMovedKey()
    {
        const QByteArray moved = m_cluster.keyOnNode("ask-k:", 1);
        const int slot = ClusterMap::keySlot(moved);
        QVERIFY(m_cluster.keyCommand({"SET", moved, "on-target"}).isStatus("OK"));
        QString e;
        QVERIFY2(m_cluster.migrateSlot(
                     slot, 1, 0, &e,
                     [&] {
                         // The source no longer has the key: it answers ASK, not MOVED.
                         const RedisReply direct = m_cluster.command(1, {"GET", moved});
                         QVERIFY2(direct.isError() && direct.str.startsWith("ASK "),
                                  direct.toDebugString().constData());
                         const qint64 askingBefore = asking(0);
                         ConnectionSettings s = m_cluster.settings(1);
                         s.cluster = true;
                         RedisConnection conn(s, QStringLiteral("ask-test"));
                         QSignalSpy ready(&conn, &RedisConnection::ready);
                         conn.open();
                         QVERIFY(ready.wait(scaled(10000)));
                         QList<RedisReply> replies;
                         const auto keep = [&](const RedisReply& r) {
                             replies.append(r);
                         };
                         conn.send({"GET", moved}, keep);
                         conn.send({"PING"}, keep);
                         conn.send({"APPEND", moved, "+1"}, keep);
                         conn.send({"GET", moved}, keep);
                         QVERIFY(waitUntil([&] { return replies.size() == 4; }, scaled(10000)));
                         QCOMPARE(replies[0].str, QByteArray("on-target"));
                         QCOMPARE(replies[1].str, QByteArray("PONG"));
                         QCOMPARE(replies[2].integer, qint64(qstrlen("on-target+1")));
                         QCOMPARE(replies[3].str, QByteArray("on-target+1"));
                         // Each of the three key commands went to the importing node after ASKING.
                         QCOMPARE(asking(0) - askingBefore, qint64(3));
                     }),
                 qPrintable(e));
        QCOMPARE(m_cluster.command(0, {"GET", moved}).str, QByteArray("on-target+1"));
    }

    // The publisher on the slot's old owner goes on while the slot is migrating (its LPUSH is
    // answered ASK and sent to the importing node after ASKING); a reliable-list drain across the
    // migration loses nothing and acks nothing twice. (BLMOVE touches two keys: while the slot is
    // half moved Redis answers it TRYAGAIN, and the consumer waits for the end of the migration.)
    void reliableDrainAndPublisherFollowAsk()
    {
        const int before = 3000, during = 1000, after = 1000;
        const QByteArray q = m_cluster.keyOnNode("ask-q:", 1);
        const int slot = ClusterMap::keySlot(q);
        RQ_CLUSTER_PUSH(m_cluster, q, numbered("q", 0, before));
        ConnectionSettings seed = m_cluster.settings(0);
        seed.cluster = true;
        Consumer c(seed,
                   parseSpec(QStringLiteral("reliable:%1,consumer=ask").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), before, scaled(30000));
        QTRY_COMPARE(rec.counters.acked, quint64(before));
        // The publisher learns the slot's owner (node 1) before the migration.
        Publisher pub(seed);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        pub.send(PublisherWorker::Command::LPush, q, "warm", 1);
        QTRY_COMPARE(sent.size(), 1);
        QTRY_COMPARE(rec.messages.size(), before + 1);

        qint64 askingBefore = -1, askingAfter = -1;
        QByteArray sourceSaid;
        QString e;
        QVERIFY2(m_cluster.migrateSlot(
                     slot, 1, 0, &e,
                     [&] {
                         askingBefore = asking(0);
                         // The queue is drained (absent): the source sends writes to the
                         // importing node with ASK; the publisher follows it there.
                         pub.send(PublisherWorker::Command::LPush, q, "mid", during);
                         QVERIFY(waitUntil([&] { return sent.size() == 2; }, scaled(20000)));
                         sourceSaid = m_cluster.command(1, {"LLEN", q}).toDebugString();
                         askingAfter = asking(0);
                     }),
                 qPrintable(e));
        qInfo("during the migration the source answered LLEN with %s", sourceSaid.constData());
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().value(1).toString()));
        QCOMPARE(sent.size(), 2);
        QCOMPARE(sent[1][1].toULongLong(), quint64(during));
        // The publisher's LPUSH reached the importing node after ASKING.
        QVERIFY2(askingAfter > askingBefore,
                 qPrintable(QStringLiteral("%1 -> %2").arg(askingBefore).arg(askingAfter)));
        QCOMPARE(m_cluster.ownerOf(slot), 0);
        RQ_CLUSTER_PUSH(m_cluster, q, numbered("q", before, after));
        const int total = before + 1 + during + after;
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, scaled(30000));
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(total), scaled(30000));
        QCOMPARE(rec.counters.redelivered, quint64(0));
        QCOMPARE(rec.counters.gone, quint64(0));
        QCOMPARE(rec.counters.pending, 0);
        // "mid" was pushed 1000 times: the distinct payloads are the numbered ones, warm and mid.
        QCOMPARE(rec.distinctPayloads().size(), before + after + 2);
        QCOMPARE(m_cluster.command(0, {"LLEN", q}).integer, qint64(0));
        QCOMPARE(m_cluster.command(0, {"LLEN", rec.pendingKey}).integer, qint64(0));
        QVERIFY(pub.stopAndWait());
        QVERIFY(c.stopAndWait(5000));
    }

    // A stream group drained through a node that is losing the stream's slot: XREADGROUP and XACK
    // follow ASK, the PEL ends empty and every entry is delivered once.
    void streamGroupDrainFollowsAsk()
    {
        const int before = 2000, during = 1000, after = 500;
        const QByteArray s = m_cluster.keyOnNode("ask-s:", 2);
        const int slot = ClusterMap::keySlot(s);
        xadd(s, 0, before);
        ConnectionSettings seed = m_cluster.settings(1);
        seed.cluster = true;
        Consumer c(
            seed,
            parseSpec(
                QStringLiteral("stream:%1,group=g,from=0,consumer=ask").arg(QString::fromUtf8(s))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), before, scaled(30000));
        QTRY_COMPARE(rec.counters.acked, quint64(before));
        qint64 askingBefore = -1, askingAfter = -1;
        bool drainedWhileMigrating = false;
        QString e;
        QVERIFY2(m_cluster.migrateSlot(slot, 2, 1, &e,
                                       [&] {
                                           askingBefore = asking(1);
                                           // The test's own ASKINGs (one per entry the
                                           // source sent away) are not the console's.
                                           askingBefore += xadd(s, before, during);
                                           drainedWhileMigrating = QTest::qWaitFor(
                                               [&] {
                                                   return rec.messages.size() == before + during &&
                                                          rec.counters.acked ==
                                                              quint64(before + during);
                                               },
                                               scaled(30000));
                                           askingAfter = asking(1);
                                       }),
                 qPrintable(e));
        QVERIFY2(drainedWhileMigrating,
                 qPrintable(QStringLiteral("%1 received, %2 acked, errors: %3")
                                .arg(rec.messages.size())
                                .arg(rec.counters.acked)
                                .arg(rec.errors.join(QLatin1Char('\n')))));
        QVERIFY2(askingAfter > askingBefore,
                 qPrintable(QStringLiteral("%1 -> %2").arg(askingBefore).arg(askingAfter)));
        xadd(s, before + during, after);
        const int total = before + during + after;
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), total, scaled(30000));
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(total), scaled(30000));
        QCOMPARE(rec.distinctPayloads().size(), total);
        QCOMPARE(rec.counters.redelivered, quint64(0));
        QCOMPARE(rec.counters.gone, quint64(0));
        const RedisReply pel = m_cluster.command(1, {"XPENDING", s, "g"});
        QVERIFY2(pel.isArray(), pel.toDebugString().constData());
        QCOMPARE(pel.elements.value(0).integer, qint64(0));
        QVERIFY(c.stopAndWait(5000));
    }

private:
    // Calls of ASKING node i has answered (INFO commandstats).
    qint64 asking(int i)
    {
        const RedisReply r = m_cluster.command(i, {"INFO", "commandstats"});
        const qsizetype at = r.str.indexOf("cmdstat_asking:calls=");
        if (at < 0)
            return 0;
        const qsizetype from = at + qsizetype(qstrlen("cmdstat_asking:calls="));
        return r.str.mid(from, r.str.indexOf(',', from) - from).toLongLong();
    }
    // XADDs entries s<from>…, on the owner, or after ASKING on the importing node; returns how
    // many of them needed that ASKING.
    int xadd(const QByteArray& key, int from, int count)
    {
        int asked = 0;
        for (int i = from; i < from + count; ++i) {
            bool ask = false;
            const RedisReply r = m_cluster.keyCommand(
                {"XADD", key, "*", "message", "s" + QByteArray::number(i)}, 1, &ask);
            asked += ask ? 1 : 0;
            if (!r.isString())
                qWarning("XADD: %s", r.toDebugString().constData());
        }
        return asked;
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterAsk)
#include "tst_clusterask.moc"
