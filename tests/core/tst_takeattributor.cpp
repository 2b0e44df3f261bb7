// Unit tests for TakeAttributor: who took what, from MONITOR lines alone (no server).
#include "TakeAttributor.h"

#include <QTest>

using namespace rqc;

namespace {
void feed(TakeAttributor& a, const QByteArray& text)
{
    for (const QByteArray& raw : text.split('\n')) {
        if (raw.trimmed().isEmpty())
            continue;
        MonitorLine l;
        QVERIFY2(MonitorParser::parse(raw.trimmed(), &l), raw.constData());
        a.apply(std::move(l));
    }
}

// The only seed request (the target), answered as an empty list at the start of the stream,
// framed as the observer's side connection runs it (MULTI LLEN LRANGE ECHO EXEC).
void seedEmpty(TakeAttributor& a)
{
    const auto seeds = a.takeSeedRequests();
    QCOMPARE(seeds.size(), 1);
    feed(a, "1.000000 [0 127.0.0.1:9] \"MULTI\"\n"
            "1.000001 [0 127.0.0.1:9] \"LLEN\" \"" +
                seeds[0].first +
                "\"\n"
                "1.000002 [0 127.0.0.1:9] \"ECHO\" \"" +
                seeds[0].second +
                "\"\n"
                "1.000003 [0 127.0.0.1:9] \"EXEC\"");
    a.seedReplied(seeds[0].second, 0, {});
}

QList<TakeAttributor::Row> takes(TakeAttributor& a)
{
    QList<TakeAttributor::Row> out;
    for (const TakeAttributor::Row& r : a.rows()) {
        if (r.obs.kind == Observation::Kind::Consume)
            out.append(r);
    }
    a.rows().clear();
    return out;
}
} // namespace

class TestTakeAttributor : public QObject {
    Q_OBJECT
private slots:
    // As recorded from Redis 7.0 with two BRPOP workers and one BLMOVE+LREM worker.
    void blockedWorkersServedInTurn()
    {
        TakeAttributor a("jobs", false);
        seedEmpty(a);
        feed(a, R"(1796141412.540952 [0 127.0.0.1:37868] "BRPOP" "jobs" "1"
1796141412.681075 [0 127.0.0.1:37874] "BRPOP" "jobs" "1"
1796141412.832916 [0 127.0.0.1:37890] "BLMOVE" "jobs" "jobs:processing:r1" "RIGHT" "LEFT" "1"
1796141413.166275 [0 127.0.0.1:37904] "lpush" "jobs" "job-0"
1796141413.166998 [0 127.0.0.1:37868] "BRPOP" "jobs" "1"
1796141413.215846 [0 127.0.0.1:37906] "lpush" "jobs" "job-1"
1796141413.216835 [0 127.0.0.1:37874] "BRPOP" "jobs" "1"
1796141413.258993 [0 127.0.0.1:37914] "lpush" "jobs" "job-2"
1796141413.261137 [0 127.0.0.1:37890] "LREM" "jobs:processing:r1" "1" "job-2"
1796141413.261476 [0 127.0.0.1:37890] "BLMOVE" "jobs" "jobs:processing:r1" "RIGHT" "LEFT" "1"
1796141413.284589 [0 127.0.0.1:37920] "lpush" "jobs" "job-3"
1796141413.288780 [0 127.0.0.1:37868] "BRPOP" "jobs" "1")");
        a.settle(1796141413300000);
        const auto t = takes(a);
        QCOMPARE(t.size(), 4);
        QCOMPARE(t[0].payload, QByteArray("job-0"));
        QCOMPARE(t[0].consumerAddr, QByteArray("127.0.0.1:37868"));
        QVERIFY(!t[0].obs.certain);
        QCOMPARE(t[0].producerAddr, QByteArray("127.0.0.1:37904"));
        QCOMPARE(t[1].payload, QByteArray("job-1"));
        QCOMPARE(t[1].consumerAddr, QByteArray("127.0.0.1:37874"));
        QCOMPARE(t[2].payload, QByteArray("job-2"));
        QCOMPARE(t[2].consumerAddr, QByteArray("127.0.0.1:37890"));
        QVERIFY(t[2].obs.certain); // acked on its processing list
        QCOMPARE(t[3].payload, QByteArray("job-3"));
        QCOMPARE(t[3].consumerAddr, QByteArray("127.0.0.1:37868"));
    }

