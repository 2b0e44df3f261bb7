// Faults on the server's side: CLIENT PAUSE and DEBUG SLEEP shorter than the health interval are
// not taken for a dead network; longer ones are reported and recovered from. A redis-server with
// appendonly yes / appendfsync always SIGKILLed in the middle of draining a reliable list and a
// stream group, restarted on the same port and directory: the ledgers hold.
#include "RedisConnection.h"
#include "TestSupport.h"
#include "helpers/FaultModes.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

#include <signal.h>

using namespace rqc;
using namespace rqc::test;

Q_DECLARE_METATYPE(rqc::Mode)

namespace {
ConnectionSettings withHealth(const ConnectionSettings& s, int ms)
{
    ConnectionSettings out = s;
    out.healthMs = ms;
    out.connectTimeoutMs = 1500;
    return out;
}

bool isHalfOpenText(const QString& text) { return text.contains(QLatin1String("half-open")); }
} // namespace

class TestFaultsServer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        SandboxServer::Options o;
        o.extraArgs = {QStringLiteral("--enable-debug-command"), QStringLiteral("yes")};
        RQ_START_SERVER_WITH(m_server, o);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void cleanupTestCase() { m_client.reset(); }

    void serverStalls_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<bool>("debugSleep");
        QTest::newRow("list CLIENT PAUSE") << Mode::List << false;
        QTest::newRow("pubsub DEBUG SLEEP") << Mode::PubSub << true;
        QTest::newRow("stream CLIENT PAUSE") << Mode::Stream << false;
        QTest::newRow("reliable DEBUG SLEEP") << Mode::Reliable << true;
    }
    void serverStalls()
    {
        QFETCH(Mode, mode);
        QFETCH(bool, debugSleep);
        const int health = 2000;
        ModeRun run(mode, debugSleep ? "sleep" : "pause", withHealth(m_server.settings(), health));
        QVERIFY(run.start());
        run.produce(*m_client, "a", 20);
        QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("a"), 10000);

        // A stall shorter than the interval is no fault.
        stall(debugSleep, 1000);
        QTest::qWait(2500);
        QVERIFY2(run.rec->lostReasons.isEmpty(),
                 qPrintable(run.rec->lostReasons.join(QLatin1Char('\n'))));
        run.produce(*m_client, "b", 20);
        QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("b"), 10000);

        // A longer one is reported as a network that may be down, and recovered from.
        QElapsedTimer t;
        t.start();
        stall(debugSleep, 4000);
        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->lostReasons.isEmpty(), 10000);
        qInfo("%s: reported after %lld ms of a 4 s stall (health=2 s)", QTest::currentDataTag(),
              t.elapsed());
        QVERIFY2(isHalfOpenText(run.rec->lostReasons.first()),
                 qPrintable(run.rec->lostReasons.first()));
        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->restoredNotes.isEmpty(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(run.rec->state(), ConsumerState::Listening, 10000);
        run.produce(*m_client, "c", 20);
        QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("c"), 10000);
        if (run.isPrecise()) {
            QString why;
            QTRY_VERIFY2_WITH_TIMEOUT(run.ledgerHolds(*m_client, &why), qPrintable(why), 10000);
        }
    }

    void killedMidDrain_data()
    {
        QTest::addColumn<Mode>("mode");
        QTest::newRow("reliable") << Mode::Reliable;
        QTest::newRow("stream") << Mode::Stream;
    }
    void killedMidDrain()
    {
        QFETCH(Mode, mode);
        SandboxServer server;
        SandboxServer::Options o;
        o.extraArgs = {QStringLiteral("--appendonly"), QStringLiteral("yes"),
                       QStringLiteral("--appendfsync"), QStringLiteral("always")};
        RQ_START_SERVER_WITH(server, o);
        auto client = std::make_unique<SyncClient>(server.settings());
        QVERIFY2(client->isConnected(), qPrintable(client->error()));

        ModeRun run(mode, "crash", withHealth(server.settings(), 2000));
        QVERIFY(run.start());
        const int total = 3000;
        run.produce(*client, "m", total, 64);
        QTRY_VERIFY_WITH_TIMEOUT(run.deliveries() >= 300, 15000);
        ::kill(pid_t(server.pid()), SIGKILL);
        const int before = run.deliveries();
        client.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->lostReasons.isEmpty(), 10000);
        QString error;
        QVERIFY2(server.restart(&error), qPrintable(error));
        client = std::make_unique<SyncClient>(server.settings());
        QVERIFY2(client->isConnected(), qPrintable(client->error()));

        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->restoredNotes.isEmpty(), 20000);
        QString why;
        QTRY_VERIFY2_WITH_TIMEOUT(run.ledgerHolds(*client, &why), qPrintable(why), 30000);
        qInfo("%s: killed after %d deliveries; %s; re-deliveries %d", QTest::currentDataTag(),
              before, qPrintable(why), run.deliveries() - total);
        run.consumer->stopAndWait(3000);
    }

private:
    void stall(bool debugSleep, int ms)
    {
        if (debugSleep) {
            // Asynchronous: the test's own loop goes on while the server sleeps.
            m_client->connection()->send(
                {"DEBUG", "SLEEP", QByteArray::number(ms / 1000.0, 'f', 1)});
        } else {
            QVERIFY(m_client->command({"CLIENT", "PAUSE", QByteArray::number(ms)}).isStatus("OK"));
        }
    }

    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestFaultsServer)
#include "tst_faults_server.moc"
