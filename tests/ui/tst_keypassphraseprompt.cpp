// A saved TLS connection whose client key is encrypted, where there is no keychain: after the
// password prompt the console asks for the key's passphrase ("keyPassphrasePrompt"), keeps it in
// memory only, and connects with it to a real TLS redis-server on loopback that requires client
// certificates signed by a CA made here (openssl, in a temp dir). The settings file never holds
// it; a cancelled prompt leaves the server refusing the window, which says the key needs its
// passphrase.
#include "ConsoleSession.h"
#include "NoKeychainSupport.h"
#include "SandboxServer.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QInputDialog>
#include <QLabel>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace rqc;
using namespace rqc::test;

namespace {
const QByteArray kPhrase = "typed-Key-Phrase-77";
}

class TestKeyPassphrasePrompt : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString made = makeEncryptedClientCert(m_dir.path(), kPhrase);
        QVERIFY2(made.isEmpty(), qPrintable(made));
        RQ_START_SERVER_WITH(m_server, clientCertServerOptions(file("ca.pem")));
    }

    void asksForThePassphraseAndConnectsWithIt()
    {
        const QString settings = file("typed.ini");
        std::unique_ptr<MainWindow> window = openSaved(settings);
        QVERIFY(window);
        QInputDialog* prompt =
            promptShown(window.get(), QStringLiteral("keyPassphrasePrompt"), scaled(10000));
        QVERIFY(prompt);
        QVERIFY2(prompt->labelText().contains(file("client.key")) &&
                     prompt->labelText().contains(QLatin1String("memory only")),
                 qPrintable(prompt->labelText()));
        QCOMPARE(prompt->textEchoMode(), QLineEdit::Password);
        prompt->setTextValue(QString::fromLatin1(kPhrase));
        prompt->accept();
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), scaled(20000));
        QCOMPARE(window->session()->settings().clientKeyPassphrase, kPhrase);
        // The server required our certificate: the console's connections are there.
        SyncClient client(serverSettingsWithKey());
        QVERIFY2(client.isConnected(), qPrintable(client.error()));
        QVERIFY(client.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:"));
        bool readable = false;
        QVERIFY(!settingsHoldAfterClose(window, settings, kPhrase, &readable));
        QVERIFY(readable);
    }

    void aCancelledPromptSaysWhatIsMissing()
    {
        std::unique_ptr<MainWindow> window = openSaved(file("cancelled.ini"));
        QVERIFY(window);
        QInputDialog* prompt =
            promptShown(window.get(), QStringLiteral("keyPassphrasePrompt"), scaled(10000));
        QVERIFY(prompt);
        prompt->reject();
        // Said in the window (its status line, or the status bar), and not connected.
        QVERIFY(
            QTest::qWaitFor([&] { return says(window.get(), "is encrypted: give its passphrase"); },
                            scaled(20000)));
        QVERIFY(window->session());
        // The session's connections wait, refused, for a passphrase (ServerAuthPrompt).
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isRefused(), scaled(10000));
        QVERIFY2(window->session()->refusalReason().contains(
                     QLatin1String("is encrypted: give its passphrase")),
                 qPrintable(window->session()->refusalReason()));
        QVERIFY(window->session()->settings().clientKeyPassphrase.isEmpty());
    }

private:
    // Whether a label of the window (its text or tooltip) or its status bar shows text.
    static bool says(MainWindow* window, const char* text)
    {
        const QString t = QLatin1String(text);
        if (window->statusBar()->currentMessage().contains(t))
            return true;
        const QList<QLabel*> labels = window->findChildren<QLabel*>();
        for (const QLabel* label : labels) {
            if (label->text().contains(t) || label->toolTip().contains(t))
                return true;
        }
        return false;
    }
    // The window on a settings file holding one saved rediss:// connection with the client key,
    // after its password prompt (the server has none) was answered empty.
    std::unique_ptr<MainWindow> openSaved(const QString& settings)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("cacert"), m_server.caCertFile());
        query.addQueryItem(QStringLiteral("cert"), file("client.pem"));
        query.addQueryItem(QStringLiteral("key"), file("client.key"));
        const QString url = QStringLiteral("rediss://127.0.0.1:%1/0?%2")
                                .arg(m_server.port())
                                .arg(query.toString(QUrl::FullyEncoded));
        QString error;
        if (!saveLastUsed(settings, url, QStringLiteral("tls-key"), nullptr, &error)) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        auto window = openMainWindow({QStringLiteral("--settings"), settings});
        if (!window)
            return nullptr;
        QInputDialog* password =
            promptShown(window.get(), QStringLiteral("passwordPrompt"), scaled(30000));
        if (!password)
            return nullptr;
        password->setTextValue(QString());
        password->accept();
        return window;
    }
    ConnectionSettings serverSettingsWithKey() const
    {
        ConnectionSettings s = m_server.settings();
        s.clientCertFile = file("client.pem");
        s.clientKeyFile = file("client.key");
        s.clientKeyPassphrase = kPhrase;
        return s;
    }
    QString file(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    QTemporaryDir m_dir;
    SandboxServer m_server;
};

RQ_NO_KEYCHAIN_TEST_MAIN(TestKeyPassphrasePrompt)
#include "tst_keypassphraseprompt.moc"
