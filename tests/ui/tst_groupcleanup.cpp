// Safe on a real server: a consumer group the console created on someone's stream is not left
// behind. Closing the pane, or quitting, offers to remove it (XGROUP DESTROY) when nobody else
// uses it; the console's own consumer goes (XGROUP DELCONSUMER) once nothing is pending for it;
// a group it did not create, or one others joined, stays, and the status bar says why. Driven
// through the real MainWindow against a private redis-server, checked with XINFO on the server.
#include "ConsumeGuard.h"
#include "GroupCleanupFlow.h"
#include "MainWindow.h"
#include "ModalWatch.h"
#include "QueuePane.h"
#include "ServerView.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTest>

#include <memory>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;
} // namespace

class TestGroupCleanup : public QObject {
    Q_OBJECT
private:
    // Group name → its consumers' names with their pending counts, from XINFO.
    QMap<QByteArray, QMap<QByteArray, qint64>> groups(const QByteArray& stream)
    {
        QMap<QByteArray, QMap<QByteArray, qint64>> out;
        const RedisReply reply = m_f.client->command({"XINFO", "GROUPS", stream});
        for (const RedisReply& g : reply.elements) {
            QByteArray name;
            for (qsizetype i = 0; i + 1 < g.elements.size(); i += 2) {
                if (g.elements[i].str == "name")
                    name = g.elements[i + 1].str;
            }
            QMap<QByteArray, qint64>& consumers = out[name];
            const RedisReply cs = m_f.client->command({"XINFO", "CONSUMERS", stream, name});
            for (const RedisReply& c : cs.elements) {
                QByteArray cname;
                qint64 pending = 0;
                for (qsizetype i = 0; i + 1 < c.elements.size(); i += 2) {
                    if (c.elements[i].str == "name")
                        cname = c.elements[i + 1].str;
                    else if (c.elements[i].str == "pending")
                        pending = c.elements[i + 1].integer;
                }
                consumers[cname] = pending;
            }
        }
        return out;
    }

    // The window with a stream-group pane on `stream` reading (and acking) `count` entries.
    std::unique_ptr<MainWindow> consuming(const QByteArray& stream, const QString& spec, int count)
    {
        auto window = test::windowOn(m_f, {spec});
        if (!window)
            return {};
        test::rejectForgottenModals(window.get());
        QueuePane* p = pane(window.get(), stream.constData());
        if (!p || !test::waitUntil([&] { return p->consumerState() == ConsumerState::Listening; }))
            return {};
        for (int i = 0; i < count; ++i)
            m_f.client->command({"XADD", stream, "*", "message", "m" + QByteArray::number(i)});
        if (!test::waitUntil([&] { return p->model()->rowCount() == count; }))
            return {};
        return window;
    }

    static QMessageBox* cleanupQuestion(MainWindow* window, int timeoutMs = kTimeoutMs)
    {
        QMessageBox* box = nullptr;
        (void)test::waitUntil(
            [&] {
                box = window->groupCleanup()->openQuestion();
                return box && box->isVisible();
            },
            timeoutMs);
        return box && box->isVisible() ? box : nullptr;
    }

    static QString status(MainWindow* window) { return window->statusBar()->currentMessage(); }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void init() { m_f.client->command({"FLUSHALL"}); }

