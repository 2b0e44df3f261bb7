// Sentinel: the master killed (SIGKILL, not SENTINEL FAILOVER) during a reliable-list drain and
// during a stream-group drain, with a producer publishing through the console's Publisher on the
// redis+sentinel:// URL all along. The ledger: every message the producer had confirmed is
// consumed, but for what Redis's asynchronous replication can lose (confirmed by the killed
// master in its last moments, not yet on its replica) — and then the pane must have said
// "possible gap"; acks lost the same way are acked again, at most what the acker keeps in flight;
// processing lists and the PEL end empty. Label: topology.
#include "Consumer.h"
#include "Publisher.h"
#include "SentinelTopology.h"
#include "TestSupport.h"
#include "helpers/PacedAcker.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace rqc;
using namespace rqc::test;

namespace {
// Sends one message per request through a Publisher, a few requests at a time, each with a
// payload of its own; a payload counts as confirmed when its request reports it sent.
struct Producer {
    Publisher pub;
    PublisherWorker::Command command;
    QByteArray target;
    QByteArray prefix;
    QHash<qint64, QByteArray> inFlight;    // request id → payload
    QHash<QByteArray, qint64> confirmedAt; // payload → ms on `clock` when confirmed
    int failed = 0;
    int next = 0;
    QElapsedTimer* clock;
    QTimer timer;
    QObject ctx;

    Producer(const ConnectionSettings& s, PublisherWorker::Command c, const QByteArray& t,
             const QByteArray& p, QElapsedTimer* since)
        : pub(s)
        , command(c)
        , target(t)
        , prefix(p)
        , clock(since)
    {
        QObject::connect(&pub, &Publisher::sent, &ctx, [this](qint64 id, quint64 count, qint64) {
            const QByteArray payload = inFlight.take(id);
            if (count == 1)
                confirmedAt.insert(payload, clock->elapsed());
            else
                ++failed;
        });
        QObject::connect(&timer, &QTimer::timeout, &ctx, [this] {
            while (inFlight.size() < 4) {
                const QByteArray payload = prefix + QByteArray::number(next++);
                inFlight.insert(pub.send(command, target, payload), payload);
            }
        });
        pub.start();
        timer.start(5);
    }
    // Stops sending and waits for the answers of what is on its way.
    bool stop()
    {
        timer.stop();
        return waitUntil([&] { return inFlight.isEmpty(); }, scaled(30000));
    }
};

struct Figures {
    qint64 backMs = 0;
    qsizetype confirmed = 0;
    int lost = 0;
    int ackedTwice = 0;
    qsizetype deliveries = 0;
    qsizetype distinct = 0;
};
} // namespace

class TestSentinelKill : public QObject {
    Q_OBJECT
private:
    SentinelTopology m_topo;

    SandboxServer& currentMaster(const QString& address)
    {
        return address.endsWith(QLatin1Char(':') + QString::number(m_topo.first().port()))
                   ? m_topo.first()
                   : m_topo.second();
    }

