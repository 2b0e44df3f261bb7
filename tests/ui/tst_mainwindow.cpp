// Drives the real MainWindow, offscreen, against a private redis-server.
#include "AppOptions.h"
#include "ConsoleSession.h"
#include "Consumer.h"
#include "ConsumerCensus.h"
#include "ConsumersLine.h"
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "NewPaneDialog.h"
#include "PaneStatusLine.h"
#include "PayloadView.h"
#include "Publisher.h"
#include "QueuePane.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

#include <csignal>
#include <memory>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 8000;
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<MainWindow> makeWindow(const QStringList& extra = {},
                                           const QString& settings = {})
    {
        return test::windowOn(m_f, {}, settings, extra);
    }

    // The classic pair consuming, chosen on the command line (the first run consumes only on
    // the sandbox).
    std::unique_ptr<MainWindow> makeClassicWindow()
    {
        return makeWindow({str("--pane"), str("list:queue1"), str("--pane"), str("list:queue2")});
    }

    qint64 subscribers(const QByteArray& channel)
    {
        const RedisReply r = m_f.client->command({"PUBSUB", "NUMSUB", channel});
        return r.elements.size() == 2 ? r.elements[1].integer : -1;
    }

    static QString guarantee(QueuePane* p) { return child<QLabel>(p, "guaranteeLabel")->text(); }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void init() { m_f.client->command({"FLUSHALL"}); }

    void firstRunOpensQueue1AndQueue2SideBySide()
    {
        auto window = makeWindow();
        QVERIFY(window);
        QCOMPARE(window->objectName(), str("mainWindow"));
        QCOMPARE(window->panes().size(), 2);
        QueuePane* q1 = pane(window.get(), "queue1");
        QueuePane* q2 = pane(window.get(), "queue2");
        QVERIFY(q1 && q2);
        // Not the sandbox: the pair opens reading only, and says why.
        QTRY_COMPARE_WITH_TIMEOUT(q1->spec().mode, Mode::Peek, kTimeoutMs);
        QCOMPARE(q2->spec().mode, Mode::Peek);
        QVERIFY2(q1->errorText().contains(str("not the console's sandbox")),
                 qPrintable(q1->errorText()));
        auto* splitter = window->findChild<QSplitter*>(str("paneSplitter"));
        QVERIFY(splitter);
        QCOMPARE(splitter->orientation(), Qt::Horizontal);
        QVERIFY(q1->isVisible() && q2->isVisible());
        QVERIFY(q1->width() > 200 && q2->width() > 200);
        QVERIFY(q1->geometry().right() < q2->geometry().left());
        QCOMPARE(q1->geometry().top(), q2->geometry().top());
        QVERIFY(window->findChild<ServerSidebar*>(str("serverSidebar")));
        const auto* connection = window->findChild<QLabel*>(str("connectionLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(connection->text().contains(m_f.server.url()), kTimeoutMs);
        QCOMPARE(guarantee(q1), ConsumerSpec::guarantee(Mode::Peek));
        QVERIFY(q1->findChildren<Consumer*>().isEmpty());
    }

    void typedMessageIsConsumedByItsOwnPane()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        QueuePane* q2 = pane(window.get(), "queue2");
        QTRY_COMPARE_WITH_TIMEOUT(q1->consumerState(), ConsumerState::Listening, kTimeoutMs);
        auto* edit = child<QPlainTextEdit>(q1, "messageEdit");
        edit->setFocus();
        QTest::keyClicks(edit, str("hello from queue1"));
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(q1->model()->messageAt(0).payload, QByteArray("hello from queue1"));
        QCOMPARE(q1->model()->messageAt(0).source, QByteArray("queue1"));
        QCOMPARE(edit->toPlainText(), str("hello from queue1")); // Ctrl+Enter added no newline
        QTRY_COMPARE(q1->sentTotal(), quint64(1));
        QCOMPARE(q2->model()->rowCount(), 0);
        QCOMPARE(q2->receivedTotal(), quint64(0));
        QCOMPARE(m_f.client->command({"LLEN", "queue1"}).integer, 0);
        // Selecting the row shows its payload.
        auto* view = child<QTableView>(q1, "messageView");
        view->setCurrentIndex(view->model()->index(0, 0));
        auto* payload = q1->findChild<PayloadView*>(str("payloadView"));
        QVERIFY(payload && payload->hasMessage());
        QCOMPARE(payload->message().payload, QByteArray("hello from queue1"));
        QTRY_VERIFY(child<QLabel>(q1, "statusLine")->text().contains(str("received 1")));
    }

    void messagePushedByAnotherClientAppears()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q2 = pane(window.get(), "queue2");
        m_f.client->command({"LPUSH", "queue2", "from outside"});
        QTRY_COMPARE_WITH_TIMEOUT(q2->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(q2->model()->messageAt(0).payload, QByteArray("from outside"));
        QCOMPARE(pane(window.get(), "queue1")->model()->rowCount(), 0);
    }

    void pubSubMessagesAppear()
    {
        auto window =
            makeWindow({str("--pane"), str("pubsub:news"), str("--pane"), str("pattern:news.*")});
        QVERIFY(window);
        QCOMPARE(window->panes().size(), 2);
        QueuePane* news = pane(window.get(), "news");
        QueuePane* pattern = pane(window.get(), "news.*");
        QVERIFY(news && pattern);
        QCOMPARE(guarantee(news), ConsumerSpec::guarantee(Mode::PubSub));
        QTRY_COMPARE_WITH_TIMEOUT(news->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(pattern->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(subscribers("news"), 1, kTimeoutMs);
        QCOMPARE(m_f.client->command({"PUBLISH", "news", "extra"}).integer, 1);
        QTRY_COMPARE_WITH_TIMEOUT(news->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(news->model()->messageAt(0).payload, QByteArray("extra"));
        // Its subscriber's output buffer on the server, read by the pane's own watch (issue 9).
        auto* buffer = child<QLabel>(news, "subscriberBuffer");
        QVERIFY(buffer->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(
            buffer->text().contains(str("Redis output buffer for this subscriber: 0 B")),
            kTimeoutMs);
        QVERIFY2(buffer->text().contains(str("disconnects at 32.0 MiB, or 8.0 MiB for 60 s")),
                 qPrintable(buffer->text()));
        QTRY_COMPARE_WITH_TIMEOUT(m_f.client->command({"PUBSUB", "NUMPAT"}).integer, 1, kTimeoutMs);
        // The pattern pane publishes to a concrete channel it names.
        auto* publishTo = child<QLineEdit>(pattern, "publishToEdit");
        QVERIFY(publishTo->isVisible());
        publishTo->setText(str("news.sport"));
        QTest::keyClicks(child<QPlainTextEdit>(pattern, "messageEdit"), str("goal"));
        QTest::mouseClick(child<QAbstractButton>(pattern, "sendButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(pattern->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(pattern->model()->messageAt(0).source, QByteArray("news.sport"));
        QCOMPARE(pattern->model()->messageAt(0).pattern, QByteArray("news.*"));
        QCOMPARE(news->model()->rowCount(), 1);
        // The Pub/Sub pane's own entry box publishes to its channel.
        auto* edit = child<QPlainTextEdit>(news, "messageEdit");
        QTest::keyClicks(edit, str("own"));
        QTest::keyClick(edit, Qt::Key_Enter, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(news->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(news->model()->messageAt(1).payload, QByteArray("own"));
    }

    void switchingModeRestartsTheConsumer()
    {
        auto window = makeWindow({str("--pane"), str("list:switchy")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "switchy");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        auto* combo = child<QComboBox>(p, "modeCombo");
        QCOMPARE(combo->currentText(), ConsumerSpec::modeLabel(Mode::List));
        combo->setCurrentIndex(combo->findData(int(Mode::PubSub)));
        QCOMPARE(p->spec().mode, Mode::PubSub);
        QCOMPARE(guarantee(p), ConsumerSpec::guarantee(Mode::PubSub));
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        // The list consumer is gone: one consumer left, and a pushed message stays in Redis.
        QTRY_COMPARE_WITH_TIMEOUT(p->findChildren<Consumer*>().size(), 1, kTimeoutMs);
        m_f.client->command({"LPUSH", "switchy", "stays"});
        QTRY_COMPARE_WITH_TIMEOUT(subscribers("switchy"), 1, kTimeoutMs);
        QCOMPARE(m_f.client->command({"PUBLISH", "switchy", "ps"}).integer, 1);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("ps"));
        QCOMPARE(m_f.client->command({"LLEN", "switchy"}).integer, 1);
        // And back: the list consumer takes it.
        combo->setCurrentIndex(combo->findData(int(Mode::List)));
        QCOMPARE(guarantee(p), ConsumerSpec::guarantee(Mode::List));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(1).payload, QByteArray("stays"));
    }

    void wrongTypeErrorShownInPane()
    {
        m_f.client->command({"HSET", "ahash", "field", "value"});
        auto window = makeWindow({str("--pane"), str("list:ahash"), str("--pane"), str("list:ok")});
        QVERIFY(window);
        QueuePane* bad = pane(window.get(), "ahash");
        QueuePane* good = pane(window.get(), "ok");
        auto* error = child<QLabel>(bad, "errorLabel");
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), kTimeoutMs);
        QVERIFY2(error->text().contains(str("WRONGTYPE")), qPrintable(error->text()));
        QVERIFY(bad->errorText().contains(str("WRONGTYPE")));
        QVERIFY(window->statusBar()->currentMessage().contains(str("WRONGTYPE")));
        QVERIFY(!child<QLabel>(good, "errorLabel")->isVisible());
        // The window goes on working.
        m_f.client->command({"LPUSH", "ok", "still fine"});
        QTRY_COMPARE_WITH_TIMEOUT(good->model()->rowCount(), 1, kTimeoutMs);
        // Dismissing hides it.
        QMetaObject::invokeMethod(error, "linkActivated", Q_ARG(QString, str("#dismiss")));
        QVERIFY(!error->isVisible());
    }

    void filterBoxFilters()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        m_f.client->command({"LPUSH", "queue1", "apple", "banana", "apricot"});
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 3, kTimeoutMs);
        auto* view = child<QTableView>(q1, "messageView");
        auto* filter = child<QLineEdit>(q1, "filterEdit");
        QTest::keyClicks(filter, str("AP"));
        QCOMPARE(view->model()->rowCount(), 2);
        filter->clear();
        QCOMPARE(view->model()->rowCount(), 3);
        QTest::keyClicks(filter, str("queue1")); // the source column matches too
        QCOMPARE(view->model()->rowCount(), 3);
        filter->setText(str("nothing like it"));
        QCOMPARE(view->model()->rowCount(), 0);
    }

    void repeatCountSendsThatMany()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        child<QSpinBox>(q1, "repeatSpin")->setValue(100);
        QTest::keyClicks(child<QPlainTextEdit>(q1, "messageEdit"), str("burst"));
        QTest::mouseClick(child<QAbstractButton>(q1, "sendButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 100, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(q1->sentTotal(), quint64(100), kTimeoutMs);
        QCOMPARE(q1->receivedTotal(), quint64(100));
        for (int i = 0; i < 100; ++i)
            QCOMPARE(q1->model()->messageAt(i).payload, QByteArray("burst"));
        QCOMPARE(pane(window.get(), "queue2")->receivedTotal(), quint64(0));
    }

    void pauseHoldsBackAndClearEmpties()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        auto* pause = child<QAbstractButton>(q1, "pauseButton");
        QVERIFY(pause->isCheckable());
        pause->click();
        m_f.client->command({"LPUSH", "queue1", "a", "b"});
        QTRY_COMPARE_WITH_TIMEOUT(q1->receivedTotal(), quint64(2), kTimeoutMs);
        QCOMPARE(q1->model()->rowCount(), 0);
        QTRY_VERIFY(child<QLabel>(q1, "statusLine")->text().contains(str("2 held")));
        pause->click();
        QCOMPARE(q1->model()->rowCount(), 2);
        child<QAbstractButton>(q1, "clearButton")->click();
        QCOMPARE(q1->model()->rowCount(), 0);
        QCOMPARE(q1->receivedTotal(), quint64(2));
    }

    // Right after a drain the depth read before it is not shown as if it were current, and it is
    // read again as soon as the consumer is idle.
    void staleDepthIsMarkedThenRefreshed()
    {
        auto window = makeWindow({str("--pane"), str("list:drained")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "drained");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QSignalSpy wanted(p, &QueuePane::depthRefreshWanted);
        QList<QByteArray> push{"LPUSH", "drained"};
        for (int i = 0; i < 500; ++i)
            push << QByteArray::number(i);
        m_f.client->command(push);
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(500), kTimeoutMs);
        // A snapshot taken before the last batch arrives late: its depth is shown with its age.
        ServerSnapshot old;
        old.lists.append({"drained", 499});
        old.takenAtMs = QDateTime::currentMSecsSinceEpoch() - 60000;
        p->applySnapshot(old);
        QVERIFY2(
            p->statusText().contains(QRegularExpression(str("depth 499 \\(read 6[01] s ago\\)"))),
            qPrintable(p->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(!wanted.isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("depth 0")), kTimeoutMs);
        QVERIFY2(!p->statusText().contains(str("ago")), qPrintable(p->statusText()));
        QVERIFY(p->statusText().contains(str("received 500")));
    }

    // A drain hands the pane tens of thousands of rows at once; they reach the view a chunk at a
    // time, in order, and what the ring cannot keep is counted as dropped.
    void bigBatchesReachTheViewInOrder()
    {
        auto window = makeWindow({str("--pane"), str("list:bulk")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "bulk");
        p->setCapacity(5000);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        child<QAbstractButton>(p, "pauseButton")->click(); // held back, then released at once
        constexpr int kMessages = 30000;
        QVERIFY(m_f.client->pipeline(
            kMessages,
            [](quint64 i, QByteArray& out) {
                appendCommand(out, {"LPUSH", "bulk", QByteArray::number(i)});
            },
            1000, 2));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(kMessages), kTimeoutMs);
        QCOMPARE(p->model()->rowCount(), 0);
        child<QAbstractButton>(p, "pauseButton")->click();
        QVERIFY(p->model()->rowCount() < 5000); // not all in one go
        QTRY_COMPARE(p->model()->rowCount(), 5000);
        for (int row = 0; row < 5000; ++row)
            QCOMPARE(p->model()->messageAt(row).payload,
                     QByteArray::number(kMessages - 5000 + row));
        QTRY_VERIFY2(p->statusText().contains(str("dropped 25,000")), qPrintable(p->statusText()));
    }

    // Typing a filter while rows pour in: the proxy stays a valid model throughout and ends up
    // showing exactly the matching rows of the ring.
    void filterWhileRowsArrive()
    {
        auto window = makeWindow({str("--pane"), str("list:pour")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "pour");
        p->setCapacity(20000);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QAbstractItemModelTester tester(p->proxy(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Under sanitizers (timeScale() > 1) fewer rows, still more than the view's capacity:
        // 60,000 through QAbstractItemModelTester stalled the pipeline for over 30 s under ASan.
        const int kMessages = test::timeScale() > 1 ? 24000 : 60000;
        QVERIFY(m_f.client->pipeline(
            kMessages,
            [](quint64 i, QByteArray& out) {
                appendCommand(out, {"LPUSH", "pour", "m-" + QByteArray::number(i)});
            },
            500, 2));
        auto* filter = child<QLineEdit>(p, "filterEdit");
        QTRY_VERIFY_WITH_TIMEOUT(p->receivedTotal() > 0, kTimeoutMs);
        QTest::keyClicks(filter, str("7"));
        QTest::keyClicks(filter, str("7"));
        QCOMPARE(p->proxy()->filterText(), str("77"));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(kMessages), kTimeoutMs);
        QTRY_VERIFY(!p->proxy()->isScanning());
        QList<quint64> expected;
        for (int row = 0; row < p->model()->rowCount(); ++row) {
            if (p->model()->messageAt(row).payload.contains("77"))
                expected << p->model()->messageAt(row).seq;
        }
        QList<quint64> shown;
        for (int row = 0; row < p->proxy()->rowCount(); ++row)
            shown << p->proxy()->index(row, 0).data(MessageModel::SequenceRole).value<quint64>();
        QCOMPARE(shown.size(), expected.size());
        QCOMPARE(shown, expected);
        QVERIFY(!shown.isEmpty());
        filter->clear();
        QCOMPARE(p->proxy()->rowCount(), p->model()->rowCount());
    }

    void noServerAtTheDefaultAddressStartsASandbox()
    {
        // As with no --url, but the "default" address is a free port (tests never touch 6379).
        AppOptions options;
        options.server.host = str("127.0.0.1");
        options.server.port = SandboxServer::freeLoopbackPort();
        options.settingsFile = m_f.freshSettings();
        qint64 sandboxPid = 0;
        {
            MainWindow window(options);
            window.show();
            QTRY_VERIFY_WITH_TIMEOUT(window.session()->isReady(), kTimeoutMs);
            QVERIFY(window.session()->usingSandbox());
            sandboxPid = window.session()->sandbox()->pid();
            QVERIFY(sandboxPid > 0);
            auto* notice = window.findChild<QLabel*>(str("sandboxLabel"));
            QVERIFY(notice->isVisible());
            QVERIFY2(notice->text().contains(
                         QStringLiteral("No Redis at 127.0.0.1:%1").arg(options.server.port)),
                     qPrintable(notice->text()));
            QVERIFY(notice->text().contains(window.session()->sandbox()->url()));
            QueuePane* q1 = pane(&window, "queue1");
            QTRY_COMPARE_WITH_TIMEOUT(q1->consumerState(), ConsumerState::Listening, kTimeoutMs);
            QTest::keyClicks(child<QPlainTextEdit>(q1, "messageEdit"), str("sandboxed"));
            QTest::keyClick(child<QPlainTextEdit>(q1, "messageEdit"), Qt::Key_Return,
                            Qt::ControlModifier);
            QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 1, kTimeoutMs);
        }
        // The sandbox ended with the window.
        QVERIFY(::kill(pid_t(sandboxPid), 0) != 0);
    }

    void aServerAtTheDefaultAddressIsUsed()
    {
        AppOptions options;
        options.server = m_f.server.settings();
        options.settingsFile = m_f.freshSettings();
        MainWindow window(options);
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->isReady(), kTimeoutMs);
        QVERIFY(!window.session()->usingSandbox());
        QCOMPARE(window.session()->settings().port, m_f.server.port());
        QVERIFY(window.findChild<QLabel*>(str("sandboxLabel"))->text().isEmpty());
    }

    void viewFollowsNewestUnlessScrolledUp()
    {
        auto window = makeClassicWindow();
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        QList<QByteArray> push{"LPUSH", "queue1"};
        for (int i = 0; i < 200; ++i)
            push << QByteArray::number(i);
        m_f.client->command(push);
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 200, kTimeoutMs);
        QScrollBar* bar = child<QTableView>(q1, "messageView")->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0); // the range follows the rows once laid out
        QTRY_COMPARE(bar->value(), bar->maximum());
        bar->setValue(0); // the user scrolls up to read
        m_f.client->command(push);
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 400, kTimeoutMs);
        QCOMPARE(bar->value(), 0);
        bar->setValue(bar->maximum()); // back at the bottom: following again
        m_f.client->command(push);
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 600, kTimeoutMs);
        QTRY_COMPARE(bar->value(), bar->maximum());
    }

    void reconnectGapIsShownInThePane()
    {
        auto window = makeWindow({str("--pane"), str("pubsub:gap")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "gap");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QString error;
        QVERIFY2(m_f.server.restart(&error), qPrintable(error));
        auto* label = child<QLabel>(p, "errorLabel");
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().contains(str("was down from")), kTimeoutMs);
        QVERIFY(label->isVisible());
        QVERIFY2(p->errorText().contains(str("gone")), qPrintable(p->errorText()));
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        m_f.client = std::make_unique<test::SyncClient>(m_f.server.settings());
        QVERIFY(m_f.client->isConnected());
        QTRY_COMPARE_WITH_TIMEOUT(subscribers("gap"), 1, kTimeoutMs);
        m_f.client->command({"PUBLISH", "gap", "after"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
    }

    void translationIsEmbedded()
    {
        QTranslator translator;
        QVERIFY(translator.load(str(":/i18n/rqconsole_zh_CN.qm")));
        QVERIFY(!translator.translate("rqc::MainWindow", "&File").isEmpty());
        QVERIFY(!translator.translate("rqc::QueuePane", "Pause").isEmpty());
        QVERIFY(!translator.translate("rqc::ConsumerSpec", "Pub/Sub").isEmpty());
    }

    void windowSpeaksChineseWithTheTranslation()
    {
        QTranslator translator;
        QVERIFY(translator.load(QLocale(QLocale::Chinese, QLocale::China), str("rqconsole"),
                                str("_"), str(":/i18n")));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        auto window = makeClassicWindow();
        QCoreApplication::removeTranslator(&translator);
        QVERIFY(window);
        QStringList menus;
        for (QAction* action : window->menuBar()->actions())
            menus << action->text();
        QCOMPARE(menus, QStringList({str("文件(&F)"), str("视图(&V)"), str("帮助(&H)")}));
        QueuePane* q1 = pane(window.get(), "queue1");
        QCOMPARE(child<QAbstractButton>(q1, "pauseButton")->text(), str("暂停"));
        QCOMPARE(child<QComboBox>(q1, "modeCombo")->currentText(), str("列表（LPUSH/BRPOP）"));
        QVERIFY(guarantee(q1).startsWith(str("至多一次")));
    }

    void screenshot()
    {
        const QString sourceDir = qEnvironmentVariable("RQ_SOURCE_DIR");
        if (qEnvironmentVariableIsEmpty("RQ_UPDATE_SCREENSHOT") || sourceDir.isEmpty())
            QSKIP("set RQ_UPDATE_SCREENSHOT=1 (and RQ_SOURCE_DIR) to update docs/screenshot.png");
        m_f.client->command({"RPUSH", "orders:pending", "o-1001", "o-1002", "o-1003", "o-1004"});
        m_f.client->command({"RPUSH", "emails:outbox", "welcome", "reset-password"});
        m_f.client->command({"XADD", "events", "*", "message", "user.signup"});
        m_f.client->command({"XADD", "events", "*", "message", "user.login"});
        // The classic list queue1 beside queue2 as a reliable list consumed with manual acks.
        auto window = makeWindow({str("--pane"), str("list:queue1"), str("--pane"),
                                  str("reliable:queue2,ack=manual,consumer=worker-1")});
        QVERIFY(window);
        QueuePane* q1 = pane(window.get(), "queue1");
        QueuePane* q2 = pane(window.get(), "queue2");
        QTRY_COMPARE_WITH_TIMEOUT(q1->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(q2->consumerState(), ConsumerState::Listening, kTimeoutMs);
        m_f.client->command(
            {"LPUSH", "queue1", "hello, queue1",
             R"({"order":1042,"customer":"Ada Lovelace","items":[{"sku":"RQ-7","qty":2},{"sku":"RQ-9","qty":1}],"total":59.9,"express":true})",
             "resize image 4711", "ping"});
        m_f.client->command({"LPUSH", "queue2", "send welcome mail", "charge order 1042",
                             "resize image 4711", "reindex products", "thumbnail 88"});
        QTRY_COMPARE_WITH_TIMEOUT(q1->model()->rowCount(), 4, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(q2->model()->rowCount(), 5, kTimeoutMs);
        auto* q2View = child<QTableView>(q2, "messageView");
        const auto settle = [&](QList<int> rows, const char* button) {
            q2View->clearSelection();
            for (int row : rows)
                q2View->selectionModel()->select(q2->proxy()->index(row, 0),
                                                 QItemSelectionModel::Select |
                                                     QItemSelectionModel::Rows);
            child<QAbstractButton>(q2, button)->click();
        };
        using S = MessageModel::RowState;
        settle({0, 1}, "ackButton");
        QTRY_COMPARE_WITH_TIMEOUT(q2->model()->rowState(1), S::Acked, kTimeoutMs);
        settle({2}, "requeueButton"); // comes back as its second delivery
        QTRY_COMPARE_WITH_TIMEOUT(q2->model()->rowCount(), 6, kTimeoutMs);
        settle({3}, "deadLetterButton");
        QTRY_COMPARE_WITH_TIMEOUT(q2->model()->rowState(3), S::DeadLettered, kTimeoutMs);
        q2View->clearSelection();
        q2View->setCurrentIndex(q2->proxy()->index(5, 0));
        QTest::keyClicks(child<QPlainTextEdit>(q1, "messageEdit"),
                         str(R"({"task":"resize","id":4712})"));
        window->findChild<QAction*>(str("refreshAction"))->trigger();
        ServerTreeModel* tree = window->sidebar()->treeModel();
        QTRY_VERIFY_WITH_TIMEOUT(
            tree->findEntry(ServerTreeModel::Kind::List, "orders:pending").isValid(), kTimeoutMs);
        auto* view = child<QTableView>(q1, "messageView");
        view->setCurrentIndex(view->model()->index(1, 0));
        QCOMPARE(q1->findChild<PayloadView*>(str("payloadView"))->tabs()->currentIndex(),
                 int(PayloadView::JsonTab));
        QTest::qWait(600); // let the rate settle and the status lines repaint
        const QImage image = window->grab().toImage();
        QVERIFY(!image.isNull());
        QDir(sourceDir).mkpath(str("docs"));
        const QString path = QDir(sourceDir).filePath(str("docs/screenshot.png"));
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("wrote %s", qPrintable(path));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
