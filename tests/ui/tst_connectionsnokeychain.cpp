// Saved connections where there is no keychain (a session bus address where nothing listens):
// the console asks for the password when it connects, keeps it in memory only, and says so.
#include "ConnectionController.h"
#include "ConnectionStore.h"
#include "ConsoleSession.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QSettings>
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
        {
            QSettings settings(file, QSettings::IniFormat);
            ConnectionStore store(&settings);
            ConnectionProfile p;
            QVERIFY(ConnectionProfile::fromUrl(
                QStringLiteral("redis://127.0.0.1:%1/0").arg(m_server.port()), &p, nullptr,
                nullptr));
            p.name = QStringLiteral("staging");
            store.setLastUsed(store.save(p).id);
        }
        auto window = openMainWindow({QStringLiteral("--settings"), file});
        QVERIFY(window);
        // The keychain cannot answer: the console asks, without blocking the window.
        QInputDialog* prompt = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (prompt = window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt"))), 30000);
        QTRY_VERIFY(prompt->isVisible());
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
        window->close();
        window.reset();
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(kPassword));
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
};

int main(int argc, char** argv)
{
    // A bus address where nothing listens: no keychain, whatever the machine has.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rqconsole-no-bus");
    QApplication app(argc, argv);
    TestConnectionsNoKeychain test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_connectionsnokeychain.moc"
