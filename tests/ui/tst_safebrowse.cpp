// Safe by default (issue 7, part 1 and the consumers line of part 4), against a private
// redis-server with the user's "own" workers on it: the sidebar never takes, a consuming switch
// is asked about (naming the workers already there), the answer and "don't ask again" are
// remembered per server, the command line is an explicit choice, the first run consumes only on
// the sandbox, and a restored layout consumes only where that was confirmed before.
#include "BlockedWorker.h"
#include "ConsoleSession.h"
#include "ConsumeGuard.h"
#include "Consumer.h"
#include "ConsumerCensus.h"
#include "ConsumersLine.h"
#include "MainWindow.h"
#include "NewPaneDialog.h"
#include "QueuePane.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSettings>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace rqc;

using rqc::test::BlockedWorker;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;

// Everything a consumer could change: list contents, stream groups with their consumers and
// pending counts, the server's write counter, and the calls of every taking command.
struct ServerState {
    QMap<QByteArray, QList<QByteArray>> lists;
    QMap<QByteArray, QByteArray> groups; // stream → XINFO GROUPS + CONSUMERS, flattened
    qint64 dirty = -1;
    QMap<QByteArray, qint64> takes; // cmdstat_<cmd> calls

    bool operator==(const ServerState& o) const
    {
        return lists == o.lists && groups == o.groups && dirty == o.dirty && takes == o.takes;
    }
};

QByteArray flatten(const RedisReply& r)
{
    if (r.isArray()) {
        QByteArray out = "[";
        for (const RedisReply& e : r.elements)
            out += flatten(e) + ',';
        return out + ']';
    }
    // Idle times grow by themselves; they are not state.
    return r.isInteger() ? QByteArray::number(r.integer) : r.str;
}
} // namespace

class TestSafeBrowse : public QObject {
    Q_OBJECT
private:
    // The window on the test's server with these arguments (a fresh settings file if none).
    std::unique_ptr<MainWindow> makeWindow(const QStringList& extra = {},
                                           const QString& settingsFile = QString())
    {
        return test::windowOn(m_f, {}, settingsFile, extra);
    }

    qint64 integer(const QList<QByteArray>& argv) { return m_f.client->command(argv).integer; }

    ServerState serverState(const QList<QByteArray>& lists, const QList<QByteArray>& streams)
    {
        ServerState s;
        for (const QByteArray& key : lists) {
            for (const RedisReply& e : m_f.client->command({"LRANGE", key, "0", "-1"}).elements)
                s.lists[key] << e.str;
        }
        for (const QByteArray& key : streams) {
            const RedisReply groups = m_f.client->command({"XINFO", "GROUPS", key});
            QByteArray flat = flatten(groups);
            for (const RedisReply& g : groups.elements) {
                for (qsizetype i = 0; i + 1 < g.elements.size(); i += 2) {
                    if (g.elements[i].str != "name")
                        continue;
                    const RedisReply consumers =
                        m_f.client->command({"XINFO", "CONSUMERS", key, g.elements[i + 1].str});
                    for (const RedisReply& c : consumers.elements) {
                        for (qsizetype j = 0; j + 1 < c.elements.size(); j += 2) {
                            const QByteArray field = c.elements[j].str;
                            if (field == "name" || field == "pending")
                                flat += field + '=' + flatten(c.elements[j + 1]) + ';';
                        }
                    }
                }
            }
            s.groups[key] = flat;
        }
        const RedisReply persistence = m_f.client->command({"INFO", "persistence"});
        for (const QByteArray& line : persistence.str.split('\n')) {
            if (line.startsWith("rdb_changes_since_last_save:"))
                s.dirty = line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
        }
        const RedisReply stats = m_f.client->command({"INFO", "commandstats"});
        static const QList<QByteArray> taking{
            "rpop",  "lpop",   "brpop",      "blpop",      "blmove",     "lmove",
            "lmpop", "blmpop", "rpoplpush",  "brpoplpush", "xreadgroup", "xgroup",
            "xack",  "xclaim", "xautoclaim", "lrem",       "ltrim",      "del"};
        for (const QByteArray& line : stats.str.split('\n')) {
            for (const QByteArray& cmd : taking) {
                if (line.startsWith("cmdstat_" + cmd + ":calls=")) {
                    const QByteArray calls = line.mid(line.indexOf('=') + 1).split(',').first();
                    s.takes[cmd] = calls.toLongLong();
                }
            }
        }
        return s;
    }

