// The connection dialog's imports and the keychain wait, driven for real (offscreen):
// - a keychain that takes its time (D-Bus may take 25 s to give up): the status text that says
//   so stays until it answers, and "type it instead" opens the memory-only prompt; a late answer
//   then changes nothing;
// - a pasted URL's password shows as bullets in the URL field, and stays the real one in the
//   password field while the URL is edited;
// - a pasted redis-cli command line fills the fields (and says what it does not use);
// - "From environment" reads REDIS_URL and REDISCLI_AUTH; saving puts the password in the
//   keychain (here a store of the test's own), never in the settings file.
#include "ConnectionController.h"
#include "ConnectionDialog.h"
#include "ConnectionStore.h"
#include "PasswordVault.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace rqc;

namespace {
// A keychain that answers only when the test says so.
class SlowKeychain : public SecretStore {
public:
    using SecretStore::SecretStore;
    void read(const QString& key, QObject* context, Callback cb) override
    {
        reads << key;
        pending << qMakePair(QPointer<QObject>(context), cb);
    }
    void write(const QString& key, const QByteArray& secret, QObject*, Callback cb) override
    {
        written.insert(key, secret);
        cb({Status::Ok, {}, {}});
    }
    void remove(const QString&, QObject*, Callback cb) override { cb({Status::Ok, {}, {}}); }
    bool isPersistent() const override { return true; }
    QString description() const override { return QStringLiteral("the test's keychain"); }
    void answer(const QByteArray& secret)
    {
        for (const auto& [context, cb] : std::as_const(pending)) {
            if (context)
                cb({Status::Ok, secret, {}});
        }
        pending.clear();
    }

    QStringList reads;
    QHash<QString, QByteArray> written;
    QList<QPair<QPointer<QObject>, Callback>> pending;
};

QByteArray fileText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

template <typename T> T* child(QObject* parent, const char* name)
{
    return parent->findChild<T*>(QString::fromLatin1(name));
}
} // namespace

