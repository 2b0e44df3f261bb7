// Half-open connections: the fault proxy goes silent (nothing forwarded, no FIN, no RST) under
// every consumer mode, the publisher and a peek reader. With health=2 each notices within the
// health interval's bound (4/3 of it, plus the check's tick), says why, and once the network is
// back reconnects and reports the gap; the precise ledgers hold.
#include "FaultProxy.h"
#include "PeekReader.h"
#include "Publisher.h"
#include "TestSupport.h"
#include "helpers/FaultModes.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

Q_DECLARE_METATYPE(rqc::Mode)

namespace {
const QString kQuery = QStringLiteral("health=2&timeout=1500");
constexpr int kHealthMs = 2000;
// The promise: a third of the interval idle (or blocked) before a PING (or a new blocking call),
// the interval without an answer, the check's tick (a tenth). Plus slack for a loaded machine.
constexpr int kBoundMs = kHealthMs * 4 / 3 + kHealthMs / 10 + 1500;

bool isHalfOpenText(const QString& text)
{
    return text.contains(QLatin1String("half-open")) && text.contains(QLatin1String("No reply"));
}
} // namespace

class TestFaultsSilent : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_proxy = std::make_unique<FaultProxy>(QStringLiteral("127.0.0.1"), m_server.port());
        QVERIFY(m_proxy->start());
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void init() { m_proxy->setSilent(false); }
    void cleanupTestCase()
    {
        m_client.reset();
        m_proxy.reset();
    }

    void silentNetwork_data()
    {
        QTest::addColumn<Mode>("mode");
        for (Mode m : consumerModes())
            QTest::newRow(ConsumerSpec::modeName(m).toUtf8().constData()) << m;
    }
    void silentNetwork()
    {
        QFETCH(Mode, mode);
        ModeRun run(mode, "silent", m_proxy->settings(kQuery));
        QVERIFY(run.start());
        run.produce(*m_client, "a", 50, 100);
        QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("a"), 15000);
        // Idle a while first: the detection must not depend on traffic.
        QTest::qWait(500);

        m_proxy->setSilent(true);
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->lostReasons.isEmpty(), 15000);
        const qint64 detectedMs = t.elapsed();
        qInfo("%s: half-open detected after %lld ms (health=2 s)", QTest::currentDataTag(),
              detectedMs);
        QVERIFY2(isHalfOpenText(run.rec->lostReasons.first()),
                 qPrintable(run.rec->lostReasons.first()));
        QVERIFY2(detectedMs <= kBoundMs, qPrintable(QString::number(detectedMs)));
        QVERIFY(run.rec->sawState(ConsumerState::Reconnecting));

        run.produce(*m_client, "b", 50, 100); // while the network is down
        QTest::qWait(300);
        m_proxy->setSilent(false);
        QTRY_VERIFY_WITH_TIMEOUT(!run.rec->restoredNotes.isEmpty(), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(run.rec->state(), ConsumerState::Listening, 15000);
        run.produce(*m_client, "c", 50, 100);
        QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("c"), 15000);
        if (run.keepsGap())
            QTRY_VERIFY_WITH_TIMEOUT(run.receivedAll("b"), 15000);
        if (run.isPrecise()) {
            QString why;
            QTRY_VERIFY2_WITH_TIMEOUT(run.ledgerHolds(*m_client, &why), qPrintable(why), 15000);
            qInfo("%s: %s", QTest::currentDataTag(), qPrintable(why));
        }
        QVERIFY(!run.rec->sawState(ConsumerState::Failed));
    }

    void silentPublisher()
    {
        Publisher pub(m_proxy->settings(kQuery));
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy lost(&pub, &Publisher::connectionLost);
        QSignalSpy ready(&pub, &Publisher::ready);
        pub.start();
        QTRY_COMPARE(ready.size(), 1);
        pub.send(PublisherWorker::Command::LPush, "spq", "one", 1);
        QTRY_COMPARE(sent.size(), 1);

        m_proxy->setSilent(true);
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(!lost.isEmpty(), 15000);
        qInfo("publisher: half-open detected after %lld ms (health=2 s)", t.elapsed());
        QVERIFY2(t.elapsed() <= kBoundMs, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(isHalfOpenText(lost.first().first().toString()),
                 qPrintable(lost.first().first().toString()));

        m_proxy->setSilent(false);
        pub.send(PublisherWorker::Command::LPush, "spq", "two", 1);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2, 15000);
        QCOMPARE(sent.last().at(1).toULongLong(), quint64(1));
        QCOMPARE(m_client->command({"LLEN", "spq"}).integer, 2);
        QVERIFY(pub.stopAndWait(3000));
    }

    void silentPeek()
    {
        m_client->command({"RPUSH", "peekq", "a", "b"});
        PeekReader reader(m_proxy->settings(kQuery), "peekq", 10);
        QList<PeekSnapshot> snaps;
        QStringList errors;
        QObject ctx;
        connect(&reader, &PeekReader::snapshotReady, &ctx,
                [&](const PeekSnapshot& s) { snaps.append(s); });
        connect(&reader, &PeekReader::errorOccurred, &ctx,
                [&](const QString& e) { errors.append(e); });
        reader.start();
        QTRY_VERIFY(!snaps.isEmpty() && snaps.last().length == 2);

        m_proxy->setSilent(true);
        QElapsedTimer t;
        t.start();
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 15000);
        qInfo("peek: half-open detected after %lld ms (health=2 s)", t.elapsed());
        QVERIFY2(t.elapsed() <= kBoundMs, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(isHalfOpenText(errors.first()), qPrintable(errors.first()));

        m_client->command({"RPUSH", "peekq", "c"});
        m_proxy->setSilent(false);
        QTRY_VERIFY_WITH_TIMEOUT(!snaps.isEmpty() && snaps.last().length == 3, 15000);
        reader.stop();
    }

private:
    SandboxServer m_server;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestFaultsSilent)
#include "tst_faults_silent.moc"
