// The per-node connections of a Redis Cluster given by one node without cluster=1: the consumers
// line's census reads each key on the master that serves it (its depth, its hash-tagged
// processing lists, the clients blocked on that master), and the chart sampler keeps a
// connection to another master only while a watched chart's key is served there.
#include "BlockedWorker.h"
#include "CensusService.h"
#include "ChartSampler.h"
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using namespace rqc;
using namespace rqc::test;

namespace {
const QueueSnapshot::BlockedClient* findClient(const QueueSnapshot& s, const QByteArray& name)
{
    for (const auto& c : s.blockedListPops) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}
} // namespace

class TestClusterCensus : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    // Nothing has read the slot map: the census asks INFO cluster itself, then reads a queue node
    // 1 serves on node 1 — before, it said "not sampled: key on node …" for it.
    void censusReadsEachKeyOnItsMaster()
    {
        const ConnectionSettings plain = m_cluster.settings(0);
        QVERIFY(!plain.cluster && !ClusterRouting::knows(plain));
        const QByteArray far = m_cluster.keyOnNode("census-far:", 1);
        RQ_CLUSTER_PUSH(m_cluster, far, numbered("f", 0, 5));
        const QByteArray processing = '{' + far + "}:processing:w";
        RQ_CLUSTER_PUSH(m_cluster, processing, numbered("p", 0, 2));
        const QByteArray near = m_cluster.keyOnNode("census-near:", 0);
        RQ_CLUSTER_PUSH(m_cluster, near, numbered("n", 0, 3));
        // One of the user's workers, blocked on node 1 (on another list of that node).
        BlockedWorker worker(m_cluster.settings(1), "worker-n1",
                             {"BRPOP", m_cluster.keyOnNode("census-idle:", 1), "0"});
        SyncClient node1(m_cluster.settings(1));
        QVERIFY(waitUntil([&] { return worker.isBlocked(node1); }, scaled(10000)));

        CensusService service(plain);
        QHash<QByteArray, QueueSnapshot> got;
        connect(&service, &CensusService::censusReady, this,
                [&](const QueueSnapshot& s) { got.insert(s.key, s); });
        service.request(far);
        service.request(near);
        QTRY_VERIFY_WITH_TIMEOUT(got.contains(far) && got.contains(near), scaled(15000));

        const QueueSnapshot f = got.value(far);
        QVERIFY2(f.elsewhere.isEmpty(), qPrintable(f.elsewhere));
        QVERIFY2(f.error.isEmpty(), qPrintable(f.error));
        QCOMPARE(f.kind, QueueSnapshot::Kind::List);
        QCOMPARE(f.length, qint64(5));
        QCOMPARE(f.processing.size(), qsizetype(1));
        QCOMPARE(f.processing.first().key, processing);
        QCOMPARE(f.processing.first().length, qint64(2));
        QVERIFY(f.clientsListed);
        QVERIFY(findClient(f, "worker-n1")); // node 1's own CLIENT LIST

        const QueueSnapshot n = got.value(near);
        QVERIFY2(n.elsewhere.isEmpty() && n.error.isEmpty(), qPrintable(n.elsewhere + n.error));
        QCOMPARE(n.length, qint64(3));
        QVERIFY(n.clientsListed);
        QVERIFY(!findClient(n, "worker-n1")); // node 0 has no such client

        // One census connection on each node it read.
        QCOMPARE(named(0, "rqconsole:inspect:census"), 1);
        QCOMPARE(named(1, "rqconsole:inspect:census"), 1);
        QCOMPARE(named(2, "rqconsole:inspect:census"), 0);
    }

    // A stale map (node 0 believed to serve a key of node 2): the census says "not sampled: key
    // on node …" rather than a figure, learns the move, and the next census reads node 2.
    void censusOnAStaleMapFollowsTheMove()
    {
        const QByteArray key = m_cluster.keyOnNode("census-stale:", 2);
        RQ_CLUSTER_PUSH(m_cluster, key, numbered("s", 0, 4));
        learnMap(key, 0);
        CensusService service(m_cluster.settings(0));
        QList<QueueSnapshot> got;
        connect(&service, &CensusService::censusReady, this,
                [&](const QueueSnapshot& s) { got << s; });
        service.request(key);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, scaled(15000));
        QCOMPARE(got.first().elsewhere,
                 QStringLiteral("not sampled: key on node 127.0.0.1:%1").arg(m_cluster.port(2)));
        service.request(key);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 2, scaled(15000));
        QVERIFY2(got.last().elsewhere.isEmpty() && got.last().error.isEmpty(),
                 qPrintable(got.last().elsewhere + got.last().error));
        QCOMPARE(got.last().length, qint64(4));
    }

    // The sampler's connection to a master closes once no watched chart's key is served there
    // (CLIENT LIST on that master), while the others stay; watched again, it opens again.
    void chartClosesANodesConnectionWhenItsChartsAreGone()
    {
        const QByteArray k1 = m_cluster.keyOnNode("chart-n1:", 1);
        const QByteArray k2 = m_cluster.keyOnNode("chart-n2:", 2);
        RQ_CLUSTER_PUSH(m_cluster, k1, numbered("a", 0, 2));
        RQ_CLUSTER_PUSH(m_cluster, k2, numbered("b", 0, 3));
        learnMap();
        ChartSampler sampler(m_cluster.settings(0), 0);
        QHash<int, ChartSample> last;
        connect(&sampler, &ChartSampler::sampled, this,
                [&](qint64, const QHash<int, ChartSample>& h) { last = h; });
        const int server = sampler.watch(target(SampleTarget::Kind::Server, {}));
        int id1 = sampler.watch(target(SampleTarget::Kind::List, k1));
        const int id2 = sampler.watch(target(SampleTarget::Kind::List, k2));
        QVERIFY(sampledUntil(
            sampler, [&] { return last.value(id1).depth == 2 && last.value(id2).depth == 3; }));
        QCOMPARE(named(0, "rqconsole:charts"), 1);
        QCOMPARE(named(1, "rqconsole:charts"), 1);
        QCOMPARE(named(2, "rqconsole:charts"), 1);

        sampler.unwatch(id1); // node 1 has no chart left
        QVERIFY(waitUntil([&] { return named(1, "rqconsole:charts") == 0; }, scaled(10000)));
        QVERIFY(sampledUntil(sampler, [&] { return last.value(id2).depth == 3; }));
        QCOMPARE(named(2, "rqconsole:charts"), 1);
        QCOMPARE(named(0, "rqconsole:charts"), 1); // the server's own figures stay

        id1 = sampler.watch(target(SampleTarget::Kind::List, k1));
        QVERIFY(sampledUntil(sampler, [&] { return last.value(id1).depth == 2; }));
        QCOMPARE(named(1, "rqconsole:charts"), 1);

        sampler.unwatch(id1);
        sampler.unwatch(id2);
        sampler.unwatch(server);
        QVERIFY(waitUntil(
            [&] {
                return named(0, "rqconsole:charts") + named(1, "rqconsole:charts") +
                           named(2, "rqconsole:charts") ==
                       0;
            },
            scaled(10000)));
    }

    // The census's connection to another master is closed once no key was censused there for
    // the idle time, even when no round follows (a timer, not the next round, closes it); asked
    // again, it opens again. CLIENT LIST on that master says whether it is there. The idle time
    // is shortened to 2 s (scaled for sanitizer builds).
    void censusClosesAnotherMastersIdleConnection()
    {
        const QByteArray far = m_cluster.keyOnNode("idle-far:", 1);
        RQ_CLUSTER_PUSH(m_cluster, far, numbered("i", 0, 3));
        CensusService service(m_cluster.settings(0));
        const int idleMs = scaled(2000);
        service.setNodeIdleMs(idleMs);
        QList<QueueSnapshot> got;
        connect(&service, &CensusService::censusReady, this,
                [&](const QueueSnapshot& s) { got << s; });
        QElapsedTimer sinceAsked;
        sinceAsked.start();
        service.request(far);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 1, scaled(15000));
        QCOMPARE(got.last().length, qint64(3));
        QCOMPARE(named(1, "rqconsole:inspect:census"), 1);
        QTest::qWait(300);
        // Not closed before its idle time (unless the census itself took nearly that long).
        if (sinceAsked.elapsed() < idleMs - 500)
            QCOMPARE(named(1, "rqconsole:inspect:census"), 1);
        QVERIFY(
            waitUntil([&] { return named(1, "rqconsole:inspect:census") == 0; }, scaled(10000)));
        QCOMPARE(named(0, "rqconsole:inspect:census"), 1); // the node given stays

        service.request(far);
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), 2, scaled(15000));
        QVERIFY2(got.last().error.isEmpty(), qPrintable(got.last().error));
        QCOMPARE(got.last().length, qint64(3));
        QCOMPARE(named(1, "rqconsole:inspect:census"), 1);
    }

    // Last (it kills node 2): a master that dies. Its keys are answered with why they were not
    // read (no figure), at once and for as long as it is down, while the other masters' keys
    // are still read; and the census tries that master again no more often than the backoff
    // says (100 ms doubling to 5 s), however often its keys are asked for. Something listens on
    // the dead master's port after the kill, only to count the census's attempts to reach it.
    void aDeadMasterIsSaidSoAndTheOthersStillAnswer()
    {
        for (int node = 0; node < 3; ++node) // the live masters serve their slots meanwhile
            QVERIFY(
                !m_cluster.command(node, {"CONFIG", "SET", "cluster-require-full-coverage", "no"})
                     .isError());
        QList<QByteArray> keys;
        for (int node = 0; node < 3; ++node) {
            keys << m_cluster.keyOnNode("dead-" + QByteArray::number(node) + ':', node);
            RQ_CLUSTER_PUSH(m_cluster, keys.last(), numbered("d", 0, node + 2));
        }
        CensusService service(m_cluster.settings(0));
        QHash<QByteArray, QList<QueueSnapshot>> got;
        bool again = false; // each answer asks for its key again at once
        connect(&service, &CensusService::censusReady, this, [&](const QueueSnapshot& s) {
            got[s.key] << s;
            if (again)
                service.request(s.key);
        });
        for (const QByteArray& key : std::as_const(keys))
            service.request(key);
        QTRY_VERIFY_WITH_TIMEOUT(got.size() == 3, scaled(15000));
        for (int node = 0; node < 3; ++node)
            QCOMPARE(got.value(keys[node]).last().length, qint64(node + 2));

        const quint16 deadPort = m_cluster.port(2);
        QVERIFY(::kill(pid_t(m_cluster.node(2).pid()), SIGKILL) == 0);
        QVERIFY(waitUntil([&] { return !SyncClient(m_cluster.settings(2)).isConnected(); },
                          scaled(5000)));
        int attempts = 0;
        QTcpServer listener;
        QVERIFY2(listener.listen(QHostAddress::LocalHost, deadPort),
                 qPrintable(listener.errorString()));
        connect(&listener, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket* s = listener.nextPendingConnection()) {
                ++attempts;
                s->abort();
                s->deleteLater();
            }
        });

        got.clear();
        again = true;
        for (const QByteArray& key : std::as_const(keys))
            service.request(key);
        QTest::qWait(3000);
        again = false;
        const QList<QueueSnapshot> dead = got.value(keys[2]);
        QVERIFY2(dead.size() >= 10, qPrintable(QString::number(dead.size()))); // no hang
        for (const QueueSnapshot& s : dead) {
            QVERIFY2(s.elsewhere.contains(QString::number(deadPort)), qPrintable(s.elsewhere));
            QVERIFY(!s.error.isEmpty());
            QCOMPARE(s.length, qint64(0));
            QVERIFY(!s.clientsListed);
        }
        for (int node = 0; node < 2; ++node) {
            const QList<QueueSnapshot> live = got.value(keys[node]);
            QVERIFY2(live.size() >= 10, qPrintable(QString::number(live.size())));
            for (const QueueSnapshot& s : live) {
                QVERIFY2(s.error.isEmpty() && s.elsewhere.isEmpty(),
                         qPrintable(s.error + s.elsewhere));
                QCOMPARE(s.length, qint64(node + 2));
            }
        }
        // 3 s of backoff from 100 ms: at most 6 attempts (at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s
        // after the first failure); one per census asked would be hundreds.
        QVERIFY2(attempts >= 1 && attempts <= 6,
                 qPrintable(QStringLiteral("%1 attempts, %2 answers for the dead master's key")
                                .arg(attempts)
                                .arg(dead.size())));
        qInfo("dead master: %d connection attempts in 3 s, %d answers for its key, %d and %d for "
              "the live masters' keys",
              attempts, int(dead.size()), int(got.value(keys[0]).size()),
              int(got.value(keys[1]).size()));
    }

