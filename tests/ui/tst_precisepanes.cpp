// The precise modes in the real MainWindow, offscreen, against a private redis-server: manual
// Ack / Requeue / Dead-letter from the live view, auto and none policies, XADD from the entry
// box, the inspector (orphaned processing lists, Recover, Claim, dead letters), a tail pane that
// consumes nothing, and a console killed and started again with nothing lost or acked twice.
#include "AckBar.h"
#include "AppOptions.h"
#include "InspectorDialog.h"
#include "InspectorTree.h"
#include "LuaScript.h"
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "SettleTracker.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;
using S = MessageModel::RowState;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 15000;
} // namespace

class TestPrecisePanes : public QObject {
    Q_OBJECT
private:
    // Active windows: these tests click and type.
    std::unique_ptr<MainWindow> makeWindow(const QStringList& panes, const QString& settings = {})
    {
        return test::windowOn(m_f, panes, settings, {}, /*waitActive=*/true);
    }

    static QTableView* view(QueuePane* p) { return child<QTableView>(p, "messageView"); }

    // Selects these model rows (replacing the selection) in the pane's view.
    static void selectRows(QueuePane* p, const QList<int>& rows)
    {
        QTableView* v = view(p);
        v->clearSelection();
        for (int row : rows) {
            const QModelIndex index = p->proxy()->mapFromSource(p->model()->index(row, 0));
            v->selectionModel()->select(index,
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }

    static QList<S> states(QueuePane* p)
    {
        QList<S> out;
        for (int row = 0; row < p->model()->rowCount(); ++row)
            out << p->model()->rowState(row);
        return out;
    }

    static int countRows(QueuePane* p, S state) { return p->model()->countInState(state); }

    // The row holding payload in `state`, or -1.
    static int rowOf(QueuePane* p, const QByteArray& payload, S state)
    {
        for (int row = 0; row < p->model()->rowCount(); ++row) {
            if (p->model()->messageAt(row).payload == payload && p->model()->rowState(row) == state)
                return row;
        }
        return -1;
    }

    static QString cell(QueuePane* p, int row, int column)
    {
        return p->model()->index(row, column).data().toString();
    }

    qint64 integer(const QList<QByteArray>& argv) { return m_f.client->command(argv).integer; }
    qint64 pendingCount(const QByteArray& stream, const QByteArray& group)
    {
        return m_f.client->command({"XPENDING", stream, group}).elements.value(0).integer;
    }

    static InspectorTree* inspectorTree(QueuePane* p)
    {
        return p->inspector() ? p->inspector()->tree() : nullptr;
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void init() { m_f.client->command({"FLUSHALL"}); }

    void modeChoiceOffersEveryModeWithItsGuarantee()
    {
        auto window = makeWindow({str("list:plain")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "plain");
        auto* combo = child<QComboBox>(p, "modeCombo");
        QCOMPARE(combo->count(), 9);
        QStringList labels;
        for (int i = 0; i < combo->count(); ++i) {
            labels << combo->itemText(i);
            const Mode mode = Mode(combo->itemData(i).toInt());
            QCOMPARE(combo->itemData(i, Qt::ToolTipRole).toString(), ConsumerSpec::guarantee(mode));
        }
        QCOMPARE(labels, QStringList({str("Pub/Sub"), str("Pattern"), str("List (LPUSH/BRPOP)"),
                                      str("Reliable list"), str("Stream group"), str("Stream tail"),
                                      str("Peek (read only)"), str("Observe all clients"),
                                      str("Sharded Pub/Sub")}));
        // A classic pane shows no ack bar and no precise columns.
        QVERIFY(!p->ackBar()->isVisible());
        QVERIFY(view(p)->isColumnHidden(MessageModel::StateColumn));
        // Switching to reliable: the ack bar with auto/manual (no "none"), the columns show.
        combo->setCurrentIndex(combo->findData(int(Mode::Reliable)));
        QCOMPARE(p->spec().mode, Mode::Reliable);
        QVERIFY(p->ackBar()->isVisible());
        QVERIFY(!view(p)->isColumnHidden(MessageModel::StateColumn));
        QVERIFY(!view(p)->isColumnHidden(MessageModel::DeliveryColumn));
        auto* policy = child<QComboBox>(p, "ackPolicyCombo");
        QCOMPARE(policy->count(), 2);
        QCOMPARE(policy->currentData().toString(), str("auto"));
        // Stream: none too, shown as at most once.
        combo->setCurrentIndex(combo->findData(int(Mode::Stream)));
        QCOMPARE(policy->count(), 3);
        policy->setCurrentIndex(policy->findData(str("none")));
        QCOMPARE(p->spec().option(str("ack")), str("none"));
        QCOMPARE(child<QLabel>(p, "guaranteeLabel")->text(), AckBar::noAckGuarantee());
        QVERIFY(AckBar::noAckGuarantee().contains(str("At most once")));
        // The settle actions carry their shortcuts in the tooltip.
        const QAction* ack = p->ackBar()->ackAction();
        QCOMPARE(ack->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_K));
        QVERIFY(ack->toolTip().contains(ack->shortcut().toString(QKeySequence::NativeText)));
        QVERIFY(p->ackBar()->requeueAction()->toolTip().contains(
            p->ackBar()->requeueAction()->shortcut().toString(QKeySequence::NativeText)));
        // Back to reliable: ack=none is not valid there and is dropped.
        combo->setCurrentIndex(combo->findData(int(Mode::Reliable)));
        QVERIFY(!p->spec().options.contains(str("ack")));
        // Tail: reads only.
        combo->setCurrentIndex(combo->findData(int(Mode::Tail)));
        QVERIFY(p->ackBar()->isVisible());
        QVERIFY(child<QLabel>(p, "readOnlyLabel")->isVisible());
        QVERIFY(!policy->isVisible());
        QVERIFY(view(p)->isColumnHidden(MessageModel::StateColumn));
    }

    void streamPanePublishesWithXadd()
    {
        auto window = makeWindow({str("stream:events,group=g")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "events");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_f.client->command({"XINFO", "GROUPS", "events"}).elements.size(), 1, kTimeoutMs);
        auto* send = child<QAbstractButton>(p, "sendButton");
        QVERIFY(send->isEnabled());
        QVERIFY(send->text().contains(str("XADD")));
        auto* field = child<QLineEdit>(p, "fieldEdit");
        QVERIFY(field->isVisible());
        QCOMPARE(field->text(), str("message"));
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        QTest::keyClicks(edit, str("hello stream"));
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("hello stream"));
        RedisReply entries = m_f.client->command({"XRANGE", "events", "-", "+"});
        QCOMPARE(entries.elements.size(), 1);
        QCOMPARE(entries.elements[0].elements[1].elements[0].str, QByteArray("message"));
        // Another field name.
        field->setText(str("body"));
        edit->setPlainText(str("in body"));
        send->click();
        QTRY_COMPARE_WITH_TIMEOUT(integer({"XLEN", "events"}), 2, kTimeoutMs);
        entries = m_f.client->command({"XREVRANGE", "events", "+", "-", "COUNT", "1"});
        QCOMPARE(entries.elements[0].elements[1].elements[0].str, QByteArray("body"));
        QCOMPARE(entries.elements[0].elements[1].elements[1].str, QByteArray("in body"));
        // field=value lines: one field per line.
        child<QCheckBox>(p, "fieldLinesCheck")->setChecked(true);
        QVERIFY(!field->isEnabled());
        edit->setPlainText(str("message=order 7\ncustomer=Ada\n"));
        send->click();
        QTRY_COMPARE_WITH_TIMEOUT(integer({"XLEN", "events"}), 3, kTimeoutMs);
        entries = m_f.client->command({"XREVRANGE", "events", "+", "-", "COUNT", "1"});
        const QList<RedisReply>& f = entries.elements[0].elements[1].elements;
        QCOMPARE(f.size(), 4);
        QCOMPARE(f[1].str, QByteArray("order 7"));
        QCOMPARE(f[2].str, QByteArray("customer"));
        QCOMPARE(f[3].str, QByteArray("Ada"));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(2).payload, QByteArray("order 7"));
        // A line that is not field=value is refused with a sentence, nothing sent.
        edit->setPlainText(str("no equals sign"));
        send->click();
        QVERIFY(p->errorText().contains(str("field=value")));
        QCOMPARE(integer({"XLEN", "events"}), 3);
        QTRY_COMPARE(p->sentTotal(), quint64(3));
    }

    void reliableManualAckRequeueDeadLetter()
    {
        auto window = makeWindow({str("reliable:jobs,ack=manual,consumer=w1")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QCOMPARE(child<QComboBox>(p, "ackPolicyCombo")->currentData().toString(), str("manual"));
        m_f.client->command({"LPUSH", "jobs", "a", "b", "c", "d"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 4, kTimeoutMs);
        QCOMPARE(states(p), QList<S>(4, S::Pending));
        QCOMPARE(cell(p, 0, MessageModel::StateColumn), str("pending"));
        QCOMPARE(cell(p, 0, MessageModel::DeliveryColumn), str("1"));
        QCOMPARE(integer({"LLEN", "jobs:processing:w1"}), 4);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("pending 4")), kTimeoutMs);

        auto* ackButton = child<QAbstractButton>(p, "ackButton");
        QVERIFY(!ackButton->isEnabled()); // nothing selected
        selectRows(p, {0, 1});
        QVERIFY(ackButton->isEnabled());
        ackButton->click();
        QTRY_COMPARE_WITH_TIMEOUT(integer({"LLEN", "jobs:processing:w1"}), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowState(0), S::Acked, kTimeoutMs);
        QCOMPARE(p->model()->rowState(1), S::Acked);
        QCOMPARE(cell(p, 0, MessageModel::StateColumn), str("acked"));
        QVERIFY(!ackButton->isEnabled()); // the selection holds nothing pending any more
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("acked 2")), kTimeoutMs);

        // Requeue "c" with the keyboard (the view has the focus): back to the queue, and the
        // pane (blocked on it) gets it again, marked as the second delivery.
        QCOMPARE(p->model()->messageAt(2).payload, QByteArray("c"));
        selectRows(p, {2});
        view(p)->setFocus();
        QTRY_VERIFY(view(p)->hasFocus());
        QTest::keyClick(view(p), Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowState(2), S::Requeued, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 5, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(4).payload, QByteArray("c"));
        QCOMPARE(p->model()->messageAt(4).deliveryCount, 2);
        QCOMPARE(p->model()->rowState(4), S::Pending);
        QCOMPARE(cell(p, 4, MessageModel::DeliveryColumn), str("2"));
        QVERIFY(p->model()
                    ->index(4, MessageModel::DeliveryColumn)
                    .data(Qt::FontRole)
                    .value<QFont>()
                    .bold());
        // It went through the queue: its failed delivery is counted there.
        QCOMPARE(m_f.client->command({"HGET", "jobs:deliveries", sha1Hex("c")}).str,
                 QByteArray("1"));
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("redelivered 1")), kTimeoutMs);

        // Dead-letter "d" with its button.
        selectRows(p, {3});
        child<QAbstractButton>(p, "deadLetterButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowState(3), S::DeadLettered, kTimeoutMs);
        QCOMPARE(m_f.client->command({"LRANGE", "jobs:dead", "0", "-1"}).elements.value(0).str,
                 QByteArray("d"));
        QCOMPARE(integer({"LLEN", "jobs:processing:w1"}), 1);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("dead 1")), kTimeoutMs);

        // Ctrl+K acks the redelivered "c"; selecting settled rows too changes nothing for them.
        selectRows(p, {0, 4});
        QTest::keyClick(view(p), Qt::Key_K, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowState(4), S::Acked, kTimeoutMs);
        QCOMPARE(integer({"LLEN", "jobs:processing:w1"}), 0);
        QCOMPARE(integer({"LLEN", "jobs"}), 0);
        QTRY_COMPARE_WITH_TIMEOUT(p->tracker()->counters().acked, quint64(3), kTimeoutMs);
        QCOMPARE(p->tracker()->counters().gone, quint64(0));
        QCOMPARE(p->tracker()->counters().pending, 0);
        QVERIFY2(p->errorText().isEmpty(), qPrintable(p->errorText()));

        // Clear keeps what still waits for an ack: the view is where it is settled.
        m_f.client->command({"LPUSH", "jobs", "e", "f"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 7, kTimeoutMs);
        child<QAbstractButton>(p, "clearButton")->click();
        QCOMPARE(p->model()->rowCount(), 2);
        QCOMPARE(states(p), QList<S>(2, S::Pending));
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("e"));
        selectRows(p, {0, 1});
        child<QAbstractButton>(p, "ackButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(integer({"LLEN", "jobs:processing:w1"}), 0, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(states(p), QList<S>(2, S::Acked), kTimeoutMs);
    }

    void streamManualAckThenAuto()
    {
        auto window = makeWindow({str("stream:orders,group=g,consumer=c1,ack=manual")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "orders");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_f.client->command({"XINFO", "GROUPS", "orders"}).elements.size(), 1, kTimeoutMs);
        for (const char* o : {"o1", "o2", "o3"})
            m_f.client->command({"XADD", "orders", "*", "message", o});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        QCOMPARE(states(p), QList<S>(3, S::Pending));
        QCOMPARE(pendingCount("orders", "g"), 3);
        selectRows(p, {0, 2});
        child<QAbstractButton>(p, "ackButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(pendingCount("orders", "g"), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(states(p), (QList<S>{S::Acked, S::Pending, S::Acked}),
                                  kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("pending 1")), kTimeoutMs);

        // Switch to auto: the consumer restarts under the same name, re-reads "o2" (still
        // pending), and acks it and every new entry on its own.
        auto* policy = child<QComboBox>(p, "ackPolicyCombo");
        policy->setCurrentIndex(policy->findData(str("auto")));
        QVERIFY(!p->spec().options.contains(str("ack")));
        QCOMPARE(p->model()->rowState(1), S::Released);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 4, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(3).payload, QByteArray("o2"));
        QCOMPARE(p->model()->messageAt(3).deliveryCount, 2);
        m_f.client->command({"XADD", "orders", "*", "message", "o4"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 5, kTimeoutMs);
        QCOMPARE(p->model()->rowState(4), S::AutoAcked);
        QTRY_COMPARE_WITH_TIMEOUT(pendingCount("orders", "g"), 0, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->tracker()->counters().acked, quint64(2), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("pending 0")), kTimeoutMs);
        QVERIFY(!child<QAbstractButton>(p, "ackButton")->isEnabled()); // nothing to ack by hand

        // none: NOACK, shown as at most once; nothing ever pending.
        policy->setCurrentIndex(policy->findData(str("none")));
        QCOMPARE(child<QLabel>(p, "guaranteeLabel")->text(), AckBar::noAckGuarantee());
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        m_f.client->command({"XADD", "orders", "*", "message", "o5"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 6, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(5).payload, QByteArray("o5"));
        QCOMPARE(p->model()->rowState(5), S::NoAck);
        QCOMPARE(cell(p, 5, MessageModel::StateColumn), str("no ack"));
        QCOMPARE(pendingCount("orders", "g"), 0);
    }

    void inspectorShowsOrphanedListsAndRecovers()
    {
        auto window = makeWindow({str("reliable:work,ack=manual,consumer=live")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "work");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        m_f.client->command({"LPUSH", "work", "w1"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        // A consumer that died long ago left two messages in its processing list.
        m_f.client->command({"LPUSH", "work:processing:ghost", "o1", "o2"});

        p->ackBar()->inspectAction()->trigger();
        InspectorDialog* inspector = p->inspector();
        QVERIFY(inspector);
        QCOMPARE(inspector->objectName(), str("inspector"));
        QVERIFY(inspector->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSnapshot(), kTimeoutMs);
        InspectorTree* tree = inspectorTree(p);
        QTreeWidgetItem* ghost = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (ghost = tree->findItem(InspectorTree::Kind::ProcessingList, "work:processing:ghost")),
            kTimeoutMs);
        QCOMPARE(ghost->text(InspectorTree::StateColumn), str("orphaned"));
        QCOMPARE(ghost->text(InspectorTree::CountColumn), str("2"));
        QCOMPARE(ghost->childCount(), 2);
        QTreeWidgetItem* live =
            tree->findItem(InspectorTree::Kind::ProcessingList, "work:processing:live");
        QVERIFY(live);
        QCOMPARE(live->text(InspectorTree::StateColumn), str("alive"));
        QCOMPARE(live->text(InspectorTree::CountColumn), str("1"));

        auto* recover = child<QAbstractButton>(inspector, "recoverButton");
        QVERIFY(recover->isEnabled());
        QVERIFY(!child<QAbstractButton>(inspector, "claimButton")->isEnabled()); // not a stream
        recover->click();
        // Back to the queue, oldest first, and taken by the pane as second deliveries.
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(1).payload, QByteArray("o1"));
        QCOMPARE(p->model()->messageAt(1).deliveryCount, 2);
        QCOMPARE(p->model()->rowState(1), S::Pending);
        QCOMPARE(integer({"EXISTS", "work:processing:ghost"}), 0);
        QTRY_VERIFY_WITH_TIMEOUT(inspector->actionText().contains(str("2 message")), kTimeoutMs);
        // The refreshed tree no longer lists it; the live one holds three.
        child<QAbstractButton>(inspector, "refreshButton")->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            !tree->findItem(InspectorTree::Kind::ProcessingList, "work:processing:ghost"),
            kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            tree->findItem(InspectorTree::Kind::ProcessingList, "work:processing:live")
                ->text(InspectorTree::CountColumn),
            str("3"), kTimeoutMs);

        // Dead letters: dead-letter one from the pane, requeue it from the inspector.
        selectRows(p, {0});
        child<QAbstractButton>(p, "deadLetterButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowState(0), S::DeadLettered, kTimeoutMs);
        QTreeWidget* dead = inspector->deadList();
        QTRY_COMPARE_WITH_TIMEOUT(dead->topLevelItemCount(), 1, kTimeoutMs); // on its own timer
        QVERIFY(child<QLabel>(inspector, "deadLabel")->text().contains(str("work:dead")));
        QCOMPARE(dead->topLevelItem(0)->text(1), str("w1"));
        dead->topLevelItem(0)->setSelected(true);
        child<QAbstractButton>(inspector, "requeueDeadButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 4, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(3).payload, QByteArray("w1"));
        QCOMPARE(p->model()->rowState(3), S::Pending);
        QCOMPARE(integer({"LLEN", "work:dead"}), 0);
        QTRY_VERIFY_WITH_TIMEOUT(inspector->actionText().contains(str("1 dead letter")),
                                 kTimeoutMs);
    }

    void inspectorClaimsAnIdleEntryFromAnotherConsumer()
    {
        m_f.client->command({"XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"});
        m_f.client->command({"XADD", "jobs", "*", "message", "stuck"});
        // Another program's consumer took it and died.
        m_f.client->command(
            {"XREADGROUP", "GROUP", "g", "ghost", "COUNT", "1", "STREAMS", "jobs", ">"});
        auto window = makeWindow({str("stream:jobs,group=g,consumer=mine,ack=manual")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QCOMPARE(p->model()->rowCount(), 0); // not ours

        InspectorDialog* inspector = p->openInspector();
        QVERIFY(inspector);
        InspectorTree* tree = inspector->tree();
        QTreeWidgetItem* ghost = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (ghost = tree->findItem(InspectorTree::Kind::Consumer, "ghost", "g")), kTimeoutMs);
        QCOMPARE(ghost->text(InspectorTree::CountColumn), str("1"));
        QCOMPARE(ghost->text(InspectorTree::StateColumn), str("no heartbeat"));
        QTRY_VERIFY_WITH_TIMEOUT(tree->findItem(InspectorTree::Kind::Consumer, "mine", "g"),
                                 kTimeoutMs);
        QCOMPARE(tree->findItem(InspectorTree::Kind::Consumer, "mine", "g")
                     ->text(InspectorTree::StateColumn),
                 str("alive"));
        QTreeWidgetItem* group = tree->findItem(InspectorTree::Kind::Group, "g");
        QVERIFY(group);
        QCOMPARE(group->text(InspectorTree::CountColumn), str("1")); // pending in the group
        QCOMPARE(group->text(InspectorTree::StateColumn), str("lag 0"));

        auto* idle = child<QSpinBox>(inspector, "claimIdleSpin");
        QCOMPARE(idle->value(), 60000); // the spec's default minidle
        auto* claim = child<QAbstractButton>(inspector, "claimButton");
        QVERIFY(claim->isEnabled());
        QVERIFY(!child<QAbstractButton>(inspector, "recoverButton")->isEnabled());
        // Not idle for a minute yet: nothing claimed.
        claim->click();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->actionText().contains(str("0 entries")), kTimeoutMs);
        QCOMPARE(p->model()->rowCount(), 0);
        idle->setValue(0);
        claim->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("stuck"));
        QCOMPARE(p->model()->messageAt(0).deliveryCount, 2);
        QCOMPARE(p->model()->rowState(0), S::Pending);
        QTRY_VERIFY_WITH_TIMEOUT(inspector->actionText().contains(str("1 entries")), kTimeoutMs);
        const RedisReply pel = m_f.client->command({"XPENDING", "jobs", "g", "-", "+", "10"});
        QCOMPARE(pel.elements.size(), 1);
        QCOMPARE(pel.elements[0].elements[1].str, QByteArray("mine"));
        // Acked from the pane: the group holds nothing pending.
        selectRows(p, {0});
        child<QAbstractButton>(p, "ackButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(pendingCount("jobs", "g"), 0, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            tree->findItem(InspectorTree::Kind::Group, "g")->text(InspectorTree::CountColumn),
            str("0"), kTimeoutMs);
    }

    void tailPaneReadsWithoutConsuming()
    {
        m_f.client->command({"XGROUP", "CREATE", "feed", "workers", "$", "MKSTREAM"});
        auto window = makeWindow({str("tail:feed")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "feed");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QVERIFY(child<QLabel>(p, "readOnlyLabel")->isVisible());
        QVERIFY(!child<QAbstractButton>(p, "ackButton")->isVisible());
        m_f.client->command({"XADD", "feed", "*", "message", "f1"});
        m_f.client->command(
            {"XREADGROUP", "GROUP", "workers", "app", "COUNT", "1", "STREAMS", "feed", ">"});
        QCOMPARE(pendingCount("feed", "workers"), 1);
        // The pane's own entry box adds to the stream; the tail sees both.
        QTest::keyClicks(child<QPlainTextEdit>(p, "messageEdit"), str("f2"));
        child<QAbstractButton>(p, "sendButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("f1"));
        QCOMPARE(p->model()->messageAt(1).payload, QByteArray("f2"));
        QCOMPARE(p->model()->rowState(0), S::None);
        // Nothing consumed: the application's group is unchanged, no group of ours exists.
        QCOMPARE(pendingCount("feed", "workers"), 1);
        QCOMPARE(m_f.client->command({"XINFO", "GROUPS", "feed"}).elements.size(), 1);
        QCOMPARE(integer({"XLEN", "feed"}), 2);
    }

    void killTheConsoleAndStartAgain()
    {
        const QString file = m_f.freshSettings();
        {
            auto window =
                makeWindow({str("reliable:rq,ack=manual"), str("stream:rs,ack=manual")}, file);
            QVERIFY(window);
            QueuePane* list = pane(window.get(), "rq");
            QueuePane* stream = pane(window.get(), "rs");
            QTRY_COMPARE_WITH_TIMEOUT(list->consumerState(), ConsumerState::Listening, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(stream->consumerState(), ConsumerState::Listening,
                                      kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(
                m_f.client->command({"XINFO", "GROUPS", "rs"}).elements.size(), 1, kTimeoutMs);
            for (int i = 0; i < 5; ++i) {
                m_f.client->command({"LPUSH", "rq", "r" + QByteArray::number(i)});
                m_f.client->command({"XADD", "rs", "*", "message", "s" + QByteArray::number(i)});
            }
            QTRY_COMPARE_WITH_TIMEOUT(list->model()->rowCount(), 5, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(stream->model()->rowCount(), 5, kTimeoutMs);
            selectRows(list, {0, 1});
            child<QAbstractButton>(list, "ackButton")->click();
            selectRows(stream, {0, 1});
            child<QAbstractButton>(stream, "ackButton")->click();
            QTRY_COMPARE_WITH_TIMEOUT(countRows(list, S::Acked), 2, kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(countRows(stream, S::Acked), 2, kTimeoutMs);
            QCOMPARE(pendingCount("rs", "rqconsole"), 3);
            // The console goes away with three messages of each pane unacked.
            window->close();
        }
        // Nothing lost: the unacked ones wait in Redis (a processing list, the group's PEL).
        const QList<QByteArray> processing = [this] {
            QList<QByteArray> keys;
            for (const RedisReply& k : m_f.client->command({"KEYS", "rq:processing:*"}).elements)
                keys << k.str;
            return keys;
        }();
        QCOMPARE(processing.size(), 1);
        QCOMPARE(integer({"LLEN", processing[0]}), 3);
        QCOMPARE(integer({"LLEN", "rq"}), 0);
        QCOMPARE(pendingCount("rs", "rqconsole"), 3);
        QCOMPARE(integer({"EXISTS", processing[0] + ":alive"}), 0); // a clean stop let go

        // Start again from the same settings: the panes come back with their policy and show
        // every unacked message again, as redelivered.
        auto window = makeWindow({}, file);
        QVERIFY(window);
        QueuePane* list = pane(window.get(), "rq");
        QueuePane* stream = pane(window.get(), "rs");
        QVERIFY(list && stream);
        QCOMPARE(list->spec().option(str("ack")), str("manual"));
        QCOMPARE(stream->spec().option(str("ack")), str("manual"));
        QTRY_COMPARE_WITH_TIMEOUT(list->model()->rowCount(), 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(stream->model()->rowCount(), 3, kTimeoutMs);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(list->model()->messageAt(i).payload, "r" + QByteArray::number(i + 2));
            QCOMPARE(stream->model()->messageAt(i).payload, "s" + QByteArray::number(i + 2));
            for (QueuePane* p : {list, stream}) {
                QCOMPARE(p->model()->messageAt(i).deliveryCount, 2);
                QCOMPARE(p->model()->rowState(i), S::Pending);
                QCOMPARE(cell(p, i, MessageModel::DeliveryColumn), str("2"));
            }
        }
        QTRY_VERIFY_WITH_TIMEOUT(list->statusText().contains(str("redelivered 3")), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(stream->statusText().contains(str("redelivered 3")), kTimeoutMs);
        // Ack them all: exactly once each — nothing is found gone (acked before).
        for (QueuePane* p : {list, stream}) {
            selectRows(p, {0, 1, 2});
            child<QAbstractButton>(p, "ackButton")->click();
        }
        QTRY_COMPARE_WITH_TIMEOUT(countRows(list, S::Acked), 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(countRows(stream, S::Acked), 3, kTimeoutMs);
        QCOMPARE(integer({"LLEN", processing[0]}), 0);
        QCOMPARE(pendingCount("rs", "rqconsole"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(list->tracker()->counters().acked, quint64(3), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(stream->tracker()->counters().acked, quint64(3), kTimeoutMs);
        QCOMPARE(list->tracker()->counters().gone, quint64(0));
        QCOMPARE(stream->tracker()->counters().gone, quint64(0));
        QCOMPARE(countRows(list, S::Gone) + countRows(stream, S::Gone), 0);
        // The ledger: 5 produced = 2 + 3 acked, nothing queued, pending or dead.
        QCOMPARE(integer({"LLEN", "rq"}) + integer({"LLEN", "rq:dead"}), 0);
        QCOMPARE(integer({"EXISTS", "rs:dead"}), 0);
    }

    void precisePaneSpeaksChinese()
    {
        QTranslator translator;
        QVERIFY(translator.load(QLocale(QLocale::Chinese, QLocale::China), str("rqconsole"),
                                str("_"), str(":/i18n")));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        auto window = makeWindow({str("reliable:cn,ack=manual")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "cn");
        QCOMPARE(p->ackBar()->ackAction()->text(), str("确认(&A)"));
        QCOMPARE(p->ackBar()->deadLetterAction()->text(), str("转入死信(&D)"));
        QCOMPARE(child<QComboBox>(p, "ackPolicyCombo")->currentText(), str("手动"));
        QCOMPARE(p->model()->headerData(MessageModel::StateColumn, Qt::Horizontal).toString(),
                 str("状态"));
        m_f.client->command({"LPUSH", "cn", "x"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(cell(p, 0, MessageModel::StateColumn), str("待确认"));
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("待确认 1")), kTimeoutMs);
        InspectorDialog* inspector = p->openInspector();
        QVERIFY(inspector->windowTitle().startsWith(str("检查器")));
        QCoreApplication::removeTranslator(&translator);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestPrecisePanes)
#include "tst_precisepanes.moc"
