// A saved Sentinel connection where there is no keychain, the Sentinels having a requirepass of
// their own: after the password prompt the console asks for the Sentinel password too, keeps it
// in memory only, finds the master through the Sentinels with it and connects. The settings file
// never holds it. Real topology: tests/common/SentinelTopology (label topology).
#include "ConnectionController.h"
#include "ConnectionStore.h"
#include "ConsoleSession.h"
#include "SentinelTopology.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
const QByteArray kSentinelPassword = "typed-sentinel-pw";
}

class TestSentinelNoKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        m_topo.setSentinelPassword(kSentinelPassword);
        QString error;
        QVERIFY2(m_topo.start(&error), qPrintable(error));
        QVERIFY(m_dir.isValid());
    }

    void asksForTheSentinelPasswordToo()
    {
        const QString file = m_dir.filePath(QStringLiteral("rqconsole.ini"));
        {
            QSettings settings(file, QSettings::IniFormat);
            ConnectionStore store(&settings);
            ConnectionProfile p;
            QString error;
            QVERIFY2(ConnectionProfile::fromUrl(m_topo.url(), &p, nullptr, &error),
                     qPrintable(error));
            QVERIFY(p.server.isSentinel());
            p.name = QStringLiteral("sentinels");
            store.setLastUsed(store.save(p).id);
        }
        auto window = openMainWindow({QStringLiteral("--settings"), file});
        QVERIFY(window);
        QInputDialog* prompt = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (prompt = window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt"))), 30000);
        QTRY_VERIFY(prompt->isVisible());
        prompt->setTextValue(QString()); // the master has no password
        prompt->accept();
        QInputDialog* sentinel = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (sentinel = window->findChild<QInputDialog*>(QStringLiteral("sentinelPasswordPrompt"))),
            10000);
        QTRY_VERIFY(sentinel->isVisible());
        QVERIFY2(sentinel->labelText().contains(QLatin1String("memory only")),
                 qPrintable(sentinel->labelText()));
        sentinel->setTextValue(QString::fromLatin1(kSentinelPassword));
        sentinel->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        QCOMPARE(window->session()->settings().sentinelPassword, kSentinelPassword);
        QVERIFY(window->session()->settings().isSentinel());
        window->close();
        window.reset();
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(kSentinelPassword));
    }

private:
    SentinelTopology m_topo;
    QTemporaryDir m_dir;
};

int main(int argc, char** argv)
{
    // A bus address where nothing listens: no keychain, whatever the machine has.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rqconsole-no-bus");
    QApplication app(argc, argv);
    TestSentinelNoKeychain test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_sentinelnokeychain.moc"
