// A peek, the queue inspector and the publisher given a plain redis:// URL to one node of a Redis
// Cluster, before anything in the process has read the slot map (no server monitor, no Test
// connection, no consumer): each asks INFO cluster at its first connect (core/ClusterDetect), reads
// the map and goes straight to the master that serves its key, so the node given answers no
// -MOVED; the inspector names the processing lists with the queue's hash tag, as the consumers do.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "PeekReader.h"
#include "Publisher.h"
#include "QueueInspector.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterProbe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    // A paced load run to a list node 1 serves: a MOVED would end it with the reason (a load run
    // is not sent again); found at connect, it lands there whole.
    void publisherLoadRunLandsOnTheKeysNode()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        QVERIFY(!plain.cluster && !ClusterRouting::knows(plain));
        const QByteArray q = m_cluster.keyOnNode("probe-pub:", 1);
        const qint64 movedBefore = moved(0);
        Publisher pub(plain);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        pub.sendLoad(PublisherWorker::Command::LPush, q, "m{{seq}}", {}, {2000, 200, 0});
        pub.send(PublisherWorker::Command::LPush, q, "plain", 3);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size() + failed.size(), 2, scaled(20000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
        QCOMPARE(sent[0][1].toULongLong(), quint64(200));
        QCOMPARE(sent[1][1].toULongLong(), quint64(3));
        QCOMPARE(m_cluster.command(1, {"LLEN", q}).integer, qint64(203));
        QCOMPARE(moved(0), movedBefore);
        QVERIFY(ClusterRouting::knows(plain)); // learnt by the publisher itself
        QVERIFY(pub.stopAndWait());
    }

    // A peek of a list node 2 serves shows its items, read there at once.
    void peekShowsAListOnAnotherNode()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        const QByteArray key = m_cluster.keyOnNode("probe-peek:", 2);
        RQ_CLUSTER_PUSH(m_cluster, key, numbered("item", 0, 6));
        const qint64 movedBefore = moved(0);
        PeekReader peek(plain, key, 10);
        QList<PeekSnapshot> snaps;
        connect(&peek, &PeekReader::snapshotReady, this,
                [&](const PeekSnapshot& s) { snaps << s; });
        peek.start();
        QTRY_VERIFY_WITH_TIMEOUT(!snaps.isEmpty(), scaled(10000));
        const PeekSnapshot s = snaps.first();
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.kind, PeekSnapshot::Kind::List);
        QCOMPARE(s.length, qint64(6));
        QCOMPARE(s.head.size(), qsizetype(6));
        QCOMPARE(s.head.first().payload, QByteArray("item5")); // LPUSH: the newest first
        QCOMPARE(moved(0), movedBefore);
        peek.stop();
    }

    // The inspector shows the depth of a queue node 1 serves, and on the node given finds a
    // consumer's processing list named {queue}:processing:<consumer> (as a consumer that found
    // the cluster names it); plain names would miss it.
    void inspectorShowsDepthAndTaggedProcessingLists()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        const QByteArray far = m_cluster.keyOnNode("probe-insp:", 1);
        RQ_CLUSTER_PUSH(m_cluster, far, numbered("f", 0, 9));
        const qint64 movedBefore = moved(0);
        {
            QueueInspector inspector(plain, far, InspectorOptions{});
            const QueueSnapshot s = firstSnapshot(inspector);
            QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
            QCOMPARE(s.kind, QueueSnapshot::Kind::List);
            QCOMPARE(s.length, qint64(9));
            QCOMPARE(s.deadKey, '{' + far + "}:dead");
        }
        QCOMPARE(moved(0), movedBefore);

        ClusterRouting::reset();
        const QByteArray near = m_cluster.keyOnNode("probe-near:", 0);
        RQ_CLUSTER_PUSH(m_cluster, near, numbered("n", 0, 4));
        const QByteArray processing = '{' + near + "}:processing:x";
        RQ_CLUSTER_PUSH(m_cluster, processing, numbered("p", 0, 3));
        QueueInspector inspector(plain, near, InspectorOptions{});
        const QueueSnapshot s = firstSnapshot(inspector);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.length, qint64(4));
        QCOMPARE(s.processing.size(), qsizetype(1));
        QCOMPARE(s.processing.first().key, processing);
        QCOMPARE(s.processing.first().consumer, QByteArray("x"));
        QCOMPARE(s.processing.first().length, qint64(3));
    }

private:
    QueueSnapshot firstSnapshot(QueueInspector& inspector)
    {
        QList<QueueSnapshot> snaps;
        connect(&inspector, &QueueInspector::snapshotReady, this,
                [&](const QueueSnapshot& s) { snaps << s; });
        inspector.start();
        if (!waitUntil([&] { return !snaps.isEmpty(); }, scaled(10000))) {
            QueueSnapshot none;
            none.error = QStringLiteral("no snapshot");
            return none;
        }
        inspector.stop();
        return snaps.first();
    }
    // -MOVED replies node i has given (INFO errorstats).
    qint64 moved(int i)
    {
        const RedisReply r = m_cluster.command(i, {"INFO", "errorstats"});
        const qsizetype at = r.str.indexOf("errorstat_MOVED:count=");
        if (at < 0)
            return 0;
        const qsizetype from = at + qsizetype(qstrlen("errorstat_MOVED:count="));
        qsizetype end = from;
        while (end < r.str.size() && r.str.at(end) >= '0' && r.str.at(end) <= '9')
            ++end;
        return r.str.mid(from, end - from).toLongLong();
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterProbe)
#include "tst_clusterprobe.moc"
