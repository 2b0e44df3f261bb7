// PeekModel without a server: head, page and tail merged by index with gap rows, positions from
// the consuming end, stream entries with their age, and the model's contract
// (QAbstractItemModelTester) across snapshots that change its shape.
#include "PeekModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {
QList<PeekRow> rows(qint64 from, qint64 count)
{
    QList<PeekRow> out;
    for (qint64 i = from; i < from + count; ++i)
        out.append({i, "v" + QByteArray::number(i)});
    return out;
}

PeekSnapshot listSnapshot(qint64 length, int window, qint64 pageStart = -1)
{
    PeekSnapshot s;
    s.kind = PeekSnapshot::Kind::List;
    s.type = "list";
    s.length = length;
    s.window = window;
    s.head = rows(0, qMin<qint64>(window, length));
    const qint64 tailCount = qMin<qint64>(window, length);
    s.tail = rows(length - tailCount, tailCount);
    if (pageStart >= 0) {
        s.pageStart = pageStart;
        s.page = rows(pageStart, qMin<qint64>(window, length - pageStart));
    }
    return s;
}

QString cell(const PeekModel& m, int row, int column)
{
    return m.index(row, column).data().toString();
}
} // namespace

class TestPeekModel : public QObject {
    Q_OBJECT
private slots:
    void positionTexts()
    {
        QCOMPARE(PeekModel::positionText(0), QStringLiteral("next"));
        QCOMPARE(PeekModel::positionText(1), QStringLiteral("2nd"));
        QCOMPARE(PeekModel::positionText(2), QStringLiteral("3rd"));
        QCOMPARE(PeekModel::positionText(3), QStringLiteral("4th"));
        QCOMPARE(PeekModel::positionText(10), QStringLiteral("11th"));
        QCOMPARE(PeekModel::positionText(11), QStringLiteral("12th"));
        QCOMPARE(PeekModel::positionText(12), QStringLiteral("13th"));
        QCOMPARE(PeekModel::positionText(20), QStringLiteral("21st"));
        QCOMPARE(PeekModel::positionText(21), QStringLiteral("22nd"));
        QCOMPARE(PeekModel::positionText(110), QStringLiteral("111th"));
        QCOMPARE(PeekModel::positionText(121), QStringLiteral("122nd"));
    }

    void headGapAndTail()
    {
        PeekModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(listSnapshot(1000, 3));
        // 0 1 2, gap (3..996), 997 998 999
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.rowAt(3)->kind, PeekModel::RowKind::Gap);
        QCOMPARE(model.rowAt(3)->index, qint64(3));
        QCOMPARE(model.rowAt(3)->count, qint64(994));
        QVERIFY(cell(model, 3, PeekModel::PayloadColumn).contains(QStringLiteral("994")));
        QCOMPARE(cell(model, 6, PeekModel::IndexColumn), QStringLiteral("999"));
        QVERIFY(cell(model, 6, PeekModel::PositionColumn).startsWith(QStringLiteral("next")));
        QCOMPARE(cell(model, 5, PeekModel::PositionColumn), QStringLiteral("2nd"));
        QCOMPARE(cell(model, 0, PeekModel::PositionColumn), QStringLiteral("1000th"));
        QCOMPARE(cell(model, 0, PeekModel::PayloadColumn), QStringLiteral("v0"));
        QCOMPARE(model.rowOfIndex(998), 5);
        QCOMPARE(model.rowOfIndex(500), -1);
        QCOMPARE(model.headerData(PeekModel::IndexColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Index"));

        // A page in the middle: two gaps.
        model.setSnapshot(listSnapshot(1000, 3, 500));
        QCOMPARE(model.rowCount(), 11);
        QCOMPARE(model.rowAt(3)->count, qint64(497)); // 3..499
        QCOMPARE(model.rowOfIndex(501), 5);
        QCOMPARE(model.rowAt(7)->index, qint64(503)); // 503..996
        QCOMPARE(model.rowAt(7)->count, qint64(494));

        // The same shape again: rows updated in place, no reset (the view keeps its selection).
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        PeekSnapshot next = listSnapshot(1000, 3, 500);
        next.head[0].payload = "changed";
        model.setSnapshot(next);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(cell(model, 0, PeekModel::PayloadColumn), QStringLiteral("changed"));
    }

    void shortListHasNoGapNorDuplicates()
    {
        PeekModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(listSnapshot(4, 10)); // head and tail are the same four elements
        QCOMPARE(model.rowCount(), 4);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(model.rowAt(i)->kind, PeekModel::RowKind::Element);
        model.setSnapshot(PeekSnapshot()); // missing key: no rows
        QCOMPARE(model.rowCount(), 0);
    }

    void streamEntries()
    {
        PeekModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        PeekSnapshot s;
        s.kind = PeekSnapshot::Kind::Stream;
        s.length = 2;
        s.entries = {PeekEntry{"1000000090000-0", {{"kind", "a"}, {"message", "hello"}}},
                     PeekEntry{"1000000000000-1", {{"f", "v"}}}};
        model.setNowForTest(1000000120000); // 30 s and 120 s after the entries
        model.setSnapshot(s);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cell(model, 0, PeekModel::IndexColumn), QStringLiteral("1000000090000-0"));
        QCOMPARE(cell(model, 0, PeekModel::PositionColumn), QStringLiteral("30 s"));
        QCOMPARE(cell(model, 1, PeekModel::PositionColumn), QStringLiteral("2 min"));
        QCOMPARE(cell(model, 0, PeekModel::PayloadColumn), QStringLiteral("kind=a  message=hello"));
        QCOMPARE(model.rowAt(0)->payload, QByteArray("hello")); // the "message" field
        QCOMPARE(model.rowAt(1)->payload, QByteArray("v"));     // else the first value
        QCOMPARE(model.rowOfEntry("1000000000000-1"), 1);
        QCOMPARE(model.headerData(PeekModel::PositionColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Age"));
    }
};

QTEST_MAIN(TestPeekModel)
#include "tst_peekmodel.moc"
