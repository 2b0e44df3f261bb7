// The live view's model: a bounded ring appended in batches (no server needed).
#include "MessageModel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {

Message makeMessage(quint64 seq, const QByteArray& payload = QByteArray())
{
    Message m;
    m.seq = seq;
    m.payload = payload.isNull() ? QByteArray("msg-") + QByteArray::number(seq) : payload;
    m.source = "queue1";
    m.receivedMs = 1700000000000LL + qint64(seq);
    return m;
}

MessageList makeBatch(quint64 firstSeq, int count)
{
    MessageList batch;
    for (int i = 0; i < count; ++i)
        batch.append(makeMessage(firstSeq + quint64(i)));
    return batch;
}

QList<quint64> sequences(const MessageModel& model)
{
    QList<quint64> seqs;
    for (int row = 0; row < model.rowCount(); ++row) {
        seqs.append(model.messageAt(row).seq);
        // The role and messageAt agree.
        const quint64 viaRole =
            model.data(model.index(row, 0), MessageModel::SequenceRole).value<quint64>();
        if (viaRole != seqs.last())
            return {};
    }
    return seqs;
}

QList<quint64> range(quint64 first, quint64 last)
{
    QList<quint64> r;
    for (quint64 s = first; s <= last; ++s)
        r.append(s);
    return r;
}

} // namespace

class TstMessageModel : public QObject {
    Q_OBJECT

private slots:
    void emptyModel();
    void oneInsertPerBatch();
    void trimsFrontInOneRemovePerBatch();
    void ringWrapAround();
    void batchLargerThanCapacity();
    void shrinkCapacityDropsOldestNow();
    void growCapacityAfterWrap();
    void clearResets();
    void dataPerColumnAndRole();
    void patternSource();
    void previewIsOneLineAndShort();
    void headers();
    void settleStatesAndDeliveryCounts();
    void markBySeqOneDataChangedOverTheRange();
    void statesFollowTheRing();
};

void TstMessageModel::emptyModel()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(MessageModel::ColumnCount));
    QCOMPARE(model.capacity(), 100000);
    QCOMPARE(model.totalAppended(), quint64(0));
    QCOMPARE(model.dropped(), quint64(0));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.appendBatch({});
    QCOMPARE(inserted.count(), 0);
}

void TstMessageModel::oneInsertPerBatch()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    model.appendBatch(makeBatch(1, 1000));
    model.appendBatch(makeBatch(1001, 1));
    model.appendBatch(makeBatch(1002, 4000));
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 999);
    QCOMPARE(inserted.at(1).at(1).toInt(), 1000);
    QCOMPARE(inserted.at(1).at(2).toInt(), 1000);
    QCOMPARE(inserted.at(2).at(1).toInt(), 1001);
    QCOMPARE(inserted.at(2).at(2).toInt(), 5000);
    QCOMPARE(model.rowCount(), 5001);
    QCOMPARE(sequences(model), range(1, 5001));
    QCOMPARE(model.totalAppended(), quint64(5001));
}

void TstMessageModel::trimsFrontInOneRemovePerBatch()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(1000);
    model.appendBatch(makeBatch(1, 900));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.appendBatch(makeBatch(901, 300)); // 1200 > 1000: the oldest 200 go
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 199);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 700);
    QCOMPARE(inserted.at(0).at(2).toInt(), 999);
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(sequences(model), range(201, 1200));

    for (int i = 0; i < 10; ++i)
        model.appendBatch(makeBatch(1201 + quint64(i) * 50, 50));
    QCOMPARE(removed.count(), 11);
    QCOMPARE(inserted.count(), 11);
    QCOMPARE(sequences(model), range(701, 1700));
    // Totals stay true however much was trimmed.
    QCOMPARE(model.totalAppended(), quint64(1700));
    QCOMPARE(model.dropped(), quint64(700));
    QCOMPARE(model.totalAppended() - model.dropped(), quint64(model.rowCount()));
}

void TstMessageModel::ringWrapAround()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(100);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    int batches = 0;
    for (quint64 next = 1; next <= 250; next += 7, ++batches)
        model.appendBatch(makeBatch(next, int(qMin<quint64>(7, 251 - next))));
    QCOMPARE(inserted.count(), batches);
    QVERIFY(removed.count() > 0 && removed.count() <= batches);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(sequences(model), range(151, 250));
    QCOMPARE(model.messageAt(0).payload, QByteArray("msg-151"));
    QCOMPARE(model.messageAt(99).payload, QByteArray("msg-250"));
    QCOMPARE(model.totalAppended(), quint64(250));
    QCOMPARE(model.dropped(), quint64(150));
}