    void closingThePaneOffersToRemoveTheGroupItCreated()
    {
        auto window = consuming("orders", str("stream:orders"), 3);
        QVERIFY(window);
        QCOMPARE(groups("orders").keys(), QList<QByteArray>{"rqconsole"});
        QCOMPARE(groups("orders")["rqconsole"].size(), 1);

        window->closePane(pane(window.get(), "orders"));
        QMessageBox* box = cleanupQuestion(window.get());
        QVERIFY(box);
        QVERIFY2(box->text().contains(str("rqconsole")) && box->text().contains(str("orders")),
                 qPrintable(box->text()));
        QVERIFY(box->informativeText().contains(str("XGROUP DESTROY")));
        // Keep is what Return does: removing is a choice.
        QCOMPARE(box->defaultButton(), child<QPushButton>(box, "keepGroupsButton"));
        child<QAbstractButton>(box, "removeGroupsButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(groups("orders").isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        QCOMPARE(m_f.client->command({"XLEN", "orders"}).integer, 3); // the entries stay
        QVERIFY2(status(window.get()).contains(str("XGROUP DESTROY")),
                 qPrintable(status(window.get())));
    }

    void keepingTheGroupStillRemovesTheConsolesOwnConsumer()
    {
        auto window = consuming("orders", str("stream:orders"), 2);
        QVERIFY(window);
        window->closePane(pane(window.get(), "orders"));
        QMessageBox* box = cleanupQuestion(window.get());
        QVERIFY(box);
        child<QAbstractButton>(box, "keepGroupsButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        const auto left = groups("orders");
        QCOMPARE(left.keys(), QList<QByteArray>{"rqconsole"});
        QVERIFY2(left["rqconsole"].isEmpty(), "the console's consumer (nothing pending) is gone");
        QVERIFY2(status(window.get()).contains(str("XGROUP DELCONSUMER")) &&
                     status(window.get()).contains(str("as you chose")),
                 qPrintable(status(window.get())));
    }

    void aGroupOthersJoinedStaysAndSaysWhy()
    {
        auto window = consuming("orders", str("stream:orders"), 1);
        QVERIFY(window);
        // A worker of the application joins the group the console made.
        QCOMPARE(
            m_f.client->command({"XGROUP", "CREATECONSUMER", "orders", "rqconsole", "worker-7"})
                .integer,
            1);
        window->closePane(pane(window.get(), "orders"));
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        QVERIFY2(!window->groupCleanup()->openQuestion(), "nothing to offer: others use it");
        const auto left = groups("orders");
        QCOMPARE(left.keys(), QList<QByteArray>{"rqconsole"});
        QCOMPARE(left["rqconsole"].keys(), QList<QByteArray>{"worker-7"});
        QVERIFY2(status(window.get()).contains(str("worker-7")) &&
                     status(window.get()).contains(str("other consumers use it")),
                 qPrintable(status(window.get())));
    }

    void aGroupTheConsoleDidNotCreateIsNeverRemoved()
    {
        m_f.client->command({"XGROUP", "CREATE", "orders", "billing", "$", "MKSTREAM"});
        auto window = consuming("orders", str("stream:orders,group=billing,ack=manual"), 2);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "orders");
        QString consumer;
        for (const QByteArray& name : groups("orders")["billing"].keys())
            consumer = QString::fromUtf8(name);
        QVERIFY(!consumer.isEmpty());
        // Two entries wait for the user's ack: the console's consumer must keep them.
        window->closePane(p);
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        QVERIFY(!window->groupCleanup()->openQuestion());
        auto left = groups("orders");
        QCOMPARE(left.keys(), QList<QByteArray>{"billing"});
        QCOMPARE(left["billing"].value(consumer.toUtf8()), 2);
        QVERIFY2(status(window.get()).contains(str("2 entries are pending")),
                 qPrintable(status(window.get())));

        // Read again (and acked) by a new pane, then closed: the consumer goes, the group stays.
        ConsumerSpec spec;
        QVERIFY(ConsumerSpec::parse(str("stream:orders,group=billing"), &spec, nullptr));
        window->openPane(spec);
        QueuePane* again = pane(window.get(), "orders");
        QVERIFY(again);
        QTRY_COMPARE_WITH_TIMEOUT(again->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(groups("orders")["billing"].value(consumer.toUtf8(), -1) == 0,
                                 kTimeoutMs);
        window->closePane(again);
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        QVERIFY(!window->groupCleanup()->openQuestion());
        left = groups("orders");
        QCOMPARE(left.keys(), QList<QByteArray>{"billing"});
        QVERIFY2(left["billing"].isEmpty(), qPrintable(status(window.get())));
    }

    void quittingAsksAndRemovesTheGroup()
    {
        auto window = consuming("orders", str("stream:orders"), 2);
        QVERIFY(window);
        window->close();
        QMessageBox* box = cleanupQuestion(window.get());
        QVERIFY(box);
        QVERIFY2(window->isVisible(), "the window waits for the answer");
        child<QAbstractButton>(box, "removeGroupsButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), kTimeoutMs);
        QVERIFY(groups("orders").isEmpty());
    }

    void closingTheServerOffersToRemoveTheGroup()
    {
        auto window = consuming("orders", str("stream:orders"), 2);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "orders");
        ServerView* server = window->serverOf(p);
        QVERIFY(server);
        window->closeServer(server); // File › Close server
        QMessageBox* box = cleanupQuestion(window.get());
        QVERIFY2(box, "closing the server left the group without asking");
        QVERIFY2(box->text().contains(str("orders")), qPrintable(box->text()));
        child<QAbstractButton>(box, "removeGroupsButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(groups("orders").isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window->groupCleanup()->isRunning(), kTimeoutMs);
        QCOMPARE(m_f.client->command({"XLEN", "orders"}).integer, 2);
    }

    void switchingToGroupModeSaysTheGroupIsCreatedAndStays()
    {
        m_f.client->command({"XADD", "events", "*", "message", "old"});
        auto window = test::windowOn(m_f, {str("tail:events")});
        QVERIFY(window);
        test::rejectForgottenModals(window.get());
        QueuePane* p = pane(window.get(), "events");
        QVERIFY(p);
        auto* combo = child<QComboBox>(p, "modeCombo");
        combo->setCurrentIndex(combo->findData(int(Mode::Stream)));
        QMessageBox* question = nullptr;
        QVERIFY(test::waitUntil([&] {
            question = window->consumeGuard()->openQuestion();
            return question && question->isVisible();
        }));
        const QString said = question->text() + QLatin1Char('\n') + question->informativeText();
        QVERIFY2(said.contains(str("does not exist yet")) && said.contains(str("stays")),
                 qPrintable(said));
        child<QAbstractButton>(question, "consumeButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QCOMPARE(groups("events").keys(), QList<QByteArray>{"rqconsole"});
        window->closePane(p);
        QMessageBox* box = cleanupQuestion(window.get());
        QVERIFY(box);
        child<QAbstractButton>(box, "removeGroupsButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(groups("events").isEmpty(), kTimeoutMs);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestGroupCleanup)
#include "tst_groupcleanup.moc"