    // REFERENCES.md: two BRPOPs, then LPUSH mq A B: the first blocked client gets A.
    void onePushServesTwoWaiters()
    {
        TakeAttributor a("mq", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 127.0.0.1:1] "BRPOP" "mq" "0"
2.000001 [0 127.0.0.1:2] "BRPOP" "mq" "0"
2.000002 [0 127.0.0.1:3] "LPUSH" "mq" "A" "B")");
        a.settle(3000000);
        const auto t = takes(a);
        QCOMPARE(t.size(), 2);
        QCOMPARE(t[0].payload, QByteArray("A"));
        QCOMPARE(t[0].consumerAddr, QByteArray("127.0.0.1:1"));
        QCOMPARE(t[1].payload, QByteArray("B"));
        QCOMPARE(t[1].consumerAddr, QByteArray("127.0.0.1:2"));
    }

    // Inside MULTI the push is popped by the transaction itself, before any waiter is served.
    void transactionRunsBeforeWaiters()
    {
        TakeAttributor a("q", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 127.0.0.1:1] "BRPOP" "q" "0"
2.000001 [0 127.0.0.1:2] "MULTI"
2.000002 [0 127.0.0.1:2] "LPUSH" "q" "m1" "m2"
2.000003 [0 127.0.0.1:2] "RPOP" "q"
2.000004 [0 127.0.0.1:2] "EXEC")");
        const auto t = takes(a);
        QCOMPARE(t.size(), 2);
        QCOMPARE(t[0].payload, QByteArray("m1"));
        QCOMPARE(t[0].consumerAddr, QByteArray("127.0.0.1:2"));
        QCOMPARE(t[1].payload, QByteArray("m2"));
        QCOMPARE(t[1].consumerAddr, QByteArray("127.0.0.1:1"));
    }

    // The console's own reliable consumer: a script trims the queue and pushes the payloads into
    // its processing list; the payloads are on the line, so the takes are certain.
    void scriptedReliableTakeIsCertain()
    {
        TakeAttributor a("q", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 127.0.0.1:1] "LPUSH" "q" "a" "b" "c"
2.000001 [0 127.0.0.1:7] "EVALSHA" "abc" "3" "q" "q:processing:c7" "q:deliveries" "16"
2.000002 [0 lua] "HLEN" "q:deliveries"
2.000003 [0 lua] "LRANGE" "q" "-16" "-1"
2.000004 [0 lua] "LTRIM" "q" "0" "-4"
2.000005 [0 lua] "LPUSH" "q:processing:c7" "a" "b" "c")");
        a.settle(3000000);
        const auto t = takes(a);
        QCOMPARE(t.size(), 3);
        for (const auto& r : t) {
            QCOMPARE(r.consumerAddr, QByteArray("127.0.0.1:7"));
            QVERIFY(r.obs.certain);
        }
        QCOMPARE(t[0].payload, QByteArray("a"));
    }

    // A snapshot taken mid-stream: lines before its ECHO are replaced by it, lines after apply.
    void snapshotSyncsAtItsEcho()
    {
        TakeAttributor a("s", false);
        const auto seeds = a.takeSeedRequests();
        QCOMPARE(seeds.size(), 1);
        feed(a, "1.000000 [0 127.0.0.1:1] \"LPUSH\" \"s\" \"before\"\n"
                "1.000001 [0 127.0.0.1:9] \"ECHO\" \"" +
                    seeds[0].second +
                    "\"\n"
                    "1.000002 [0 127.0.0.1:1] \"LPUSH\" \"s\" \"after\"\n"
                    "1.000003 [0 127.0.0.1:2] \"RPOP\" \"s\" \"3\"");
        QCOMPARE(takes(a).size(), 0); // waiting for the reply
        a.seedReplied(seeds[0].second, 2, {"before", "old"});
        const auto t = takes(a);
        QCOMPARE(t.size(), 3);
        QCOMPARE(t[0].payload, QByteArray("old"));
        QCOMPARE(t[1].payload, QByteArray("before"));
        QCOMPARE(t[2].payload, QByteArray("after"));
    }

    // MONITOR names every unix-socket client "unix:<path>": a command from one of them must not
    // end another's wait.
    void unixSocketClientsDoNotEndEachOthersWait()
    {
        TakeAttributor a("u", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 unix:/tmp/r.sock] "BRPOP" "u" "0"
2.000001 [0 unix:/tmp/r.sock] "LPUSH" "u" "x")");
        a.settle(3000000);
        const auto t = takes(a);
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].payload, QByteArray("x"));
        QVERIFY(!t[0].obs.certain);
    }

    // pattern=1: every key matching the glob is modelled (each asks for its own snapshot); other
    // keys are ignored.
    void globTargetsModelEachMatchingKey()
    {
        TakeAttributor a("jobs:*", true);
        QVERIFY(a.takeSeedRequests().isEmpty());
        feed(a, R"(2.000000 [0 127.0.0.1:1] "LPUSH" "jobs:a" "x"
2.000001 [0 127.0.0.1:1] "LPUSH" "other" "y"
2.000002 [0 127.0.0.1:2] "RPOP" "jobs:a"
2.000003 [0 127.0.0.1:2] "RPOP" "other")");
        const auto seeds = a.takeSeedRequests();
        QCOMPARE(seeds.size(), 1);
        QCOMPARE(seeds[0].first, QByteArray("jobs:a"));
        const auto t = takes(a);
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].payload, QByteArray("x"));
        QCOMPARE(t[0].obs.key, QByteArray("jobs:a"));
    }

    // A pop the model does not follow (here BLMPOP) makes it drift; a length check at a marked
    // point finds it and asks for a fresh snapshot. A matching length asks for nothing.
    void lengthCheckFindsDrift()
    {
        TakeAttributor a("d", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 127.0.0.1:1] "LPUSH" "d" "a" "b")");
        auto checks = a.takeLengthChecks();
        QCOMPARE(checks.size(), 1);
        feed(a, "2.000001 [0 127.0.0.1:9] \"ECHO\" \"" + checks[0].second + '"');
        a.lengthReplied(checks[0].second, 2);
        QCOMPARE(a.driftsFound(), quint64(0));
        QVERIFY(a.takeSeedRequests().isEmpty());

        feed(a, R"(2.000002 [0 127.0.0.1:2] "BLMPOP" "0" "1" "d" "RIGHT")");
        checks = a.takeLengthChecks();
        QCOMPARE(checks.size(), 1);
        a.lengthReplied(checks[0].second, 1); // the reply may come before its ECHO line
        feed(a, "2.000003 [0 127.0.0.1:9] \"ECHO\" \"" + checks[0].second + '"');
        QCOMPARE(a.driftsFound(), quint64(1));
        const auto seeds = a.takeSeedRequests();
        QCOMPARE(seeds.size(), 1);
        QCOMPARE(seeds[0].first, QByteArray("d"));
    }

    // A transaction's first command comes after the previous command's waiters were served.
    void transactionAfterAPushSeesTheServedList()
    {
        TakeAttributor a("q", false);
        seedEmpty(a);
        feed(a, R"(2.000000 [0 127.0.0.1:1] "BRPOP" "q" "0"
2.000001 [0 127.0.0.1:2] "MULTI"
2.000002 [0 127.0.0.1:3] "LPUSH" "q" "m1"
2.000003 [0 127.0.0.1:2] "RPOP" "q"
2.000004 [0 127.0.0.1:2] "EXEC")");
        const auto t = takes(a);
        QCOMPARE(t.size(), 1);
        QCOMPARE(t[0].consumerAddr, QByteArray("127.0.0.1:1")); // the waiter, not the RPOP
    }

    void modelStaysBounded()
    {
        TakeAttributor::Limits l;
        l.maxItemsPerKey = 100;
        TakeAttributor a("big", false, l);
        seedEmpty(a);
        for (int i = 0; i < 1000; ++i)
            feed(a, "2.000000 [0 127.0.0.1:1] \"RPUSH\" \"big\" \"" + QByteArray::number(i) + '"');
        QCOMPARE(a.modelItems(), 100);
        a.rows().clear();
        feed(a, "3.000000 [0 127.0.0.1:2] \"LPOP\" \"big\"");
        const auto t = takes(a);
        QCOMPARE(t.size(), 1);
        QVERIFY(!t[0].payloadKnown); // forgotten, and says so
        QVERIFY(!t[0].obs.certain);
    }
};

QTEST_GUILESS_MAIN(TestTakeAttributor)
#include "tst_takeattributor.moc"
