// Trace without MONITOR (TraceFollower) against a real redis-server, with real named workers
// (rq_worker_helper) that hold each message a while before the ack, as a busy worker does.
#include "RedisConnection.h"
#include "TestSupport.h"
#include "TraceFollower.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;

namespace {
struct Worker {
    std::unique_ptr<QProcess> process;
    ~Worker()
    {
        process->kill();
        process->waitForFinished(3000);
    }
    // Its own log: what it says it took.
    bool took(const QByteArray& payload)
    {
        m_log += process->readAllStandardOutput();
        return m_log.contains("TOOK " + payload.toHex());
    }
    bool ready()
    {
        m_log += process->readAllStandardOutput();
        return m_log.contains("READY\n");
    }

private:
    QByteArray m_log;
};

std::unique_ptr<Worker> startWorker(const SandboxServer& server, const QString& name,
                                    const QString& mode, const QByteArray& queue, int ackDelayMs)
{
    auto w = std::make_unique<Worker>();
    w->process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RQ_WORKER_ACK_DELAY_MS"), QString::number(ackDelayMs));
    w->process->setProcessEnvironment(env);
    w->process->start(
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("rq_worker_helper")),
        {QStringLiteral("127.0.0.1"), QString::number(server.port()), name, mode,
         QString::fromUtf8(queue)});
    return w;
}

// Follows one trace to its end; returns the last journey.
TraceJourney follow(const ConnectionSettings& settings, const TraceRequest& request,
                    QList<TraceJourney>* all = nullptr)
{
    TraceFollower follower(settings, QStringLiteral("test"));
    TraceJourney last;
    QObject::connect(&follower, &TraceFollower::journeyChanged, &follower,
                     [&](const TraceJourney& j) {
                         last = j;
                         if (all)
                             all->append(j);
                     });
    follower.start(request);
    test::waitUntil([&] { return last.finished; }, request.timeoutMs + 15000);
    qInfo().noquote() << last.summary();
    return last;
}
} // namespace

