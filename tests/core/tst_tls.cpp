// TLS verifies the host name by default (issue 9, "Security"): a certificate for another name is
// refused with a sentence that says so; insecure=1 connects. Against a real redis-server with TLS
// on loopback.
#include "RedisConnection.h"
#include "TestSupport.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
// Connects and returns "" when ready, or the failure text.
QString connectWith(const ConnectionSettings& settings)
{
    RedisConnection conn(settings, QStringLiteral("tls-test"));
    QSignalSpy ready(&conn, &RedisConnection::ready);
    QSignalSpy failed(&conn, &RedisConnection::failed);
    conn.open();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 10000))
        return QStringLiteral("neither ready nor failed");
    return failed.isEmpty() ? QString() : failed.first().first().toString();
}
} // namespace

class TestTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        SandboxServer::Options opts;
        opts.tls = true;
        RQ_START_SERVER_WITH(m_server, opts);
        // A self-signed certificate for another name than the one we connect to (127.0.0.1).
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), m_dir.filePath(QStringLiteral("other.key")),
                       QStringLiteral("-out"), otherCert(), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=other.example"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=DNS:other.example")});
        QVERIFY(openssl.waitForFinished(30000));
        QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    }

    void verifiedConnectionWorks()
    {
        // The sandbox's certificate names 127.0.0.1: verified, connected.
        QCOMPARE(connectWith(m_server.settings()), QString());
    }

    void certificateForAnotherNameIsRefused()
    {
        serveOtherCertificate();
        ConnectionSettings s = m_server.settings();
        s.caCertFile = otherCert(); // trusted, but for other.example only
        const QString error = connectWith(s);
        QVERIFY2(!error.isEmpty(), "connected to a server whose certificate names another host");
        QVERIFY2(error.contains(QLatin1String("not valid for the host name 127.0.0.1")) &&
                     error.contains(QLatin1String("other.example")) &&
                     error.contains(QLatin1String("insecure=1")),
                 qPrintable(error));
    }

    void insecureConnectsAnyway()
    {
        serveOtherCertificate();
        ConnectionSettings s = m_server.settings();
        s.caCertFile.clear();
        s.tlsInsecure = true;
        QCOMPARE(connectWith(s), QString());
        // Without insecure=1 and without the CA: refused as untrusted.
        s.tlsInsecure = false;
        const QString error = connectWith(s);
        QVERIFY2(error.contains(QLatin1String("TLS verification failed")), qPrintable(error));
    }

private:
    QString otherCert() const { return m_dir.filePath(QStringLiteral("other.pem")); }
    void serveOtherCertificate()
    {
        if (m_switched)
            return;
        SyncClient admin(m_server.settings());
        QVERIFY2(admin.isConnected(), qPrintable(admin.error()));
        const RedisReply r =
            admin.command({"CONFIG", "SET", "tls-cert-file", otherCert().toUtf8(), "tls-key-file",
                           m_dir.filePath(QStringLiteral("other.key")).toUtf8()});
        QVERIFY2(r.str == "OK", r.toDebugString().constData());
        m_switched = true;
    }

    QTemporaryDir m_dir;
    SandboxServer m_server;
    bool m_switched = false;
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