    // The drain: `n` messages queued and replicated first; the consumer acks them slowly while
    // `producer` adds more; the master is killed after a fifth; the killed server is started
    // again once the console consumes on the new master (the Sentinels make it a replica of the
    // new one, ready for the next test). Fills *f; the ledger is checked by the caller.
    void killMasterDuring(Consumer& consumer, PreciseRecorder& rec, ConsumerRecorder& plain,
                          PacedAcker& acker, Producer& producer, int n, QString* from,
                          QElapsedTimer& clock, qint64* killedAt, Figures* f)
    {
        QVERIFY(waitUntil([&] { return acker.ackedDistinct() >= n / 5; }, scaled(30000)));
        QVERIFY(waitUntil([&] { return producer.confirmedAt.size() >= 50; }, scaled(30000)));
        *from = m_topo.masterAddress();
        SandboxServer& master = currentMaster(*from);
        *killedAt = clock.elapsed();
        QCOMPARE(::kill(pid_t(master.pid()), SIGKILL), 0);
        QVERIFY2(acker.ackedDistinct() < n, "the drain ended before the kill");

        QVERIFY2(waitUntil([&] { return !plain.restoredNotes.isEmpty(); }, scaled(60000)),
                 qPrintable(plain.lostReasons.join(QLatin1Char('\n'))));
        f->backMs = clock.elapsed() - *killedAt;
        // The producer keeps sending on the new master for a while, then stops.
        const qsizetype before = producer.confirmedAt.size();
        QVERIFY(
            waitUntil([&] { return producer.confirmedAt.size() >= before + 200; }, scaled(30000)));
        QVERIFY(producer.stop());
        QString error;
        QVERIFY2(master.restart(&error), qPrintable(error));
        QVERIFY2(m_topo.waitForSwitch(*from, scaled(60000), &error), qPrintable(error));
        Q_UNUSED(rec);
        Q_UNUSED(consumer);
    }

