// The window on a three-master Redis Cluster: a sharded pub/sub pane (spubsub:CHANNEL, from the
// command line and from the new-pane dialog) subscribes on the channel's node and its send box
// publishes there with SPUBLISH, though the window was given another node.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "MainWindow.h"
#include "MessageModel.h"
#include "NewPaneDialog.h"
#include "QueuePane.h"
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