private:
    // Clients of this name on node i (CLIENT LIST).
    int named(int i, const QByteArray& name)
    {
        const RedisReply r = m_cluster.command(i, {"CLIENT", "LIST"});
        int n = 0;
        for (const QByteArray& line : r.str.split('\n'))
            n += line.contains(" name=" + name + ' ') ? 1 : 0;
        return n;
    }
    // The map as the cluster says; with owner >= 0, node `owner` is believed to serve key's slot.
    void learnMap(const QByteArray& key = {}, int owner = -1)
    {
        ClusterMap map;
        QString e;
        QVERIFY2(ClusterMap::fromSlots(m_cluster.command(0, {"CLUSTER", "SLOTS"}),
                                       QStringLiteral("127.0.0.1"), &map, &e),
                 qPrintable(e));
        if (owner >= 0)
            map.setOwner(ClusterMap::keySlot(key), QStringLiteral("127.0.0.1"),
                         m_cluster.port(owner));
        ClusterRouting::learn(m_cluster.settings(0), map);
    }
    static SampleTarget target(SampleTarget::Kind kind, const QByteArray& key)
    {
        SampleTarget t;
        t.kind = kind;
        t.key = key;
        return t;
    }
    // Samples until done() holds.
    static bool sampledUntil(ChartSampler& sampler, const std::function<bool()>& done)
    {
        return waitUntil(
            [&] {
                sampler.sampleNow();
                return done();
            },
            scaled(10000));
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterCensus)
#include "tst_clustercensus.moc"
