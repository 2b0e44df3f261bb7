// The window on a three-master Redis Cluster: a sharded pub/sub pane (spubsub:CHANNEL, from the
// command line and from the new-pane dialog) subscribes on the channel's node and its send box
// publishes there with SPUBLISH, though the window was given another node.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "MainWindow.h"
#include "MessageModel.h"
#include "NewPaneDialog.h"
#include "QueuePane.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace rqc;
using namespace rqc::test;

namespace {
QString str(const char* s) { return QString::fromLatin1(s); }
constexpr int kTimeoutMs = 15000;
} // namespace

class TestClusterPane : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void cleanupTestCase() { m_cluster.stop(); }

    void shardedPaneSubscribesAndPublishesOnItsNode()
    {
        const QByteArray channel = m_cluster.keyOnNode("ui-shard:", 1);
        const QString url =
            QStringLiteral("redis://127.0.0.1:%1/0?cluster=1").arg(m_cluster.port(0));
        auto window = openMainWindow({str("--url"), url, str("--settings"),
                                      m_dir.filePath(str("settings.ini")), str("--pane"),
                                      str("spubsub:") + QString::fromUtf8(channel)});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), channel.constData());
        QVERIFY(p);
        QCOMPARE(p->spec().mode, Mode::SPubSub);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        auto* send = child<QAbstractButton>(p, "sendButton");
        QVERIFY(send->text().contains(str("SPUBLISH")));
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->setFocus();
        QTest::keyClicks(edit, str("sharded hello"));
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("sharded hello"));
        QCOMPARE(p->model()->messageAt(0).source, channel);
        // Published from outside on the channel's node: the pane sees it too.
        QCOMPARE(m_cluster.command(1, {"SPUBLISH", channel, "from outside"}).integer, qint64(1));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(1).payload, QByteArray("from outside"));
    }

    void sidebarShowsEveryMasterAndItsKeys()
    {
        // Given node 0 (no cluster=1): the sidebar lists the keys of all three masters and the
        // masters themselves with their slot ranges.
        QList<QByteArray> lists;
        for (int node = 0; node < 3; ++node) {
            lists << m_cluster.keyOnNode("ui-sidebar:", node);
            QVERIFY(!m_cluster.command(node, {"LPUSH", lists.last(), "a", "b"}).isError());
        }
        const QByteArray stream = m_cluster.keyOnNode("ui-sidebar-stream:", 2);
        QVERIFY(!m_cluster.command(2, {"XADD", stream, "*", "f", "v"}).isError());
        const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(m_cluster.port(0));
        auto window = openMainWindow(
            {str("--url"), url, str("--settings"), m_dir.filePath(str("settings3.ini"))});
        QVERIFY(window);
        ServerTreeModel* tree = window->sidebar()->treeModel();
        for (const QByteArray& key : lists) {
            QTRY_VERIFY_WITH_TIMEOUT(tree->findEntry(ServerTreeModel::Kind::List, key).isValid(),
                                     kTimeoutMs);
            const QModelIndex entry = tree->findEntry(ServerTreeModel::Kind::List, key);
            QCOMPARE(entry.siblingAtColumn(ServerTreeModel::CountColumn).data().toString(),
                     str("2"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(tree->findEntry(ServerTreeModel::Kind::Stream, stream).isValid(),
                                 kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(tree->clusterItem(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(tree->clusterItem()->text(), str("Cluster: 3 masters"),
                                  kTimeoutMs);
        QStandardItem* cluster = tree->clusterItem();
        QCOMPARE(cluster->rowCount(), 3);
        int given = 0;
        for (int row = 0; row < 3; ++row) {
            const QString line = cluster->child(row)->text();
            const QByteArray address =
                cluster->child(row)->data(ServerTreeModel::NameRole).toByteArray();
            const quint16 port = address.mid(address.lastIndexOf(':') + 1).toUShort();
            int node = -1;
            for (int i = 0; i < 3; ++i)
                node = m_cluster.port(i) == port ? i : node;
            QVERIFY2(node >= 0, qPrintable(line));
            // The slot range shown is the one the cluster says the node serves.
            const QString first = line.section(str("slots "), 1).section(QLatin1Char('-'), 0, 0);
            QCOMPARE(m_cluster.ownerOf(first.toInt()), node);
            QVERIFY2(line.contains(str("master")), qPrintable(line));
            given += line.contains(str("(the node given)")) ? 1 : 0;
            QCOMPARE(line.contains(str("(the node given)")), node == 0);
        }
        QCOMPARE(given, 1);
    }

    void newPaneDialogOffersShardedPubSub()
    {
        const QByteArray channel = m_cluster.keyOnNode("ui-dialog:", 2);
        const QString url = QStringLiteral("redis://127.0.0.1:%1/0").arg(m_cluster.port(0));
        auto window = openMainWindow(
            {str("--url"), url, str("--settings"), m_dir.filePath(str("settings2.ini"))});
        QVERIFY(window);
        bool answered = false;
        QTimer::singleShot(0, this, [&answered, channel] {
            auto* dialog = qobject_cast<NewPaneDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            auto* combo = dialog->findChild<QComboBox*>(str("newPaneMode"));
            const int index = combo->findData(int(Mode::SPubSub));
            if (index < 0)
                return;
            QCOMPARE(combo->itemText(index), str("Sharded Pub/Sub"));
            combo->setCurrentIndex(index);
            dialog->findChild<QLineEdit*>(str("newPaneTarget"))
                ->setText(QString::fromUtf8(channel));
            answered = true;
            dialog->accept();
        });
        child<QAbstractButton>(window.get(), "newPaneButton")->click();
        QVERIFY(answered);
        QueuePane* p = pane(window.get(), channel.constData());
        QVERIFY(p);
        QCOMPARE(p->spec().mode, Mode::SPubSub);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        // Subscribed on node 2, where the channel's slot is served.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.command(2, {"PUBSUB", "SHARDNUMSUB", channel}).elements.value(1).integer == 1,
            kTimeoutMs);
    }

private:
    ClusterFixture m_cluster;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestClusterPane)
#include "tst_clusterpane.moc"
