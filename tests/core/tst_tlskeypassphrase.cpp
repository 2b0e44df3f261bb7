// An encrypted TLS client key: the connection decrypts it with the passphrase the profile holds
// (from the keychain), against a real TLS redis-server on loopback that requires client
// certificates (tls-auth-clients yes). The key, its certificate and the CA that signed it are
// made by openssl in a temp dir; without the passphrase, or with a wrong one, the connection
// says why instead of trying.
#include "RedisConnection.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
const QByteArray kPhrase = "key-Passphrase-31";

QString connectWith(const ConnectionSettings& settings, QByteArray* pong = nullptr)
{
    RedisConnection conn(settings, QStringLiteral("tls-key-test"));
    QSignalSpy ready(&conn, &RedisConnection::ready);
    QSignalSpy failed(&conn, &RedisConnection::failed);
    conn.open();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, scaled(10000)))
        return QStringLiteral("neither ready nor failed");
    if (!failed.isEmpty())
        return failed.first().first().toString();
    if (pong) {
        conn.send({"PING"}, [pong](const RedisReply& r) { *pong = r.str; });
        if (!QTest::qWaitFor([&] { return !pong->isEmpty(); }, scaled(5000)))
            return QStringLiteral("no answer to PING");
    }
    return QString();
}
} // namespace

class TestTlsKeyPassphrase : public QObject {
    Q_OBJECT
private:
    QString file(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    ConnectionSettings clientSettings() const
    {
        ConnectionSettings s = m_server.settings();
        s.clientCertFile = file("client.pem");
        s.clientKeyFile = file("client.key");
        return s;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString made = makeEncryptedClientCert(m_dir.path(), kPhrase);
        QVERIFY2(made.isEmpty(), qPrintable(made));
        RQ_START_SERVER_WITH(m_server, clientCertServerOptions(file("ca.pem")));
    }

    void passphraseDecryptsTheKey()
    {
        ConnectionSettings s = clientSettings();
        s.clientKeyPassphrase = kPhrase;
        QByteArray pong;
        QCOMPARE(connectWith(s, &pong), QString());
        QCOMPARE(pong, QByteArray("PONG"));
    }

    void missingOrWrongPassphraseIsSaid()
    {
        const QString missing = connectWith(clientSettings());
        QVERIFY2(missing.contains(QLatin1String("is encrypted: give its passphrase")),
                 qPrintable(missing));
        ConnectionSettings wrong = clientSettings();
        wrong.clientKeyPassphrase = "not-it";
        const QString refused = connectWith(wrong);
        QVERIFY2(refused.contains(QLatin1String("cannot be decrypted")), qPrintable(refused));
    }

    void serverRequiresTheClientCertificate()
    {
        // Without a client certificate the server refuses: the test above proves the key was
        // used, not just tolerated.
        const QString refused = connectWith(m_server.settings());
        QVERIFY2(!refused.isEmpty(), "connected without a client certificate");
    }

private:
    QTemporaryDir m_dir;
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestTlsKeyPassphrase)
#include "tst_tlskeypassphrase.moc"
