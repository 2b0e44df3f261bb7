#include "LoadJob.h"
#include "LoadPacer.h"
#include "RedisReply.h"

#include <QRandomGenerator>
#include <QTest>

using namespace rqc;

namespace {
constexpr qint64 kMs = 1000000;
constexpr qint64 kSec = 1000 * kMs;

// floor(t * rate) + 1: what a paced run may have sent by t (the first goes at once).
quint64 expectedBy(qint64 ns, quint64 rate) { return quint64((__int128(ns) * rate) / kSec) + 1; }
} // namespace

// The pacing arithmetic of load mode, driven by a fake clock: counts and rates exactly.
class TestLoadPacer : public QObject {
    Q_OBJECT
private slots:
    void pacedCountFollowsTheRateAtEveryTick_data()
    {
        QTest::addColumn<quint64>("rate");
        QTest::addColumn<quint64>("count");
        QTest::newRow("1000/s") << quint64(1000) << quint64(5000);
        QTest::newRow("10000/s") << quint64(10000) << quint64(30000);
        QTest::newRow("50000/s") << quint64(50000) << quint64(100000);
        QTest::newRow("7/s") << quint64(7) << quint64(20);
    }
    void pacedCountFollowsTheRateAtEveryTick()
    {
        QFETCH(quint64, rate);
        QFETCH(quint64, count);
        LoadPacer pacer({rate, count, 0});
        const qint64 t0 = 123456789; // any clock origin
        pacer.start(t0);
        QRandomGenerator rng(42);
        qint64 t = t0;
        qint64 lastIssueNs = t0;
        while (!pacer.exhausted(t)) {
            const quint64 n = pacer.allowed(t);
            pacer.issued(n);
            if (n)
                lastIssueNs = t;
            // Never ahead of the rate, never behind it after a tick: exactly floor(t*R)+1.
            QCOMPARE(pacer.issuedCount(), qMin(count, expectedBy(t - t0, rate)));
            t += qint64(rng.bounded(3 * kMs)) + 1; // ticks 0-3 ms apart, jittery
        }
        QCOMPARE(pacer.issuedCount(), count);
        // The achieved rate over the run: (count-1) intervals in the time it took, within one tick
        // of (count-1)/R.
        const qint64 ideal = qint64((__int128(count - 1) * kSec + rate - 1) / rate);
        QVERIFY(lastIssueNs - t0 >= ideal);
        QVERIFY(lastIssueNs - t0 < ideal + 3 * kMs + 1);
        QCOMPARE(pacer.allowed(t + 10 * kSec), quint64(0));
        QCOMPARE(pacer.nextEventNs(t), qint64(-1));
    }

    void nextEventIsWhenTheNextMessageIsDue()
    {
        const quint64 rate = 3; // due at 0, 1/3 s, 2/3 s, 1 s…
        LoadPacer pacer({rate, 10, 0});
        pacer.start(0);
        QCOMPARE(pacer.nextEventNs(0), qint64(0));
        pacer.issued(pacer.allowed(0));
        QCOMPARE(pacer.issuedCount(), quint64(1));
        QCOMPARE(pacer.nextEventNs(0), qint64(333333334)); // ceil(1e9/3)
        QCOMPARE(pacer.allowed(333333333), quint64(0));
        QCOMPARE(pacer.allowed(333333334), quint64(1));
        // Stepping the clock to each next event sends exactly one message at each.
        qint64 t = 0;
        while (!pacer.exhausted(t)) {
            t = pacer.nextEventNs(t);
            QCOMPARE(pacer.allowed(t), quint64(1));
            pacer.issued(1);
        }
        QCOMPARE(pacer.issuedCount(), quint64(10));
        QCOMPARE(t, qint64(3 * kSec)); // the tenth, number 9, at 9/3 s
    }

    void durationEndsThePacedRunAtRTimesD()
    {
        LoadPacer pacer({1000, 0, 2 * kSec});
        pacer.start(0);
        qint64 t = 0;
        while (!pacer.exhausted(t)) {
            pacer.issued(pacer.allowed(t));
            const qint64 next = pacer.nextEventNs(t);
            QVERIFY(next >= t);
            t = next == t ? t + 700 * 1000 : next; // 0.7 ms ticks, or sleep until due
        }
        QCOMPARE(pacer.issuedCount(), quint64(2000));
        QVERIFY(t >= 2 * kSec);
    }

