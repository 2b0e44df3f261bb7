// A peek pane in the real MainWindow against a real redis-server: it shows the list (the
// consuming end marked) without taking anything and without a Consumer, element actions driven
// through the UI (confirmed in a QMessageBox) change the list — or, when the element was taken
// meanwhile, say so and change nothing — notifications are turned on only after confirmation,
// and a stream is browsed and an entry deleted.
#include "Consumer.h"
#include "PayloadView.h"
#include "PeekModel.h"
#include "PeekView.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include <functional>
#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }

QList<QByteArray> elements(const RedisReply& r)
{
    QList<QByteArray> out;
    for (const RedisReply& e : r.elements)
        out << e.str;
    return out;
}
} // namespace

class TestPeekPane : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<MainWindow> makeWindow(const QString& paneSpec)
    {
        return test::windowOn(m_f, {paneSpec});
    }

    // Answers the next peek confirmation: runs before() while it is open, then accepts it.
    void answerConfirm(bool* answered, std::function<void()> before = {})
    {
        QTimer::singleShot(0, this, [answered, before] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box || box->objectName() != str("peekConfirm"))
                return;
            if (before)
                before();
            for (QAbstractButton* b : box->buttons()) {
                if (box->buttonRole(b) == QMessageBox::AcceptRole) {
                    *answered = true;
                    b->click();
                    return;
                }
            }
        });
    }

    static QAction* action(PeekView* v, const char* name) { return child<QAction>(v, name); }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }
    void init()
    {
        m_f.client->command({"FLUSHALL"});
        m_f.client->command({"CONFIG", "SET", "notify-keyspace-events", ""});
    }
    void cleanupTestCase() { m_f.client.reset(); }

    // The row of action buttons offers only the kind's actions, also before anything is
    // selected: a list showed the stream's "Delete entry (XDEL)…" and a stream the list's five
    // (their tool buttons did not follow the actions' visibility; seen in the walk).
    void actionRowShowsOnlyTheKindsActions()
    {
        m_f.client->command({"RPUSH", "q", "a", "b"});
        m_f.client->command({"XADD", "s", "1-0", "message", "a"});
        for (const char* key : {"q", "s"}) {
            auto window = makeWindow(str("peek:") + str(key));
            QVERIFY(window);
            PeekView* v = pane(window.get(), key)->peekView();
            QTRY_VERIFY(v->model()->rowCount() > 0);
            const bool stream = QByteArray(key) == "s";
            QTRY_COMPARE(child<QToolButton>(v, "peekXdelActionButton")->isVisibleTo(v), stream);
            for (const char* name : {"peekDeleteActionButton", "peekMoveActionButton",
                                     "peekRequeueActionButton", "peekDeadActionButton"})
                QCOMPARE(child<QToolButton>(v, name)->isVisibleTo(v), !stream);
            QVERIFY(child<QToolButton>(v, "peekCopyActionButton")->isVisibleTo(v));
            // Selecting a row keeps it so.
            QVERIFY(stream ? v->selectEntry("1-0") : v->selectIndex(0));
            QCOMPARE(child<QToolButton>(v, "peekXdelActionButton")->isVisibleTo(v), stream);
            QCOMPARE(child<QToolButton>(v, "peekDeleteActionButton")->isVisibleTo(v), !stream);
        }
    }

    void showsTheListAndTakesNothing()
    {
        m_f.client->command({"RPUSH", "q", "a", "b", "c", "d", "e"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "q");
        QVERIFY(p);
        PeekView* v = p->peekView();
        QVERIFY(v->isVisible());
        QVERIFY(!child<QTableView>(p, "messageView")->isVisible());
        QVERIFY(p->findChildren<Consumer*>().isEmpty()); // no Consumer in Peek
        QTRY_COMPARE(v->model()->rowCount(), 5);
        const QModelIndex last = v->model()->index(4, PeekModel::PositionColumn);
        QVERIFY(last.data().toString().startsWith(str("next")));
        QCOMPARE(v->model()->index(3, PeekModel::PositionColumn).data().toString(), str("2nd"));
        QCOMPARE(v->model()->index(0, PeekModel::PayloadColumn).data().toString(), str("a"));
        QTRY_VERIFY(child<QLabel>(v, "peekLiveLabel")->text().contains(str("polling")));
        QVERIFY(child<QPushButton>(v, "peekNotifyButton")->isVisible());
        QVERIFY(child<QLabel>(v, "peekDepthLabel")->text().contains(str("5")));
        QVERIFY(child<QLabel>(v, "peekEndLabel")->text().contains(str("BRPOP")));
        // Selecting shows the element in the payload viewer.
        QVERIFY(v->selectIndex(1));
        QTRY_VERIFY(p->findChild<PayloadView*>()->hasMessage());
        QCOMPARE(p->findChild<PayloadView*>()->message().payload, QByteArray("b"));
        // A push by someone else shows up (live), and nothing was taken.
        m_f.client->command({"LPUSH", "q", "new"});
        QTRY_COMPARE(v->model()->rowCount(), 6);
        // The selection follows the element, which the push moved from index 1 to 2.
        const QModelIndex current = v->table()->currentIndex();
        QCOMPARE(current.data(PeekModel::ListIndexRole).toLongLong(), qint64(2));
        QCOMPARE(current.data(PeekModel::PayloadRole).toByteArray(), QByteArray("b"));
        QVERIFY(v->table()->selectionModel()->isRowSelected(current.row(), {}));
        QCOMPARE(elements(m_f.client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"new", "a", "b", "c", "d", "e"}));
        QVERIFY(!m_f.client->command({"CLIENT", "LIST"}).str.contains(" flags=b "));
    }

    void deleteThroughTheUi()
    {
        m_f.client->command({"RPUSH", "q", "a", "x", "b", "x", "c"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 5);
        QVERIFY(v->selectIndex(3)); // the second "x"
        QVERIFY(action(v, "peekDeleteAction")->isEnabled());
        bool answered = false;
        answerConfirm(&answered);
        action(v, "peekDeleteAction")->trigger();
        QVERIFY(answered);
        QTRY_VERIFY(v->resultText().contains(str("Deleted")));
        QCOMPARE(elements(m_f.client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"a", "x", "b", "c"}));
        QTRY_COMPARE(v->model()->rowCount(), 4);
    }

    void takenMeanwhileChangesNothing()
    {
        m_f.client->command({"RPUSH", "q", "a", "b", "c"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 3);
        QVERIFY(v->selectIndex(2)); // "c", next to be taken
        bool answered = false;
        // A worker takes it while the user reads the question.
        answerConfirm(&answered, [this] { m_f.client->command({"RPOP", "q"}); });
        action(v, "peekDeadAction")->trigger();
        QVERIFY(answered);
        QTRY_VERIFY(v->resultText().contains(str("nothing changed")));
        QCOMPARE(elements(m_f.client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"a", "b"}));
        QCOMPARE(m_f.client->command({"EXISTS", "q:dead"}).integer, qint64(0));
    }

    void requeueThroughTheUi()
    {
        m_f.client->command({"RPUSH", "q", "a", "b", "c"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 3);
        QVERIFY(v->selectIndex(0));
        bool answered = false;
        answerConfirm(&answered);
        action(v, "peekRequeueAction")->trigger();
        QVERIFY(answered);
        QTRY_COMPARE(v->model()->rowCount(), 4);
        QCOMPARE(elements(m_f.client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"a", "b", "c", "a"}));
        // Cancelled: nothing happens.
        QVERIFY(v->selectIndex(1));
        bool rejected = false;
        QTimer::singleShot(0, this, [&rejected] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                rejected = true;
                box->reject();
            }
        });
        action(v, "peekDeleteAction")->trigger();
        QVERIFY(rejected);
        QCOMPARE(m_f.client->command({"LLEN", "q"}).integer, qint64(4));
    }

    void moveToAnotherListThroughTheUi()
    {
        m_f.client->command({"RPUSH", "q", "a", "b", "c"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 3);
        QVERIFY(v->selectIndex(1));
        bool named = false;
        bool answered = false;
        // First the list's name, then the confirmation that names both lists.
        QTimer::singleShot(0, this, [&] {
            auto* input = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            if (!input)
                return;
            named = true;
            answerConfirm(&answered);
            input->setTextValue(str("elsewhere"));
            input->accept();
        });
        action(v, "peekMoveAction")->trigger();
        QVERIFY(named);
        QVERIFY(answered);
        QTRY_VERIFY(v->resultText().contains(str("elsewhere")));
        QCOMPARE(elements(m_f.client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"a", "c"}));
        QCOMPARE(elements(m_f.client->command({"LRANGE", "elsewhere", "0", "-1"})),
                 (QList<QByteArray>{"b"}));
    }

    void copyAndSaveAreByteExact()
    {
        const QByteArray bin("\x00\xff\x00bin\r\n\x80", 9);
        m_f.client->command({"RPUSH", "q", bin});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 1);
        QVERIFY(v->selectIndex(0));
        action(v, "peekCopyAction")->trigger();
        const QMimeData* mime = QApplication::clipboard()->mimeData();
        QVERIFY(mime);
        QCOMPARE(mime->data(str("application/octet-stream")), bin);

        const QString path = m_f.dir.filePath(str("element.bin"));
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            answered = true;
            dialog->selectFile(path);
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog's own accept() is protected
        });
        action(v, "peekSaveAction")->trigger();
        QVERIFY(answered);
        QFile saved(path);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), bin);
        QVERIFY(v->resultText().contains(str("Saved")));
    }

    void switchingModesStartsAndStopsThePeek()
    {
        m_f.client->command({"RPUSH", "q", "a", "b"});
        auto window = makeWindow(str("pubsub:q"));
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "q");
        QVERIFY(p);
        PeekView* v = p->peekView();
        QVERIFY(!v->isVisible());
        QVERIFY(!v->isRunning());
        QTRY_COMPARE(p->findChildren<Consumer*>().size(), 1);
        auto* combo = child<QComboBox>(p, "modeCombo");
        combo->setCurrentIndex(combo->findData(int(Mode::Peek)));
        QCOMPARE(p->spec().mode, Mode::Peek);
        QVERIFY(v->isVisible());
        QVERIFY(v->isRunning());
        QTRY_COMPARE(v->model()->rowCount(), 2);
        QTRY_VERIFY(p->findChildren<Consumer*>().isEmpty()); // the subscriber is gone
        combo->setCurrentIndex(combo->findData(int(Mode::PubSub)));
        QVERIFY(!v->isVisible());
        QVERIFY(!v->isRunning());
        QTRY_COMPARE(p->findChildren<Consumer*>().size(), 1);
        QCOMPARE(m_f.client->command({"LLEN", "q"}).integer, qint64(2));
    }

    void notificationsOnlyAfterConfirmation()
    {
        m_f.client->command({"RPUSH", "q", "a"});
        auto window = makeWindow(str("peek:q"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "q")->peekView();
        auto* button = child<QPushButton>(v, "peekNotifyButton");
        QTRY_VERIFY(button->isVisible());
        QCOMPARE(
            m_f.client->command({"CONFIG", "GET", "notify-keyspace-events"}).elements.value(1).str,
            QByteArray());
        bool answered = false;
        answerConfirm(&answered);
        button->click();
        QVERIFY(answered);
        QTRY_VERIFY(child<QLabel>(v, "peekLiveLabel")->text().contains(str("notifications")));
        const QByteArray flags =
            m_f.client->command({"CONFIG", "GET", "notify-keyspace-events"}).elements.value(1).str;
        QVERIFY2(flags.contains('K') && flags.contains('l'), flags.constData());
        QVERIFY(!button->isVisible());
        m_f.client->command({"LPUSH", "q", "b"});
        QTRY_COMPARE(v->model()->rowCount(), 2);
    }

    void streamBrowseAndXdel()
    {
        for (int i = 1; i <= 5; ++i)
            m_f.client->command({"XADD", "s", QByteArray::number(i) + "-0", "message",
                                 "m" + QByteArray::number(i)});
        auto window = makeWindow(str("peek:s"));
        QVERIFY(window);
        PeekView* v = pane(window.get(), "s")->peekView();
        QTRY_COMPARE(v->model()->rowCount(), 5);
        QCOMPARE(v->model()->index(0, PeekModel::IndexColumn).data().toString(), str("5-0"));
        QVERIFY(v->model()
                    ->index(0, PeekModel::PayloadColumn)
                    .data()
                    .toString()
                    .contains(str("message=m5")));
        QVERIFY(child<QPushButton>(v, "peekOlderButton")->isVisible());
        // A peeked stream is sent to with XADD, not LPUSH (which would be WRONGTYPE).
        QTRY_COMPARE(child<QPushButton>(pane(window.get(), "s"), "sendButton")->text(),
                     str("Send (XADD)"));
        QVERIFY(v->selectEntry("3-0"));
        QVERIFY(action(v, "peekXdelAction")->isEnabled());
        QVERIFY(!action(v, "peekDeleteAction")->isVisible());
        bool answered = false;
        answerConfirm(&answered);
        action(v, "peekXdelAction")->trigger();
        QVERIFY(answered);
        QTRY_VERIFY(v->resultText().contains(str("Deleted entry 3-0")));
        QCOMPARE(m_f.client->command({"XLEN", "s"}).integer, qint64(4));
        QTRY_COMPARE(v->model()->rowCount(), 4);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestPeekPane)
#include "tst_peekpane.moc"
