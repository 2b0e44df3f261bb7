// A saved Sentinel connection where there is no keychain, the Sentinels having a requirepass of
// their own: after the password prompt the console asks for the Sentinel password too, keeps it
// in memory only, finds the master through the Sentinels with it and connects. The settings file
// never holds it. Real topology: tests/common/SentinelTopology (label topology).
#include "ConnectionController.h"
#include "ConsoleSession.h"
#include "NoKeychainSupport.h"
#include "SentinelTopology.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QInputDialog>
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
        ConnectionProfile p;
        QString error;
        QVERIFY2(saveLastUsed(file, m_topo.url(), QStringLiteral("sentinels"), &p, &error),
                 qPrintable(error));
        QVERIFY(p.server.isSentinel());
        auto window = openMainWindow({QStringLiteral("--settings"), file});
        QVERIFY(window);
        QInputDialog* prompt = promptShown(window.get(), QStringLiteral("passwordPrompt"), 30000);
        QVERIFY(prompt);
        prompt->setTextValue(QString()); // the master has no password
        prompt->accept();
        QInputDialog* sentinel =
            promptShown(window.get(), QStringLiteral("sentinelPasswordPrompt"), 10000);
        QVERIFY(sentinel);
        QVERIFY2(sentinel->labelText().contains(QLatin1String("memory only")),
                 qPrintable(sentinel->labelText()));
        sentinel->setTextValue(QString::fromLatin1(kSentinelPassword));
        sentinel->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        QCOMPARE(window->session()->settings().sentinelPassword, kSentinelPassword);
        QVERIFY(window->session()->settings().isSentinel());
        bool readable = false;
        QVERIFY(!settingsHoldAfterClose(window, file, kSentinelPassword, &readable));
        QVERIFY(readable);
    }

private:
    SentinelTopology m_topo;
    QTemporaryDir m_dir;
};

RQ_NO_KEYCHAIN_TEST_MAIN(TestSentinelNoKeychain)
#include "tst_sentinelnokeychain.moc"