class TestTrace : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    // Stream group: XPENDING names the consumer while it holds the entry; gone from the PEL
    // after that: acked.
    void streamConsumerAndAckFromXpending()
    {
        auto w = startWorker(m_server, QStringLiteral("sw1"), QStringLiteral("stream"), "ts", 1500);
        QTRY_VERIFY(w->ready());
        TraceRequest r;
        r.key = "ts";
        r.fields = {{"message", "hello stream"}};
        r.timeoutMs = 20000;
        const TraceJourney j = follow(m_server.settings(), r);
        QVERIFY2(j.stage == TraceJourney::Stage::Acked, qPrintable(j.summary()));
        QVERIFY(j.stream);
        QVERIFY(!j.id.isEmpty());
        QCOMPARE(j.hops.size(), 1);
        QCOMPARE(j.hops[0].group, QByteArray("g"));
        QCOMPARE(j.hops[0].consumer, QByteArray("sw1"));
        QCOMPARE(j.hops[0].deliveries, 1);
        // Delivery dated by XPENDING's idle time; the ack only by the poll that saw it.
        QVERIFY(!j.hops[0].takenPolled);
        QVERIFY(j.hops[0].ackedPolled);
        QVERIFY(j.hops[0].takenMs >= j.pushedMs);
        QVERIFY(j.hops[0].ackedMs >= j.hops[0].takenMs);
        QVERIFY(w->took("hello stream"));
        QVERIFY2(j.summary().contains(QStringLiteral("delivered to sw1 in group g")),
                 qPrintable(j.summary()));
    }

    // Reliable list: it leaves the list, turns up in ts:processing:rw1, then leaves that (LREM).
    void reliableListLandsInProcessingThenAcked()
    {
        auto w =
            startWorker(m_server, QStringLiteral("rw1"), QStringLiteral("reliable"), "tr", 1500);
        QTRY_VERIFY(w->ready());
        TraceRequest r;
        r.key = "tr";
        r.payload = "hello reliable";
        r.timeoutMs = 20000;
        const TraceJourney j = follow(m_server.settings(), r);
        QVERIFY2(j.stage == TraceJourney::Stage::Acked, qPrintable(j.summary()));
        QVERIFY(!j.stream);
        QCOMPARE(j.hops.size(), 1);
        QCOMPARE(j.hops[0].landedIn, QByteArray("tr:processing:rw1"));
        QCOMPARE(j.hops[0].consumer, QByteArray("rw1"));
        QVERIFY(j.hops[0].takenMs >= j.pushedMs);
        QVERIFY(j.hops[0].ackedMs >= j.hops[0].takenMs);
        QVERIFY(w->took("hello reliable"));
    }

    // Plain BRPOP: it leaves the list, and nobody can say who took it without observe.
    void plainListTakenByUnknown()
    {
        auto w = startWorker(m_server, QStringLiteral("bw1"), QStringLiteral("brpop"), "tp", 0);
        QTRY_VERIFY(w->ready());
        TraceRequest r;
        r.key = "tp";
        r.payload = "hello plain";
        r.timeoutMs = 20000;
        const TraceJourney j = follow(m_server.settings(), r);
        QVERIFY2(j.stage == TraceJourney::Stage::Taken, qPrintable(j.summary()));
        QVERIFY(!j.timedOut);
        QCOMPARE(j.hops.size(), 1);
        QVERIFY(j.hops[0].consumer.isEmpty());
        QVERIFY(j.hops[0].takenPolled); // an upper bound, and said so
        QVERIFY2(j.summary().contains(QStringLiteral("taken within")), qPrintable(j.summary()));
        QVERIFY(j.hops[0].takenMs >= j.pushedMs);
        QVERIFY(w->took("hello plain"));
        QVERIFY2(j.summary().contains(QStringLiteral("unknown without Observe")),
                 qPrintable(j.summary()));
    }

    // Nobody consumes: after the timeout the trace says so plainly, and the message is still there.
    void nobodyTakesItSaysSoAfterTimeout()
    {
        test::SyncClient c(m_server.settings());
        TraceRequest r;
        r.key = "tn";
        r.payload = "lonely";
        r.timeoutMs = 1000;
        QList<TraceJourney> all;
        const TraceJourney j = follow(m_server.settings(), r, &all);
        QVERIFY(j.timedOut);
        QVERIFY(j.hops.isEmpty());
        QCOMPARE(j.stage, TraceJourney::Stage::Pushed);
        QVERIFY2(
            j.summary().contains(QStringLiteral("still in the list after 1 s: nobody took it")),
            qPrintable(j.summary()));
        QCOMPARE(c.command({"LLEN", "tn"}).integer, 1);
        // Bounded polling: at most 4 a second, so a handful of reports, not hundreds.
        QVERIFY(all.size() <= 4);

        // A stream nobody reads.
        r.key = "tsn";
        c.command({"XADD", "tsn", "*", "message", "first"});
        r.fields = {{"message", "lonely entry"}};
        r.payload = QByteArray();
        const TraceJourney s = follow(m_server.settings(), r);
        QVERIFY(s.timedOut);
        QVERIFY2(s.summary().contains(QStringLiteral("no consumer group read it")),
                 qPrintable(s.summary()));
    }

    void refusesOtherTypes()
    {
        test::SyncClient c(m_server.settings());
        c.command({"SET", "tstr", "x"});
        TraceRequest r;
        r.key = "tstr";
        r.payload = "p";
        const TraceJourney j = follow(m_server.settings(), r);
        QCOMPARE(j.stage, TraceJourney::Stage::Failed);
        QVERIFY(j.summary().contains(QStringLiteral("only lists and streams")));

        // A channel someone subscribes to: nothing is created, nothing to follow.
        RedisConnection sub(m_server.settings(), QStringLiteral("sub"));
        sub.open();
        QVERIFY(test::waitUntil([&] { return sub.isReady(); }));
        sub.sendNoReply({"SUBSCRIBE", "tchan"});
        QTRY_COMPARE(c.command({"PUBSUB", "NUMSUB", "tchan"}).elements.value(1).integer, 1);
        r.key = "tchan";
        const TraceJourney ch = follow(m_server.settings(), r);
        QCOMPARE(ch.stage, TraceJourney::Stage::Failed);
        QVERIFY2(ch.summary().contains(QStringLiteral("channel with subscribers")),
                 qPrintable(ch.summary()));
        QCOMPARE(c.command({"EXISTS", "tchan"}).integer, 0);
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
