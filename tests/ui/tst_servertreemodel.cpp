// The sidebar's tree says how far discovery has got, and never passes a partial count for a
// whole one (issue 10).
#include "PaneStatusLine.h"
#include "ServerTreeModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {

ServerSnapshot snapshotWithLists(int n, bool complete)
{
    ServerSnapshot s;
    for (int i = 0; i < n; ++i)
        s.lists.append({"list:" + QByteArray::number(i).rightJustified(5, '0'), i + 1});
    s.discovery.complete = complete;
    s.discovery.dbSize = 5000000;
    s.discovery.progress = complete ? 0 : 0.38;
    return s;
}

QString countText(ServerTreeModel& model, ServerTreeModel::Kind kind)
{
    QStandardItem* group = model.groupItem(kind);
    return group->parent()->child(group->row(), ServerTreeModel::CountColumn)->text();
}

} // namespace

class TestServerTreeModel : public QObject {
    Q_OBJECT
private slots:
    void init() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void partialWalkSaysSo()
    {
        ServerTreeModel model;
        QAbstractItemModelTester tester(&model);
        model.applySnapshot(snapshotWithLists(12, false));
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("≥ 12"));
        QCOMPARE(countText(model, ServerTreeModel::Kind::Stream), QStringLiteral("≥ 0"));
        const QString status = model.statusItem()->text();
        QVERIFY2(status.contains(QLatin1String("38 %")), qPrintable(status));
        QVERIFY2(status.contains(QLatin1String("~5,000,000")), qPrintable(status));
        QVERIFY2(status.contains(QLatin1String("estimate")), qPrintable(status));
        QVERIFY(!model.groupItem(ServerTreeModel::Kind::List)->toolTip().isEmpty());

        // The walk finishes: the same lists are now the whole count.
        model.applySnapshot(snapshotWithLists(12, true));
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("12"));
        QVERIFY2(model.statusItem()->text().contains(QLatin1String("Walked all 5,000,000")),
                 qPrintable(model.statusItem()->text()));
    }

    // Counts of a walk that ended a while ago (no keyspace notifications) are not shown as
    // whole: a key created since may be missing until the walk passes it again (stop 11 walk).
    void countsOfAnOlderWalkSaySo()
    {
        ServerTreeModel model;
        ServerSnapshot s = snapshotWithLists(4, true);
        s.takenAtMs = QDateTime::currentMSecsSinceEpoch();
        s.discovery.lastPassEndedMs = s.takenAtMs - 2000;
        s.discovery.lastPassMs = 88 * 60000;
        model.applySnapshot(s);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("4"));

        s.discovery.lastPassEndedMs = s.takenAtMs - 5 * 60000;
        model.applySnapshot(s);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("≥ 4"));
        const QString status = model.statusItem()->text();
        QVERIFY2(status.contains(QLatin1String("88 min")) &&
                     status.contains(QLatin1String("Refresh")),
                 qPrintable(status));
        QCOMPARE(model.statusItem()->toolTip(), status); // the whole line, however narrow
        QVERIFY(model.groupItem(ServerTreeModel::Kind::List)
                    ->toolTip()
                    .contains(QLatin1String("may be missing")));

        s.discovery.notifications = true; // every new key is told at once
        model.applySnapshot(s);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("4"));

        s.discovery.notifications = false;
        s.discovery.rewalking = true; // Refresh walks again
        s.discovery.progress = 0.25;
        model.applySnapshot(s);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("≥ 4"));
        QVERIFY2(model.statusItem()->text().contains(QLatin1String("25 %")),
                 qPrintable(model.statusItem()->text()));
    }

    // A pane's depth is not passed off as 0 while the walk has not reached its key.
    void paneDepthUnknownUntilTheWalkIsDone()
    {
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = "not:yet";
        QCOMPARE(PaneStatusLine::depthIn(spec, snapshotWithLists(3, false)), qint64(-1));
        QCOMPARE(PaneStatusLine::depthIn(spec, snapshotWithLists(3, true)), qint64(0));
        spec.target = "list:00002";
        QCOMPARE(PaneStatusLine::depthIn(spec, snapshotWithLists(3, false)), qint64(3));
    }

    void truncatedIsShown()
    {
        ServerTreeModel model;
        ServerSnapshot s = snapshotWithLists(10, true);
        s.keyLimit = 10;
        s.listsTruncated = true;
        s.truncated = true;
        model.applySnapshot(s);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("≥ 10"));
        QCOMPARE(countText(model, ServerTreeModel::Kind::Stream), QStringLiteral("0"));
        QVERIFY2(model.statusItem()->text().contains(QLatin1String("truncated")),
                 qPrintable(model.statusItem()->text()));
    }

    // 20 000 lists are all rows of the tree (the view shows only the visible ones).
    void twentyThousandListsReachable()
    {
        ServerTreeModel model;
        // (No QAbstractItemModelTester here: it re-checks the whole model at every row.)
        model.applySnapshot(snapshotWithLists(20000, true));
        QStandardItem* lists = model.groupItem(ServerTreeModel::Kind::List);
        QCOMPARE(lists->rowCount(), 20000);
        QCOMPARE(countText(model, ServerTreeModel::Kind::List), QStringLiteral("20,000"));
        QCOMPARE(lists->child(0)->data(ServerTreeModel::NameRole).toByteArray(),
                 QByteArray("list:00000"));
        QCOMPARE(lists->child(19999)->data(ServerTreeModel::NameRole).toByteArray(),
                 QByteArray("list:19999"));
        QVERIFY(model.findEntry(ServerTreeModel::Kind::List, "list:12345").isValid());

        // An update in place: one gone, the rest stay.
        ServerSnapshot s = snapshotWithLists(20000, true);
        s.lists.removeAt(5);
        model.applySnapshot(s);
        QCOMPARE(lists->rowCount(), 19999);
        QVERIFY(!model.findEntry(ServerTreeModel::Kind::List, "list:00005").isValid());
    }
};

QTEST_MAIN(TestServerTreeModel)
#include "tst_servertreemodel.moc"