void TstMessageModel::batchLargerThanCapacity()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(10);
    model.appendBatch(makeBatch(1, 4));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.appendBatch(makeBatch(5, 25)); // alone over capacity: only its newest 10 are kept
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(2).toInt(), 3);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 9);
    QCOMPARE(sequences(model), range(20, 29));
    QCOMPARE(model.totalAppended(), quint64(29));
    QCOMPARE(model.dropped(), quint64(19));

    // On an empty model no rowsRemoved at all.
    MessageModel fresh;
    fresh.setCapacity(3);
    QSignalSpy freshRemoved(&fresh, &QAbstractItemModel::rowsRemoved);
    fresh.appendBatch(makeBatch(1, 8));
    QCOMPARE(freshRemoved.count(), 0);
    QCOMPARE(sequences(fresh), range(6, 8));
}

void TstMessageModel::shrinkCapacityDropsOldestNow()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(50);
    model.appendBatch(makeBatch(1, 30));
    model.appendBatch(makeBatch(31, 40)); // wrapped: rows 21..70
    QCOMPARE(sequences(model), range(21, 70));

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setCapacity(20);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 29);
    QCOMPARE(model.capacity(), 20);
    QCOMPARE(sequences(model), range(51, 70));
    QCOMPARE(model.dropped(), quint64(50));

    model.appendBatch(makeBatch(71, 5));
    QCOMPARE(sequences(model), range(56, 75));

    // Shrinking to no less than what is held removes nothing; 0 means 1.
    model.setCapacity(0);
    QCOMPARE(model.capacity(), 1);
    QCOMPARE(sequences(model), range(75, 75));
    QCOMPARE(removed.count(), 3); // setCapacity(20), the append, setCapacity(0)
    model.setCapacity(1);
    QCOMPARE(removed.count(), 3);
}

void TstMessageModel::growCapacityAfterWrap()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(10);
    model.appendBatch(makeBatch(1, 7));
    model.appendBatch(makeBatch(8, 7)); // wrapped: 5..14
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setCapacity(25);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(sequences(model), range(5, 14));
    model.appendBatch(makeBatch(15, 10)); // room for all of them now
    QCOMPARE(removed.count(), 0);
    QCOMPARE(sequences(model), range(5, 24));
    model.appendBatch(makeBatch(25, 9)); // over 25 again
    QCOMPARE(removed.count(), 1);
    QCOMPARE(sequences(model), range(9, 33));
}

void TstMessageModel::clearResets()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(10);
    model.appendBatch(makeBatch(1, 15));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.clear();
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalAppended(), quint64(0));
    QCOMPARE(model.dropped(), quint64(0));
    QCOMPARE(model.capacity(), 10);
    model.appendBatch(makeBatch(100, 12));
    QCOMPARE(sequences(model), range(102, 111));
    QCOMPARE(model.totalAppended(), quint64(12));
}

void TstMessageModel::dataPerColumnAndRole()
{
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const qint64 when = QDateTime(QDate(2024, 5, 17), QTime(13, 45, 7, 89)).toMSecsSinceEpoch();
    Message m = makeMessage(42, "line one\nline two\tend");
    m.receivedMs = when;
    Message big = makeMessage(43, QByteArray(1536, 'x'));
    model.appendBatch({m, big});

    auto cell = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role);
    };
    QCOMPARE(cell(0, MessageModel::TimeColumn).toString(), QStringLiteral("13:45:07.089"));
    QCOMPARE(cell(0, MessageModel::SourceColumn).toString(), QStringLiteral("queue1"));
    QCOMPARE(cell(0, MessageModel::SizeColumn).toString(), QStringLiteral("21 B"));
    QCOMPARE(cell(1, MessageModel::SizeColumn).toString(), QStringLiteral("1.5 KiB"));
    QCOMPARE(cell(0, MessageModel::SizeColumn, Qt::TextAlignmentRole).toInt(),
             int(Qt::AlignRight | Qt::AlignVCenter));
    QCOMPARE(cell(0, MessageModel::PreviewColumn).toString(),
             QStringLiteral("line one\\nline two\\tend"));
    // The tooltip is a longer, multi-line look, escaped so HTML in a payload is not rendered.
    const QString tip = cell(0, MessageModel::PreviewColumn, Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("line one\nline two")), qPrintable(tip));
    QVERIFY(cell(0, MessageModel::TimeColumn, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("2024-05-17 13:45:07.089")));

    for (int column = 0; column < MessageModel::ColumnCount; ++column) {
        QCOMPARE(cell(0, column, MessageModel::PayloadRole).toByteArray(), m.payload);
        QCOMPARE(cell(0, column, MessageModel::SequenceRole).value<quint64>(), quint64(42));
        QCOMPARE(cell(0, column, MessageModel::ReceivedMsRole).value<qint64>(), when);
    }
    QVERIFY(!cell(0, MessageModel::ColumnCount).isValid());
    QVERIFY(!model.data(model.index(2, 0)).isValid());

    Message html = makeMessage(44, "<b>bold</b> & more");
    model.appendBatch({html});
    const QString htmlTip = cell(2, MessageModel::PreviewColumn, Qt::ToolTipRole).toString();
    QVERIFY2(htmlTip.contains(QStringLiteral("&lt;b&gt;bold&lt;/b&gt; &amp; more")),
             qPrintable(htmlTip));

    Message binary = makeMessage(45, QByteArray("\x00\x01\xff\xfe", 4));
    model.appendBatch({binary});
    const QString binTip = cell(3, MessageModel::PreviewColumn, Qt::ToolTipRole).toString();
    QVERIFY2(binTip.contains(QStringLiteral("00 01 ff fe")), qPrintable(binTip));
    QCOMPARE(cell(3, MessageModel::PreviewColumn).toString(),
             QStringLiteral("\\x00\\x01\\xff\\xfe"));
}

