#include "ServerProbe.h"
#include "TestSupport.h"
#include "UnixSignalWatcher.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace rqc;

// ServerProbe (is anything listening?) and UnixSignalWatcher (signals as Qt signals).
class TestServerProbe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void answersWhenAServerListens()
    {
        ServerProbe probe;
        QSignalSpy done(&probe, &ServerProbe::finished);
        probe.probe(m_server.settings(), 2000);
        QVERIFY(probe.isRunning());
        QVERIFY(done.wait(3000));
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.first().at(0).toBool(), true);
        QVERIFY(!probe.isRunning());
    }

    void noAnswerOnAFreePort()
    {
        ConnectionSettings nowhere;
        nowhere.host = QStringLiteral("127.0.0.1");
        nowhere.port = SandboxServer::freeLoopbackPort();
        ServerProbe probe;
        QSignalSpy done(&probe, &ServerProbe::finished);
        probe.probe(nowhere, 2000);
        QVERIFY(done.wait(3000));
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.first().at(0).toBool(), false);
        QVERIFY(!done.first().at(1).toString().isEmpty());
    }

    void noAnswerOnAMissingUnixSocket()
    {
        ConnectionSettings nowhere;
        nowhere.transport = ConnectionSettings::Transport::Unix;
        nowhere.socketPath = m_server.directory() + QStringLiteral("/missing.sock");
        ServerProbe probe;
        QSignalSpy done(&probe, &ServerProbe::finished);
        probe.probe(nowhere, 2000);
        QVERIFY(done.wait(3000));
        QCOMPARE(done.first().at(0).toBool(), false);
    }

    void signalsArriveAsQtSignals()
    {
        UnixSignalWatcher watcher({SIGUSR1, SIGUSR2});
        QVERIFY(watcher.isValid());
        QSignalSpy spy(&watcher, &UnixSignalWatcher::signalReceived);
        ::raise(SIGUSR2);
        QVERIFY(spy.wait(2000));
        QCOMPARE(spy.first().at(0).toInt(), SIGUSR2);
        ::raise(SIGUSR1);
        QTRY_COMPARE(spy.size(), 2);
        QCOMPARE(spy.at(1).at(0).toInt(), SIGUSR1);
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestServerProbe)
#include "tst_serverprobe.moc"
