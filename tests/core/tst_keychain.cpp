// KeychainSecretStore and PasswordVault against a real Secret Service: CMake runs this test inside
// dbus-run-session with an unlocked gnome-keyring-daemon (RQ_KEYRING_EXPECTED=1). Without those
// programs it skips, saying so.
#include "KeychainSecretStore.h"
#include "PasswordVault.h"

#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using Status = SecretStore::Status;

namespace {
// Runs one asynchronous store call to its end.
template <typename Call> SecretStore::Result run(Call call)
{
    SecretStore::Result result;
    bool done = false;
    QObject context;
    call(&context, [&](const SecretStore::Result& r) {
        result = r;
        done = true;
    });
    if (!rqc::test::waitUntil([&] { return done; }, 20000))
        result = {Status::Error, {}, QStringLiteral("no answer within 20 s")};
    return result;
}

PasswordVault::Result runVault(const std::function<void(QObject*, PasswordVault::Callback)>& call)
{
    PasswordVault::Result result;
    bool done = false;
    QObject context;
    call(&context, [&](const PasswordVault::Result& r) {
        result = r;
        done = true;
    });
    if (!rqc::test::waitUntil([&] { return done; }, 20000))
        result.status = Status::Error;
    return result;
}

const QString kService = QStringLiteral("rqconsole-test");
} // namespace

class TestKeychain : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIntValue("RQ_KEYRING_EXPECTED") != 1)
            QSKIP("dbus-run-session or gnome-keyring-daemon is not installed (scripts/common.sh "
                  "installs them): no Secret Service to test against");
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "RQ_KEYRING_EXPECTED=1 but no session bus");
    }

    void writeReadOverwriteRemove()
    {
        KeychainSecretStore store(kService);
        const QString key = QStringLiteral("connection/t1/password");
        const QByteArray secret("p\xc3\xa4ss:w@rd/\x01 end", 16);
        SecretStore::Result r =
            run([&](QObject* c, SecretStore::Callback cb) { store.write(key, secret, c, cb); });
        QVERIFY2(r.status == Status::Ok, qPrintable(r.error));
        QVERIFY(store.isPersistent());

        KeychainSecretStore other(kService); // another instance: the secret is in the keychain
        r = run([&](QObject* c, SecretStore::Callback cb) { other.read(key, c, cb); });
        QVERIFY2(r.status == Status::Ok, qPrintable(r.error));
        QCOMPARE(r.secret, secret);

        r = run([&](QObject* c, SecretStore::Callback cb) { store.write(key, "second", c, cb); });
        QVERIFY2(r.status == Status::Ok, qPrintable(r.error));
        r = run([&](QObject* c, SecretStore::Callback cb) { other.read(key, c, cb); });
        QCOMPARE(r.secret, QByteArray("second"));

        r = run([&](QObject* c, SecretStore::Callback cb) { store.remove(key, c, cb); });
        QVERIFY2(r.status == Status::Ok, qPrintable(r.error));
        r = run([&](QObject* c, SecretStore::Callback cb) { other.read(key, c, cb); });
        QCOMPARE(r.status, Status::NotFound);
    }

    void callbackDroppedWithItsContext()
    {
        KeychainSecretStore store(kService);
        bool called = false;
        {
            QObject context;
            store.read(QStringLiteral("connection/none/password"), &context,
                       [&](const SecretStore::Result&) { called = true; });
        }
        // The job still finishes (and deletes itself); nobody is called back.
        QTest::qWait(500);
        QVERIFY(!called);
        QTRY_VERIFY_WITH_TIMEOUT(store.findChildren<QObject*>().isEmpty(), 20000);
    }

    void vaultKeepsPasswordsInTheKeychain()
    {
        const QString key = QStringLiteral("connection/v1/password");
        {
            PasswordVault vault(std::make_unique<KeychainSecretStore>(kService));
            const PasswordVault::Result r = runVault([&](QObject* c, PasswordVault::Callback cb) {
                vault.store(key, "vault-pw", c, cb);
            });
            QCOMPARE(r.status, Status::Ok);
            QVERIFY(!r.inMemory);
            QVERIFY(vault.keychainAvailable());
        }
        // A new vault (a new console) finds it in the keychain, not in its empty memory.
        PasswordVault vault(std::make_unique<KeychainSecretStore>(kService));
        PasswordVault::Result r =
            runVault([&](QObject* c, PasswordVault::Callback cb) { vault.load(key, c, cb); });
        QCOMPARE(r.status, Status::Ok);
        QVERIFY(!r.inMemory);
        QCOMPARE(r.password, QByteArray("vault-pw"));
        // An empty password removes it.
        r = runVault([&](QObject* c, PasswordVault::Callback cb) { vault.store(key, {}, c, cb); });
        QCOMPARE(r.status, Status::Ok);
        r = runVault([&](QObject* c, PasswordVault::Callback cb) { vault.load(key, c, cb); });
        QCOMPARE(r.status, Status::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