void TstMessageModel::patternSource()
{
    MessageModel model;
    Message m = makeMessage(1, "hi");
    m.source = "news.sport";
    m.pattern = "news.*";
    model.appendBatch({m});
    QCOMPARE(model.data(model.index(0, MessageModel::SourceColumn)).toString(),
             QStringLiteral("news.* \u2192 news.sport"));
}

void TstMessageModel::previewIsOneLineAndShort()
{
    MessageModel model;
    QByteArray payload;
    for (int i = 0; i < 10000; ++i)
        payload += "row " + QByteArray::number(i) + "\r\n";
    model.appendBatch({makeMessage(1, payload)});
    const QString preview = model.data(model.index(0, MessageModel::PreviewColumn)).toString();
    QVERIFY(preview.size() <= 201);
    QVERIFY(preview.startsWith(QStringLiteral("row 0\\r\\nrow 1\\r\\n")));
    QVERIFY(!preview.contains(QLatin1Char('\n')));
    const QString tip =
        model.data(model.index(0, MessageModel::PreviewColumn), Qt::ToolTipRole).toString();
    QVERIFY(tip.count(QLatin1Char('\n')) <= 30);
    QVERIFY(tip.contains(QStringLiteral("row 24")));
    QVERIFY(!tip.contains(QStringLiteral("row 25\n")));
}

void TstMessageModel::headers()
{
    MessageModel model;
    QCOMPARE(model.headerData(MessageModel::TimeColumn, Qt::Horizontal).toString(),
             QStringLiteral("Time"));
    QCOMPARE(model.headerData(MessageModel::SourceColumn, Qt::Horizontal).toString(),
             QStringLiteral("Source"));
    QCOMPARE(model.headerData(MessageModel::SizeColumn, Qt::Horizontal).toString(),
             QStringLiteral("Size"));
    QCOMPARE(model.headerData(MessageModel::PreviewColumn, Qt::Horizontal).toString(),
             QStringLiteral("Preview"));
}

