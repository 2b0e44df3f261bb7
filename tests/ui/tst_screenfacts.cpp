// What the screen claims is a fact just read, or unknown (–) with the reason (issue 9, defect 5):
// the real MainWindow, offscreen, against real redis-servers.
#include "ConsoleSession.h"
#include "Consumer.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;
} // namespace

class TestScreenFacts : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        RQ_START_SERVER(m_server);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void init() { m_client->command({"FLUSHALL"}); }
    void cleanupTestCase() { m_client.reset(); }

    void listPaneOnStringKeyShowsNoDepth()
    {
        m_client->command({"SET", "astring", "hello"});
        auto window = makeWindow(m_server, {str("--pane"), str("list:astring")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "astring");
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().contains(str("WRONGTYPE")), kTimeoutMs);
        // Snapshots keep coming (the key is in no list): none may turn it into "depth 0".
        waitForSnapshots(window.get(), 2);
        QVERIFY2(p->statusText().contains(str("depth – (WRONGTYPE: astring is not a list")),
                 qPrintable(p->statusText()));
        QVERIFY2(!p->statusText().contains(str("depth 0")), qPrintable(p->statusText()));
    }

    void streamPaneOnListShowsNoLength()
    {
        m_client->command({"RPUSH", "alist", "a", "b", "c"});
        auto window = makeWindow(m_server, {str("--pane"), str("tail:alist")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "alist");
        waitForSnapshots(window.get(), 2);
        QTRY_VERIFY2_WITH_TIMEOUT(
            p->statusText().contains(str("length – (WRONGTYPE: alist holds a list, not a stream)")),
            qPrintable(p->statusText()), kTimeoutMs);
        QVERIFY2(!p->statusText().contains(str("length 0")), qPrintable(p->statusText()));
        // The key becomes a stream: its length is a fact again.
        m_client->command({"DEL", "alist"});
        m_client->command({"XADD", "alist", "*", "f", "v"});
        window->session()->refreshNow();
        QTRY_VERIFY2_WITH_TIMEOUT(p->statusText().contains(str("length 1")),
                                  qPrintable(p->statusText()), kTimeoutMs);
    }

    // A stream entry without a "message" field (the pane's payload field) is shown by its fields,
    // not as an empty "0 B" row with an empty payload (seen on a production-like server).
    void streamEntryWithoutPayloadFieldShowsItsFields()
    {
        for (const char* spec : {"tail:orders", "stream:orders,group=g"}) {
            m_client->command({"DEL", "orders"});
            m_client->command({"XADD", "orders", "*", "message", "first"}); // the key exists
            auto window = makeWindow(m_server, {str("--pane"), str(spec)});
            QVERIFY(window);
            QueuePane* p = pane(window.get(), "orders");
            QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
            m_client->command({"XADD", "orders", "*", "order", "513", "currency", "EUR"});
            QTRY_VERIFY_WITH_TIMEOUT(
                p->model()->rowCount() >= 1 &&
                    !p->model()->messageAt(p->model()->rowCount() - 1).fields.isEmpty(),
                kTimeoutMs);
            const int row = p->model()->rowCount() - 1;
            const auto shown = [&](int column) {
                return p->model()->index(row, column).data().toString();
            };
            QCOMPARE(shown(MessageModel::PreviewColumn), str("order=513 currency=EUR"));
            QCOMPARE(shown(MessageModel::SizeColumn), str("19 B"));
            auto* view = child<QTableView>(p, "messageView");
            view->setCurrentIndex(p->proxy()->mapFromSource(p->model()->index(row, 0)));
            const QString text = child<QPlainTextEdit>(p, "payloadText")->placeholderText();
            QVERIFY2(text.contains(str("order = 513\ncurrency = EUR")), qPrintable(text));
            QVERIFY2(!text.contains(str("empty payload")), qPrintable(text));
        }
    }

    void peekOnStringKeyShowsNoDepth()
    {
        m_client->command({"SET", "plain", "x"});
        auto window = makeWindow(m_server, {str("--pane"), str("peek:plain")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "plain");
        QTRY_VERIFY2_WITH_TIMEOUT(
            p->statusText().contains(str("depth – (WRONGTYPE: plain holds a string)")),
            qPrintable(p->statusText()), kTimeoutMs);
    }

    void deadServerShowsNoSubscribersAndAStaleSidebar()
    {
        SandboxServer own;
        RQ_START_SERVER(own);
        auto window = makeWindow(own, {str("--pane"), str("pubsub:news")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "news");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        window->session()->refreshNow();
        QTRY_VERIFY2_WITH_TIMEOUT(p->statusText().contains(str("1 subscriber")),
                                  qPrintable(p->statusText()), kTimeoutMs);
        auto* sidebar = window->findChild<ServerSidebar*>();
        QVERIFY(sidebar);
        QStandardItem* status = sidebar->treeModel()->statusItem();
        QVERIFY(!status->text().contains(str("unreachable")));

        own.stop();
        QTRY_VERIFY2_WITH_TIMEOUT(
            p->statusText().contains(str("subscribers – (server unreachable since ")),
            qPrintable(p->statusText()), kTimeoutMs);
        QVERIFY2(!p->statusText().contains(str("subscriber(s)")) &&
                     !p->statusText().contains(str("1 subscriber")),
                 qPrintable(p->statusText()));
        QTRY_VERIFY2_WITH_TIMEOUT(status->text().startsWith(str("Sidebar last refreshed ")) &&
                                      status->text().endsWith(str(" — server unreachable")),
                                  qPrintable(status->text()), kTimeoutMs);
        QVERIFY(!status->toolTip().isEmpty()); // the reason

        // Back: facts again, and the sidebar no longer says it is stale.
        QVERIFY(own.restart());
        QTRY_VERIFY2_WITH_TIMEOUT(p->statusText().contains(str("1 subscriber")),
                                  qPrintable(p->statusText()), 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(!status->text().contains(str("unreachable")),
                                  qPrintable(status->text()), kTimeoutMs);
    }

private:
    std::unique_ptr<MainWindow> makeWindow(SandboxServer& server, const QStringList& extra)
    {
        const QString settings = m_dir.filePath(QStringLiteral("s-%1.ini").arg(++m_count));
        return openMainWindow(QStringList{str("--url"), server.url(), str("--settings"), settings} +
                              extra);
    }
    static void waitForSnapshots(MainWindow* window, int count)
    {
        QSignalSpy spy(window->session(), &ConsoleSession::snapshotReady);
        for (int i = 0; i < count; ++i) {
            window->session()->refreshNow();
            QTRY_VERIFY_WITH_TIMEOUT(spy.size() > i, kTimeoutMs);
        }
    }

    QTemporaryDir m_dir;
    int m_count = 0;
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_MAIN(TestScreenFacts)
#include "tst_screenfacts.moc"