    void checkLedger(PreciseRecorder& rec, ConsumerRecorder& plain, PacedAcker& acker,
                     Producer& producer, int n, QByteArray queuedPrefix, qint64 killedAt,
                     Figures* f)
    {
        // Everything queued before the drain, and everything the producer had confirmed, but
        // for what the killed master confirmed in its last moments.
        QSet<QByteArray> expected;
        for (int i = 0; i < n; ++i)
            expected.insert(queuedPrefix + QByteArray::number(i));
        for (auto it = producer.confirmedAt.cbegin(); it != producer.confirmedAt.cend(); ++it)
            expected.insert(it.key());
        f->confirmed = producer.confirmedAt.size();
        // Wait until the acker has acked all it will: everything expected, or nothing new for a
        // while (the lost ones never come).
        qsizetype last = -1;
        QElapsedTimer still;
        still.start();
        waitUntil(
            [&] {
                if (acker.ackedDistinct() != last) {
                    last = acker.ackedDistinct();
                    still.restart();
                }
                bool all = true;
                for (const QByteArray& p : std::as_const(expected)) {
                    if (!acker.ackedTimes.contains(p)) {
                        all = false;
                        break;
                    }
                }
                return all || still.elapsed() > scaled(8000);
            },
            scaled(90000));
        QStringList lost;
        for (const QByteArray& p : std::as_const(expected)) {
            if (acker.ackedTimes.contains(p))
                continue;
            lost << QString::fromUtf8(p);
            // Only the producer's sends, confirmed at most a second before the kill (loopback
            // replication runs well within that), may be missing: the replication window.
            QVERIFY2(producer.confirmedAt.contains(p), qPrintable(QString::fromUtf8(p)));
            const qint64 at = producer.confirmedAt.value(p);
            QVERIFY2(at <= killedAt + 50 && at >= killedAt - 1000,
                     qPrintable(QStringLiteral("%1 confirmed at %2 ms, killed at %3 ms")
                                    .arg(QString::fromUtf8(p))
                                    .arg(at)
                                    .arg(killedAt)));
        }
        f->lost = int(lost.size());
        f->ackedTwice = acker.ackedTwice();
        f->deliveries = rec.messages.size();
        f->distinct = rec.distinctPayloads().size();
        const QString notes = plain.restoredNotes.join(QLatin1Char('\n'));
        QVERIFY2(notes.contains(QStringLiteral("failover: master moved from")), qPrintable(notes));
        if (f->lost > 0 || f->ackedTwice > 0)
            QVERIFY2(notes.contains(QStringLiteral("possible gap")), qPrintable(notes));
        QVERIFY2(acker.ackedTwice() <= acker.maxInFlight(),
                 qPrintable(QString::number(acker.ackedTwice())));
        QVERIFY(waitUntil([&] { return rec.counters.pending == 0; }));
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_topo.start(&error), qPrintable(error));
    }

    void reliableDrainMasterKilled()
    {
        const int n = 4000;
        SyncClient master(m_topo.serverAt(m_topo.masterAddress()));
        produceList(master, "kq", n);
        QCOMPARE(master.command({"WAIT", "1", "0"}).integer, 1);

        QElapsedTimer clock;
        clock.start();
        Consumer consumer(m_topo.settings(),
                          parseSpec(QStringLiteral("reliable:kq,ack=manual,consumer=kc")));
        PreciseRecorder rec(&consumer);
        ConsumerRecorder plain(&consumer);
        consumer.start();
        PacedAcker acker(&consumer, &rec);
        Producer producer(m_topo.settings(), PublisherWorker::Command::LPush, "kq", "p", &clock);

        QString from;
        qint64 killedAt = 0;
        Figures f;
        killMasterDuring(consumer, rec, plain, acker, producer, n, &from, clock, &killedAt, &f);
        if (QTest::currentTestFailed())
            return;
        checkLedger(rec, plain, acker, producer, n, "m", killedAt, &f);
        if (QTest::currentTestFailed())
            return;
        SyncClient now(m_topo.serverAt(m_topo.masterAddress()));
        QVERIFY(waitUntil([&] {
            const ListLedger l = listLedger(now, "kq");
            return l.queued == 0 && l.pending == 0;
        }));
        QCOMPARE(listLedger(now, "kq").dead, 0);
        qInfo("reliable, master %s killed: consuming again %lld ms after SIGKILL; %d queued + "
              "%lld confirmed by the producer (%d sends failed); lost %d; acked twice %d; "
              "%lld deliveries of %lld distinct messages",
              qPrintable(from), f.backMs, n, qint64(f.confirmed), producer.failed, f.lost,
              f.ackedTwice, qint64(f.deliveries), qint64(f.distinct));
        QVERIFY(consumer.stopAndWait(5000));
    }

    void streamDrainMasterKilled()
    {
        const int n = 4000;
        SyncClient master(m_topo.serverAt(m_topo.masterAddress()));
        master.command({"XGROUP", "CREATE", "ks", "g", "0", "MKSTREAM"});
        produceStream(master, "ks", n);
        QCOMPARE(master.command({"WAIT", "1", "0"}).integer, 1);

        QElapsedTimer clock;
        clock.start();
        Consumer consumer(m_topo.settings(),
                          parseSpec(QStringLiteral("stream:ks,group=g,ack=manual,consumer=kc")));
        PreciseRecorder rec(&consumer);
        ConsumerRecorder plain(&consumer);
        consumer.start();
        PacedAcker acker(&consumer, &rec);
        Producer producer(m_topo.settings(), PublisherWorker::Command::XAdd, "ks", "x", &clock);

        QString from;
        qint64 killedAt = 0;
        Figures f;
        killMasterDuring(consumer, rec, plain, acker, producer, n, &from, clock, &killedAt, &f);
        if (QTest::currentTestFailed())
            return;
        checkLedger(rec, plain, acker, producer, n, "e", killedAt, &f);
        if (QTest::currentTestFailed())
            return;
        SyncClient now(m_topo.serverAt(m_topo.masterAddress()));
        QVERIFY(waitUntil([&] {
            return now.command({"XPENDING", "ks", "g"}).elements.value(0).integer == 0;
        }));
        qInfo("stream, master %s killed: consuming again %lld ms after SIGKILL; %d queued + "
              "%lld confirmed by the producer (%d sends failed); lost %d; acked twice %d; "
              "%lld deliveries of %lld distinct entries",
              qPrintable(from), f.backMs, n, qint64(f.confirmed), producer.failed, f.lost,
              f.ackedTwice, qint64(f.deliveries), qint64(f.distinct));
        QVERIFY(consumer.stopAndWait(5000));
    }
};

QTEST_GUILESS_MAIN(TestSentinelKill)
#include "tst_sentinelkill.moc"