class TestConnectionImport : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        qunsetenv("REDISCLI_AUTH");
        qunsetenv("REDIS_URL");
        QVERIFY(m_dir.isValid());
        m_file = m_dir.filePath(QStringLiteral("import-%1.ini").arg(++m_n));
        m_settings = std::make_unique<QSettings>(m_file, QSettings::IniFormat);
        m_window = std::make_unique<QMainWindow>();
        auto keychain = std::make_unique<SlowKeychain>();
        m_keychain = keychain.get();
        m_controller =
            new ConnectionController(m_settings.get(), m_window.get(), std::move(keychain));
        m_window->statusBar()->addPermanentWidget(m_controller->createWaitLabel(m_window.get()));
        m_window->resize(900, 600);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void cleanup()
    {
        m_window.reset();
        m_settings.reset();
    }

    void keychainWaitStaysAndOffersTypingInstead()
    {
        ConnectionProfile p;
        QVERIFY(ConnectionProfile::fromUrl(QStringLiteral("redis://127.0.0.1:6390"), &p, nullptr,
                                           nullptr));
        p.name = QStringLiteral("slow");
        p = m_controller->store()->save(p);
        QSignalSpy opened(m_controller, &ConnectionController::openRequested);
        m_controller->connectTo(p.id);
        QLabel* wait = m_controller->waitLabel();
        QVERIFY(wait->isVisible());
        QVERIFY2(wait->text().contains(QLatin1String("asking the keychain for its password")),
                 qPrintable(wait->text()));
        QVERIFY(wait->text().contains(QLatin1String("type it instead")));
        // Other messages come and go; the wait stays said while the keychain is silent.
        m_window->statusBar()->showMessage(QStringLiteral("something else"), 100);
        QTest::qWait(1500);
        QVERIFY(wait->isVisible());
        QVERIFY(wait->text().contains(QLatin1String("asking the keychain")));
        QVERIFY(opened.isEmpty());

        // "type it instead": the memory-only prompt.
        emit wait->linkActivated(QStringLiteral("type"));
        QInputDialog* prompt = nullptr;
        QTRY_VERIFY(
            (prompt = m_window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt"))));
        QVERIFY(!wait->isVisible());
        QVERIFY2(prompt->labelText().contains(QLatin1String("memory only")),
                 qPrintable(prompt->labelText()));
        prompt->setTextValue(QStringLiteral("typed-pw"));
        prompt->accept();
        QTRY_COMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(1).value<ConnectionSettings>().password, QByteArray("typed-pw"));
        // The keychain's late answer changes nothing.
        m_keychain->answer("late-pw");
        QTest::qWait(50);
        QCOMPARE(opened.size(), 1);
        QVERIFY(!wait->isVisible());
    }

    void keychainAnswerEndsTheWait()
    {
        ConnectionProfile p;
        QVERIFY(ConnectionProfile::fromUrl(QStringLiteral("redis://127.0.0.1:6391"), &p, nullptr,
                                           nullptr));
        p = m_controller->store()->save(p);
        QSignalSpy opened(m_controller, &ConnectionController::openRequested);
        m_controller->connectTo(p.id);
        QVERIFY(m_controller->waitLabel()->isVisible());
        m_keychain->answer("from-keychain");
        QTRY_COMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(1).value<ConnectionSettings>().password,
                 QByteArray("from-keychain"));
        QVERIFY(!m_controller->waitLabel()->isVisible());
        QVERIFY(!m_window->findChild<QInputDialog*>(QStringLiteral("passwordPrompt")));
    }

    void pastedUrlPasswordIsMasked()
    {
        m_controller->openDialog();
        ConnectionDialog* dialog = m_controller->dialog();
        QVERIFY(dialog);
        auto* url = child<QLineEdit>(dialog, "urlEdit");
        auto* password = child<QLineEdit>(dialog, "passwordEdit");
        url->setFocus();
        url->insert(QStringLiteral("redis://:s3cret@127.0.0.1:6390/2")); // as a paste
        emit url->textEdited(url->text());
        QCOMPARE(password->text(), QStringLiteral("s3cret"));
        QVERIFY2(!url->text().contains(QLatin1String("s3cret")), qPrintable(url->text()));
        QVERIFY(url->text().contains(QString(6, QChar(0x2022))));
        QCOMPARE(child<QSpinBox>(dialog, "dbSpin")->value(), 2);
        // Typing on at the end of the URL keeps the real password.
        url->end(false);
        QTest::keyClick(url, Qt::Key_Backspace);
        QTest::keyClicks(url, QStringLiteral("5"));
        QCOMPARE(password->text(), QStringLiteral("s3cret"));
        QVERIFY(!url->text().contains(QLatin1String("s3cret")));
        // Typed key by key, it is masked too once it parses.
        url->clear();
        QTest::keyClicks(url, QStringLiteral("redis://:abc@127.0.0.1:6391"));
        QCOMPARE(password->text(), QStringLiteral("abc"));
        QVERIFY2(!url->text().contains(QLatin1String("abc")), qPrintable(url->text()));
        QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), 6391);
    }

    void pastedRedisCliCommandFillsTheFields()
    {
        m_controller->openDialog();
        ConnectionDialog* dialog = m_controller->dialog();
        QVERIFY(dialog);
        auto* url = child<QLineEdit>(dialog, "urlEdit");
        url->setText(QStringLiteral("redis-cli -h 127.0.0.1 -p 6392 -a 'cli pw' --user alice "
                                    "-n 4 --sni redis.internal"));
        QVERIFY(dialog->applyUrl(url->text()));
        QCOMPARE(child<QLineEdit>(dialog, "hostEdit")->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), 6392);
        QCOMPARE(child<QLineEdit>(dialog, "userEdit")->text(), QStringLiteral("alice"));
        QCOMPARE(child<QLineEdit>(dialog, "passwordEdit")->text(), QStringLiteral("cli pw"));
        QCOMPARE(dialog->profile().server.db, 4);
        QVERIFY2(!url->text().contains(QLatin1String("cli pw")), qPrintable(url->text()));
        QVERIFY2(dialog->testResult().contains(QLatin1String("--sni redis.internal")),
                 qPrintable(dialog->testResult()));
        // What it cannot run, it says.
        QVERIFY(!dialog->applyUrl(QStringLiteral("redis-cli -a \"$(cat /run/pw)\"")));
        QVERIFY(dialog->testResult().contains(QLatin1String("does not run it")));
    }

    void importFromEnvironmentAndSaveToKeychain()
    {
        qputenv("REDISCLI_AUTH", "env-pw-123");
        qputenv("REDIS_URL", "redis://127.0.0.1:6393/3");
        m_controller->openDialog();
        ConnectionDialog* dialog = m_controller->dialog();
        QVERIFY(dialog);
        QTest::mouseClick(child<QToolButton>(dialog, "importEnvButton"), Qt::LeftButton);
        QCOMPARE(child<QSpinBox>(dialog, "portSpin")->value(), 6393);
        QCOMPARE(dialog->profile().server.db, 3);
        QCOMPARE(child<QLineEdit>(dialog, "passwordEdit")->text(), QStringLiteral("env-pw-123"));
        QTest::mouseClick(child<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
        QTRY_COMPARE(m_keychain->written.size(), 1);
        QCOMPARE(m_keychain->written.begin().value(), QByteArray("env-pw-123"));
        const QList<ConnectionProfile> saved = m_controller->store()->profiles();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.first().server.port, quint16(6393));
        m_settings->sync();
        QVERIFY(!fileText(m_file).contains("env-pw-123"));
        QVERIFY(fileText(m_file).contains("6393"));
        qunsetenv("REDISCLI_AUTH");
        qunsetenv("REDIS_URL");
    }

private:
    QTemporaryDir m_dir;
    QString m_file;
    int m_n = 0;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<QMainWindow> m_window;
    ConnectionController* m_controller = nullptr;
    SlowKeychain* m_keychain = nullptr;
};

QTEST_MAIN(TestConnectionImport)
#include "tst_connectionimport.moc"
