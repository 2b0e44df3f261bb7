// The server view (View ▸ Server charts…) in the real MainWindow against a real redis-server:
// ops/s, memory, clients and pub/sub from INFO, sampled only while it is open.
#include "ConsoleSession.h"
#include "HistoryChartView.h"
#include "RedisConnection.h"
#include "ServerChartDialog.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAction>
#include <QLineSeries>
#include <QTemporaryDir>

using namespace rqc;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;

double lastOf(const ServerChartDialog* d, ChartSeries s)
{
    const SeriesRing* ring = d->history().series(s);
    return ring && ring->size() ? ring->last().value : -1;
}

qint64 infoField(const QByteArray& info, const QByteArray& field)
{
    const qsizetype at = info.indexOf("\n" + field + ":");
    if (at < 0)
        return -1;
    const qsizetype start = at + field.size() + 2;
    return info.mid(start, info.indexOf('\r', start) - start).toLongLong();
}
} // namespace

class TestServerChart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void chartsTheServerWhileOpen()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        auto window = test::openMainWindow(
            {str("--url"), m_server.url(), str("--settings"), m_dir.filePath(str("s.ini"))});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session() && window->session()->isReady(), kTimeoutMs);
        auto* action = window->findChild<QAction*>(str("serverChartsAction"));
        QVERIFY(action);
        QVERIFY(!window->findChild<ServerChartDialog*>());
        QVERIFY(!c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:charts"));

        test::SyncClient sub(m_server.settings());
        sub.command({"SUBSCRIBE", "news"});
        test::SyncClient psub(m_server.settings());
        psub.command({"PSUBSCRIBE", "alerts.*"});

        action->trigger();
        auto* dialog = window->findChild<ServerChartDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->history().samples() >= 3, kTimeoutMs);
        QCOMPARE(lastOf(dialog, ChartSeries::PubsubChannels), 1.0);
        QCOMPARE(lastOf(dialog, ChartSeries::PubsubPatterns), 1.0);
        QCOMPARE(lastOf(dialog, ChartSeries::BlockedClients), 0.0);
        const QByteArray info = c.command({"INFO", "clients"}).str;
        QVERIFY(lastOf(dialog, ChartSeries::ConnectedClients) >= 4); // c, sub, psub, charts
        QVERIFY(lastOf(dialog, ChartSeries::ConnectedClients) <=
                double(infoField(info, "connected_clients")) + 2);
        QVERIFY(lastOf(dialog, ChartSeries::UsedMemory) > 100000);
        QVERIFY(dialog->history().series(ChartSeries::OpsPerSec));
        QVERIFY(lastOf(dialog, ChartSeries::OpsPerSec) >= 0);
        QLineSeries* memory = dialog->memoryView()->lineFor(ChartSeries::UsedMemory);
        QVERIFY(memory && memory->isVisible() && memory->count() >= 3);

        // A client blocked in BLPOP shows up.
        test::SyncClient blocked(m_server.settings());
        blocked.connection()->send({"BLPOP", "nothing", "0"});
        QTRY_VERIFY_WITH_TIMEOUT(lastOf(dialog, ChartSeries::BlockedClients) == 1.0, kTimeoutMs);

        dialog->close();
        QVERIFY(!dialog->isSampling());
        QTRY_VERIFY_WITH_TIMEOUT(
            !c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:charts"), kTimeoutMs);
        action->trigger(); // the same view again
        QCOMPARE(window->findChildren<ServerChartDialog*>().size(), 1);
        QVERIFY(dialog->isSampling());
        dialog->close();
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestServerChart)
#include "tst_serverchart.moc"
