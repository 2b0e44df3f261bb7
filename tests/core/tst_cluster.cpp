// A three-master Redis Cluster on loopback (tests/common/ClusterSupport): the slot map, key slots
// against the server's own CLUSTER KEYSLOT, redirects, and a slot migration.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "ConnectionTester.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestCluster : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void cleanupTestCase() { m_cluster.stop(); }

    void crc16KnownValue()
    {
        // The reference value from the Redis Cluster specification.
        QCOMPARE(ClusterMap::crc16("123456789"), quint16(0x31C3));
    }

    void keySlotMatchesTheServer()
    {
        QList<QByteArray> keys{"queue", "orders", "{queue}:processing:host-1",
                               "a{b}c", "{}x",    "x{}y{z}",
                               "{",     "}{",     "{user1000}.following",
                               "",      "é-ü",    QByteArray("\x00\xff\x80", 3)};
        for (int i = 0; i < 200; ++i)
            keys << "key:" + QByteArray::number(i * 7919);
        for (const QByteArray& k : keys) {
            const RedisReply r = m_cluster.command(0, {"CLUSTER", "KEYSLOT", k});
            QVERIFY2(r.isInteger(), r.toDebugString().constData());
            QCOMPARE(ClusterMap::keySlot(k), int(r.integer));
        }
        QCOMPARE(ClusterMap::keySlot("{queue}:processing:c"), ClusterMap::keySlot("queue"));
        QVERIFY(ClusterMap::hasHashTag("{queue}:x"));
        QVERIFY(!ClusterMap::hasHashTag("{}queue"));
    }

    void shardsAndSlotsGiveTheSameMap()
    {
        ClusterMap shards, fromSlots;
        QString e;
        QVERIFY2(ClusterMap::fromShards(m_cluster.command(1, {"CLUSTER", "SHARDS"}),
                                        QStringLiteral("127.0.0.1"), &shards, &e),
                 qPrintable(e));
        QVERIFY2(ClusterMap::fromSlots(m_cluster.command(2, {"CLUSTER", "SLOTS"}),
                                       QStringLiteral("127.0.0.1"), &fromSlots, &e),
                 qPrintable(e));
        QCOMPARE(shards.masters().size(), 3);
        QCOMPARE(fromSlots.masters().size(), 3);
        QCOMPARE(shards.coveredSlots(), ClusterMap::kSlots);
        QCOMPARE(fromSlots.coveredSlots(), ClusterMap::kSlots);
        for (int s = 0; s < ClusterMap::kSlots; s += 97) {
            QCOMPARE(shards.ownerOf(s)->port, fromSlots.ownerOf(s)->port);
            QCOMPARE(shards.ownerOf(s)->id, fromSlots.ownerOf(s)->id);
        }
        QVERIFY(!shards.masters().first().slotsText().isEmpty());
    }

    void redirectsAreParsed()
    {
        // Ask a node for a key it does not serve: the server's own MOVED.
        const QByteArray key = m_cluster.keyOnNode("moved:", 1);
        const RedisReply r = m_cluster.command(0, {"GET", key});
        QVERIFY(r.isError());
        ClusterRedirect redirect;
        QVERIFY2(ClusterMap::parseRedirect(r.str, &redirect), r.str.constData());
        QVERIFY(!redirect.ask);
        QCOMPARE(redirect.slot, ClusterMap::keySlot(key));
        QCOMPARE(redirect.port, m_cluster.port(1));
        QVERIFY(ClusterMap::parseRedirect("ASK 12 [::1]:7001", &redirect));
        QVERIFY(redirect.ask);
        QCOMPARE(redirect.host, QStringLiteral("::1"));
        QVERIFY(!ClusterMap::parseRedirect("ERR MOVED", &redirect));
        QVERIFY(!ClusterMap::parseRedirect("MOVED x 1:2", &redirect));
    }

    void movedUpdatesTheRoutingTable()
    {
        ClusterRouting::reset();
        const QByteArray key = m_cluster.keyOnNode("route:", 2);
        const ConnectionSettings seed = m_cluster.settings(0);
        QCOMPARE(ClusterRouting::forKey(seed, key).port, seed.port); // nothing known yet
        ClusterRedirect redirect;
        QVERIFY(ClusterMap::parseRedirect(m_cluster.command(0, {"GET", key}).str, &redirect));
        ClusterRouting::noteMoved(seed, redirect);
        QCOMPARE(ClusterRouting::forKey(seed, key).port, m_cluster.port(2));
        // Known through any node of the cluster now.
        QCOMPARE(ClusterRouting::forKey(m_cluster.settings(2), key).port, m_cluster.port(2));
        ClusterMap map;
        QString e;
        QVERIFY(ClusterMap::fromShards(m_cluster.command(0, {"CLUSTER", "SHARDS"}),
                                       QStringLiteral("127.0.0.1"), &map, &e));
        ClusterRouting::learn(seed, map);
        const QByteArray other = m_cluster.keyOnNode("route:", 1);
        QCOMPARE(ClusterRouting::forKey(m_cluster.settings(2), other).port, m_cluster.port(1));
        ClusterRouting::reset();
    }

    void testConnectionSaysCluster()
    {
        ClusterRouting::reset();
        ConnectionTester tester;
        QSignalSpy spy(&tester, &ConnectionTester::finished);
        tester.test(m_cluster.settings(1));
        QVERIFY(spy.wait(scaled(10000)));
        const auto result = spy.first().first().value<ConnectionTester::Result>();
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.masters, 3);
        QVERIFY2(result.summary().contains(QLatin1String("mode cluster, 3 masters")),
                 qPrintable(result.summary()));
        // The map it read routes keys from now on.
        const QByteArray key = m_cluster.keyOnNode("tester:", 2);
        QCOMPARE(ClusterRouting::forKey(m_cluster.settings(0), key).port, m_cluster.port(2));
        ClusterRouting::reset();
    }

    void migrateSlotMovesKeys()
    {
        const QByteArray key = m_cluster.keyOnNode("mig:", 0);
        const int slot = ClusterMap::keySlot(key);
        QVERIFY(m_cluster.keyCommand({"RPUSH", key, "a", "b", "c"}).isInteger());
        QString e;
        bool sawAsk = false;
        QVERIFY2(m_cluster.migrateSlot(slot, 0, 1, &e,
                                       [&] {
                                           // Half moved: the source answers ASK for the key.
                                           const RedisReply r = m_cluster.command(0, {"LLEN", key});
                                           sawAsk = r.isError() && r.str.startsWith("ASK ");
                                       }),
                 qPrintable(e));
        QVERIFY(sawAsk);
        QCOMPARE(m_cluster.ownerOf(slot), 1);
        QVERIFY(waitUntil([&] {
            return m_cluster.command(2, {"LLEN", key}).str.startsWith("MOVED");
        }));
        QCOMPARE(m_cluster.command(1, {"LLEN", key}).integer, qint64(3));
        // And back, so other tests see the original layout.
        QVERIFY2(m_cluster.migrateSlot(slot, 1, 0, &e), qPrintable(e));
        QCOMPARE(m_cluster.ownerOf(slot), 0);
    }

private:
    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
