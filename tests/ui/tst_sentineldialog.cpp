// The connection dialog's Sentinel section, in the real window: a pasted redis+sentinel:// URL
// fills the Standalone/Sentinel choice, the Sentinels' addresses, the master name and the
// Sentinel password, and the fields write the URL back (without either password); the Sentinel
// password is kept in the system keychain (CMake runs this test inside dbus-run-session with an
// unlocked gnome-keyring-daemon), never in the settings file; Test connection on a Sentinel
// profile names the master it resolved (a real topology: tests/common/SentinelTopology).
#include "ConnectionController.h"
#include "ConnectionDialog.h"
#include "ConnectionStore.h"
#include "ConsoleSession.h"
#include "SentinelTopology.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
QByteArray fileText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ConnectionDialog* openDialog(MainWindow* window)
{
    child<QAction>(window, "connectAction")->trigger();
    return window->connections()->dialog();
}
} // namespace

class TestSentinelDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_settingsFile = m_dir.filePath(QStringLiteral("rqconsole.ini"));
    }

    void fieldsAndUrlBothWays()
    {
        QTemporaryDir dir;
        auto window = openMainWindow({QStringLiteral("--sandbox"), QStringLiteral("--settings"),
                                      dir.filePath(QStringLiteral("fields.ini"))});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        ConnectionDialog* dialog = openDialog(window.get());
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto* url = child<QLineEdit>(dialog, "urlEdit");
        auto* kind = child<QComboBox>(dialog, "kindCombo");
        auto* sentinels = child<QLineEdit>(dialog, "sentinelsEdit");
        auto* master = child<QLineEdit>(dialog, "masterNameEdit");
        auto* sentinelPassword = child<QLineEdit>(dialog, "sentinelPasswordEdit");
        auto* section = child<QWidget>(dialog, "sentinelFields");
        QCOMPARE(kind->currentText(), QStringLiteral("Standalone"));
        QVERIFY(!section->isVisible());

        // URL → fields.
        QTest::keyClicks(url, QStringLiteral("redis+sentinel://alice:pw@10.0.0.1:26379,[::1]:26380,"
                                             "s3.example/orders/2?sentinel_password=spw"));
        QCOMPARE(kind->currentText(), QStringLiteral("Sentinel"));
        QVERIFY(section->isVisible());
        QCOMPARE(sentinels->text(),
                 QStringLiteral("10.0.0.1:26379, [::1]:26380, s3.example:26379"));
        QCOMPARE(master->text(), QStringLiteral("orders"));
        QCOMPARE(child<QSpinBox>(dialog, "dbSpin")->value(), 2);
        QCOMPARE(child<QLineEdit>(dialog, "userEdit")->text(), QStringLiteral("alice"));
        QCOMPARE(child<QLineEdit>(dialog, "passwordEdit")->text(), QStringLiteral("pw"));
        QCOMPARE(sentinelPassword->text(), QStringLiteral("spw"));
        QVERIFY(!child<QLineEdit>(dialog, "hostEdit")->isEnabled());
        QVERIFY(!child<QComboBox>(dialog, "transportCombo")->isEnabled());
        QCOMPARE(child<QLineEdit>(dialog, "nameEdit")->text(), QStringLiteral("orders"));
        ConnectionProfile p = dialog->profile();
        QCOMPARE(p.kind, ConnectionProfile::Kind::Sentinel);
        QCOMPARE(p.server.sentinels.size(), 3);
        QCOMPARE(p.server.masterName, QStringLiteral("orders"));
        QCOMPARE(dialog->sentinelPassword(), QByteArray("spw"));

        // Fields → URL (neither password written).
        QTest::keyClicks(master, QStringLiteral("-eu"));
        QCOMPARE(url->text(), QStringLiteral("redis+sentinel://alice:@10.0.0.1:26379,[::1]:26380,"
                                             "s3.example:26379/orders-eu/2"));
        sentinels->clear();
        QTest::keyClicks(sentinels, QStringLiteral("127.0.0.1:5000 127.0.0.2"));
        QCOMPARE(url->text(), QStringLiteral("redis+sentinel://alice:@127.0.0.1:5000,"
                                             "127.0.0.2:26379/orders-eu/2"));
        // And the URL written by the fields parses back to the same profile.
        ConnectionProfile back;
        QString error;
        QVERIFY2(ConnectionProfile::fromUrl(url->text(), &back, nullptr, &error),
                 qPrintable(error));
        QCOMPARE(back.server.sentinels, dialog->profile().server.sentinels);
        QCOMPARE(back.server.masterName, QStringLiteral("orders-eu"));

        // Standalone and back.
        kind->setCurrentIndex(kind->findText(QStringLiteral("Standalone")));
        QVERIFY(!section->isVisible());
        QVERIFY(url->text().startsWith(QLatin1String("redis://alice:@")));
        QVERIFY(dialog->sentinelPassword().isEmpty());
        kind->setCurrentIndex(kind->findText(QStringLiteral("Sentinel")));
        QVERIFY(url->text().startsWith(QLatin1String("redis+sentinel://alice:@127.0.0.1:5000,")));

        // A new profile, Sentinel chosen first: no URL until it has an address and a master.
        QTest::mouseClick(child<QPushButton>(dialog, "newConnectionButton"), Qt::LeftButton);
        QVERIFY(sentinels->text().isEmpty());
        kind->setCurrentIndex(kind->findText(QStringLiteral("Sentinel")));
        QTest::keyClicks(sentinels, QStringLiteral("[::1]:26390"));
        QVERIFY(url->text().isEmpty());
        QTest::keyClicks(master, QStringLiteral("m"));
        QCOMPARE(url->text(), QStringLiteral("redis+sentinel://[::1]:26390/m/0"));
        window->close();
    }

    void sentinelPasswordInTheKeychain()
    {
        if (qEnvironmentVariableIntValue("RQ_KEYRING_EXPECTED") != 1)
            QSKIP("dbus-run-session or gnome-keyring-daemon is not installed (scripts/common.sh "
                  "installs them): no Secret Service");
        const QByteArray dataPassword = "Data-Pw-77";
        const QByteArray sentinelPassword = "Sentinel-Pw-99";
        {
            auto window = openMainWindow(
                {QStringLiteral("--sandbox"), QStringLiteral("--settings"), m_settingsFile});
            QVERIFY(window);
            QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
            ConnectionDialog* dialog = openDialog(window.get());
            QVERIFY(dialog->applyUrl(
                QStringLiteral("redis+sentinel://:%1@127.0.0.1:26999/kept?sentinel_password=%2")
                    .arg(QString::fromLatin1(dataPassword),
                         QString::fromLatin1(sentinelPassword))));
            QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
            auto* note = child<QLabel>(dialog, "secretNoteLabel");
            QTRY_VERIFY_WITH_TIMEOUT(
                note->text().contains(QLatin1String(
                    "Its Sentinel password or key passphrase is in the system keychain.")),
                20000);
            QVERIFY(child<QPushButton>(dialog, "saveButton")->isEnabled());
            const QByteArray ini = fileText(m_settingsFile);
            QVERIFY2(ini.contains("redis+sentinel://127.0.0.1:26999/kept"), ini);
            QVERIFY2(!ini.contains(sentinelPassword), ini);
            QVERIFY2(!ini.contains(dataPassword), ini);
            QVERIFY2(!ini.contains("sentinel_password"), ini);
            window->close();
        }
        // A new window (a new vault: nothing in memory) shows both from the keychain.
        auto window = openMainWindow(
            {QStringLiteral("--sandbox"), QStringLiteral("--settings"), m_settingsFile});
        QVERIFY(window);
        ConnectionDialog* dialog = openDialog(window.get());
        QVERIFY(dialog);
        const QList<ConnectionProfile> saved = window->connections()->store()->profiles();
        QCOMPARE(saved.size(), 1);
        dialog->selectProfile(saved.first().id);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(dialog, "saveButton")->isEnabled(), 20000);
        QCOMPARE(child<QComboBox>(dialog, "kindCombo")->currentText(), QStringLiteral("Sentinel"));
        QCOMPARE(dialog->password(), dataPassword);
        QCOMPARE(dialog->sentinelPassword(), sentinelPassword);

        // An encrypted TLS client key's passphrase: the keychain too, never the INI file.
        const QByteArray phrase = "Key-Passphrase-55";
        QTest::mouseClick(child<QPushButton>(dialog, "newConnectionButton"), Qt::LeftButton);
        QVERIFY(dialog->applyUrl(
            QStringLiteral("rediss://127.0.0.1:6390/0?cert=/tmp/c.pem&key=/tmp/k.pem")));
        QTest::keyClicks(child<QLineEdit>(dialog, "keyPassphraseEdit"),
                         QString::fromLatin1(phrase));
        QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            child<QLabel>(dialog, "secretNoteLabel")
                ->text()
                .contains(QLatin1String(
                    "Its Sentinel password or key passphrase is in the system keychain.")),
            20000);
        QVERIFY(!fileText(m_settingsFile).contains(phrase));
        const QString tlsId = dialog->profile().id;
        dialog->selectProfile(saved.first().id);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(dialog, "saveButton")->isEnabled(), 20000);
        dialog->selectProfile(tlsId);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(dialog, "saveButton")->isEnabled(), 20000);
        QCOMPARE(dialog->keyPassphrase(), phrase);
        window->close();
        QVERIFY(!fileText(m_settingsFile).contains(sentinelPassword));
        QVERIFY(!fileText(m_settingsFile).contains(phrase));
    }

    void testConnectionNamesTheResolvedMaster()
    {
        SentinelTopology topo;
        QString error;
        QVERIFY2(topo.start(&error), qPrintable(error));
        QTemporaryDir dir;
        auto window = openMainWindow({QStringLiteral("--sandbox"), QStringLiteral("--settings"),
                                      dir.filePath(QStringLiteral("test.ini"))});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), 20000);
        ConnectionDialog* dialog = openDialog(window.get());
        auto* kind = child<QComboBox>(dialog, "kindCombo");
        kind->setCurrentIndex(kind->findText(QStringLiteral("Sentinel")));
        QTest::keyClicks(child<QLineEdit>(dialog, "sentinelsEdit"),
                         QStringLiteral("127.0.0.1:%1, 127.0.0.1:%2")
                             .arg(topo.sentinelPort(0))
                             .arg(topo.sentinelPort(1)));
        QTest::keyClicks(child<QLineEdit>(dialog, "masterNameEdit"),
                         QString::fromLatin1(SentinelTopology::kMaster));
        QTest::mouseClick(child<QPushButton>(dialog, "testButton"), Qt::LeftButton);
        auto* result = child<QLabel>(dialog, "testResultLabel");
        QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QLatin1String("Reached Redis")) ||
                                     result->text().startsWith(QLatin1String("Failed")),
                                 20000);
        const QString expected =
            QStringLiteral("The Sentinels resolved master %1 to %2.")
                .arg(QLatin1String(SentinelTopology::kMaster), topo.masterAddress());
        QVERIFY2(result->text().startsWith(expected), qPrintable(result->text()));
        QVERIFY2(result->text().contains(QLatin1String("role master")), qPrintable(result->text()));
        qInfo("Test connection: %s", qPrintable(result->text()));
        window->close();
    }

private:
    QTemporaryDir m_dir;
    QString m_settingsFile;
};

QTEST_MAIN(TestSentinelDialog)
#include "tst_sentineldialog.moc"
