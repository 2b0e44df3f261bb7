// Several servers at once, in the real window against two real redis-servers on loopback: a
// saved connection opens beside the --url server; each has its own sidebar tree and its own
// panes, each pane names its server, messages come from the right server, and closing one
// connection stops only its consumers (CLIENT LIST on each server says so). The layout then
// brings back the connections that were open, each with its panes.
#include "ConnectionController.h"
#include "ConnectionList.h"
#include "ConnectionStore.h"
#include "ConsoleSession.h"
#include "MessageModel.h"
#include "NewPaneDialog.h"
#include "ServerHub.h"
#include "ServerSidebar.h"
#include "ServerTag.h"
#include "ServerView.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace rqc;
using namespace rqc::test;

namespace {
constexpr int kTimeoutMs = 20000;

// The console's consumer connections on a server (rqconsole:<mode>:<target>).
QStringList consumersOn(SyncClient& client)
{
    QStringList names;
    const QByteArray list = client.command({"CLIENT", "LIST"}).str;
    for (const QByteArray& line : list.split('\n')) {
        const qsizetype at = line.indexOf(" name=rqconsole:list:");
        if (at >= 0)
            names << QString::fromUtf8(line.mid(at + 6, line.indexOf(' ', at + 1) - at - 6));
    }
    return names;
}
} // namespace

