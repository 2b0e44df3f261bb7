// Passwords never reach the screen, the log, the settings file or CLIENT SETNAME; TLS runs
// unverified only with a visible warning; the console's own sandbox lets no one else in
// (issue 9, "Security"). The real MainWindow, offscreen, against real redis-servers.
#include "ConsoleSession.h"
#include "SandboxServer.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QFile>
#include <QLabel>
#include <QMutex>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext& context, const QString& text)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log << text;
    }
    if (g_previous)
        g_previous(type, context, text);
}

QStringList capturedLog()
{
    QMutexLocker lock(&g_logMutex);
    return g_log;
}

// Every text the window shows: title, labels, tool tips, the status bar, each pane's status line
// and error.
QStringList screenTexts(MainWindow* window)
{
    QStringList texts{window->windowTitle(), window->statusBar()->currentMessage()};
    for (const QWidget* w : window->findChildren<QWidget*>()) {
        texts << w->toolTip() << w->windowTitle();
        if (const auto* label = qobject_cast<const QLabel*>(w))
            texts << label->text();
    }
    for (const QueuePane* p : window->findChildren<QueuePane*>())
        texts << p->statusText() << p->errorText();
    return texts;
}

QString containing(const QStringList& texts, const QString& secret)
{
    for (const QString& t : texts) {
        if (t.contains(secret))
            return t;
    }
    return {};
}
} // namespace

class TestSecrets : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        g_previous = qInstallMessageHandler(capture);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void passwordNeverShownLoggedOrSaved_data()
    {
        QTest::addColumn<bool>("serverUp");
        QTest::newRow("server refuses the password") << true;
        QTest::newRow("nothing listens") << false;
    }
    void passwordNeverShownLoggedOrSaved()
    {
        QFETCH(bool, serverUp);
        const QString secret = str("Pa55-w0rd-7f3c91");
        SandboxServer server;
        SandboxServer::Options opts;
        opts.password = "the-right-one";
        if (serverUp)
            RQ_START_SERVER_WITH(server, opts);
        const quint16 port = serverUp ? server.port() : SandboxServer::freeLoopbackPort();
        const QString url = str("redis://:%1@127.0.0.1:%2/0").arg(secret).arg(port);
        const QString settingsFile = m_dir.filePath(QStringLiteral("pw-%1.ini").arg(serverUp));
        {
            auto window =
                openMainWindow({str("--url"), url, str("--settings"), settingsFile, str("--pane"),
                                str("list:jobs"), str("--pane"), str("pubsub:news")});
            QVERIFY(window);
            // Wait until the failure is on screen: the pane errors and the connection label.
            QueuePane* jobs = pane(window.get(), "jobs");
            QTRY_VERIFY_WITH_TIMEOUT(!jobs->errorText().isEmpty(), kTimeoutMs);
            auto* connection = child<QLabel>(window.get(), "connectionLabel");
            QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(str("127.0.0.1")), kTimeoutMs);
            const QString expected = serverUp ? str("WRONGPASS") : str("127.0.0.1");
            QVERIFY2(jobs->errorText().contains(expected), qPrintable(jobs->errorText()));
            QTest::qWait(500); // a few retries' worth of messages and logs
            const QStringList texts = screenTexts(window.get());
            QVERIFY2(containing(texts, secret).isEmpty(), qPrintable(containing(texts, secret)));
            QVERIFY(window->windowTitle().contains(str("127.0.0.1:%1").arg(port)));
        }
        // The window saved its layout (panes, geometry) on the way out.
        QFile saved(settingsFile);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray content = saved.readAll();
        QVERIFY2(content.contains("jobs"), content.constData());
        QVERIFY2(!content.contains(secret.toUtf8()), content.constData());
        const QStringList log = capturedLog();
        QVERIFY2(containing(log, secret).isEmpty(), qPrintable(containing(log, secret)));
    }

    void clientNamesCarryNoPassword()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.password = "N4me-check-pw";
        RQ_START_SERVER_WITH(server, opts);
        const QString url = str("redis://:N4me-check-pw@127.0.0.1:%1/0").arg(server.port());
        auto window =
            openMainWindow({str("--url"), url, str("--settings"), m_dir.filePath(str("names.ini")),
                            str("--pane"), str("pubsub:news")});
        QVERIFY(window);
        QTRY_COMPARE_WITH_TIMEOUT(pane(window.get(), "news")->consumerState(),
                                  ConsumerState::Listening, kTimeoutMs);
        SyncClient admin(server.settings());
        const QByteArray clients = admin.command({"CLIENT", "LIST"}).str;
        QVERIFY2(clients.contains("name=rqconsole:pubsub:news"), clients.constData());
        QVERIFY2(!clients.contains("N4me-check-pw"), clients.constData());
        const QStringList texts = screenTexts(window.get());
        QVERIFY(containing(texts, str("N4me-check-pw")).isEmpty());
    }

    void insecureTlsShowsAWarning()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.tls = true;
        RQ_START_SERVER_WITH(server, opts);
        // Verified (the sandbox's CA): no warning.
        {
            auto window = openMainWindow(
                {str("--url"), server.url(), str("--settings"), m_dir.filePath(str("tls-ok.ini"))});
            QVERIFY(window);
            QTRY_VERIFY_WITH_TIMEOUT(window->windowTitle().contains(str("rediss://")), kTimeoutMs);
            QVERIFY(!child<QLabel>(window.get(), "tlsWarningLabel")->isVisible());
        }
        // insecure=1: connected, and the window says verification is off.
        const QString url = str("rediss://127.0.0.1:%1/0?insecure=1").arg(server.port());
        auto window = openMainWindow({str("--url"), url, str("--settings"),
                                      m_dir.filePath(str("tls-insecure.ini")), str("--pane"),
                                      str("pubsub:news")});
        QVERIFY(window);
        QTRY_COMPARE_WITH_TIMEOUT(pane(window.get(), "news")->consumerState(),
                                  ConsumerState::Listening, kTimeoutMs);
        auto* warning = child<QLabel>(window.get(), "tlsWarningLabel");
        QVERIFY(warning->isVisible());
        QVERIFY2(warning->text().contains(str("not verified")), qPrintable(warning->text()));
    }

    void sandboxLetsOnlyItsConsoleIn()
    {
        auto window = openMainWindow(
            {str("--sandbox"), str("--settings"), m_dir.filePath(str("sandbox.ini"))});
        QVERIFY(window);
        ConsoleSession* session = window->session();
        QTRY_VERIFY_WITH_TIMEOUT(session->isReady(), kTimeoutMs);
        QVERIFY(session->usingSandbox());
        const ConnectionSettings own = session->settings();
        QVERIFY(own.password.size() >= 32);
        SyncClient console(own);
        QCOMPARE(console.command({"PING"}).str, QByteArray("PONG"));
        ConnectionSettings stranger = own;
        stranger.password.clear();
        SyncClient other(stranger);
        QVERIFY(!other.isConnected());
        QVERIFY2(other.error().startsWith(str("NOAUTH")), qPrintable(other.error()));
        // And the password is nowhere on screen.
        QVERIFY(containing(screenTexts(window.get()), QString::fromLatin1(own.password)).isEmpty());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestSecrets)
#include "tst_secrets.moc"
