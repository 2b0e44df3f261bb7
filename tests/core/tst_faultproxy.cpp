// The fault proxy of the test support code, against a real redis-server: it forwards, delays,
// throttles, cuts a reply, resets, and goes silent while keeping its sockets open.
#include "FaultProxy.h"
#include "RedisConnection.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

class TestFaultProxy : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_proxy = std::make_unique<FaultProxy>(QStringLiteral("127.0.0.1"), m_server.port());
        QVERIFY(m_proxy->start());
        SyncClient direct(m_server.settings());
        direct.command({"SET", "big", QByteArray(100 * 1024, 'b')});
    }
    void cleanupTestCase() { m_proxy.reset(); }

    void forwardsAndDelays()
    {
        SyncClient c(m_proxy->settings(QStringLiteral("health=0")));
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QVERIFY(c.command({"PING"}).isStatus("PONG"));
        QCOMPARE(c.command({"GET", "big"}).str.size(), 100 * 1024);
        m_proxy->setLatency(150);
        QElapsedTimer t;
        t.start();
        QVERIFY(c.command({"PING"}).isStatus("PONG"));
        // Held 150 ms each way.
        QVERIFY2(t.elapsed() >= 290, qPrintable(QString::number(t.elapsed())));
        m_proxy->setLatency(0);
    }

    void limitsBandwidth()
    {
        SyncClient c(m_proxy->settings(QStringLiteral("health=0")));
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        m_proxy->setBandwidth(200 * 1024);
        QElapsedTimer t;
        t.start();
        QCOMPARE(c.command({"GET", "big"}).str, QByteArray(100 * 1024, 'b'));
        // 100 KiB at 200 KiB/s (a 10 KiB burst allowed): at least ~0.45 s.
        QVERIFY2(t.elapsed() >= 400, qPrintable(QString::number(t.elapsed())));
        m_proxy->setBandwidth(0);
    }

    void cutsMidReply()
    {
        SyncClient c(m_proxy->settings(QStringLiteral("health=0")));
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QSignalSpy down(c.connection(), &RedisConnection::disconnected);
        const qint64 before = m_proxy->bytesToClients();
        const int faulted = m_proxy->faultedCount();
        m_proxy->cutAfter(1000);
        QVERIFY(c.command({"GET", "big"}, 5000).isError());
        QTRY_COMPARE(down.size(), 1);
        // The client saw the cut in the middle of the reply.
        const QString reason = down.first().first().toString();
        QVERIFY2(reason.contains(QLatin1String("middle of a reply")), qPrintable(reason));
        QCOMPARE(m_proxy->bytesToClients() - before, qint64(1000));
        QCOMPARE(m_proxy->faultedCount(), faulted + 1);
    }

    void resets()
    {
        SyncClient c(m_proxy->settings(QStringLiteral("health=0")));
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QSignalSpy down(c.connection(), &RedisConnection::disconnected);
        m_proxy->resetAll();
        QTRY_COMPARE(down.size(), 1);
        const QString reason = down.first().first().toString();
        QVERIFY2(reason.contains(QLatin1String("reset"), Qt::CaseInsensitive) ||
                     reason.contains(QLatin1String("closed"), Qt::CaseInsensitive),
                 qPrintable(reason));
        QTRY_COMPARE(m_proxy->openCount(), 0);
    }

    void goesSilentKeepingSocketsOpen()
    {
        SyncClient c(m_proxy->settings(QStringLiteral("health=0")));
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QSignalSpy down(c.connection(), &RedisConnection::disconnected);
        m_proxy->setSilent(true);
        RedisReply late;
        bool answered = false;
        c.connection()->send({"PING"}, [&](const RedisReply& r) {
            late = r;
            answered = true;
        });
        QTest::qWait(1000);
        QVERIFY(!answered);
        QVERIFY(down.isEmpty()); // no FIN, no RST
        QCOMPARE(m_proxy->openCount(), 1);
        m_proxy->setSilent(false);
        QTRY_VERIFY(answered); // what was held back is forwarded
        QVERIFY(late.isStatus("PONG"));
    }

private:
    SandboxServer m_server;
    std::unique_ptr<FaultProxy> m_proxy;
};

QTEST_GUILESS_MAIN(TestFaultProxy)
#include "tst_faultproxy.moc"
