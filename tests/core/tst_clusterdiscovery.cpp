// Discovery on a three-master Redis Cluster, given one node: the lists, streams and channels of
// every master appear in the one snapshot ServerMonitor emits, with the masters and their slot
// ranges; each master is walked by its own connection (CLIENT LIST on each node names it).
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "RedisConnection.h"
#include "ServerMonitor.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
constexpr int kTimeoutMs = 30000;

bool hasKey(const QList<ServerSnapshot::Key>& keys, const QByteArray& name, qint64 length)
{
    for (const ServerSnapshot::Key& k : keys) {
        if (k.name == name)
            return k.length == length;
    }
    return false;
}
} // namespace

class TestClusterDiscovery : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        ClusterRouting::reset();
        RQ_START_CLUSTER(m_cluster);
    }
    void cleanupTestCase() { m_cluster.stop(); }

    void everyMasterIsDiscovered()
    {
        QList<QByteArray> lists, streams;
        for (int node = 0; node < 3; ++node) {
            lists << m_cluster.keyOnNode("disc-list:", node);
            streams << m_cluster.keyOnNode("disc-stream:", node);
            for (int i = 0; i <= node; ++i)
                QVERIFY(!m_cluster.command(node, {"LPUSH", lists.last(), "m"}).isError());
            QVERIFY(!m_cluster.command(node, {"XADD", streams.last(), "*", "f", "v"}).isError());
        }
        // A classic pub/sub subscriber connected to node 2 only: node 0's PUBSUB CHANNELS does
        // not list its channel, node 2's does.
        SyncClient subscriber(m_cluster.settings(2));
        QVERIFY(subscriber.isConnected());
        subscriber.connection()->setPushHandler([](RedisReply&) {});
        subscriber.connection()->sendNoReply({"SUBSCRIBE", "disc-channel"});
        QVERIFY(waitUntil([&] {
            const RedisReply r = m_cluster.command(2, {"PUBSUB", "NUMSUB", "disc-channel"});
            return r.elements.size() == 2 && r.elements[1].integer == 1;
        }));
        QCOMPARE(m_cluster.command(0, {"PUBSUB", "CHANNELS"}).elements.size(), qsizetype(0));

        ServerMonitor monitor(m_cluster.settings(0), 200);
        ServerSnapshot last;
        connect(&monitor, &ServerMonitor::snapshotReady, this,
                [&last](const ServerSnapshot& s) { last = s; });
        monitor.start();
        const auto found = [&] {
            if (last.clusterNodesRead < 3 || !last.discovery.complete)
                return false;
            for (int node = 0; node < 3; ++node) {
                if (!hasKey(last.lists, lists[node], node + 1) ||
                    !hasKey(last.streams, streams[node], 1))
                    return false;
            }
            return last.channels.size() == 1;
        };
        QVERIFY2(waitUntil(found, scaled(kTimeoutMs)),
                 qPrintable(QStringLiteral("lists %1 streams %2 channels %3 nodes read %4")
                                .arg(last.lists.size())
                                .arg(last.streams.size())
                                .arg(last.channels.size())
                                .arg(last.clusterNodesRead)));
        QCOMPARE(last.channels.first().name, QByteArray("disc-channel"));
        QCOMPARE(last.channels.first().subscribers, qint64(1));
        // The masters and their slot ranges, as the cluster itself says (CLUSTER SHARDS).
        QCOMPARE(last.clusterMasters.size(), qsizetype(3));
        QCOMPARE(last.clusterSelfId, m_cluster.nodeId(0));
        int covered = 0;
        for (const ClusterNode& node : last.clusterMasters) {
            QVERIFY(!node.ranges.isEmpty());
            for (const auto& range : node.ranges) {
                covered += range.second - range.first + 1;
                QCOMPARE(m_cluster.ownerOf(range.first), indexOf(node.port));
            }
            QVERIFY(!node.slotsText().isEmpty());
        }
        QCOMPARE(covered, ClusterMap::kSlots);
        // Each master is walked by a connection of its own.
        for (int node = 0; node < 3; ++node) {
            const RedisReply clients = m_cluster.command(node, {"CLIENT", "LIST"});
            QVERIFY2(clients.str.contains("rqconsole:admin"), clients.str.constData());
        }
        // A key moved away by a slot migration is still listed once (now read on its new owner).
        const int slot = ClusterMap::keySlot(lists[1]);
        QString error;
        QVERIFY2(m_cluster.migrateSlot(slot, 1, 2, &error), qPrintable(error));
        monitor.refreshNow();
        QVERIFY(waitUntil(
            [&] {
                int seen = 0;
                for (const ServerSnapshot::Key& k : last.lists)
                    seen += k.name == lists[1] ? 1 : 0;
                return seen == 1 && hasKey(last.lists, lists[1], 2) && last.errors.isEmpty();
            },
            scaled(kTimeoutMs)));
        monitor.stop();
    }

    // The merged walk is the cluster's (issue 8): it is walking again while any master is, its
    // age is known only once every master has ended a walk, and View › Refresh (restartWalk)
    // walks every master again. Node 0 holds 200 keys, nodes 1 and 2 4 000 each, so node 0's
    // walks end long before theirs: before the merge carried these fields, the cluster's walk
    // was node 0's (it said it had ended while nodes 1 and 2 still walked).
    void refreshWalksEveryMasterAgain()
    {
        QList<QByteArray> tags, late;
        for (int node = 0; node < 3; ++node) {
            tags << '{' + m_cluster.keyOnNode("rewalk-tag:", node) + '}';
            late << tags.last() + ":late";
            fillNode(node, tags.last(), node == 0 ? 200 : 4000);
        }
        ScanBudget budget;
        budget.smallKeyspace = 0; // always the budgeted walk
        budget.minCount = 10;
        budget.maxCount = 40;
        budget.firstPassMsPerSec = 20; // a walk of nodes 1 and 2 takes a second or more
        budget.steadyMsPerSec = 0;     // and none follows it: keys made later need Refresh
        budget.tickMs = 20;
        ServerMonitor monitor(m_cluster.settings(0), 200);
        monitor.setScanBudget(budget);
        QList<ServerSnapshot> snaps;
        connect(&monitor, &ServerMonitor::snapshotReady, this,
                [&snaps](const ServerSnapshot& s) { snaps << s; });
        monitor.start();
        QVERIFY(waitUntil(
            [&] {
                return !snaps.isEmpty() && snaps.last().clusterNodesRead == 3 &&
                       snaps.last().discovery.complete;
            },
            scaled(kTimeoutMs)));
        for (const ServerSnapshot& s : std::as_const(snaps)) {
            if (!s.discovery.complete)
                QCOMPARE(s.discovery.lastPassEndedMs, qint64(0)); // no age for a partial walk
        }
        const DiscoveryState first = snaps.last().discovery;
        QVERIFY(first.lastPassEndedMs > 0);
        QVERIFY(first.lastPassMs > 0);
        QVERIFY(!first.rewalking);

        // Keys made after the walk: a plain refresh does not find them (no walk follows).
        for (int node = 0; node < 3; ++node)
            QVERIFY(!m_cluster.command(node, {"RPUSH", late[node], "x"}).isError());
        monitor.refreshNow();
        QTest::qWait(1000);
        for (const QByteArray& key : std::as_const(late))
            QVERIFY(!hasKey(snaps.last().lists, key, 1));

        const qsizetype before = snaps.size();
        const qint64 refreshedAt = QDateTime::currentMSecsSinceEpoch();
        monitor.restartWalk();
        QVERIFY(waitUntil(
            [&] {
                for (qsizetype i = before; i < snaps.size(); ++i) {
                    if (snaps[i].discovery.rewalking && i + 1 < snaps.size() &&
                        !snaps.last().discovery.rewalking)
                        return true;
                }
                return false;
            },
            scaled(kTimeoutMs)));
        // The first snapshot that says the walk is over lists every master's late key.
        qsizetype over = before;
        while (!snaps[over].discovery.rewalking)
            ++over;
        while (snaps[over].discovery.rewalking)
            ++over;
        const ServerSnapshot& done = snaps[over];
        for (int node = 0; node < 3; ++node)
            QVERIFY2(hasKey(done.lists, late[node], 1),
                     qPrintable(QStringLiteral("node %1's late key not listed when the walk "
                                               "said it was over")
                                    .arg(node)));
        QVERIFY(done.discovery.complete && done.listsExact());
        QVERIFY(done.discovery.lastPassEndedMs >= refreshedAt);
        QVERIFY(done.discovery.lastPassMs > 0);
        monitor.stop();
    }

private:
    // count string keys in one slot (tag) of node, one MSET per 1 000.
    void fillNode(int node, const QByteArray& tag, int count)
    {
        for (int from = 0; from < count; from += 1000) {
            QList<QByteArray> argv{"MSET"};
            for (int i = from; i < qMin(count, from + 1000); ++i)
                argv << tag + ':' + QByteArray::number(i) << "v";
            const RedisReply r = m_cluster.command(node, argv);
            QVERIFY2(!r.isError(), r.str.constData());
        }
    }

    int indexOf(quint16 port)
    {
        for (int i = 0; i < m_cluster.size(); ++i) {
            if (m_cluster.port(i) == port)
                return i;
        }
        return -1;
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterDiscovery)
#include "tst_clusterdiscovery.moc"
