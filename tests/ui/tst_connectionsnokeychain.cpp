// Saved connections where there is no keychain (a session bus address where nothing listens):
// the console asks for the password when it connects, keeps it in memory only, and says so.
#include "ConnectionController.h"
#include "ConsoleSession.h"
#include "NoKeychainSupport.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QInputDialog>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
const QByteArray kPassword = "typed-at-the-prompt";
}

class TestConnectionsNoKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        SandboxServer::Options options;
        options.password = kPassword;
        RQ_START_SERVER_WITH(m_server, options);
        QVERIFY(m_dir.isValid());
    }

    void asksForThePasswordAndKeepsItInMemory()
    {
        const QString file = m_dir.filePath(QStringLiteral("rqconsole.ini"));
        QVERIFY(saveLastUsed(file, QStringLiteral("redis://127.0.0.1:%1/0").arg(m_server.port()),
                             QStringLiteral("staging")));
        auto window = openMainWindow({QStringLiteral("--settings"), file});
        QVERIFY(window);
        // The keychain cannot answer: the console asks, without blocking the window.
        QInputDialog* prompt = promptShown(window.get(), QStringLiteral("passwordPrompt"), 30000);
        QVERIFY(prompt);
        QVERIFY2(prompt->labelText().contains(QLatin1String("memory only")),
                 qPrintable(prompt->labelText()));
        QVERIFY(window->servers().isEmpty()); // nothing else opens in its place
        QSignalSpy said(window->connections(), &ConnectionController::message);
        prompt->setTextValue(QString::fromLatin1(kPassword));
        prompt->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        QCOMPARE(window->session()->settings().port, m_server.port());
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(window.get(), "connectionLabel")
                                     ->text()
                                     .startsWith(QLatin1String("Connected to")),
                                 20000);
        // The status bar said so (pane notices may have followed it there).
        QVERIFY(!said.isEmpty());
        QVERIFY2(said.first().first().toString().contains(QLatin1String("memory only")),
                 qPrintable(said.first().first().toString()));
        bool readable = false;
        QVERIFY(!settingsHoldAfterClose(window, file, kPassword, &readable));
        QVERIFY(readable);
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
};

RQ_NO_KEYCHAIN_TEST_MAIN(TestConnectionsNoKeychain)
#include "tst_connectionsnokeychain.moc"
