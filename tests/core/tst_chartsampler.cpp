#include "ChartHistory.h"
#include "ChartSampler.h"
#include "TestSupport.h"

#include <QEventLoop>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace rqc;

namespace {

// Calls of one command since the last CONFIG RESETSTAT (INFO commandstats), 0 when never called.
qint64 callsOf(test::SyncClient& c, const QByteArray& command)
{
    const QByteArray info = c.command({"INFO", "commandstats"}).str;
    const QByteArray needle = "cmdstat_" + command.toLower() + ":calls=";
    const qsizetype at = info.indexOf(needle);
    if (at < 0)
        return 0;
    const qsizetype start = at + needle.size();
    return info.mid(start, info.indexOf(',', start) - start).toLongLong();
}

// Commands of every kind but INFO and CONFIG RESETSTAT (the test's own) since the last CONFIG
// RESETSTAT.
qint64 callsButInfo(test::SyncClient& c)
{
    const QList<QByteArray> lines = c.command({"INFO", "commandstats"}).str.split('\n');
    qint64 sum = 0;
    for (const QByteArray& line : lines) {
        if (!line.startsWith("cmdstat_") || line.startsWith("cmdstat_info:") ||
            line.startsWith("cmdstat_config|resetstat:") || line.startsWith("cmdstat_config:"))
            continue;
        const qsizetype at = line.indexOf("calls=") + 6;
        sum += line.mid(at, line.indexOf(',', at) - at).toLongLong();
    }
    return sum;
}

bool hasChartsClient(test::SyncClient& c)
{
    return c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:charts");
}

// Waits for the next sampled() of s, asking for it until it comes (the connection may still be
// opening). Returns its samples.
QHash<int, ChartSample> nextSample(ChartSampler& s, bool* ok)
{
    QHash<int, ChartSample> got;
    bool done = false;
    QEventLoop loop;
    auto c = QObject::connect(&s, &ChartSampler::sampled, &loop,
                              [&](qint64, const QHash<int, ChartSample>& samples) {
                                  got = samples;
                                  done = true;
                                  loop.quit();
                              });
    QTimer again;
    QObject::connect(&again, &QTimer::timeout, &s, [&s] { s.sampleNow(); });
    again.start(50);
    QTimer::singleShot(test::scaled(10000), &loop, &QEventLoop::quit);
    s.sampleNow();
    loop.exec();
    QObject::disconnect(c);
    *ok = done;
    return got;
}

} // namespace

