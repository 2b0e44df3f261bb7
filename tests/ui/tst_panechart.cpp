// A pane's chart in the real MainWindow against a real redis-server: not even built (and
// sampling nothing) by default, built and shown from the pane's Chart button, with depth, rates,
// pending, lag and consumers that match the server, and markers where the sampler's connection
// dropped and came back.
#include "ChartSampler.h"
#include "HistoryChartView.h"
#include "PaneChart.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QLabel>
#include <QLineSeries>
#include <QTableView>
#include <QToolButton>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;

double lastOf(const PaneChart* chart, ChartSeries s)
{
    const SeriesRing* ring = chart->history().series(s);
    return ring && ring->size() ? ring->last().value : -1;
}
} // namespace

class TestPaneChart : public QObject {
    Q_OBJECT
private:
    bool chartsClient()
    {
        test::SyncClient c(m_f.server.settings());
        return c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:charts");
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void hiddenByDefaultShownFromThePane()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "jobs", "a", "b", "c"});
        auto window = test::windowOn(m_f, {str("peek:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QVERIFY(p);
        auto* button = child<QToolButton>(p, "chartButton");
        QVERIFY(button);
        QVERIFY(button->isEnabled());
        QVERIFY(!button->isChecked());
        QVERIFY(!p->chart());
        QTest::qWait(test::scaled(1500));
        QVERIFY(!chartsClient()); // hidden: not even a connection

        button->click();
        QVERIFY(p->chart()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Depth) == 3, kTimeoutMs);
        QVERIFY(chartsClient());
        c.command({"RPUSH", "jobs", "d", "e"});
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Depth) == 5, kTimeoutMs);
        // Nobody here consumes a peeked list: only the net change is drawn.
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().series(ChartSeries::NetRate), kTimeoutMs);
        QVERIFY(!p->chart()->history().series(ChartSeries::InRate));
        QLineSeries* depth = p->chart()->view()->lineFor(ChartSeries::Depth);
        QVERIFY(depth && depth->isVisible());
        QCOMPARE(depth->at(depth->count() - 1).y(), 5.0);

        button->click(); // hidden again: the sampler and its connection go
        QVERIFY(!p->chart()->isVisible());
        QVERIFY(!p->chart()->isSampling());
        QTRY_VERIFY_WITH_TIMEOUT(!chartsClient(), kTimeoutMs);
    }

    void listConsumerRatesFromThePanesOwnCount()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        auto window = test::windowOn(m_f, {str("list:work")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "work");
        QVERIFY(p);
        QTRY_VERIFY_WITH_TIMEOUT(p->consumerState() == ConsumerState::Listening, kTimeoutMs);
        child<QToolButton>(p, "chartButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().samples() >= 2, kTimeoutMs);
        for (int i = 0; i < 200; ++i)
            c.command({"LPUSH", "work", QByteArray::number(i)});
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(200), kTimeoutMs);
        // The out rate comes from what the pane took; in = out + the change in depth.
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().series(ChartSeries::OutRate), kTimeoutMs);
        double outSum = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const SeriesRing* out = p->chart()->history().series(ChartSeries::OutRate);
                outSum = 0;
                for (int i = 1; i < out->size(); ++i)
                    outSum +=
                        out->at(i).value * double(out->at(i).tMs - out->at(i - 1).tMs) / 1000.0;
                return outSum > 199.0;
            }(),
            kTimeoutMs);
        QVERIFY(p->chart()->history().series(ChartSeries::InRate));
        QVERIFY(!p->chart()->history().series(ChartSeries::NetRate));
    }

    void streamGroupPendingLagConsumers()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        for (int i = 0; i < 10; ++i)
            c.command({"XADD", "orders", "*", "message", QByteArray::number(i)});
        c.command({"XGROUP", "CREATE", "orders", "g", "0"});
        c.command({"XREADGROUP", "GROUP", "g", "other", "COUNT", "4", "STREAMS", "orders", ">"});
        auto window =
            test::windowOn(m_f, {str("stream:orders,group=g,consumer=c1,ack=manual,count=3")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "orders");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(6), kTimeoutMs);
        child<QToolButton>(p, "chartButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Pending) == 10, kTimeoutMs);
        QCOMPARE(c.command({"XPENDING", "orders", "g"}).elements.value(0).integer, 10);
        QCOMPARE(lastOf(p->chart(), ChartSeries::Depth), 10.0);
        QCOMPARE(lastOf(p->chart(), ChartSeries::Consumers), 2.0);
        QCOMPARE(lastOf(p->chart(), ChartSeries::Lag), 0.0);
        c.command({"XADD", "orders", "*", "message", "late"});
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Depth) == 11, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().series(ChartSeries::InRate), kTimeoutMs);
    }

    // Another group of the same stream is another queue to chart: its history starts again.
    void changingTheGroupRestartsTheHistory()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        for (int i = 0; i < 5; ++i)
            c.command({"XADD", "events", "*", "message", QByteArray::number(i)});
        c.command({"XGROUP", "CREATE", "events", "g1", "0"}); // reads all five
        c.command({"XGROUP", "CREATE", "events", "g2", "$"}); // has read everything
        auto window = test::windowOn(m_f, {str("stream:events,group=g1,consumer=c1,ack=manual")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "events");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(5), kTimeoutMs);
        child<QToolButton>(p, "chartButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().samples() >= 3, 3 * kTimeoutMs);
        QCOMPARE(lastOf(p->chart(), ChartSeries::Pending), 5.0);

        ConsumerSpec spec = p->spec();
        spec.options.insert(str("group"), str("g2"));
        p->setSpec(spec);
        QVERIFY(p->chart()->history().samples() < 2); // started again, not continued
        QVERIFY(p->chart()->isSampling());
        // g2's own figures: nothing pending (g1's five are not carried over), then one.
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().samples() >= 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Pending) == 0, kTimeoutMs);
        c.command({"XADD", "events", "*", "message", "late"});
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Pending) == 1, kTimeoutMs);
    }

    // A reliable list's pending is what the discovery found: the legend and note say so.
    void reliablePendingSaysWhichListsItCounts()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "tasks", "a", "b", "c"});
        auto window = test::windowOn(m_f, {str("reliable:tasks,consumer=w1,ack=manual")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "tasks");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(3), kTimeoutMs);
        child<QToolButton>(p, "chartButton")->click();
        QLineSeries* pending = p->chart()->view()->lineFor(ChartSeries::Pending);
        QVERIFY(pending);
        QVERIFY2(pending->name().startsWith(str("pending (processing lists found: ")),
                 qPrintable(pending->name()));
        // The sidebar's discovery finds tasks:processing:w1; pending then counts its 3 items.
        QTRY_COMPARE_WITH_TIMEOUT(pending->name(), str("pending (processing lists found: 1)"),
                                  3 * kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(p->chart(), ChartSeries::Pending) == 3, kTimeoutMs);
        const QString note = child<QLabel>(p, "chartNote")->text();
        QVERIFY2(note.contains(str("tasks:processing:* lists the sidebar's discovery has found "
                                   "(1 so far)")),
                 qPrintable(note));
    }

    void markersWhereTheConnectionDroppedAndCameBack()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "jobs", "a"});
        auto window = test::windowOn(m_f, {str("peek:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        child<QToolButton>(p, "chartButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().samples() >= 1, kTimeoutMs);
        QCOMPARE(p->chart()->view()->droppedMarkers(), 0);
        const QByteArray list = c.command({"CLIENT", "LIST"}).str;
        qint64 id = -1;
        for (const QByteArray& line : list.split('\n'))
            if (line.contains("name=rqconsole:charts"))
                id = line.mid(3, line.indexOf(' ') - 3).toLongLong();
        QVERIFY(id > 0);
        c.command({"CLIENT", "KILL", "ID", QByteArray::number(id)});
        QTRY_COMPARE_WITH_TIMEOUT(p->chart()->view()->droppedMarkers(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->chart()->view()->restoredMarkers(), 1, kTimeoutMs);
        const quint64 before = p->chart()->history().samples();
        QTRY_VERIFY_WITH_TIMEOUT(p->chart()->history().samples() > before, kTimeoutMs);
    }

    void nothingToChartForPubSub()
    {
        auto window = test::windowOn(m_f, {str("pubsub:news")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "news");
        QVERIFY(p);
        QVERIFY(!child<QToolButton>(p, "chartButton")->isEnabled());
        QVERIFY(!p->chart());
        // Switched to a mode with a depth, the button can build the chart.
        ConsumerSpec spec = p->spec();
        spec.mode = Mode::Peek;
        p->setSpec(spec);
        auto* button = child<QToolButton>(p, "chartButton");
        QVERIFY(button->isEnabled());
        button->click();
        QVERIFY(p->chart() && p->chart()->isVisible() && p->chart()->chartable());
        // Back to pub/sub: the button unchecks and the chart hides.
        spec.mode = Mode::PubSub;
        p->setSpec(spec);
        QVERIFY(!button->isEnabled());
        QVERIFY(!button->isChecked());
        QVERIFY(!p->chart()->isVisible());
    }

    // Charts are hidden by default, so a pane builds its chart (a QChart with its series, axes
    // and scene) only when its Chart button is first checked; hiding and showing reuse it.
    void builtOnlyWhenFirstOpened()
    {
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        auto window = test::windowOn(m_f, {str("peek:a"), str("list:b"), str("stream:c,group=g")});
        QVERIFY(window);
        QCOMPARE(window->findChildren<QueuePane*>().size(), 3);
        QVERIFY(window->findChildren<PaneChart*>().isEmpty());
        QVERIFY(window->findChildren<HistoryChartView*>().isEmpty());
        QueuePane* b = pane(window.get(), "b");
        QVERIFY(b && !b->chart());
        auto* button = child<QToolButton>(b, "chartButton");
        QVERIFY(button->isEnabled());
        button->click();
        PaneChart* chart = b->chart();
        QVERIFY(chart && chart->isVisible());
        QCOMPARE(window->findChildren<PaneChart*>(), QList<PaneChart*>{chart});
        QCOMPARE(window->findChildren<HistoryChartView*>().size(), 1);
        QVERIFY(b->isAncestorOf(chart));
        QTRY_VERIFY_WITH_TIMEOUT(chart->isSampling(), kTimeoutMs);
        button->click();
        QVERIFY(!chart->isVisible() && !chart->isSampling());
        button->click();
        QCOMPARE(b->chart(), chart); // the same one, with what it kept
        QVERIFY(chart->isVisible());
        QCOMPARE(window->findChildren<PaneChart*>().size(), 1);
        // The other panes never opened theirs: none was built.
        for (const char* target : {"a", "c"}) {
            QueuePane* other = pane(window.get(), target);
            QVERIFY(other && !other->chart());
            QVERIFY(other->findChildren<PaneChart*>().isEmpty());
            QVERIFY(other->findChildren<HistoryChartView*>().isEmpty());
        }
    }

    // Not a check: with RQ_CHART_SCREENSHOT=FILE, a minute of a stream group pane taking a
    // producer's bursts of MessagePack payloads (and one dropped sampler connection), with one
    // row's payload decoded in the payload view: the README's picture.
    void screenshot()
    {
        const QString file = qEnvironmentVariable("RQ_CHART_SCREENSHOT");
        if (file.isEmpty())
            QSKIP("RQ_CHART_SCREENSHOT not set");
        test::SyncClient c(m_f.server.settings());
        c.command({"FLUSHALL"});
        auto window = test::windowOn(m_f, {str("stream:orders,group=billing,ack=manual")});
        QVERIFY(window);
        window->resize(1280, 900);
        QueuePane* p = pane(window.get(), "orders");
        QTRY_VERIFY_WITH_TIMEOUT(p->consumerState() == ConsumerState::Listening, kTimeoutMs);
        child<QToolButton>(p, "chartButton")->click();
        test::SyncClient producer(m_f.server.settings());
        const QList<QByteArray> items{"tea", "scones", "jam", "clotted cream"};
        for (int second = 0; second < 75; ++second) {
            const int burst =
                second % 20 < 8 ? 40 + 5 * (second % 20) : (second % 20 < 12 ? 0 : 12);
            QList<QList<QByteArray>> cmds;
            for (int i = 0; i < burst; ++i) {
                // msgpack {"order": <n>, "item": <name>, "qty": <1..5>}
                const quint32 order = quint32(second * 100 + i);
                const QByteArray& item = items[(second + i) % items.size()];
                QByteArray m("\x83\xa5order\xce", 8);
                for (int shift = 24; shift >= 0; shift -= 8)
                    m.append(char((order >> shift) & 0xff));
                m += "\xa4item";
                m.append(char(0xa0 | item.size()));
                m += item;
                m += "\xa3qty";
                m.append(char(1 + i % 5));
                cmds.append({"XADD", "orders", "*", "message", m});
            }
            if (!cmds.isEmpty())
                producer.pipeline(cmds);
            if (second == 40) {
                for (const QByteArray& line : c.command({"CLIENT", "LIST"}).str.split('\n'))
                    if (line.contains("name=rqconsole:charts"))
                        c.command({"CLIENT", "KILL", "ID", line.mid(3, line.indexOf(' ') - 3)});
            }
            QTest::qWait(1000);
        }
        auto* view = child<QTableView>(p, "messageView");
        view->setCurrentIndex(view->model()->index(view->model()->rowCount() - 3, 0));
        QTest::qWait(300);
        QVERIFY(window->grab().save(file));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestPaneChart)
#include "tst_panechart.moc"
