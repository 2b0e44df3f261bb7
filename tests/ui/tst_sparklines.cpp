// Depth sparklines in the real MainWindow's sidebar against a real redis-server: off by default
// (no sampling, no connection), and when on, only rows on screen are sampled, at most 50.
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "SidebarSparklines.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAction>
#include <QScrollBar>

using namespace rqc;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;
} // namespace

class TestSparklines : public QObject {
    Q_OBJECT
private:
    bool chartsClient()
    {
        test::SyncClient c(m_f.server.settings());
        return c.command({"CLIENT", "LIST"}).str.contains("name=rqconsole:charts");
    }

    // Every watched row is on screen.
    static bool allOnScreen(ServerSidebar* bar)
    {
        const QStringList keys = bar->sparklines()->watchedKeys();
        for (const QString& key : keys) {
            const auto kind = key.startsWith(QLatin1Char('l')) ? ServerTreeModel::Kind::List
                                                               : ServerTreeModel::Kind::Stream;
            const QModelIndex i = bar->treeModel()->findEntry(
                kind, QByteArray::fromPercentEncoding(key.mid(2).toLatin1()));
            const QRect r = bar->visualRect(i);
            if (!i.isValid() || r.bottom() < 0 || r.top() > bar->viewport()->height())
                return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        RQ_START_WINDOW_FIXTURE(m_f);
        test::SyncClient& c = *m_f.client;
        c.command({"FLUSHALL"});
        QList<QList<QByteArray>> fill;
        for (int i = 0; i < 300; ++i) {
            const QByteArray name = "q" + QByteArray::number(i).rightJustified(3, '0');
            fill.append({"RPUSH", name, "x"});
            if (i < 3)
                fill.append({"RPUSH", name, "y", "z"}); // q000..q002: 3 each
        }
        fill.append({"XADD", "zstream", "*", "f", "v"});
        c.pipeline(fill);
    }

    void offByDefault()
    {
        auto window = test::windowOn(m_f, {});
        QVERIFY(window);
        auto* bar = window->findChild<ServerSidebar*>();
        QVERIFY(bar);
        QTRY_VERIFY_WITH_TIMEOUT(
            bar->treeModel()->findEntry(ServerTreeModel::Kind::List, "q000").isValid(), kTimeoutMs);
        auto* action = window->findChild<QAction*>(str("sparklinesAction"));
        QVERIFY(action);
        QVERIFY(!action->isChecked());
        QTest::qWait(test::scaled(1200));
        QVERIFY(bar->sparklines()->watchedKeys().isEmpty());
        QVERIFY(!chartsClient());
    }

    void samplesOnlyRowsOnScreenAtMostFifty()
    {
        auto window = test::windowOn(m_f, {});
        QVERIFY(window);
        auto* bar = window->findChild<ServerSidebar*>();
        QTRY_VERIFY_WITH_TIMEOUT(
            bar->treeModel()->findEntry(ServerTreeModel::Kind::List, "q299").isValid(), kTimeoutMs);
        window->findChild<QAction*>(str("sparklinesAction"))->trigger();
        SidebarSparklines* lines = bar->sparklines();
        QTRY_VERIFY_WITH_TIMEOUT(!lines->watchedKeys().isEmpty(), kTimeoutMs);
        QVERIFY(lines->watchedKeys().size() < 300);
        QVERIFY(lines->watchedKeys().contains(str("l:q000")));
        QVERIFY(allOnScreen(bar));
        const QModelIndex first = bar->treeModel()->findEntry(ServerTreeModel::Kind::List, "q000");
        QTRY_VERIFY_WITH_TIMEOUT(lines->pointsFor(first) && lines->pointsFor(first)->size() >= 2,
                                 kTimeoutMs);
        QCOMPARE(lines->pointsFor(first)->last().value, 3.0);
        QVERIFY(chartsClient());

        // Scrolled to the end: the rows at the top are no longer sampled, the stream is.
        bar->verticalScrollBar()->setValue(bar->verticalScrollBar()->maximum());
        QTRY_VERIFY_WITH_TIMEOUT(lines->watchedKeys().contains(str("s:zstream")), kTimeoutMs);
        QVERIFY(!lines->watchedKeys().contains(str("l:q000")));
        QVERIFY(!lines->pointsFor(first));
        QVERIFY(allOnScreen(bar));
        const QModelIndex stream =
            bar->treeModel()->findEntry(ServerTreeModel::Kind::Stream, "zstream");
        QTRY_VERIFY_WITH_TIMEOUT(lines->pointsFor(stream) && lines->pointsFor(stream)->size() >= 1,
                                 kTimeoutMs);
        QCOMPARE(lines->pointsFor(stream)->last().value, 1.0);

        // A very tall sidebar shows more than 50 rows: 50 are sampled.
        bar->verticalScrollBar()->setValue(0);
        window->resize(1280, 3200);
        QTRY_COMPARE_WITH_TIMEOUT(lines->watchedKeys().size(), SidebarSparklines::kMaxRows,
                                  kTimeoutMs);
        QVERIFY(allOnScreen(bar));

        // Off again: nothing sampled, no connection.
        window->findChild<QAction*>(str("sparklinesAction"))->trigger();
        QVERIFY(lines->watchedKeys().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!chartsClient(), kTimeoutMs);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestSparklines)
#include "tst_sparklines.moc"
