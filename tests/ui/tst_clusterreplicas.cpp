// The window on a Redis Cluster with one replica per master (six servers on loopback): the
// sidebar's cluster item lists each master and, under it, its replica with its role, address and
// link state as CLUSTER SHARDS reports them.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "MainWindow.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QStandardItem>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
QString str(const char* s) { return QString::fromLatin1(s); }
constexpr int kTimeoutMs = 20000;
} // namespace

class TestClusterReplicas : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString e;
        QVERIFY2(m_cluster.start(3, &e, 1), qPrintable(e));
        QCOMPARE(m_cluster.size(), 6);
        // Which master each replica follows (INFO replication's master_port).
        for (int i = m_cluster.masters(); i < m_cluster.size(); ++i) {
            const QByteArray info = m_cluster.command(i, {"INFO", "replication"}).str;
            const qsizetype at = info.indexOf("master_port:");
            QVERIFY(at >= 0);
            const quint16 port =
                quint16(info.mid(at + 12, info.indexOf('\r', at) - at - 12).toUInt());
            m_masterOf.insert(m_cluster.port(i), port);
        }
        QCOMPARE(m_masterOf.size(), 3);
        // A replica whose replication offset is still 0 is reported "loading" by CLUSTER SHARDS:
        // a write on each master moves them on, and all three are then "online".
        for (int i = 0; i < m_cluster.masters(); ++i)
            QVERIFY(
                m_cluster.keyCommand({"SET", m_cluster.keyOnNode("w:", i), "v"}).isStatus("OK"));
        QVERIFY(waitUntil(
            [&] {
                ClusterMap map;
                QString why;
                if (!ClusterMap::fromShards(m_cluster.command(0, {"CLUSTER", "SHARDS"}),
                                            str("127.0.0.1"), &map, &why))
                    return false;
                int online = 0;
                for (const ClusterNode& master : map.masters()) {
                    for (const ClusterReplica& r : master.replicas)
                        online += r.health == str("online") ? 1 : 0;
                }
                return online == 3;
            },
            scaled(30000)));
    }
    void cleanupTestCase() { m_cluster.stop(); }

    // The slot map keeps each master's replicas: from CLUSTER SHARDS with their health, from
    // CLUSTER SLOTS (Redis before 7) without.
    void mapKeepsTheReplicas()
    {
        for (const bool shards : {true, false}) {
            ClusterMap map;
            QString e;
            const RedisReply r = m_cluster.command(
                0, {"CLUSTER", shards ? QByteArray("SHARDS") : QByteArray("SLOTS")});
            QVERIFY(shards ? ClusterMap::fromShards(r, str("127.0.0.1"), &map, &e)
                           : ClusterMap::fromSlots(r, str("127.0.0.1"), &map, &e));
            QCOMPARE(map.masters().size(), qsizetype(3));
            for (const ClusterNode& master : map.masters()) {
                QCOMPARE(master.replicas.size(), qsizetype(1));
                const ClusterReplica& replica = master.replicas.first();
                QCOMPARE(m_masterOf.value(replica.port), master.port);
                QCOMPARE(replica.health, shards ? str("online") : QString());
                QVERIFY(!replica.id.isEmpty());
            }
        }
    }

    void sidebarShowsEachMastersReplica()
    {
        const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(m_cluster.port(0));
        auto window =
            openMainWindow({str("--url"), url, str("--settings"), m_dir.filePath(str("s.ini"))});
        QVERIFY(window);
        ServerTreeModel* tree = window->sidebar()->treeModel();
        QTRY_VERIFY_WITH_TIMEOUT(tree->clusterItem(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(tree->clusterItem()->text(), str("Cluster: 3 masters"),
                                  kTimeoutMs);
        QStandardItem* cluster = tree->clusterItem();
        QCOMPARE(cluster->rowCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int row = 0; row < cluster->rowCount(); ++row) {
                    if (cluster->child(row)->rowCount() != 1)
                        return false;
                }
                return true;
            }(),
            kTimeoutMs);
        for (int row = 0; row < 3; ++row) {
            QStandardItem* master = cluster->child(row);
            const QByteArray address = master->data(ServerTreeModel::NameRole).toByteArray();
            const quint16 masterPort = address.mid(address.lastIndexOf(':') + 1).toUShort();
            QVERIFY2(master->text().contains(str("master")), qPrintable(master->text()));
            QStandardItem* replica = master->child(0);
            const QByteArray replicaAddress =
                replica->data(ServerTreeModel::NameRole).toByteArray();
            const quint16 replicaPort =
                replicaAddress.mid(replicaAddress.lastIndexOf(':') + 1).toUShort();
            // The replica shown under a master is one that follows it.
            QCOMPARE(m_masterOf.value(replicaPort), masterPort);
            QTRY_COMPARE_WITH_TIMEOUT(
                replica->text(), QStringLiteral("127.0.0.1:%1 — replica, online").arg(replicaPort),
                kTimeoutMs);
        }
        // A replica that stops is shown so (its master's shard reports it failed, after the
        // cluster's node timeout).
        const int replica = m_cluster.masters(); // node 3
        const quint16 stoppedPort = m_cluster.port(replica);
        m_cluster.node(replica).stop();
        const auto replicaLine = [&]() -> QString {
            for (int row = 0; row < cluster->rowCount(); ++row) {
                QStandardItem* master = cluster->child(row);
                for (int r = 0; r < master->rowCount(); ++r) {
                    const QByteArray a =
                        master->child(r)->data(ServerTreeModel::NameRole).toByteArray();
                    if (a.endsWith(':' + QByteArray::number(stoppedPort)))
                        return master->child(r)->text();
                }
            }
            return {};
        };
        QTRY_VERIFY_WITH_TIMEOUT(!replicaLine().endsWith(str("online")), scaled(30000));
        QVERIFY2(replicaLine().contains(str("replica")), qPrintable(replicaLine()));
    }

private:
    ClusterFixture m_cluster;
    QHash<quint16, quint16> m_masterOf; // replica port -> master port
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestClusterReplicas)
#include "tst_clusterreplicas.moc"