    void durationWithCountStopsAtWhicheverComesFirst()
    {
        LoadPacer byCount({100, 50, 10 * kSec});
        byCount.start(0);
        byCount.issued(byCount.allowed(kSec));
        QCOMPARE(byCount.issuedCount(), quint64(50));
        QVERIFY(byCount.exhausted(kSec));

        LoadPacer byTime({100, 5000, kSec});
        byTime.start(0);
        byTime.issued(byTime.allowed(kSec - 1));
        QCOMPARE(byTime.issuedCount(), quint64(100));
        QVERIFY(byTime.exhausted(kSec));
        QCOMPARE(byTime.allowed(kSec), quint64(0));
    }

    void fastRunsAreBoundedOnlyByCountOrTime()
    {
        LoadPacer count({0, 123456, 0});
        count.start(0);
        QCOMPARE(count.allowed(0), quint64(123456));
        count.issued(1000);
        QCOMPARE(count.allowed(0), quint64(122456));
        count.issued(122456);
        QVERIFY(count.exhausted(0));

        LoadPacer time({0, 0, kSec});
        time.start(5);
        QVERIFY(time.allowed(5) >= LoadPacer::kUnbounded);
        time.issued(1000000);
        QVERIFY(time.allowed(kSec) >= LoadPacer::kUnbounded);
        QCOMPARE(time.nextEventNs(kSec), qint64(kSec)); // allowed now
        QVERIFY(time.exhausted(kSec + 5));
        QCOMPARE(time.allowed(kSec + 5), quint64(0));
    }

    void noLimitIsNoRun()
    {
        LoadPacer none({1000, 0, 0});
        none.start(0);
        QVERIFY(none.exhausted(0));
        QCOMPARE(none.allowed(0), quint64(0));
    }

    void hoursAtAMillionASecondDoNotOverflow()
    {
        LoadPacer pacer({1000000, 0, 0});
        pacer.start(0);
        const qint64 tenHours = 36000LL * kSec;
        QCOMPARE(pacer.dueBy(tenHours), quint64(36000000001ULL));
    }

    void jobEncodesEveryMessageWithItsOwnExpansion()
    {
        LoadJob job({"LPUSH", "q", "n={{seq}}"}, {0, 3, 0});
        QVERIFY(job.isValid());
        QByteArray out;
        QCOMPARE(job.encode(out, 3, 1 << 20), 3);
        QCOMPARE(out, encodeCommand({"LPUSH", "q", "n=1"}) + encodeCommand({"LPUSH", "q", "n=2"}) +
                          encodeCommand({"LPUSH", "q", "n=3"}));
        // Constant arguments, and the key and command even with braces, go as they are.
        LoadJob constant({"PUBLISH", "{{x}}", "{{{{"}, {0, 1, 0});
        QVERIFY(constant.isValid());
        out.clear();
        QCOMPARE(constant.encode(out, 1, 1 << 20), 1);
        QCOMPARE(out, encodeCommand({"PUBLISH", "{{x}}", "{{"}));
    }

    void jobStopsABatchPastTheByteLimit()
    {
        LoadJob job({"LPUSH", "q", "{{bytes 1000}}"}, {0, 100, 0});
        QByteArray out;
        const int n = job.encode(out, 100, 4000);
        QCOMPARE(n, 4); // the fourth crosses 4000 bytes
        QCOMPARE(job.encoded(), quint64(4));
    }

    void jobReportsABadTemplate()
    {
        LoadJob job({"XADD", "s", "*", "f", "{{nope}}"}, {0, 1, 0});
        QVERIFY(!job.isValid());
        QVERIFY2(job.error().contains(QStringLiteral("{{nope}}")), qPrintable(job.error()));
    }
};

QTEST_GUILESS_MAIN(TestLoadPacer)
#include "tst_loadpacer.moc"
