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

    // This process's threads whose name starts with prefix (Linux: /proc/self/task/*/comm).
    static int threadsNamed(const QByteArray& prefix)
    {
        int n = 0;
        const QDir tasks(str("/proc/self/task"));
        for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(tasks.filePath(task + str("/comm")));
            if (comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith(prefix))
                ++n;
        }
        return n;
    }

    // The server's connections from this process's kind, by role: {"publisher": 1, "list": 4…}
    // (names are rqconsole:<role>[:<name>]).
    QMap<QString, int> connectionsByRole()
    {
        QMap<QString, int> roles;
        const QByteArray list = m_f.client->command({"CLIENT", "LIST"}).str;
        for (const QByteArray& line : list.split('\n')) {
            const qsizetype at = line.indexOf(" name=rqconsole:");
            if (at < 0)
                continue;
            const QByteArray name = line.mid(at + 16, line.indexOf(' ', at + 1) - at - 16);
            const qsizetype colon = name.indexOf(':');
            const QByteArray role = colon < 0 ? name : name.left(colon);
            if (role != "test") // the test's own client
                ++roles[QString::fromUtf8(role)];
        }
        return roles;
    }

    qint64 publisherClientId()
    {
        const QByteArray list = m_f.client->command({"CLIENT", "LIST"}).str;
        for (const QByteArray& line : list.split('\n')) {
            if (line.contains(" name=rqconsole:publisher "))
                return line.mid(3, line.indexOf(' ') - 3).toLongLong(); // "id=N …"
        }
        return -1;
    }

    static void typeAndSend(QueuePane* p, const QString& text)
    {
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->selectAll();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    }

    static QStringList paneArgs(const QString& mode, const QString& prefix, int n)
    {
        QStringList args;
        for (int i = 1; i <= n; ++i)
            args << str("--pane") << QStringLiteral("%1:%2%3").arg(mode, prefix).arg(i);
        return args;
    }

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

    void sidebarListsKeysWithDepthAndOpensPanes()
    {
        m_f.client->command({"LPUSH", "waiting", "x", "y", "z"});
        auto window = makeWindow();
        QVERIFY(window);
        auto* sidebar = window->findChild<ServerSidebar*>(str("serverSidebar"));
        ServerTreeModel* model = sidebar->treeModel();
        window->findChild<QAction*>(str("refreshAction"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(model->findEntry(ServerTreeModel::Kind::List, "waiting").isValid(),
                                 kTimeoutMs);
        const QModelIndex entry = model->findEntry(ServerTreeModel::Kind::List, "waiting");
        QCOMPARE(entry.siblingAtColumn(ServerTreeModel::CountColumn).data().toString(), str("3"));
        // Clicking it opens a Peek pane that takes nothing (tst_safebrowse checks the server).
        sidebar->scrollTo(entry);
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {},
                          sidebar->visualRect(entry).center());
        QueuePane* p = pane(window.get(), "waiting");
        QVERIFY(p);
        QCOMPARE(p->spec().mode, Mode::Peek);
        QCOMPARE(window->panes().size(), 3);
        QVERIFY(p->findChildren<Consumer*>().isEmpty());
        QCOMPARE(m_f.client->command({"LLEN", "waiting"}).integer, 3);
        // A second click focuses the same pane instead of opening another.
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {},
                          sidebar->visualRect(entry).center());
        QCOMPARE(window->panes().size(), 3);
    }

    void newPaneButtonAndClose()
    {
        auto window = makeWindow();
        QVERIFY(window);
        bool answered = false;
        QTimer::singleShot(0, this, [&answered] {
            auto* dialog = qobject_cast<NewPaneDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            auto* combo = dialog->findChild<QComboBox*>(str("newPaneMode"));
            combo->setCurrentIndex(combo->findData(int(Mode::PubSub)));
            dialog->findChild<QLineEdit*>(str("newPaneTarget"))->setText(str("fresh"));
            answered = true;
            dialog->accept();
        });
        auto* button = window->findChild<QAbstractButton*>(str("newPaneButton"));
        QVERIFY(button);
        button->click();
        QVERIFY(answered);
        QueuePane* p = pane(window.get(), "fresh");
        QVERIFY(p);
        QCOMPARE(p->spec().mode, Mode::PubSub);
        QCOMPARE(window->panes().size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        child<QAbstractButton>(p, "closeButton")->click();
        QCOMPARE(window->panes().size(), 2);
        QTRY_VERIFY(!pane(window.get(), "fresh"));
    }

    void layoutRestoredFromSettings()
    {
        const QString file = m_f.freshSettings();
        {
            auto window = makeWindow(
                {str("--pane"), str("list:alpha"), str("--pane"), str("pubsub:beta")}, file);
            QVERIFY(window);
            window->resize(1000, 700);
            pane(window.get(), "alpha")
                ->findChild<QComboBox*>(str("modeCombo"))
                ->setCurrentIndex(1); // Pattern
            window->close();
        }
        auto window = makeWindow({}, file);
        QVERIFY(window);
        const QList<QueuePane*> panes = window->panes();
        QCOMPARE(panes.size(), 2);
        QCOMPARE(panes[0]->spec().toString(), str("pattern:alpha"));
        QCOMPARE(panes[1]->spec().toString(), str("pubsub:beta"));
    }

    // One publishing connection serves every pane; each pane sees only its own sends.
    void panesShareOnePublisherConnection()
    {
        auto window = makeWindow(paneArgs(str("list"), str("shared"), 4));
        QVERIFY(window);
        const QList<QueuePane*> panes = window->panes();
        QCOMPARE(panes.size(), 4);
        for (QueuePane* p : panes)
            QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        typeAndSend(panes[0], str("from one"));
        typeAndSend(panes[2], str("from three"));
        QTRY_COMPARE_WITH_TIMEOUT(panes[0]->sentTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[2]->sentTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[0]->receivedTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[2]->receivedTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(panes[2]->model()->messageAt(0).payload, QByteArray("from three"));
        QCOMPARE(panes[1]->sentTotal(), quint64(0));
        QCOMPARE(panes[3]->sentTotal(), quint64(0));
        QVERIFY(!panes[1]->statusText().contains(str("sent")));
        const QMap<QString, int> roles = connectionsByRole();
        QCOMPARE(roles.value(str("publisher")), 1);
        // Besides: the admin connection, each pane's consumers line ("inspect", its census), and
        // the session's short-lived ROLE/INFO check at each monitor connect ("role").
        int consuming = 0;
        for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
            if (it.key() != str("publisher") && it.key() != str("admin") &&
                it.key() != str("inspect") && it.key() != str("role"))
                consuming += it.value();
        }
        QVERIFY2(consuming == 4, qPrintable(QStringList(roles.keys()).join(u',')));
        QVERIFY(roles.value(str("admin")) <= 1);
        QVERIFY(roles.value(str("role")) <= 1);
    }

    // The publisher belongs to the server, not to a pane: closing panes (the last one too)
    // leaves it working for the next.
    void sharedPublisherSurvivesPaneCloses()
    {
        auto window = makeWindow(paneArgs(str("list"), str("closing"), 2));
        QVERIFY(window);
        QueuePane* first = pane(window.get(), "closing1");
        QueuePane* second = pane(window.get(), "closing2");
        QTRY_COMPARE_WITH_TIMEOUT(first->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(second->consumerState(), ConsumerState::Listening, kTimeoutMs);
        typeAndSend(first, str("before"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(1), kTimeoutMs);
        window->closePane(first);
        QTRY_VERIFY(!pane(window.get(), "closing1"));
        typeAndSend(second, str("after one closed"));
        QTRY_COMPARE_WITH_TIMEOUT(second->receivedTotal(), quint64(1), kTimeoutMs);
        window->closePane(second);
        QTRY_VERIFY(!pane(window.get(), "closing2"));
        QVERIFY(window->panes().isEmpty());
        ConsumerSpec spec;
        QVERIFY(ConsumerSpec::parse(str("list:closing3"), &spec, nullptr));
        QueuePane* third = window->openPane(spec);
        QTRY_COMPARE_WITH_TIMEOUT(third->consumerState(), ConsumerState::Listening, kTimeoutMs);
        typeAndSend(third, str("after the last closed"));
        QTRY_COMPARE_WITH_TIMEOUT(third->receivedTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(third->model()->messageAt(0).payload, QByteArray("after the last closed"));
        QVERIFY2(third->errorText().isEmpty(), qPrintable(third->errorText()));
        QCOMPARE(connectionsByRole().value(str("publisher")), 1);
    }

    // CLIENT KILL of the publishing connection: it comes back by itself, a send right after the
    // loss goes through, and no pane shows an error for a loss that cost nothing.
    void killedPublisherReconnectsQuietly()
    {
        auto window = makeWindow(paneArgs(str("list"), str("killed"), 2));
        QVERIFY(window);
        QueuePane* first = pane(window.get(), "killed1");
        QueuePane* second = pane(window.get(), "killed2");
        QTRY_COMPARE_WITH_TIMEOUT(first->consumerState(), ConsumerState::Listening, kTimeoutMs);
        typeAndSend(first, str("one"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(1), kTimeoutMs);
        Publisher* publisher = window->session()->publisher();
        QVERIFY(publisher);
        QSignalSpy lost(publisher, &Publisher::connectionLost);
        QSignalSpy ready(publisher, &Publisher::ready);

        // Sent as soon as the loss is known, while the publisher waits out its backoff.
        qint64 killed = publisherClientId();
        QVERIFY(killed > 0);
        QCOMPARE(m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(killed)}).integer,
                 1);
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, kTimeoutMs);
        typeAndSend(first, str("two"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(2), kTimeoutMs);
        QCOMPARE(first->model()->messageAt(1).payload, QByteArray("two"));

        // Killed while nobody sends: it reconnects on its own.
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > killed, kTimeoutMs);
        killed = publisherClientId();
        m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(killed)});
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > killed, kTimeoutMs);
        QVERIFY(ready.size() >= 2);
        typeAndSend(second, str("three"));
        QTRY_COMPARE_WITH_TIMEOUT(second->receivedTotal(), quint64(1), kTimeoutMs);
        // The publisher's reply and the consumer's message travel separately: either comes first.
        QTRY_COMPARE_WITH_TIMEOUT(second->sentTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(first->sentTotal(), quint64(2));
        for (QueuePane* p : {first, second})
            QVERIFY2(p->errorText().isEmpty(), qPrintable(p->errorText()));
        QVERIFY2(
            !window->statusBar()->currentMessage().contains(str("publish"), Qt::CaseInsensitive) &&
                !window->statusBar()->currentMessage().contains(str("send"), Qt::CaseInsensitive),
            qPrintable(window->statusBar()->currentMessage()));
        QCOMPARE(connectionsByRole().value(str("publisher")), 1);
    }

    // A connection lost in the middle of one pane's burst is that pane's error, and no other's.
    void sendFailureIsReportedToThePaneThatSent()
    {
        auto window = makeWindow(
            {str("--pane"), str("pattern:burst-nobody-*"), str("--pane"), str("pubsub:bystander")});
        QVERIFY(window);
        QueuePane* sender = pane(window.get(), "burst-nobody-*");
        QueuePane* bystander = pane(window.get(), "bystander");
        QTRY_COMPARE_WITH_TIMEOUT(sender->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > 0, kTimeoutMs);
        child<QLineEdit>(sender, "publishToEdit")->setText(str("nobody-listens-here"));
        child<QSpinBox>(sender, "repeatSpin")->setValue(1000000);
        auto* edit = child<QPlainTextEdit>(sender, "messageEdit");
        edit->setPlainText(QString(20000, u'x')); // 20 GB in all: still sending when killed
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(sender->statusText().contains(str(" of ")), kTimeoutMs);
        m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(publisherClientId())});
        QTRY_VERIFY_WITH_TIMEOUT(sender->errorText().contains(str("Connection lost")), kTimeoutMs);
        QVERIFY(sender->sentTotal() < 1000000);
        QVERIFY2(bystander->errorText().isEmpty(), qPrintable(bystander->errorText()));
    }

    // 30 panes on a 1366x768 screen: the window still fits, and every pane can be scrolled to
    // and shown at a usable width. Connections: one per consuming pane and a fixed few.
    void thirtyPanesFitA1366x768Screen()
    {
        auto window = makeWindow(paneArgs(str("list"), str("many"), 30));
        QVERIFY(window);
        window->resize(1366, 768);
        QCOMPARE(window->panes().size(), 30);
        const QSize minimum = window->minimumSizeHint().expandedTo(window->minimumSize());
        QVERIFY2(minimum.width() <= 1366 && minimum.height() <= 768,
                 qPrintable(QStringLiteral("%1x%2").arg(minimum.width()).arg(minimum.height())));
        QTRY_COMPARE(window->size(), QSize(1366, 768));
        auto* area = window->findChild<QScrollArea*>(str("paneArea"));
        QVERIFY(area);
        for (QueuePane* p : window->panes())
            QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        for (QueuePane* p : window->panes()) {
            window->showPane(p);
            QTRY_VERIFY2(
                p->isVisible() &&
                    [&] {
                        const QRect inView =
                            QRect(p->mapTo(area->viewport(), QPoint(0, 0)), p->size())
                                .intersected(area->viewport()->rect());
                        return inView.width() >= 250 && inView.height() >= 300;
                    }(),
                qPrintable(p->objectName()));
            QVERIFY(p->width() >= 250);
        }
        // The last pane works like the first.
        QueuePane* last = pane(window.get(), "many30");
        typeAndSend(last, str("to the thirtieth"));
        QTRY_COMPARE_WITH_TIMEOUT(last->receivedTotal(), quint64(1), kTimeoutMs);
        // Every consumers line has its own key's census, all through the server's one service.
        for (QueuePane* p : window->panes()) {
            ConsumerCensus* census = p->consumersLine()->census();
            QVERIFY(census && census->sharesService());
            QTRY_VERIFY_WITH_TIMEOUT(census->hasResult(), kTimeoutMs);
            QCOMPARE(census->last().key, p->spec().target);
        }
        // One consuming connection per pane, and per server one publisher, one admin, one census.
        const QMap<QString, int> roles = connectionsByRole();
        QCOMPARE(roles.value(str("publisher")), 1);
        QCOMPARE(roles.value(str("list")), 30);
        QVERIFY(roles.value(str("admin")) <= 1);
        QCOMPARE(roles.value(str("inspect")), 1);
        int total = 0;
        for (int n : roles)
            total += n;
        QVERIFY2(total <= 30 + 3, qPrintable(QString::number(total)));
        // Threads likewise: one census thread, no inspector thread per pane.
        QCOMPARE(threadsNamed("rq-census"), 1);
        QCOMPARE(threadsNamed("rq-inspect"), 0);
    }

    // A layout saved while the sidebar was squeezed (a crowded window) gives it room again.
    void restoredLayoutKeepsTheSidebarUsable()
    {
        const QString file = m_f.freshSettings();
        {
            auto window = makeWindow(paneArgs(str("pubsub"), str("crowd"), 3), file);
            QVERIFY(window);
            auto* dock = window->findChild<QDockWidget*>(str("serverDock"));
            window->sidebar()->setMinimumWidth(0); // as an older version allowed
            window->findChild<QWidget*>(str("connectionList"))->setMinimumWidth(0);
            QCoreApplication::sendPostedEvents(); // the sidebar's splitter learns the new minimum
            window->resizeDocks({dock}, {60}, Qt::Horizontal);
            QTRY_VERIFY2(dock->width() < 100, qPrintable(QString::number(dock->width())));
            window->close();
        }
        auto window = makeWindow({}, file);
        QVERIFY(window);
        auto* dock = window->findChild<QDockWidget*>(str("serverDock"));
        QTRY_VERIFY2(dock->width() >= 200, qPrintable(QString::number(dock->width())));
        QCOMPARE(window->panes().size(), 3);
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
        // A snapshot taken before the last batch arrives late: its depth is stale.
        ServerSnapshot old;
        old.lists.append({"drained", 499});
        old.takenAtMs = QDateTime::currentMSecsSinceEpoch() - 60000;
        p->applySnapshot(old);
        QVERIFY2(p->statusText().contains(str("depth 499 (stale)")), qPrintable(p->statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(!wanted.isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("depth 0")), kTimeoutMs);
        QVERIFY2(!p->statusText().contains(str("stale")), qPrintable(p->statusText()));
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
        QVERIFY(bar->maximum() > 0);
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
