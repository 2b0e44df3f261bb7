// A server found to be a Redis Cluster node needs no cluster=1: once the server monitor has read
// the cluster's slot map (as it does when the window connects), a reliable-list pane on a plain
// redis:// URL names its processing list and heartbeat {queue}:processing:… so that they share
// the queue's slot, routes to the queue's node, and its notice says why.
#include "ChartSampler.h"
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "Consumer.h"
#include "Publisher.h"
#include "QueueInspector.h"
#include "ServerMonitor.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterAuto : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    void reliableListGetsHashTaggedNamesOnAFoundCluster()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        QVERIFY(!plain.cluster);
        QVERIFY(!ClusterRouting::knows(plain));
        ServerMonitor monitor(plain, 200);
        monitor.start();
        QVERIFY(waitUntil([&] { return ClusterRouting::knows(plain); }, scaled(20000)));

        const QByteArray q = m_cluster.keyOnNode("auto-q:", 1);
        for (int i = 0; i < 20; ++i)
            QVERIFY(m_cluster.keyCommand({"LPUSH", q, "m" + QByteArray::number(i)}).isInteger());
        Consumer c(
            plain,
            parseSpec(
                QStringLiteral("reliable:%1,ack=manual,consumer=a").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 20, scaled(20000));
        QVERIFY2(rec.errors.isEmpty(), qPrintable(rec.errors.join(QLatin1Char('\n'))));
        const QByteArray processing = '{' + q + "}:processing:a";
        QCOMPARE(rec.pendingKey, processing);
        QCOMPARE(ClusterMap::keySlot(processing), ClusterMap::keySlot(q));
        // On the queue's node (1): the processing list and its heartbeat, both tagged.
        QCOMPARE(m_cluster.command(1, {"LLEN", processing}).integer, qint64(20));
        QTRY_COMPARE(m_cluster.command(1, {"EXISTS", processing + ":alive"}).integer, qint64(1));
        QTRY_VERIFY(!rec.notices.isEmpty());
        const QString notices = rec.notices.join(QLatin1Char('\n'));
        QVERIFY2(notices.contains(QLatin1String("hash tag")) &&
                     notices.contains(QString::fromUtf8(processing)),
                 qPrintable(notices));
        QVERIFY(c.stopAndWait());
        monitor.stop();
    }

    // A pane opened at once, before anything has read the slot map (no server monitor, no Test
    // connection), on a plain URL to a node that does not serve the queue: the consumer asks INFO
    // cluster, reads the map, goes to the queue's node and names its processing list with the
    // queue's hash tag; the publisher, given the same node, reaches the queue. Without the
    // consumer's own detection Redis refused its BLMOVE and scripts (CROSSSLOT).
    void paneOpenedBeforeTheMapIsKnownFindsTheCluster()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        QVERIFY(!plain.cluster);
        QVERIFY(!ClusterRouting::knows(plain));
        const QByteArray q = m_cluster.keyOnNode("early-q:", 1);
        for (int i = 0; i < 10; ++i)
            QVERIFY(m_cluster.keyCommand({"LPUSH", q, "m" + QByteArray::number(i)}).isInteger());
        Consumer c(
            plain,
            parseSpec(
                QStringLiteral("reliable:%1,ack=manual,consumer=e").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        Publisher pub(plain);
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        pub.send(PublisherWorker::Command::LPush, q, "published", 5);
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 15, scaled(20000));
        QVERIFY2(rec.errors.isEmpty(), qPrintable(rec.errors.join(QLatin1Char('\n'))));
        QCOMPARE(sent.size(), 1);
        const QByteArray processing = '{' + q + "}:processing:e";
        QCOMPARE(rec.pendingKey, processing);
        QCOMPARE(m_cluster.command(1, {"LLEN", processing}).integer, qint64(15));
        QTRY_COMPARE(m_cluster.command(1, {"EXISTS", processing + ":alive"}).integer, qint64(1));
        QCOMPARE(m_cluster.command(1, {"LLEN", q}).integer, qint64(0));
        QVERIFY(ClusterRouting::knows(plain)); // learnt by the consumer itself
        QVERIFY(pub.stopAndWait());
        QVERIFY(c.stopAndWait());
    }

    // The inspector and the chart sampler, given node 0, read a queue node 1 serves and its
    // hash-tagged processing list there.
    void inspectorAndChartsGoToTheKeysNode()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        ServerMonitor monitor(plain, 200);
        monitor.start();
        QVERIFY(waitUntil([&] { return ClusterRouting::knows(plain); }, scaled(20000)));
        const QByteArray q = m_cluster.keyOnNode("insp-q:", 1);
        for (int i = 0; i < 12; ++i)
            QVERIFY(m_cluster.keyCommand({"LPUSH", q, "m" + QByteArray::number(i)}).isInteger());
        // A consumer that takes everything and acks nothing: 12 in its processing list.
        Consumer c(
            plain,
            parseSpec(
                QStringLiteral("reliable:%1,ack=manual,consumer=i").arg(QString::fromUtf8(q))));
        PreciseRecorder rec(&c);
        c.start();
        QTRY_COMPARE_WITH_TIMEOUT(rec.messages.size(), 12, scaled(20000));
        for (int i = 0; i < 3; ++i)
            QVERIFY(m_cluster.keyCommand({"LPUSH", q, "late" + QByteArray::number(i)}).isInteger());
        const QByteArray processing = '{' + q + "}:processing:i";
        QTRY_COMPARE(m_cluster.command(1, {"LLEN", processing}).integer, qint64(15));
        QTRY_COMPARE(m_cluster.command(1, {"LLEN", q}).integer, qint64(0));
        QVERIFY(c.stopAndWait()); // leaves the 15 unacked in the processing list

        QueueInspector inspector(plain, q, InspectorOptions{});
        QList<QueueSnapshot> snaps;
        connect(&inspector, &QueueInspector::snapshotReady, this,
                [&](const QueueSnapshot& s) { snaps << s; });
        inspector.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snaps.isEmpty(), scaled(10000));
        const QueueSnapshot s = snaps.last();
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.kind, QueueSnapshot::Kind::Missing); // drained: only the processing list
        QCOMPARE(s.processing.size(), qsizetype(1));
        QCOMPARE(s.processing.first().key, processing);
        QCOMPARE(s.processing.first().consumer, QByteArray("i"));
        QCOMPARE(s.processing.first().length, qint64(15));
        QCOMPARE(s.deadKey, '{' + q + "}:dead");
        inspector.stop();

        ChartSampler sampler(plain, 0);
        QList<QHash<int, ChartSample>> samples;
        connect(&sampler, &ChartSampler::sampled, this,
                [&](qint64, const QHash<int, ChartSample>& h) { samples << h; });
        SampleTarget t;
        t.kind = SampleTarget::Kind::List;
        t.key = q;
        t.processingLists = {processing};
        const int id = sampler.watch(t);
        QVERIFY(waitUntil(
            [&] {
                sampler.sampleNow();
                return !samples.isEmpty() && samples.last().value(id).error.isEmpty() &&
                       samples.last().value(id).pending == 15;
            },
            scaled(10000)));
        QCOMPARE(samples.last().value(id).depth, qint64(0));
        monitor.stop();
    }

    // A slot that moved after the map was learnt: the chart shows no figure but "not sampled:
    // key on node X", and the next sample reads the right node.
    void chartSaysNotSampledThenFollows()
    {
        const QByteArray key = m_cluster.keyOnNode("chart-k:", 2);
        for (int i = 0; i < 7; ++i)
            QVERIFY(m_cluster.keyCommand({"LPUSH", key, "x"}).isInteger());
        // The process believes node 0 serves the key's slot (a stale map).
        ClusterMap stale;
        QString e;
        QVERIFY(ClusterMap::fromSlots(m_cluster.command(0, {"CLUSTER", "SLOTS"}),
                                      QStringLiteral("127.0.0.1"), &stale, &e));
        stale.setOwner(ClusterMap::keySlot(key), QStringLiteral("127.0.0.1"), m_cluster.port(0));
        ClusterRouting::learn(m_cluster.settings(0), stale);
        ChartSampler sampler(m_cluster.settings(0), 0);
        QList<QHash<int, ChartSample>> samples;
        connect(&sampler, &ChartSampler::sampled, this,
                [&](qint64, const QHash<int, ChartSample>& h) { samples << h; });
        SampleTarget t;
        t.kind = SampleTarget::Kind::List;
        t.key = key;
        const int id = sampler.watch(t);
        QVERIFY(waitUntil(
            [&] {
                sampler.sampleNow();
                return !samples.isEmpty();
            },
            scaled(10000)));
        const QString expected =
            QStringLiteral("not sampled: key on node 127.0.0.1:%1").arg(m_cluster.port(2));
        QCOMPARE(samples.first().value(id).error, expected);
        QCOMPARE(samples.first().value(id).depth, qint64(-1));
        QVERIFY(waitUntil(
            [&] {
                sampler.sampleNow();
                return samples.last().value(id).depth == 7;
            },
            scaled(10000)));
        QVERIFY(samples.last().value(id).error.isEmpty());
    }

private:
    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterAuto)
#include "tst_clusterauto.moc"
