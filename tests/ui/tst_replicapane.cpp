// The window against a real replica: the status bar names it ("replica of H:P · read-only"), a
// consuming pane is refused with the reason, a read-only pane (Peek) works.
#include "ConsumerWorker.h"
#include "MainWindow.h"
#include "QueuePane.h"
#include "SentinelTopology.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestReplicaPane : public QObject {
    Q_OBJECT
private:
    SandboxServer m_master;
    SandboxServer m_replica;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_master);
        SandboxServer::Options ro;
        ro.extraArgs = {QStringLiteral("--replicaof"),
                        QStringLiteral("127.0.0.1 %1").arg(m_master.port())};
        RQ_START_SERVER_WITH(m_replica, ro);
        SyncClient master(m_master.settings());
        master.command({"LPUSH", "rq", "one", "two"});
        QVERIFY(waitUntil([&] { return master.command({"WAIT", "1", "100"}).integer == 1; }));
    }

    void replicaIsNamedAndConsumingRefused()
    {
        const QString masterAt = QStringLiteral("127.0.0.1:%1").arg(m_master.port());
        auto window =
            openMainWindow({QStringLiteral("--url"), m_replica.url(), QStringLiteral("--settings"),
                            m_dir.filePath(QStringLiteral("s.ini")), QStringLiteral("--pane"),
                            QStringLiteral("list:rq")});
        QVERIFY(window);
        auto* label = child<QLabel>(window.get(), "serverRoleLabel");
        QVERIFY(label);
        QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), scaled(10000));
        QCOMPARE(label->text(), QStringLiteral("Server: replica of %1 · read-only").arg(masterAt));
        QVERIFY(label->toolTip().contains(QStringLiteral("connect to the master")));

        QueuePane* p = pane(window.get(), "rq");
        QVERIFY(p);
        // The pane asked for on the command line consumes (list): refused with the reason.
        QCOMPARE(p->spec().mode, Mode::List);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Failed, scaled(10000));
        QVERIFY2(p->errorText().contains(
                     QStringLiteral("This server is a replica of %1; consuming here would fail or "
                                    "diverge — connect to the master.")
                         .arg(masterAt)),
                 qPrintable(p->errorText()));
        QVERIFY(!p->errorText().contains(QStringLiteral("READONLY")));

        // Read-only (Peek) works on a replica.
        ConsumerSpec peek = p->spec();
        peek.mode = Mode::Peek;
        p->setSpec(peek);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, scaled(10000));
        SyncClient master(m_master.settings());
        QCOMPARE(master.command({"LLEN", "rq"}).integer, 2); // nothing taken
    }

    void masterShowsNoNotice()
    {
        auto window =
            openMainWindow({QStringLiteral("--url"), m_master.url(), QStringLiteral("--settings"),
                            m_dir.filePath(QStringLiteral("m.ini"))});
        QVERIFY(window);
        auto* label = child<QLabel>(window.get(), "serverRoleLabel");
        auto* connection = child<QLabel>(window.get(), "connectionLabel");
        QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(QStringLiteral("Redis")),
                                 scaled(10000));
        QTest::qWait(300); // the role check follows the monitor's connect
        QVERIFY(!label->isVisible());
    }

    void failoverIsSaid()
    {
        SentinelTopology topo;
        QString error;
        QVERIFY2(topo.start(&error), qPrintable(error));
        const QString from = topo.masterAddress();
        auto window =
            openMainWindow({QStringLiteral("--url"), topo.url(), QStringLiteral("--settings"),
                            m_dir.filePath(QStringLiteral("f.ini"))});
        QVERIFY(window);
        auto* connection = child<QLabel>(window.get(), "connectionLabel");
        QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(QStringLiteral("Redis")),
                                 scaled(10000));
        QTest::qWait(500); // the watcher subscribes to the Sentinels
        QVERIFY(waitUntil([&] { return topo.forceFailover(&error); }, scaled(15000)));
        auto* label = child<QLabel>(window.get(), "serverRoleLabel");
        QTRY_VERIFY_WITH_TIMEOUT(
            label->text().contains(QStringLiteral("failover: master moved from %1 to ").arg(from)),
            scaled(20000));
        QVERIFY(label->isVisible());
        QVERIFY(
            label->text().contains(QRegularExpression(QStringLiteral("at \\d\\d:\\d\\d:\\d\\d"))));
    }
};

QTEST_MAIN(TestReplicaPane)
#include "tst_replicapane.moc"
