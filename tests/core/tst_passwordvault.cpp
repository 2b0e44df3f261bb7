// PasswordVault where there is no keychain: a session bus with no Secret Service on it (this
// test starts one with dbus-daemon when it can) or no bus at all. The password is then kept in
// memory only, and every answer says so.
#include "KeychainSecretStore.h"
#include "PasswordVault.h"

#include "TestSupport.h"

#include <QTest>

using namespace rqc;
using Status = SecretStore::Status;

namespace {
PasswordVault::Result runVault(const std::function<void(QObject*, PasswordVault::Callback)>& call)
{
    PasswordVault::Result result;
    bool done = false;
    QObject context;
    call(&context, [&](const PasswordVault::Result& r) {
        result = r;
        done = true;
    });
    if (!rqc::test::waitUntil([&] { return done; }, 30000))
        result.status = Status::Error;
    return result;
}
} // namespace

class TestPasswordVault : public QObject {
    Q_OBJECT
private slots:
    void withoutKeychainPasswordsStayInMemory()
    {
        const QString key = QStringLiteral("connection/m1/password");
        PasswordVault vault(
            std::make_unique<KeychainSecretStore>(QStringLiteral("rqconsole-test")));
        PasswordVault::Result r = runVault(
            [&](QObject* c, PasswordVault::Callback cb) { vault.store(key, "mem-pw", c, cb); });
        QCOMPARE(r.status, Status::Unavailable);
        QVERIFY(r.inMemory);
        QVERIFY(!r.keychainError.isEmpty());
        qInfo("keychain error: %s", qPrintable(r.keychainError));
        QVERIFY(!vault.keychainAvailable());
        r = runVault([&](QObject* c, PasswordVault::Callback cb) { vault.load(key, c, cb); });
        QCOMPARE(r.status, Status::Ok);
        QVERIFY(r.inMemory);
        QCOMPARE(r.password, QByteArray("mem-pw"));

        // A new vault has nothing: the user must be asked.
        PasswordVault fresh(
            std::make_unique<KeychainSecretStore>(QStringLiteral("rqconsole-test")));
        r = runVault([&](QObject* c, PasswordVault::Callback cb) { fresh.load(key, c, cb); });
        QCOMPARE(r.status, Status::Unavailable);
        QVERIFY(r.password.isEmpty());
        fresh.keepInMemory(key, "typed");
        r = runVault([&](QObject* c, PasswordVault::Callback cb) { fresh.load(key, c, cb); });
        QCOMPARE(r.status, Status::Ok);
        QCOMPARE(r.password, QByteArray("typed"));
    }

    void memoryStoreAnswersLater()
    {
        MemorySecretStore store;
        bool called = false;
        QObject context;
        store.write(QStringLiteral("k"), "v", &context,
                    [&](const SecretStore::Result&) { called = true; });
        QVERIFY(!called); // never synchronously, as a keychain
        QTRY_VERIFY(called);
        QVERIFY(!store.isPersistent());
    }
};

int main(int argc, char** argv)
{
    // A bus address where nothing listens: no keychain, whatever the machine has.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rqconsole-no-bus");
    QCoreApplication app(argc, argv);
    TestPasswordVault test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_passwordvault.moc"
