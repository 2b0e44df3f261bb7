// Sentinels with requirepass: the Sentinel password (URL query sentinel_password=, or the
// dialog's field) is sent to every Sentinel the console talks to — to find the master, and to
// follow a failover (+switch-master on the Sentinels' pub/sub). Real topology on loopback: one
// master, one replica, three Sentinels with requirepass and sentinel-pass. Label: topology.
#include "Consumer.h"
#include "RedisConnection.h"
#include "SentinelTopology.h"
#include "SentinelWatcher.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
constexpr const char* kPassword = "s3nt1nel-pw";
}

class TestSentinelAuth : public QObject {
    Q_OBJECT
private:
    SentinelTopology m_topo;

    ConnectionSettings fromUrl(const QString& query)
    {
        ConnectionSettings s;
        QString error;
        if (!ConnectionSettings::parse(m_topo.url() + query, &s, &error))
            qFatal("%s", qPrintable(error));
        return s;
    }

private slots:
    void initTestCase()
    {
        m_topo.setSentinelPassword(kPassword);
        QString error;
        QVERIFY2(m_topo.start(&error), qPrintable(error));
    }

    void masterFoundWithTheSentinelPassword()
    {
        const ConnectionSettings s =
            fromUrl(QStringLiteral("?sentinel_password=%1").arg(QLatin1String(kPassword)));
        QCOMPARE(s.sentinelPassword, QByteArray(kPassword));
        RedisConnection conn(s, QStringLiteral("test"));
        QSignalSpy ready(&conn, &RedisConnection::ready);
        conn.open();
        QVERIFY(ready.wait(scaled(10000)));
        QCOMPARE(conn.settings().address(), m_topo.masterAddress());
    }

    void missingOrWrongSentinelPasswordIsSaid()
    {
        for (const QString& query : {QString(), QStringLiteral("?sentinel_password=nope")}) {
            RedisConnection conn(fromUrl(query), QStringLiteral("test"));
            QSignalSpy failed(&conn, &RedisConnection::failed);
            conn.open();
            QVERIFY(failed.wait(scaled(10000)));
            const QString text = failed.first().first().toString();
            QVERIFY2(text.contains(query.isEmpty() ? QLatin1String("NOAUTH")
                                                   : QLatin1String("WRONGPASS")),
                     qPrintable(text));
        }
    }

    // A reliable-list drain follows a failover announced by Sentinels that want a password.
    void failoverFollowedWithTheSentinelPassword()
    {
        const ConnectionSettings s =
            fromUrl(QStringLiteral("?sentinel_password=%1").arg(QLatin1String(kPassword)));
        SentinelWatcher watcher(s);
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        watcher.start();
        QVERIFY(waitUntil([&] { return watcher.subscribedCount() == 3; }, scaled(10000)));

        Consumer consumer(s, parseSpec(QStringLiteral("reliable:aq,consumer=ac")));
        PreciseRecorder rec(&consumer);
        consumer.start();
        const QString from = m_topo.masterAddress();
        {
            SyncClient master(m_topo.serverAt(from));
            for (int i = 0; i < 200; ++i)
                master.command({"LPUSH", "aq", "a" + QByteArray::number(i)});
            QCOMPARE(master.command({"WAIT", "1", "0"}).integer, 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(200), scaled(20000));
        QVERIFY(waitUntil(
            [&] {
                return SyncClient(m_topo.serverAt(from)).command({"WAIT", "1", "100"}).integer == 1;
            },
            scaled(10000)));
        QString error;
        QVERIFY2(waitUntil([&] { return m_topo.forceFailover(&error); }, scaled(15000)),
                 qPrintable(error));
        QVERIFY2(m_topo.waitForSwitch(from, scaled(30000), &error), qPrintable(error));
        QVERIFY(switched.wait(scaled(10000)) || !switched.isEmpty());
        QCOMPARE(switched.first().at(1).toString(), from);
        const QString to = m_topo.masterAddress();
        {
            SyncClient master(m_topo.serverAt(to));
            for (int i = 200; i < 300; ++i)
                master.command({"LPUSH", "aq", "a" + QByteArray::number(i)});
        }
        QTRY_COMPARE_WITH_TIMEOUT(rec.counters.acked, quint64(300), scaled(30000));
        QCOMPARE(rec.distinctPayloads().size(), qsizetype(300));
        QVERIFY(consumer.stopAndWait(5000));
    }

    void cleanupTestCase() {}
};

QTEST_GUILESS_MAIN(TestSentinelAuth)
#include "tst_sentinelauth.moc"
