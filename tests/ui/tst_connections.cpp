// The connection dialog and list, driven in the real window against a real redis-server with a
// password (requirepass) and a real Secret Service (CMake runs this test inside dbus-run-session
// with an unlocked gnome-keyring-daemon): paste a URL with its password, test, save, connect;
// a new window then reconnects without the password being typed, and the settings file never
// holds it.
#include "ConnectionController.h"
#include "ConnectionDialog.h"
#include "ConnectionList.h"
#include "ConsoleSession.h"
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
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
const QByteArray kPassword = "Pw-in-the-Keychain-42";

QByteArray fileText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestConnections : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIntValue("RQ_KEYRING_EXPECTED") != 1)
            QSKIP("dbus-run-session or gnome-keyring-daemon is not installed (scripts/common.sh "
                  "installs them): no Secret Service for the keychain round trip");
        SandboxServer::Options options;
        options.password = kPassword;
        RQ_START_SERVER_WITH(m_server, options);
        QVERIFY(m_dir.isValid());
        m_settingsFile = m_dir.filePath(QStringLiteral("rqconsole.ini"));
    }

    void nameFollowsATypedUrlUntilTheUserNamesIt()
    {
        // Typing a URL applies it at every keystroke: the name it fills in must follow to the
        // end (it once stuck at "127.0.0.1:6379", parsed before the port was typed).
        QTemporaryDir dir;
        auto window = openMainWindow({QStringLiteral("--sandbox"), QStringLiteral("--settings"),
                                      dir.filePath(QStringLiteral("typed.ini"))});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        child<QAction>(window.get(), "connectAction")->trigger();
        ConnectionDialog* dialog = window->connections()->dialog();
        QVERIFY(dialog);
        auto* urlEdit = child<QLineEdit>(dialog, "urlEdit");
        auto* name = child<QLineEdit>(dialog, "nameEdit");
        QTest::keyClicks(urlEdit, QStringLiteral("redis://:pw@127.0.0.1:37777/2"));
        QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), 37777);
        QCOMPARE(name->text(), QStringLiteral("127.0.0.1:37777"));
        // A name the user typed stays while the URL changes.
        name->clear();
        QTest::keyClicks(name, QStringLiteral("staging"));
        urlEdit->clear();
        QTest::keyClicks(urlEdit, QStringLiteral("redis://127.0.0.1:6390"));
        QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), 6390);
        QCOMPARE(name->text(), QStringLiteral("staging"));
    }

    void pasteTestSaveConnectAndReconnect()
    {
        const QString url = QStringLiteral("redis://:%1@127.0.0.1:%2/0")
                                .arg(QString::fromLatin1(kPassword))
                                .arg(m_server.port());
        {
            // A first start on a sandbox of its own: the saved server is not there yet.
            auto window = openMainWindow(
                {QStringLiteral("--sandbox"), QStringLiteral("--settings"), m_settingsFile});
            QVERIFY(window);
            QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
            QVERIFY(window->session()->usingSandbox());

            QAction* connectAction = child<QAction>(window.get(), "connectAction");
            QVERIFY(connectAction);
            QCOMPARE(connectAction->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+O")));
            connectAction->trigger();
            ConnectionDialog* dialog = window->connections()->dialog();
            QVERIFY(dialog);
            QTRY_VERIFY(dialog->isVisible());

            // Paste the URL: the fields fill in, the password included.
            auto* urlEdit = child<QLineEdit>(dialog, "urlEdit");
            QApplication::clipboard()->setText(url);
            urlEdit->setFocus();
            QTest::keyClick(urlEdit, Qt::Key_V, Qt::ControlModifier);
            if (urlEdit->text().isEmpty()) // a platform without a clipboard: type it instead
                QTest::keyClicks(urlEdit, url);
            QCOMPARE(child<QLineEdit>(dialog, "hostEdit")->text(), QStringLiteral("127.0.0.1"));
            QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), int(m_server.port()));
            auto* passwordEdit = child<QLineEdit>(dialog, "passwordEdit");
            QCOMPARE(passwordEdit->text().toUtf8(), kPassword);

            auto* name = child<QLineEdit>(dialog, "nameEdit");
            name->clear();
            QTest::keyClicks(name, QStringLiteral("orders"));
            QTest::keyClicks(child<QLineEdit>(dialog, "labelEdit"), QStringLiteral("production"));
            auto* color = child<QComboBox>(dialog, "colorCombo");
            color->setCurrentIndex(color->findData(QStringLiteral("#d32f2f")));

            // Test with a wrong password: Redis's own error.
            auto* testButton = child<QPushButton>(dialog, "testButton");
            auto* result = child<QLabel>(dialog, "testResultLabel");
            passwordEdit->clear();
            QTest::keyClicks(passwordEdit, QStringLiteral("wrong"));
            QTest::mouseClick(testButton, Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QLatin1String("WRONGPASS")), 10000);
            // And with the right one: what it reached.
            passwordEdit->clear();
            QTest::keyClicks(passwordEdit, QString::fromLatin1(kPassword));
            QTest::mouseClick(testButton, Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QLatin1String("Reached Redis")),
                                     10000);
            QVERIFY2(result->text().contains(QLatin1String("role master")),
                     qPrintable(result->text()));
            QVERIFY2(result->text().contains(QLatin1String("mode standalone")),
                     qPrintable(result->text()));
            QVERIFY(result->text().contains(QLatin1String("latency")));
            qInfo("Test connection: %s", qPrintable(result->text()));

            QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
            auto* note = child<QLabel>(dialog, "secretNoteLabel");
            QTRY_VERIFY_WITH_TIMEOUT(note->text().contains(QLatin1String("system keychain")),
                                     20000);
            QVERIFY2(!fileText(m_settingsFile).contains(kPassword), fileText(m_settingsFile));
            QVERIFY(fileText(m_settingsFile).contains("orders"));

            // Connect: the saved server opens beside the sandbox.
            QTest::mouseClick(child<QPushButton>(dialog, "connectButton"), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady() &&
                                         window->session()->settings().port == m_server.port(),
                                     20000);
            QVERIFY(!window->session()->usingSandbox());
            QCOMPARE(window->servers().size(), 2);
            QVERIFY(window->servers().first()->session()->usingSandbox());
            auto* status = child<QLabel>(window.get(), "connectionLabel");
            // The monitor's connection got in: the password reached the server.
            QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QLatin1String("Connected to")),
                                     20000);

            // Its panes wear the server's label and colour (a click in its tree opens Peek).
            ServerView* orders = window->currentServer();
            QCOMPARE(orders->profile().name, QStringLiteral("orders"));
            QueuePane* queue1 = window->openPane(makeSpec(Mode::Peek, "queue1"), orders);
            QVERIFY(queue1);
            QCOMPARE(window->serverOf(queue1), orders);
            QTRY_VERIFY(queue1->serverTag()->isVisible());
            QCOMPARE(queue1->serverTag()->text(), QStringLiteral("production · orders"));
            QCOMPARE(queue1->serverTag()->color(), QStringLiteral("#d32f2f"));
            QVERIFY(!ConsumerSpec::consumes(queue1->spec().mode));

            auto* list = child<ConnectionList>(window.get(), "connectionList");
            QVERIFY(list);
            QCOMPARE(list->count(), 1);
            QCOMPARE(list->item(0)->text(), QStringLiteral("orders (production)"));
            QVERIFY(list->item(0)->font().bold());
            window->close();
        }
        QVERIFY2(!fileText(m_settingsFile).contains(kPassword), fileText(m_settingsFile));

        // A new start with no server named: the connections open at quit, the saved one with
        // its password from the keychain.
        auto window = openMainWindow({QStringLiteral("--settings"), m_settingsFile});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->currentServer() &&
                                     !window->currentServer()->profile().id.isEmpty() &&
                                     window->session()->isReady(),
                                 20000);
        QCOMPARE(window->session()->settings().port, m_server.port());
        QCOMPARE(window->session()->settings().password, kPassword);
        QVERIFY(!window->session()->usingSandbox());
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(window.get(), "connectionLabel")
                                     ->text()
                                     .startsWith(QLatin1String("Connected to")),
                                 20000);
        QVERIFY(!window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt")));
        QCOMPARE(window->currentServer()->panes().size(), 1);
        QCOMPARE(window->currentServer()->panes().first()->serverTag()->text(),
                 QStringLiteral("production · orders"));
        window->close();
        QVERIFY(!fileText(m_settingsFile).contains(kPassword));
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
    QString m_settingsFile;
};

QTEST_MAIN(TestConnections)
#include "tst_connections.moc"