    // The consume question once it is on screen (it waits for the census first).
    QMessageBox* question(MainWindow* window)
    {
        QMessageBox* box = nullptr;
        (void)QTest::qWaitFor(
            [&] {
                box = window->consumeGuard()->openQuestion();
                return box && box->isVisible();
            },
            kTimeoutMs);
        return box && box->isVisible() ? box : nullptr;
    }

    static void chooseMode(QueuePane* p, Mode mode)
    {
        auto* combo = child<QComboBox>(p, "modeCombo");
        combo->setCurrentIndex(combo->findData(int(mode)));
    }

    static Mode comboMode(QueuePane* p)
    {
        return Mode(child<QComboBox>(p, "modeCombo")->currentData().toInt());
    }

    static QString consumersText(QueuePane* p)
    {
        return child<QLabel>(p, "consumersLabel")->text() + QLatin1Char('\n') +
               child<QLabel>(p, "consumersLabel")->toolTip();
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void init() { m_f.client->command({"FLUSHALL"}); }

    void sidebarClicksTakeNothing()
    {
        // The application's data and workers: two named BRPOP workers waiting on their (empty)
        // queue, a reliable worker's processing list with its heartbeat and an orphaned one, a
        // stream group with a consumer holding an entry and one blocked for more, a subscriber.
        m_f.client->command({"RPUSH", "jobs", "j1", "j2", "j3"});
        m_f.client->command({"RPUSH", "emails", "e1", "e2"});
        m_f.client->command({"RPUSH", "jobs:processing:rw1", "in-flight"});
        m_f.client->command({"SET", "jobs:processing:rw1:alive", "host pid 1", "EX", "3600"});
        m_f.client->command({"RPUSH", "jobs:processing:gone", "left-behind"});
        m_f.client->command({"XADD", "events", "1-0", "message", "a"});
        m_f.client->command({"XADD", "events", "2-0", "message", "b"});
        m_f.client->command({"XGROUP", "CREATE", "events", "g", "0"});
        m_f.client->command(
            {"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "events", ">"});
        m_f.client->command({"XADD", "events", "3-0", "message", "c"});
        m_f.client->command(
            {"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "STREAMS", "events", ">"});
        BlockedWorker a(m_f.server.settings(), "worker-a", {"BRPOP", "work", "0"});
        BlockedWorker b(m_f.server.settings(), "worker-b", {"BRPOP", "work", "0"});
        BlockedWorker c2(
            m_f.server.settings(), "stream-worker",
            {"XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "events", ">"});
        BlockedWorker subscriber(m_f.server.settings(), "subscriber", {"SUBSCRIBE", "news"});
        QVERIFY(test::waitUntil([&] {
            return a.isBlocked(*m_f.client) && b.isBlocked(*m_f.client) &&
                   c2.isBlocked(*m_f.client) && subscriber.answered();
        }));
        const QList<QByteArray> lists{"jobs", "emails", "jobs:processing:rw1",
                                      "jobs:processing:gone"};
        const ServerState before = serverState(lists, {"events"});

        auto window = makeWindow();
        QVERIFY(window);
        ServerTreeModel* model = window->sidebar()->treeModel();
        window->findChild<QAction*>(str("refreshAction"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            model->findEntry(ServerTreeModel::Kind::Channel, "news").isValid() &&
                model->findEntry(ServerTreeModel::Kind::Stream, "events").isValid() &&
                model->findEntry(ServerTreeModel::Kind::List, "jobs:processing:gone").isValid(),
            kTimeoutMs);
        // Click every list, stream and channel the sidebar shows.
        QList<QModelIndex> entries;
        QList<QModelIndex> todo{QModelIndex()};
        while (!todo.isEmpty()) {
            const QModelIndex parent = todo.takeFirst();
            for (int row = 0; row < model->rowCount(parent); ++row) {
                const QModelIndex index = model->index(row, 0, parent);
                const auto kind =
                    ServerTreeModel::Kind(index.data(ServerTreeModel::KindRole).toInt());
                if (kind == ServerTreeModel::Kind::List || kind == ServerTreeModel::Kind::Stream ||
                    kind == ServerTreeModel::Kind::Channel)
                    entries << index;
                todo << index;
            }
        }
        QCOMPARE(entries.size(), lists.size() + 2);
        ServerSidebar* sidebar = window->sidebar();
        for (const QModelIndex& entry : std::as_const(entries)) {
            sidebar->scrollTo(entry);
            QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {},
                              sidebar->visualRect(entry).center());
            const QByteArray name = entry.data(ServerTreeModel::NameRole).toByteArray();
            QueuePane* p = pane(window.get(), name.constData());
            QVERIFY2(p, name.constData());
            const auto kind = ServerTreeModel::Kind(entry.data(ServerTreeModel::KindRole).toInt());
            const Mode expected = kind == ServerTreeModel::Kind::List     ? Mode::Peek
                                  : kind == ServerTreeModel::Kind::Stream ? Mode::Tail
                                                                          : Mode::PubSub;
            QCOMPARE(p->spec().mode, expected);
        }
        QCOMPARE(window->panes().size(), 2 + entries.size()); // beside queue1 and queue2
        // Keyboard activation opens the same modes (and focuses the same panes).
        sidebar->setCurrentIndex(entries.first());
        QTest::keyClick(sidebar, Qt::Key_Return);
        QCOMPARE(window->panes().size(), 2 + entries.size());

        // Each pane says who consumes its target.
        QueuePane* jobs = pane(window.get(), "jobs");
        QTRY_VERIFY_WITH_TIMEOUT(consumersText(jobs).contains(str("worker-a")), kTimeoutMs);
        QString text = consumersText(jobs);
        QVERIFY2(text.contains(str("worker-b")) && text.contains(str("BRPOP")), qPrintable(text));
        QVERIFY2(text.contains(str("2 clients blocked in list pops")), qPrintable(text));
        QVERIFY2(text.contains(str("rw1 alive")), qPrintable(text));
        QVERIFY2(text.contains(str("gone orphaned")), qPrintable(text));
        QueuePane* events = pane(window.get(), "events");
        QTRY_VERIFY_WITH_TIMEOUT(consumersText(events).contains(str("group g")), kTimeoutMs);
        text = consumersText(events);
        QVERIFY2(text.contains(str("group g: 2 consumers, 3 pending")) &&
                     text.contains(str("c1 (2 pending")) && text.contains(str("c2 (1 pending")),
                 qPrintable(text));
        QVERIFY(!child<QLabel>(pane(window.get(), "news"), "consumersLabel")->isVisible());
        // Tail and Pub/Sub panes run; the Peek panes start no consumer at all.
        QTRY_COMPARE_WITH_TIMEOUT(events->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(pane(window.get(), "news")->consumerState(),
                                  ConsumerState::Listening, kTimeoutMs);
        for (const QByteArray& key : lists)
            QVERIFY(pane(window.get(), key.constData())->findChildren<Consumer*>().isEmpty());
        // A census round later, nothing changed: no element, group, consumer or pending entry,
        // no write at all, no taking command by anyone; the workers still wait.
        jobs->consumersLine()->census()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!jobs->consumersLine()->census()->inFlight(), kTimeoutMs);
        QCOMPARE(serverState(lists, {"events"}), before);
        QVERIFY(!a.answered() && !b.answered() && !c2.answered());
        QVERIFY(!window->consumeGuard()->openQuestion());
    }

    void consumersLineSaysWhenDiscoveryIsPartial()
    {
        // The census re-reads the processing lists discovery found; while the first walk runs
        // it may miss some, and the line says so instead of passing that for the whole picture.
        const QString note = ConsumersLine::partialNote(false, 0.38);
        QVERIFY2(note.contains(QStringLiteral("38 %")), qPrintable(note));
        QVERIFY(note.contains(QStringLiteral("more may exist")));
        QVERIFY(ConsumersLine::partialNote(true, 0.38).isEmpty());
        QVERIFY(ConsumersLine::partialNote(false, 7.0).contains(QStringLiteral("100 %")));
    }

    void switchingToListAsksNamingTheWorkers()
    {
        m_f.client->command({"RPUSH", "jobs", "j1", "j2"});
        BlockedWorker a(m_f.server.settings(), "worker-a", {"BRPOP", "work", "0"});
        BlockedWorker b(m_f.server.settings(), "worker-b",
                        {"BLMOVE", "work", "w:p", "RIGHT", "LEFT", "0"});
        QVERIFY(
            test::waitUntil([&] { return a.isBlocked(*m_f.client) && b.isBlocked(*m_f.client); }));
        auto window = makeWindow({str("--pane"), str("peek:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QCOMPARE(p->spec().mode, Mode::Peek);

        chooseMode(p, Mode::List);
        QMessageBox* box = question(window.get());
        QVERIFY(box);
        QCOMPARE(p->spec().mode, Mode::Peek); // nothing switched while asking
        QCOMPARE(comboMode(p), Mode::Peek);
        QVERIFY2(box->text().contains(str("take messages from list jobs with BRPOP")),
                 qPrintable(box->text()));
        const QString named = box->informativeText();
        QVERIFY2(named.contains(str("2 clients blocked in list pops (on this or other lists")),
                 qPrintable(named));
        QVERIFY2(named.contains(str("worker-a (BRPOP)")) &&
                     named.contains(str("worker-b (BLMOVE)")),
                 qPrintable(named));
        QVERIFY(!child<QCheckBox>(box, "dontAskAgainCheck")->isChecked());
        // Cancel: the pane stays in Peek and nothing is taken.
        child<QAbstractButton>(box, "cancelButton")->click();
        QTRY_VERIFY(!window->consumeGuard()->openQuestion());
        QCOMPARE(p->spec().mode, Mode::Peek);
        QCOMPARE(comboMode(p), Mode::Peek);
        QVERIFY(p->findChildren<Consumer*>().isEmpty());
        QCOMPARE(integer({"LLEN", "jobs"}), 2);

        // Asked again, and yes: the pane consumes.
        chooseMode(p, Mode::List);
        box = question(window.get());
        QVERIFY(box);
        child<QAbstractButton>(box, "consumeButton")->click();
        QTRY_COMPARE(p->spec().mode, Mode::List);
        QCOMPARE(comboMode(p), Mode::List);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(integer({"LLEN", "jobs"}), 0);
        // Once per pane: away and back, or to Reliable, asks nothing more.
        chooseMode(p, Mode::PubSub);
        QCOMPARE(p->spec().mode, Mode::PubSub);
        chooseMode(p, Mode::Reliable);
        QCOMPARE(p->spec().mode, Mode::Reliable);
        QVERIFY(!window->consumeGuard()->openQuestion());
        // A new target in a consuming mode is a new question; Cancel keeps the old target.
        auto* target = child<QLineEdit>(p, "targetEdit");
        target->setText(str("otherjobs"));
        QMetaObject::invokeMethod(target, "editingFinished");
        box = question(window.get());
        QVERIFY(box);
        QVERIFY2(box->text().contains(str("otherjobs")), qPrintable(box->text()));
        child<QAbstractButton>(box, "cancelButton")->click();
        QTRY_VERIFY(!window->consumeGuard()->openQuestion());
        QCOMPARE(p->spec().target, QByteArray("jobs"));
        QCOMPARE(target->text(), str("jobs"));
        QVERIFY(!a.answered() && !b.answered());
    }

    void aCensusNotReadSaysSoInsteadOfNobody()
    {
        // The census of a key whose cluster master is down reads nothing: the question must not
        // say "no processing lists" or "no clients blocked" from that empty census.
        QueueSnapshot census;
        census.key = "q";
        census.elsewhere = str("not read: its master 127.0.0.1:7002 cannot be reached (refused)");
        for (const Mode mode : {Mode::List, Mode::Reliable, Mode::Stream}) {
            const QStringList lines =
                ConsumeGuard::consumersThere(test::makeSpec(mode, "q"), census);
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines.first().contains(str("could not be listed")) &&
                         lines.first().contains(str("127.0.0.1:7002")),
                     qPrintable(lines.first()));
        }
    }

    void switchingToReliableNamesTheLiveProcessingLists()
    {
        m_f.client->command({"RPUSH", "jobs:processing:rw1", "in-flight"});
        m_f.client->command({"SET", "jobs:processing:rw1:alive", "host pid 1", "EX", "3600"});
        m_f.client->command({"RPUSH", "jobs:processing:gone", "left-behind"});
        auto window = makeWindow({str("--pane"), str("peek:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        chooseMode(p, Mode::Reliable);
        QMessageBox* box = question(window.get());
        QVERIFY(box);
        QVERIFY2(box->text().contains(str("into its own processing list with BLMOVE")),
                 qPrintable(box->text()));
        const QString named = box->informativeText();
        QVERIFY2(named.contains(str("2 processing lists: ")) &&
                     named.contains(str("rw1 alive, 1 in flight")) &&
                     named.contains(str("gone orphaned, 1 left")),
                 qPrintable(named));
        child<QAbstractButton>(box, "cancelButton")->click();
        QTRY_VERIFY(!window->consumeGuard()->openQuestion());
        QCOMPARE(p->spec().mode, Mode::Peek);
        QCOMPARE(integer({"LLEN", "jobs:processing:rw1"}), 1);
        QCOMPARE(integer({"EXISTS", "jobs:processing:gone"}), 1);
    }

    // The question names the pane's group's consumers, and the other groups (not affected)
    // without the pane's own (it was named among both).
    void switchingToStreamNamesTheGroupsConsumers()
    {
        m_f.client->command({"XADD", "events", "1-0", "message", "a"});
        m_f.client->command({"XGROUP", "CREATE", "events", "rqconsole", "0"});
        m_f.client->command({"XGROUP", "CREATE", "events", "billing", "0"});
        m_f.client->command(
            {"XREADGROUP", "GROUP", "rqconsole", "c1", "COUNT", "1", "STREAMS", "events", ">"});
        m_f.client->command(
            {"XREADGROUP", "GROUP", "billing", "b1", "COUNT", "1", "STREAMS", "events", ">"});
        auto window = makeWindow({str("--pane"), str("tail:events")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "events");
        const ServerState before = serverState({}, {"events"});
        chooseMode(p, Mode::Stream);
        QMessageBox* box = question(window.get());
        QVERIFY(box);
        QVERIFY2(box->text().contains(str("consumer group rqconsole with XREADGROUP")),
                 qPrintable(box->text()));
        const QString info = box->informativeText();
        const qsizetype others = info.indexOf(str("Other groups (not affected): "));
        QVERIFY2(others > 0, qPrintable(info));
        QVERIFY2(info.left(others).contains(str("group rqconsole: 1 consumer, 1 pending")) &&
                     info.left(others).contains(str("c1 (1 pending")),
                 qPrintable(info));
        QVERIFY2(info.mid(others).contains(str("group billing: 1 consumer, 1 pending")),
                 qPrintable(info));
        QVERIFY2(!info.mid(others).contains(str("rqconsole")), qPrintable(info));
        child<QAbstractButton>(box, "cancelButton")->click();
        QTRY_VERIFY(!window->consumeGuard()->openQuestion());
        QCOMPARE(p->spec().mode, Mode::Tail);
        QCOMPARE(serverState({}, {"events"}), before);
    }

    void dontAskAgainIsRememberedForTheServer()
    {
        const QString file = m_f.freshSettings();
        {
            auto window = makeWindow({str("--pane"), str("peek:one")}, file);
            QVERIFY(window);
            QueuePane* p = pane(window.get(), "one");
            chooseMode(p, Mode::List);
            QMessageBox* box = question(window.get());
            QVERIFY(box);
            child<QCheckBox>(box, "dontAskAgainCheck")->setChecked(true);
            child<QAbstractButton>(box, "consumeButton")->click();
            QTRY_COMPARE(p->spec().mode, Mode::List);
        }
        // Stored under the server's identity, without any password.
        QSettings stored(file, QSettings::IniFormat);
        const QString identity = ConsumeGuard::serverIdentity(m_f.server.settings());
        QVERIFY(identity.contains(QString::number(m_f.server.port())));
        bool found = false;
        for (const QString& key : stored.allKeys())
            found = found || (key.endsWith(str("dontAsk")) && stored.value(key).toBool());
        QVERIFY(found);
        // Another pane, another window: no question.
        auto window = makeWindow({str("--pane"), str("peek:two")}, file);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "two");
        chooseMode(p, Mode::List);
        QCOMPARE(p->spec().mode, Mode::List);
        QVERIFY(!window->consumeGuard()->openQuestion());
        m_f.client->command({"LPUSH", "two", "taken"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        // A different settings file (another user, or another server's history) asks again.
        auto fresh = makeWindow({str("--pane"), str("peek:three")});
        QVERIFY(fresh);
        chooseMode(pane(fresh.get(), "three"), Mode::List);
        QVERIFY(question(fresh.get()));
    }

    void commandLineListIsAnExplicitChoice()
    {
        auto window = makeWindow({str("--pane"), str("list:q")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "q");
        QCOMPARE(p->spec().mode, Mode::List);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        m_f.client->command({"LPUSH", "q", "mine"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QVERIFY(!window->consumeGuard()->openQuestion());
        QVERIFY(p->errorText().isEmpty());
    }

    void newPaneDialogAsksBeforeConsuming()
    {
        m_f.client->command({"RPUSH", "fresh", "f1"});
        auto window = makeWindow({str("--pane"), str("pubsub:chan")});
        QVERIFY(window);
        QTimer::singleShot(0, this, [] {
            auto* dialog = qobject_cast<NewPaneDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            auto* combo = dialog->findChild<QComboBox*>(str("newPaneMode"));
            combo->setCurrentIndex(combo->findData(int(Mode::List)));
            dialog->findChild<QLineEdit*>(str("newPaneTarget"))->setText(str("fresh"));
            dialog->accept();
        });
        window->newPane();
        QueuePane* p = pane(window.get(), "fresh");
        QVERIFY(p);
        QCOMPARE(p->spec().mode, Mode::Peek);
        QMessageBox* box = question(window.get());
        QVERIFY(box);
        child<QAbstractButton>(box, "cancelButton")->click();
        QTRY_VERIFY(!window->consumeGuard()->openQuestion());
        QCOMPARE(p->spec().mode, Mode::Peek);
        QCOMPARE(integer({"LLEN", "fresh"}), 1);
    }

    void firstRunConsumesOnlyOnTheSandbox()
    {
        {
            auto window = makeWindow();
            QVERIFY(window);
            for (const char* name : {"queue1", "queue2"}) {
                QueuePane* p = pane(window.get(), name);
                QCOMPARE(p->spec().mode, Mode::Peek);
                QVERIFY(p->errorText().contains(str("not the console's sandbox")));
            }
            m_f.client->command({"LPUSH", "queue1", "stays"});
            QTRY_VERIFY_WITH_TIMEOUT(
                consumersText(pane(window.get(), "queue1")).contains(str("Consumers: no client")),
                kTimeoutMs);
            QCOMPARE(integer({"LLEN", "queue1"}), 1);
        }
        auto window =
            test::openMainWindow({str("--sandbox"), str("--settings"), m_f.freshSettings()});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(window->session()->isReady(), kTimeoutMs);
        QVERIFY(window->session()->usingSandbox());
        QueuePane* q1 = pane(window.get(), "queue1");
        QCOMPARE(q1->spec().mode, Mode::List);
        QCOMPARE(pane(window.get(), "queue2")->spec().mode, Mode::List);
        QVERIFY(q1->errorText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(q1->consumerState(), ConsumerState::Listening, kTimeoutMs);
        // On the sandbox a switch asks nothing.
        chooseMode(q1, Mode::Reliable);
        QCOMPARE(q1->spec().mode, Mode::Reliable);
        QVERIFY(!window->consumeGuard()->openQuestion());
    }

    void restoredLayoutConsumesOnlyWhereConfirmed()
    {
        const QString file = m_f.freshSettings();
        {
            auto window =
                makeWindow({str("--pane"), str("peek:yes"), str("--pane"), str("peek:no")}, file);
            QVERIFY(window);
            chooseMode(pane(window.get(), "yes"), Mode::List);
            QMessageBox* box = question(window.get());
            QVERIFY(box);
            child<QAbstractButton>(box, "consumeButton")->click();
            QTRY_COMPARE(pane(window.get(), "yes")->spec().mode, Mode::List);
            chooseMode(pane(window.get(), "no"), Mode::List);
            box = question(window.get());
            QVERIFY(box);
            child<QAbstractButton>(box, "cancelButton")->click();
            QTRY_VERIFY(!window->consumeGuard()->openQuestion());
            window->close();
        }
        {
            // The layout as a user might have left it: both lists consuming, and a stream.
            QSettings stored(file, QSettings::IniFormat);
            stored.setValue(str("panes"),
                            QStringList{str("list:yes"), str("list:no"), str("stream:s,group=g")});
        }
        m_f.client->command({"RPUSH", "no", "n1"});
        m_f.client->command({"RPUSH", "yes", "y1"});
        auto window = makeWindow({}, file);
        QVERIFY(window);
        QueuePane* yes = pane(window.get(), "yes");
        QueuePane* no = pane(window.get(), "no");
        QueuePane* s = pane(window.get(), "s");
        QVERIFY(yes && no && s);
        QCOMPARE(yes->spec().mode, Mode::List);
        QCOMPARE(no->spec().mode, Mode::Peek);
        QCOMPARE(s->spec().mode, Mode::Tail);
        QVERIFY2(no->errorText().contains(str("not confirmed before")),
                 qPrintable(no->errorText()));
        QVERIFY(s->errorText().contains(str("not confirmed before")));
        QVERIFY(yes->errorText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(yes->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(integer({"LLEN", "no"}), 1);
        QCOMPARE(integer({"EXISTS", "s"}), 0); // no group was created either
        QVERIFY(!window->consumeGuard()->openQuestion());
        // The restored consuming pane was approved: switching it asks nothing.
        chooseMode(yes, Mode::Reliable);
        QCOMPARE(yes->spec().mode, Mode::Reliable);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestSafeBrowse)
#include "tst_safebrowse.moc"