class TestMultiServer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_a);
        RQ_START_SERVER(m_b);
        QVERIFY(m_dir.isValid());
        m_settingsFile = m_dir.filePath(QStringLiteral("multi.ini"));
    }

    void twoServersSideBySide()
    {
        SyncClient a(m_a.settings()), b(m_b.settings());
        QVERIFY(a.isConnected() && b.isConnected());
        const QString portA = QString::number(m_a.settings().port);
        ConnectionProfile profile;
        QString profileId;
        {
            auto window = openMainWindow({QStringLiteral("--url"), m_a.url(),
                                          QStringLiteral("--settings"), m_settingsFile,
                                          QStringLiteral("--pane"), QStringLiteral("list:jobsA")});
            QVERIFY(window);
            QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), kTimeoutMs);
            ServerView* serverA = window->currentServer();

            // A saved connection opens beside it, not instead of it.
            profile.name = QStringLiteral("second");
            profile.label = QStringLiteral("staging");
            profile.color = QStringLiteral("#1e88e5");
            QVERIFY(ConnectionProfile::fromUrl(m_b.url(), &profile, nullptr, nullptr));
            profile = window->connections()->store()->save(profile);
            profileId = profile.id;
            window->hub()->openSaved(profile, profile.settings({}));
            QCOMPARE(window->servers().size(), 2);
            ServerView* serverB = window->servers().last();
            QCOMPARE(window->servers().first(), serverA);
            QCOMPARE(serverB->profile().id, profileId);
            QTRY_VERIFY_WITH_TIMEOUT(serverB->session()->isReady(), kTimeoutMs);
            QVERIFY(serverA->session()->isReady());
            // Its own tree, beside the first one.
            QCOMPARE(window->findChildren<ServerSidebar*>().size(), 2);
            QVERIFY(serverA->sidebar() != serverB->sidebar());
            // The list shows it open.
            auto* list = child<ConnectionList>(window.get(), "connectionList");
            QCOMPARE(list->openConnections(), QStringList{profileId});
            QVERIFY(list->item(0)->font().bold());

            // A pane on each; each names its server.
            QueuePane* paneA = serverA->panes().value(0);
            QVERIFY(paneA);
            QueuePane* paneB = window->openPane(makeSpec(Mode::List, "jobsB"), serverB);
            QVERIFY(paneB);
            QCOMPARE(window->serverOf(paneB), serverB);
            QCOMPARE(window->serverOf(paneA), serverA);
            QTRY_COMPARE(paneA->serverTag()->text(), QStringLiteral("127.0.0.1:") + portA);
            QVERIFY(paneA->serverTag()->isVisible());
            QCOMPARE(paneB->serverTag()->text(), QStringLiteral("staging · second"));
            QCOMPARE(paneB->serverTag()->color(), QStringLiteral("#1e88e5"));
            QVERIFY(paneB->serverTag()->isVisible());
            // The same target on the other server is another pane.
            QueuePane* paneB2 = window->openPane(makeSpec(Mode::Peek, "jobsA"), serverB);
            QVERIFY(paneB2 && paneB2 != paneA);
            QCOMPARE(window->serverOf(paneB2), serverB);

            // Messages come from the right server.
            QTRY_COMPARE_WITH_TIMEOUT(
                consumersOn(a), QStringList{QStringLiteral("rqconsole:list:jobsA")}, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(
                consumersOn(b), QStringList{QStringLiteral("rqconsole:list:jobsB")}, kTimeoutMs);
            a.command({"LPUSH", "jobsA", "from-a"});
            b.command({"LPUSH", "jobsB", "from-b"});
            QTRY_COMPARE_WITH_TIMEOUT(paneA->model()->rowCount(), 1, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(paneB->model()->rowCount(), 1, kTimeoutMs);
            QCOMPARE(paneA->model()->messageAt(0).payload, QByteArray("from-a"));
            QCOMPARE(paneB->model()->messageAt(0).payload, QByteArray("from-b"));
            QCOMPARE(a.command({"LLEN", "jobsA"}).integer, 0);
            QCOMPARE(b.command({"LLEN", "jobsB"}).integer, 0);

            // New pane asks which server when several are open.
            bool asked = false;
            QTimer::singleShot(0, window.get(), [&] {
                auto* dialog = window->findChild<NewPaneDialog*>(QStringLiteral("newPaneDialog"));
                if (!dialog)
                    return;
                auto* servers = child<QComboBox>(dialog, "newPaneServer");
                asked = servers && servers->isVisible() && servers->count() == 2 &&
                        servers->itemText(1) == QStringLiteral("staging · second");
                dialog->reject();
            });
            window->newPane();
            QVERIFY(asked);

            // Closing the saved connection stops only its consumers.
            window->saveSettings();
            window->closeServer(serverB);
            QCOMPARE(window->servers().size(), 1);
            QCOMPARE(window->findChildren<ServerSidebar*>().size(), 1);
            QTRY_VERIFY_WITH_TIMEOUT(consumersOn(b).isEmpty(), kTimeoutMs);
            QCOMPARE(consumersOn(a), QStringList{QStringLiteral("rqconsole:list:jobsA")});
            QVERIFY(list->openConnections().isEmpty());
            QCOMPARE(window->panes().size(), 1);
            // A still consumes.
            a.command({"LPUSH", "jobsA", "after-close"});
            QTRY_COMPARE_WITH_TIMEOUT(paneA->model()->rowCount(), 2, kTimeoutMs);
            // Nothing pushed to B after the close is taken.
            b.command({"LPUSH", "jobsB", "kept"});
            QTest::qWait(300);
            QCOMPARE(b.command({"LLEN", "jobsB"}).integer, 1);

            // Open again: it comes back with its panes (the consuming one reads only until
            // consuming is confirmed for the server).
            window->hub()->openSaved(profile, profile.settings({}));
            QCOMPARE(window->servers().size(), 2);
            QTRY_VERIFY_WITH_TIMEOUT(window->servers().last()->session()->isReady(), kTimeoutMs);
            QCOMPARE(window->servers().last()->paneSpecs().size(), 2);
            window->close();
        }

        // The next start brings back both: the --url server and the saved one.
        auto window = openMainWindow(
            {QStringLiteral("--url"), m_a.url(), QStringLiteral("--settings"), m_settingsFile});
        QVERIFY(window);
        // Its password comes from the keychain; with none here (no D-Bus session), the console
        // asks, and this server has none.
        QInputDialog* prompt = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            window->servers().size() == 2 ||
                (prompt = window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt"))),
            kTimeoutMs);
        if (prompt) {
            prompt->setTextValue(QString());
            prompt->accept();
        }
        QTRY_COMPARE_WITH_TIMEOUT(window->servers().size(), 2, kTimeoutMs);
        ServerView* again = nullptr;
        for (ServerView* server : window->servers()) {
            if (server->profile().id == profileId)
                again = server;
        }
        QVERIFY(again);
        QTRY_VERIFY_WITH_TIMEOUT(again->session()->isReady(), kTimeoutMs);
        QCOMPARE(again->panes().size(), 2);
        for (QueuePane* pane : again->panes())
            QCOMPARE(pane->serverTag()->text(), QStringLiteral("staging · second"));
        QCOMPARE(window->servers().first()->paneSpecs(), QStringList{QStringLiteral("list:jobsA")});
        window->close();
        b.command({"DEL", "jobsB"});
    }

    void sandboxReachableByRedisCli()
    {
        // The sandbox's password is random and in a 0600 file: the window offers a redis-cli
        // line that reads it from there (never the password itself), and the line works.
        QTemporaryDir dir;
        auto window = openMainWindow({QStringLiteral("--sandbox"), QStringLiteral("--settings"),
                                      dir.filePath(QStringLiteral("cli.ini"))});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), kTimeoutMs);
        SandboxServer* sandbox = window->session()->sandbox();
        QVERIFY(sandbox);
        auto* link = child<QLabel>(window.get(), "sandboxCliLink");
        QVERIFY(link);
        QTRY_VERIFY(link->isVisible());
        const QString line = ServerHub::redisCliLine(window->currentServer());
        QVERIFY2(line.contains(sandbox->passwordFile()), qPrintable(line));
        QVERIFY(!line.contains(QString::fromUtf8(window->session()->settings().password)));
        QCOMPARE(QFile::permissions(sandbox->passwordFile()) & 0x0077, QFileDevice::Permissions());
        emit link->linkActivated(QStringLiteral("cli"));
        if (!QApplication::clipboard()->text().isEmpty())
            QCOMPARE(QApplication::clipboard()->text(), line);
        if (QStandardPaths::findExecutable(QStringLiteral("redis-cli")).isEmpty())
            QSKIP("redis-cli is not installed: the line was not run");
        QProcess sh;
        sh.start(QStringLiteral("sh"), {QStringLiteral("-c"), line + QStringLiteral(" PING")});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.readAllStandardOutput().trimmed(), QByteArray("PONG"));
        // Without the password file's content, the sandbox refuses.
        QProcess bare;
        bare.start(
            QStringLiteral("redis-cli"),
            {QStringLiteral("-p"), QString::number(sandbox->port()), QStringLiteral("PING")});
        QVERIFY(bare.waitForFinished(10000));
        QVERIFY(!bare.readAllStandardOutput().contains("PONG"));
    }

private:
    SandboxServer m_a;
    SandboxServer m_b;
    QTemporaryDir m_dir;
    QString m_settingsFile;
};

QTEST_MAIN(TestMultiServer)
#include "tst_multiserver.moc"