void TstMessageModel::settleStatesAndDeliveryCounts()
{
    using S = MessageModel::RowState;
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(model.headerData(MessageModel::StateColumn, Qt::Horizontal).toString(),
             QStringLiteral("State"));
    QCOMPARE(model.headerData(MessageModel::DeliveryColumn, Qt::Horizontal).toString(),
             QStringLiteral("Delivery"));
    auto cell = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role);
    };
    // A classic-mode row: nothing in the precise columns.
    model.appendBatch(makeBatch(1, 1));
    QCOMPARE(model.rowState(0), S::None);
    QVERIFY(cell(0, MessageModel::StateColumn).toString().isEmpty());
    QVERIFY(!cell(0, MessageModel::DeliveryColumn).isValid());
    QCOMPARE(cell(0, 0, MessageModel::StateRole).toInt(), int(S::None));
    QVERIFY(!cell(0, MessageModel::PreviewColumn, Qt::ForegroundRole).isValid());

    MessageList batch = makeBatch(1, 3);
    batch[2].deliveryCount = 3; // redelivered
    model.appendBatch(batch, S::Pending);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.countInState(S::Pending), 3);
    QCOMPARE(cell(1, MessageModel::StateColumn).toString(), QStringLiteral("pending"));
    QVERIFY(cell(1, MessageModel::StateColumn, Qt::BackgroundRole).value<QColor>().isValid());
    QVERIFY(cell(1, MessageModel::StateColumn, Qt::FontRole).value<QFont>().bold());
    QVERIFY(!cell(1, MessageModel::StateColumn, Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(cell(1, MessageModel::DeliveryColumn).toInt(), 1);
    QCOMPARE(cell(3, MessageModel::DeliveryColumn).toInt(), 3);
    QCOMPARE(cell(3, 0, MessageModel::DeliveryCountRole).toInt(), 3);
    QVERIFY(cell(3, MessageModel::DeliveryColumn, Qt::FontRole).value<QFont>().bold());
    QVERIFY(cell(3, MessageModel::DeliveryColumn, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("3")));
    QVERIFY(!cell(1, MessageModel::PreviewColumn, Qt::ForegroundRole).isValid());

    // Seq 1 exists twice (classic row and pending row): only the pending one moves.
    QCOMPARE(model.markBySeq({1, 3}, S::Acked), 2);
    QCOMPARE(model.rowState(0), S::None);
    QCOMPARE(model.rowState(1), S::Acked);
    QCOMPARE(model.rowState(2), S::Pending);
    QCOMPARE(model.rowState(3), S::Acked);
    QCOMPARE(cell(1, MessageModel::StateColumn).toString(), QStringLiteral("acked"));
    QVERIFY(cell(1, MessageModel::PreviewColumn, Qt::ForegroundRole).value<QColor>().isValid());
    // Exactly once: a second mark finds nothing pending.
    QCOMPARE(model.markBySeq({1, 3}, S::Acked), 0);
    QCOMPARE(model.markBySeq({2}, S::Gone, S::Acked), 0);
    QCOMPARE(model.messagesInState(S::Pending).size(), 1);
    QCOMPARE(model.messagesInState(S::Pending).value(0).seq, quint64(2));
    QCOMPARE(model.messagesInState(S::Acked).size(), 2);
    QCOMPARE(model.markAll(S::Pending, S::Released), 1);
    QCOMPARE(model.rowState(2), S::Released);
    QCOMPARE(model.countInState(S::Pending), 0);
    for (S st : {S::Pending, S::Acked, S::AutoAcked, S::NoAck, S::Requeued, S::DeadLettered,
                 S::Gone, S::Released})
        QVERIFY(!MessageModel::stateText(st).isEmpty());
    QVERIFY(MessageModel::stateText(S::None).isEmpty());
}

void TstMessageModel::markBySeqOneDataChangedOverTheRange()
{
    using S = MessageModel::RowState;
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.appendBatch(makeBatch(1, 100), S::Pending);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QCOMPARE(model.markBySeq({20, 10, 30, 999}, S::DeadLettered), 3);
    QCOMPARE(changed.count(), 1);
    const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
    const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 9);
    QCOMPARE(topLeft.column(), 0);
    QCOMPARE(bottomRight.row(), 29);
    QCOMPARE(bottomRight.column(), int(MessageModel::ColumnCount) - 1);
    QCOMPARE(model.rowState(19), S::DeadLettered);
    QCOMPARE(model.rowState(18), S::Pending);
    // Nothing to change: no signal.
    QCOMPARE(model.markBySeq({999}, S::Acked), 0);
    QCOMPARE(model.markBySeq({}, S::Acked), 0);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.markAll(S::Pending, S::Released), 97);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(changed.at(1).at(0).value<QModelIndex>().row(), 0);
    QCOMPARE(changed.at(1).at(1).value<QModelIndex>().row(), 99);
    QCOMPARE(model.markAll(S::Pending, S::Released), 0);
    QCOMPARE(changed.count(), 2);
}

void TstMessageModel::statesFollowTheRing()
{
    using S = MessageModel::RowState;
    MessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setCapacity(5);
    model.appendBatch(makeBatch(1, 3), S::Acked);
    model.appendBatch(makeBatch(4, 4), S::Pending); // wraps: seqs 3..7 kept
    QCOMPARE(sequences(model), range(3, 7));
    QCOMPARE(model.rowState(0), S::Acked);
    QCOMPARE(model.rowState(1), S::Pending);
    QCOMPARE(model.markBySeq({7, 4}, S::Acked), 2);
    QCOMPARE(model.rowState(4), S::Acked);
    QCOMPARE(model.rowState(1), S::Acked);
    // Shrinking and growing keep each row's state with its message.
    model.setCapacity(3); // seqs 5..7
    QCOMPARE(sequences(model), range(5, 7));
    QCOMPARE(model.rowState(0), S::Pending);
    QCOMPARE(model.rowState(2), S::Acked);
    model.setCapacity(10);
    model.appendBatch(makeBatch(8, 2));
    QCOMPARE(sequences(model), range(5, 9));
    QCOMPARE(model.rowState(1), S::Pending);
    QCOMPARE(model.rowState(2), S::Acked);
    QCOMPARE(model.rowState(3), S::None);
    QCOMPARE(model.rowState(99), S::None);
    model.clear();
    QCOMPARE(model.countInState(S::Pending), 0);
    model.appendBatch(makeBatch(1, 1), S::NoAck);
    QCOMPARE(model.rowState(0), S::NoAck);
}

QTEST_MAIN(TstMessageModel)
#include "tst_messagemodel.moc"
