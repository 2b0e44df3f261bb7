// One clear failure per server (issue 9, defect 7): a refused password or an untrusted TLS
// certificate stops the publisher's, the monitor's and the census's connection at the first
// refusal — no reconnect loop, counted with INFO stats total_connections_received — and each
// resumes with new settings. Also the publisher's reporting of a send cut off by a lost
// connection (defect 4).
#include "CensusService.h"
#include "Publisher.h"
#include "ServerMonitor.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using Cmd = PublisherWorker::Command;

namespace {

// The server's count of connections it has accepted, ever.
qint64 connectionsReceived(test::SyncClient& c)
{
    const QByteArray info = c.command({"INFO", "stats"}).str;
    for (const QByteArray& line : info.split('\n')) {
        if (line.startsWith("total_connections_received:"))
            return line.mid(27).trimmed().toLongLong();
    }
    return -1;
}

constexpr int kQuietMs = 3000; // the backoff would have retried 5 times in this interval

} // namespace

class TestAccessRefusal : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qRegisterMetaType<rqc::AccessRefusal>();
        SandboxServer::Options opts;
        opts.password = "s3cret";
        RQ_START_SERVER_WITH(m_server, opts);
    }

    void classifiesRedisRefusals()
    {
        QVERIFY(refusesCredentials(QStringLiteral("NOAUTH Authentication required.")));
        QVERIFY(refusesCredentials(
            QStringLiteral("WRONGPASS invalid username-password pair or user is disabled.")));
        QVERIFY(refusesCredentials(QStringLiteral("ERR invalid password")));
        QVERIFY(!refusesCredentials(QStringLiteral("NOPERM this user has no permissions")));
        QVERIFY(!refusesCredentials(QStringLiteral("Connection refused")));
    }

    // Without the password: each of the session's three connections is refused once, stops, and
    // the server sees no new connection afterwards; with the password they all resume.
    void noPasswordStopsEveryConnectionThenResumes_data()
    {
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("none") << QByteArray() << QStringLiteral("NOAUTH");
        QTest::newRow("wrong") << QByteArray("guess") << QStringLiteral("WRONGPASS");
    }
    void noPasswordStopsEveryConnectionThenResumes()
    {
        QFETCH(QByteArray, password);
        QFETCH(QString, prefix);
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        c.command({"DEL", "jobs"});
        ConnectionSettings bad = m_server.settings();
        bad.password = password;

        Publisher pub(bad);
        ServerMonitor monitor(bad, 500);
        CensusService census(bad, false);
        QSignalSpy pubRefused(&pub, &Publisher::accessRefused);
        QSignalSpy monRefused(&monitor, &ServerMonitor::accessRefused);
        QSignalSpy censusRefused(&census, &CensusService::accessRefused);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy snapshots(&monitor, &ServerMonitor::snapshotReady);
        QSignalSpy censuses(&census, &CensusService::censusReady);
        const qint64 atStart = connectionsReceived(c);
        pub.start();
        monitor.start();
        census.request("jobs");
        // Each has knocked once (the server counts it) and been refused.
        QVERIFY(test::waitUntil([&] { return connectionsReceived(c) >= atStart + 3; }));
        QTest::qWait(500);

        // No retry loop: not one connection more over an interval where backoff retried 4 times.
        const qint64 before = connectionsReceived(c);
        QTest::qWait(kQuietMs);
        const qint64 after = connectionsReceived(c);
        QCOMPARE(after, before);
        QCOMPARE(before, atStart + 3);
        QCOMPARE(pubRefused.size(), 1);
        QCOMPARE(pubRefused[0][0].value<AccessRefusal>(), AccessRefusal::Credentials);
        QVERIFY2(pubRefused[0][1].toString().startsWith(prefix),
                 qPrintable(pubRefused[0][1].toString()));
        QCOMPARE(monRefused.size(), 1);
        QCOMPARE(censusRefused.size(), 1);

        // A send says why at once, without knocking again.
        const qint64 id = pub.send(Cmd::LPush, "jobs", "x");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed[0][0].toLongLong(), id);
        QVERIFY2(failed[0][1].toString().startsWith(prefix), qPrintable(failed[0][1].toString()));
        QCOMPARE(connectionsReceived(c), before);

        // The right password: all three connect again and work.
        pub.resume(m_server.settings());
        monitor.resume(m_server.settings());
        census.resume(m_server.settings());
        pub.send(Cmd::LPush, "jobs", "after");
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(sent[1][1].toULongLong(), quint64(1));
        QCOMPARE(c.command({"LLEN", "jobs"}).integer, qint64(1));
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!censuses.isEmpty(), 10000);
        c.command({"DEL", "jobs"});
    }

    // An untrusted certificate is the same kind of failure: stop, say so once, resume with a CA.
    void untrustedCertificateStopsThenResumesWithCa()
    {
        SandboxServer tls;
        SandboxServer::Options opts;
        opts.tls = true;
        RQ_START_SERVER_WITH(tls, opts);
        test::SyncClient c(tls.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        ConnectionSettings untrusted = tls.settings();
        untrusted.caCertFile.clear();

        Publisher pub(untrusted);
        ServerMonitor monitor(untrusted, 500);
        QSignalSpy pubRefused(&pub, &Publisher::accessRefused);
        QSignalSpy monRefused(&monitor, &ServerMonitor::accessRefused);
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        monitor.start();
        QTRY_COMPARE(pubRefused.size(), 1);
        QTRY_COMPARE(monRefused.size(), 1);
        // Redis counts a connection once its TLS handshake is through: a refused handshake
        // shows in its log instead, one line each.
        const auto refusedHandshakes = [&tls] {
            return tls.log().count(QLatin1String("Error accepting a client connection"));
        };
        QTRY_COMPARE(refusedHandshakes(), 2);
        QTest::qWait(kQuietMs);
        QCOMPARE(refusedHandshakes(), 2);
        QCOMPARE(pubRefused.size(), 1);
        QCOMPARE(monRefused.size(), 1);
        QCOMPARE(pubRefused[0][0].value<AccessRefusal>(), AccessRefusal::Certificate);
        QCOMPARE(monRefused[0][0].value<AccessRefusal>(), AccessRefusal::Certificate);

        pub.resume(tls.settings()); // with the CA file
        QTRY_COMPARE(ready.size(), 1);
        pub.send(Cmd::LPush, "tlsjobs", "over tls");
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][1].toULongLong(), quint64(1));

        ConnectionSettings insecure = untrusted;
        insecure.tlsInsecure = true;
        QSignalSpy connected(&monitor, &ServerMonitor::connected);
        monitor.resume(insecure); // skipping verification
        QTRY_COMPARE(connected.size(), 1);
    }

    // A send in flight when the connection dies is reported, with what is known, and never sent
    // twice; the idle connection killed afterwards comes back without a word.
    void sendCutOffIsReportedNotRetried()
    {
        test::SyncClient c(m_server.settings());
        c.command({"DEL", "cut"});
        Publisher pub(m_server.settings());
        QSignalSpy ready(&pub, &Publisher::ready);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        QVERIFY(ready.wait(5000));
        // Writes are held by the server: the LPUSH waits there, unanswered, when the kill comes.
        QVERIFY(c.command({"CLIENT", "PAUSE", "3000", "WRITE"}).isStatus("OK"));
        const qint64 id = pub.send(Cmd::LPush, "cut", "once");
        QVERIFY(test::waitUntil(
            [&] {
                return c.command({"CLIENT", "LIST"}).str.contains("cmd=lpush");
            },
            5000));
        QVERIFY(c.command({"CLIENT", "KILL", "USER", "default", "SKIPME", "yes"}).integer >= 1);
        QTRY_COMPARE(sent.size(), 1);
        c.command({"CLIENT", "UNPAUSE"});
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed[0][0].toLongLong(), id);
        QVERIFY2(failed[0][1].toString().contains(QLatin1String("may or may not")),
                 qPrintable(failed[0][1].toString()));
        QTRY_VERIFY_WITH_TIMEOUT(ready.size() >= 2, 10000);
        QTest::qWait(200);
        QVERIFY(c.command({"LLEN", "cut"}).integer <= 1); // never retried
        c.command({"DEL", "cut"});
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestAccessRefusal)
#include "tst_accessrefusal.moc"
