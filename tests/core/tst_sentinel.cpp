// Sentinel: the redis+sentinel:// URL, discovery through the Sentinels, and failovers during a
// reliable-list drain and a stream-group drain on a real topology on loopback (one master, one
// replica, three Sentinels: tests/common/SentinelTopology). Label: topology.
#include "ConnectionProfile.h"
#include "Consumer.h"
#include "RedisConnection.h"
#include "SentinelResolver.h"
#include "SentinelTopology.h"
#include "SentinelWatcher.h"
#include "TestSupport.h"
#include "helpers/PacedAcker.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace rqc;
using namespace rqc::test;

class TestSentinel : public QObject {
    Q_OBJECT
private:
    SentinelTopology m_topo;

    // Forces a failover once `acker` has acked `after` messages; returns the address moved from.
    QString failoverDuring(PacedAcker& acker, int after, QElapsedTimer* since)
    {
        if (!waitUntil([&] { return acker.ackedDistinct() >= after; }, scaled(20000)))
            return QString();
        const QString from = m_topo.masterAddress();
        m_topo.guardCurrentMaster();
        QString error;
        // The Sentinels may not yet see the replica as a good one (NOGOODSLAVE): ask again.
        if (!waitUntil([&] { return m_topo.forceFailover(&error); }, scaled(15000))) {
            qWarning("SENTINEL FAILOVER: %s", qPrintable(error));
            return QString();
        }
        since->start();
        return from;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_topo.start(&error), qPrintable(error));
    }

    void sentinelUrl()
    {
        ConnectionSettings s;
        QString error;
        QVERIFY2(ConnectionSettings::parse(
                     QStringLiteral("redis+sentinel://alice:pw@10.0.0.1:26379,[::1]:26380,"
                                    "sentinel.example/orders/3?timeout=500&sentinel_password=spw"),
                     &s, &error),
                 qPrintable(error));
        QVERIFY(s.isSentinel());
        QCOMPARE(s.sentinels.size(), 3);
        QCOMPARE(s.sentinels[0], qMakePair(QStringLiteral("10.0.0.1"), quint16(26379)));
        QCOMPARE(s.sentinels[1], qMakePair(QStringLiteral("::1"), quint16(26380)));
        QCOMPARE(s.sentinels[2], qMakePair(QStringLiteral("sentinel.example"), quint16(26379)));
        QCOMPARE(s.masterName, QStringLiteral("orders"));
        QCOMPARE(s.db, 3);
        QCOMPARE(s.user, QByteArray("alice"));
        QCOMPARE(s.password, QByteArray("pw"));
        QCOMPARE(s.sentinelPassword, QByteArray("spw"));
        QCOMPARE(s.connectTimeoutMs, 500);
        // The display form has neither password and parses back to the same place.
        const QString shown = s.displayUrl();
        QVERIFY(!shown.contains(QStringLiteral("pw")));
        ConnectionSettings back;
        QVERIFY(ConnectionSettings::parse(shown, &back, &error));
        QCOMPARE(back.sentinels, s.sentinels);
        QCOMPARE(back.masterName, s.masterName);
        QCOMPARE(back.db, 3);
        for (const char* bad :
             {"redis+sentinel://h:26379", "redis+sentinel://h:26379/", "redis+sentinel:///m",
              "redis+sentinel://h:99999/m", "redis+sentinel://h/m/1/2"}) {
            QVERIFY2(!ConnectionSettings::parse(QString::fromLatin1(bad), &s, &error), bad);
            QVERIFY(!error.isEmpty());
        }
    }

    void discoversTheMasterThroughTheSentinels()
    {
        // A dead Sentinel first: the next one is asked.
        ConnectionSettings s = m_topo.settings();
        s.sentinels.prepend({QStringLiteral("127.0.0.1"), SandboxServer::freeLoopbackPort()});
        s.connectTimeoutMs = 1000;
        RedisConnection conn(s, QStringLiteral("test"));
        QSignalSpy ready(&conn, &RedisConnection::ready);
        conn.open();
        QVERIFY(ready.wait(scaled(10000)));
        QCOMPARE(conn.settings().address(), m_topo.masterAddress());
        RedisReply reply;
        conn.send({"ROLE"}, [&](const RedisReply& r) { reply = r; });
        QVERIFY(waitUntil([&] { return reply.isArray(); }));
        QCOMPARE(reply.elements[0].str, QByteArray("master"));

        // A master name no Sentinel knows: said, with what each answered.
        ConnectionSettings unknown = m_topo.settings();
        unknown.masterName = QStringLiteral("nosuch");
        RedisConnection none(unknown, QStringLiteral("test"));
        QSignalSpy failed(&none, &RedisConnection::failed);
        none.open();
        QVERIFY(failed.wait(scaled(10000)));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("nosuch")),
                 qPrintable(failed.first().first().toString()));
    }

    void reliableDrainAcrossFailover()
    {
        const int n = 6000;
        SyncClient master(m_topo.serverAt(m_topo.masterAddress()));
        produceList(master, "fq", n);
        // Replicated before the drain starts: nothing can be lost by the failover.
        QCOMPARE(master.command({"WAIT", "1", "0"}).integer, 1);

        Consumer consumer(m_topo.settings(),
                          parseSpec(QStringLiteral("reliable:fq,ack=manual,consumer=fc")));
        PreciseRecorder rec(&consumer);
        ConsumerRecorder plain(&consumer);
        SentinelWatcher watcher(m_topo.settings());
        QSignalSpy switched(&watcher, &SentinelWatcher::masterSwitched);
        watcher.start();
        QVERIFY(waitUntil([&] { return watcher.subscribedCount() == 3; }));
        consumer.start();
        PacedAcker acker(&consumer, &rec);

        QElapsedTimer sinceFailover;
        const QString from = failoverDuring(acker, n / 5, &sinceFailover);
        QVERIFY(!from.isEmpty());
        QVERIFY2(acker.ackedDistinct() < n, "the drain ended before the failover");
        QVERIFY(switched.wait(scaled(20000)) || !switched.isEmpty());
        QCOMPARE(switched.first().at(1).toString(), from);
        const QString to = switched.first().at(2).toString();
        QVERIFY(to != from);
        // Consuming again on the new master.
        QVERIFY(waitUntil([&] { return !plain.restoredNotes.isEmpty(); }, scaled(30000)));
        const qint64 backMs = sinceFailover.elapsed();
        QVERIFY2(
            plain.restoredNotes.join(QLatin1Char('\n'))
                .contains(QStringLiteral("failover: master moved from %1 to %2").arg(from, to)),
            qPrintable(plain.restoredNotes.join(QLatin1Char('\n'))));
        QVERIFY(
            plain.restoredNotes.join(QLatin1Char('\n')).contains(QStringLiteral("possible gap")));

        QVERIFY2(waitUntil([&] { return acker.ackedDistinct() == n; }, scaled(45000)),
                 qPrintable(QStringLiteral("%1 of %2 acked").arg(acker.ackedDistinct()).arg(n)));
        const qint64 drainedMs = sinceFailover.elapsed();
        QString error;
        QVERIFY2(m_topo.waitForSwitch(from, scaled(30000), &error), qPrintable(error));
        SyncClient now(m_topo.serverAt(to));
        QVERIFY(waitUntil([&] { return rec.counters.pending == 0; }));
        const ListLedger l = listLedger(now, "fq");
        QCOMPARE(l.queued, 0);
        QCOMPARE(l.pending, 0);
        QCOMPARE(l.dead, 0);
        // Acked once each, but for acks in flight at the promotion: confirmed by the old master
        // and not yet replicated, they are lost with it (Redis's asynchronous replication), the
        // message is delivered again and acked again. At most what the acker has in flight.
        QVERIFY2(acker.ackedTwice() <= acker.maxInFlight(),
                 qPrintable(QString::number(acker.ackedTwice())));
        QCOMPARE(rec.distinctPayloads().size(), qsizetype(n));
        qInfo("reliable: failover %s -> %s; consuming again %lld ms after SENTINEL FAILOVER; "
              "drained %d messages %lld ms after it; %lld deliveries (%lld redelivered), %d acked "
              "twice (acks lost by asynchronous replication)",
              qPrintable(from), qPrintable(to), backMs, n, drainedMs, qint64(rec.messages.size()),
              qint64(rec.messages.size() - n), acker.ackedTwice());
        QVERIFY(consumer.stopAndWait(5000));
    }

    void streamDrainAcrossFailover()
    {
        const int n = 6000;
        SyncClient master(m_topo.serverAt(m_topo.masterAddress()));
        master.command({"XGROUP", "CREATE", "fs", "g", "0", "MKSTREAM"});
        produceStream(master, "fs", n);
        QCOMPARE(master.command({"WAIT", "1", "0"}).integer, 1);

        Consumer consumer(m_topo.settings(),
                          parseSpec(QStringLiteral("stream:fs,group=g,ack=manual,consumer=sc")));
        PreciseRecorder rec(&consumer);
        ConsumerRecorder plain(&consumer);
        consumer.start();
        PacedAcker acker(&consumer, &rec);

        QElapsedTimer sinceFailover;
        const QString from = failoverDuring(acker, n / 5, &sinceFailover);
        QVERIFY(!from.isEmpty());
        QVERIFY2(acker.ackedDistinct() < n, "the drain ended before the failover");
        QVERIFY(waitUntil([&] { return !plain.restoredNotes.isEmpty(); }, scaled(30000)));
        const qint64 backMs = sinceFailover.elapsed();
        QVERIFY2(plain.restoredNotes.join(QLatin1Char('\n'))
                     .contains(QStringLiteral("failover: master moved from %1").arg(from)),
                 qPrintable(plain.restoredNotes.join(QLatin1Char('\n'))));
        QVERIFY2(waitUntil([&] { return acker.ackedDistinct() == n; }, scaled(45000)),
                 qPrintable(QStringLiteral("%1 of %2 acked").arg(acker.ackedDistinct()).arg(n)));
        const qint64 drainedMs = sinceFailover.elapsed();
        QString error;
        QVERIFY2(m_topo.waitForSwitch(from, scaled(30000), &error), qPrintable(error));
        const QString to = m_topo.masterAddress();
        SyncClient now(m_topo.serverAt(to));
        QVERIFY(waitUntil([&] { return rec.counters.pending == 0; }));
        const RedisReply pending = now.command({"XPENDING", "fs", "g"});
        QCOMPARE(pending.elements.value(0).integer, 0); // nothing left in the PEL
        // Acked once each, but for acks in flight at the promotion: confirmed by the old master
        // and not yet replicated, they are lost with it (Redis's asynchronous replication), the
        // message is delivered again and acked again. At most what the acker has in flight.
        QVERIFY2(acker.ackedTwice() <= acker.maxInFlight(),
                 qPrintable(QString::number(acker.ackedTwice())));
        QCOMPARE(rec.distinctPayloads().size(), qsizetype(n));
        qInfo("stream: failover %s -> %s; consuming again %lld ms after SENTINEL FAILOVER; "
              "drained %d entries %lld ms after it; %lld deliveries (%lld redelivered), %d acked "
              "twice (acks lost by asynchronous replication)",
              qPrintable(from), qPrintable(to), backMs, n, drainedMs, qint64(rec.messages.size()),
              qint64(rec.messages.size() - n), acker.ackedTwice());
        QVERIFY(consumer.stopAndWait(5000));
    }
};

QTEST_GUILESS_MAIN(TestSentinel)
#include "tst_sentinel.moc"