class TestChartSampler : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void ringKeepsTheLastHourOnly()
    {
        SeriesRing ring;
        QCOMPARE(ring.capacity(), 3600);
        for (int i = 0; i < 5000; ++i)
            ring.append(i * 1000, i);
        QCOMPARE(ring.size(), 3600);
        QCOMPARE(ring.at(0).value, 1400.0);
        QCOMPARE(ring.last().value, 4999.0);
        QCOMPARE(ring.at(0).tMs, qint64(1400000));
    }

    void ratesFromCountersAndDeltas()
    {
        ChartHistory h;
        ChartSample s;
        s.depth = 10;
        h.add(1000, s, 0);
        s.depth = 14; // +4 in a second while the console took 6: 10 came in
        h.add(2000, s, 6);
        QVERIFY(h.series(ChartSeries::OutRate));
        QCOMPARE(h.series(ChartSeries::OutRate)->last().value, 6.0);
        QCOMPARE(h.series(ChartSeries::InRate)->last().value, 10.0);
        QVERIFY(!h.series(ChartSeries::NetRate));

        // Nobody here consumes: only the net change is honest.
        ChartHistory peek;
        ChartSample p;
        p.depth = 5;
        peek.add(0, p);
        p.depth = 3;
        peek.add(2000, p);
        QVERIFY(!peek.series(ChartSeries::InRate));
        QVERIFY(!peek.series(ChartSeries::OutRate));
        QCOMPARE(peek.series(ChartSeries::NetRate)->last().value, -1.0);

        // No rate is made up across a drop.
        peek.markDropped(2500);
        peek.markRestored(9000);
        p.depth = 100;
        peek.add(10000, p);
        QCOMPARE(peek.series(ChartSeries::NetRate)->size(), 1);
        QCOMPARE(int(peek.markers().size()), 2);
        QVERIFY(!peek.markers().front().restored);
        QVERIFY(peek.markers().back().restored);
    }

    void valuesMatchTheServer()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "jobs", "a", "b", "c", "d", "e"});
        c.command({"RPUSH", "jobs:processing:w1", "x", "y"});
        c.command({"RPUSH", "jobs:processing:w2", "z"});
        for (int i = 0; i < 7; ++i)
            c.command({"XADD", "events", "*", "n", QByteArray::number(i)});
        c.command({"XGROUP", "CREATE", "events", "g", "0"});
        c.command({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "events", ">"});
        c.command({"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "events", ">"});

        ChartSampler sampler(m_server.settings(), 0);
        SampleTarget list;
        list.key = "jobs";
        list.processingLists = {"jobs:processing:w1", "jobs:processing:w2"};
        SampleTarget stream;
        stream.kind = SampleTarget::Kind::Stream;
        stream.key = "events";
        stream.group = "g";
        SampleTarget missing;
        missing.kind = SampleTarget::Kind::Stream;
        missing.key = "no-such-stream";
        SampleTarget server;
        server.kind = SampleTarget::Kind::Server;
        const int l = sampler.watch(list);
        const int st = sampler.watch(stream);
        const int m = sampler.watch(missing);
        const int sv = sampler.watch(server);
        bool ok = false;
        const auto samples = nextSample(sampler, &ok);
        QVERIFY(ok);
        QCOMPARE(samples.size(), 4);

        QCOMPARE(samples[l].depth, c.command({"LLEN", "jobs"}).integer);
        QCOMPARE(samples[l].pending, qint64(3));
        QVERIFY(samples[l].error.isEmpty());

        QCOMPARE(samples[st].depth, c.command({"XLEN", "events"}).integer);
        const RedisReply pel = c.command({"XPENDING", "events", "g"});
        QCOMPARE(samples[st].pending, pel.elements.value(0).integer);
        QCOMPARE(samples[st].pending, qint64(4));
        QCOMPARE(samples[st].consumers, qint64(2));
        QCOMPARE(samples[st].lag, qint64(3));
        QCOMPARE(samples[st].readTotal, qint64(4));
        QCOMPARE(samples[st].addedTotal, qint64(7));

        QCOMPARE(samples[m].depth, qint64(0));
        QVERIFY2(samples[m].error.isEmpty(), qPrintable(samples[m].error));

        const QByteArray clients = c.command({"INFO", "clients"}).str;
        QVERIFY(samples[sv].connectedClients >= 2);
        QVERIFY(clients.contains("connected_clients:" +
                                 QByteArray::number(samples[sv].connectedClients)));
        QVERIFY(samples[sv].usedMemory > 0);
        QVERIFY(samples[sv].commandsTotal > 0);
        QCOMPARE(samples[sv].pubsubChannels, qint64(0));
        QCOMPARE(samples[sv].pubsubPatterns, qint64(0));
        QCOMPARE(samples[sv].blockedClients, qint64(0));

        // A list that is a string: Redis's own words, not a number.
        c.command({"SET", "jobs", "oops"});
        const auto wrong = nextSample(sampler, &ok);
        QVERIFY(ok);
        QVERIFY2(wrong[l].error.contains(QLatin1String("WRONGTYPE")), qPrintable(wrong[l].error));
    }

    void oneRoundTripPerTickForEverything()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        ChartSampler sampler(m_server.settings(), 100);
        QSignalSpy spy(&sampler, &ChartSampler::sampled);
        for (int i = 0; i < 20; ++i) {
            SampleTarget t;
            t.key = "q" + QByteArray::number(i);
            sampler.watch(t);
        }
        QVERIFY(test::waitUntil([&] { return spy.count() >= 3; }));
        using Samples = QHash<int, ChartSample>;
        QCOMPARE(spy.last().at(1).value<Samples>().size(), 20);
        QCOMPARE(sampler.roundTrips(), quint64(spy.count()));
    }

    void nothingSampledWhenNoChartIsVisible()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "jobs", "a"});
        ChartSampler sampler(m_server.settings(), 50);
        QSignalSpy spy(&sampler, &ChartSampler::sampled);
        c.command({"CONFIG", "RESETSTAT"});
        QTest::qWait(test::scaled(400));
        QCOMPARE(callsOf(c, "llen"), 0);
        QVERIFY(!hasChartsClient(c));

        SampleTarget t;
        t.key = "jobs";
        const int id = sampler.watch(t);
        QVERIFY(test::waitUntil([&] { return spy.count() >= 2; }));
        QVERIFY(callsOf(c, "llen") >= 2);
        QVERIFY(hasChartsClient(c));

        // Hidden again: the connection goes and not one command more reaches the server.
        sampler.unwatch(id);
        QVERIFY(test::waitUntil([&] { return !hasChartsClient(c); }));
        c.command({"CONFIG", "RESETSTAT"});
        const int before = spy.count();
        QTest::qWait(test::scaled(500)); // ten ticks' worth
        QCOMPARE(callsButInfo(c), 0);    // not one command
        QCOMPARE(spy.count(), before);
        QVERIFY(!hasChartsClient(c));
    }

    void memoryStaysBoundedPastAnHour()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "jobs", "a"});
        ChartSampler sampler(m_server.settings(), 0);
        qint64 fake = 1'000'000;
        sampler.setClock([&fake] { return fake; });
        SampleTarget t;
        t.key = "jobs";
        const int id = sampler.watch(t);
        ChartHistory history;
        connect(&sampler, &ChartSampler::sampled, this,
                [&](qint64 tMs, const QHash<int, ChartSample>& s) {
                    history.add(tMs, s.value(id), qint64(history.samples()));
                });
        bool ok = false;
        nextSample(sampler, &ok); // connected
        QVERIFY(ok);
        history.clear();
        qint64 heldAtHour = -1;
        const int total = 3600 + 450;
        // Each result asks for the next round trip, one simulated second later.
        connect(&sampler, &ChartSampler::sampled, this, [&] {
            if (history.samples() == 3600)
                heldAtHour = history.heldBytes();
            if (history.samples() < quint64(total)) {
                fake += 1000;
                sampler.sampleNow();
            }
        });
        fake += 1000;
        sampler.sampleNow();
        QVERIFY(test::waitUntil([&] { return history.samples() == quint64(total); }, 120000));
        QCOMPARE(history.samples(), quint64(total));
        const SeriesRing* depth = history.series(ChartSeries::Depth);
        QVERIFY(depth);
        QCOMPARE(depth->size(), 3600);
        QCOMPARE(depth->last().tMs, fake);
        QCOMPARE(depth->at(0).tMs, fake - 3599 * 1000);
        QCOMPARE(depth->last().value, 1.0);
        QCOMPARE(history.heldBytes(), heldAtHour);
        // Depth, in and out: three rings of an hour each, nothing else.
        QCOMPARE(history.presentSeries().size(), 3);
        QCOMPARE(history.heldBytes(), qint64(3 * 3600 * sizeof(SeriesRing::Point)));
    }

    void marksWhereTheConnectionDroppedAndCameBack()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        ChartSampler sampler(m_server.settings(), 100);
        QSignalSpy dropped(&sampler, &ChartSampler::connectionDropped);
        QSignalSpy restored(&sampler, &ChartSampler::connectionRestored);
        QSignalSpy sampled(&sampler, &ChartSampler::sampled);
        SampleTarget t;
        t.key = "jobs";
        sampler.watch(t);
        QVERIFY(test::waitUntil([&] { return sampled.count() >= 1; }));
        QCOMPARE(dropped.count(), 0);
        c.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
        QVERIFY(test::waitUntil([&] { return dropped.count() == 1; }));
        QVERIFY(test::waitUntil([&] { return restored.count() == 1; }));
        QVERIFY(restored.first().at(0).toLongLong() >= dropped.first().at(0).toLongLong());
        const int after = sampled.count();
        QVERIFY(test::waitUntil([&] { return sampled.count() > after; }));
    }

    void sharedPerServer()
    {
        auto a = ChartSampler::shared(m_server.settings());
        auto b = ChartSampler::shared(m_server.settings());
        QCOMPARE(a.get(), b.get());
        ChartSampler* raw = a.get();
        a.reset();
        b.reset();
        auto fresh = ChartSampler::shared(m_server.settings());
        QVERIFY(fresh);
        Q_UNUSED(raw)
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestChartSampler)
#include "tst_chartsampler.moc"
