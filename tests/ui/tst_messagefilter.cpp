// The pane's filter: an incremental proxy over the MessageModel ring (no server needed).
#include "MessageFilterProxy.h"
#include "MessageModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {

Message makeMessage(quint64 seq, const QByteArray& payload, const QByteArray& source = "queue1")
{
    Message m;
    m.seq = seq;
    m.payload = payload;
    m.source = source;
    m.receivedMs = 1700000000000LL + qint64(seq);
    return m;
}

// Every third message says "Apple", the others "pear"; every fifth comes from "fruit:Basket".
MessageList makeBatch(quint64 firstSeq, int count)
{
    MessageList batch;
    for (int i = 0; i < count; ++i) {
        const quint64 seq = firstSeq + quint64(i);
        const QByteArray word = seq % 3 == 0 ? "an Apple no. " : "a pear no. ";
        batch.append(makeMessage(seq, word + QByteArray::number(seq),
                                 seq % 5 == 0 ? "fruit:Basket" : "queue1"));
    }
    return batch;
}

// The sequence numbers a filter for `text` must show, worked out the slow, obvious way.
QList<quint64> expected(const MessageModel& model, const QString& text)
{
    QList<quint64> seqs;
    for (int row = 0; row < model.rowCount(); ++row) {
        const Message& m = model.messageAt(row);
        if (text.isEmpty() || QString::fromUtf8(m.payload).contains(text, Qt::CaseInsensitive) ||
            QString::fromUtf8(m.source).contains(text, Qt::CaseInsensitive))
            seqs.append(m.seq);
    }
    return seqs;
}

// MessagePack {"id": seq} (seq as a uint32).
QByteArray packedId(quint64 seq)
{
    QByteArray out("\x81\xa2id\xce", 5);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char((seq >> shift) & 0xff));
    return out;
}

// The rows a filter for `text` must show with the decoder Auto, the slow, obvious way: the bytes
// or the decoded text contain it.
QList<quint64> expectedDecoded(const MessageModel& model, const QString& text)
{
    QList<quint64> seqs;
    PayloadDecoder::Options o;
    o.compact = true;
    for (int row = 0; row < model.rowCount(); ++row) {
        const Message& m = model.messageAt(row);
        if (QString::fromUtf8(m.payload).contains(text, Qt::CaseInsensitive) ||
            PayloadDecoder::decode(m.payload, PayloadDecoder::Kind::Auto, o)
                .text.contains(text, Qt::CaseInsensitive))
            seqs.append(m.seq);
    }
    return seqs;
}

QList<quint64> shown(const MessageFilterProxy& proxy)
{
    QList<quint64> seqs;
    for (int row = 0; row < proxy.rowCount(); ++row)
        seqs.append(proxy.index(row, 0).data(MessageModel::SequenceRole).value<quint64>());
    return seqs;
}

} // namespace

class TstMessageFilter : public QObject {
    Q_OBJECT

private slots:
    void passesEverythingWithoutText()
    {
        MessageModel model;
        MessageFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendBatch(makeBatch(1, 10));
        QCOMPARE(proxy.rowCount(), 10);
        QCOMPARE(shown(proxy), expected(model, QString()));
        QCOMPARE(proxy.mapToSource(proxy.index(4, MessageModel::PreviewColumn)),
                 model.index(4, MessageModel::PreviewColumn));
        QCOMPARE(proxy.mapFromSource(model.index(7, 1)), proxy.index(7, 1));
    }

    void matchesPayloadAndSourceIgnoringCase()
    {
        MessageModel model;
        MessageFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendBatch(makeBatch(1, 30));
        proxy.setFilterText(QStringLiteral("APPLE"));
        QCOMPARE(shown(proxy), expected(model, QStringLiteral("apple")));
        QCOMPARE(proxy.rowCount(), 10);
        proxy.setFilterText(QStringLiteral("basket"));
        QCOMPARE(shown(proxy), expected(model, QStringLiteral("basket")));
        QCOMPARE(proxy.rowCount(), 6);
        // A source row that is filtered out maps to nothing; one that is shown maps back.
        QVERIFY(!proxy.mapFromSource(model.index(0, 0)).isValid());        // seq 1
        QCOMPARE(proxy.mapToSource(proxy.index(0, 0)), model.index(4, 0)); // seq 5
        QCOMPARE(proxy.mapFromSource(model.index(4, 2)), proxy.index(0, 2));
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), 30);
    }

    void matchesTextBeyondAscii()
    {
        MessageModel model;
        MessageFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.appendBatch({makeMessage(1, "Crème BRÛLÉE"), makeMessage(2, "creme brulee"),
                           makeMessage(3, "\xff\xfe binary brûlée")});
        proxy.setFilterText(QStringLiteral("brûlée"));
        QCOMPARE(shown(proxy), QList<quint64>({1, 3}));
        proxy.setFilterText(QStringLiteral("CRE"));
        QCOMPARE(shown(proxy), QList<quint64>({2}));
    }

    // A stream entry is found by any field's name or value, also when it has no payload field
    // (seen in a user's walk: the filter only searched the empty payload).
    void matchesStreamEntryFields()
    {
        Message noPayload = makeMessage(1, "");
        noPayload.fields = {{"order_id", "A-4711"}, {"state", "Shipped"}};
        Message withPayload = makeMessage(2, "hello");
        withPayload.fields = {{"message", "hello"}, {"tenant", "\xff" "acme"}};
        MessageModel model;
        MessageFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.appendBatch({noPayload, withPayload, makeMessage(3, "order_id in text")});
        proxy.setFilterText(QStringLiteral("a-4711"));
        QCOMPARE(shown(proxy), QList<quint64>({1}));
        proxy.setFilterText(QStringLiteral("SHIPPED"));
        QCOMPARE(shown(proxy), QList<quint64>({1}));
        proxy.setFilterText(QStringLiteral("order_id"));
        QCOMPARE(shown(proxy), QList<quint64>({1, 3}));
        proxy.setFilterText(QStringLiteral("acme"));
        QCOMPARE(shown(proxy), QList<quint64>({2}));
        proxy.setFilterText(QStringLiteral("tenant"));
        QCOMPARE(shown(proxy), QList<quint64>({2}));
    }

    // A new text over a full ring is applied a slice at a time while batches keep arriving and
    // the ring trims its front: every step is a valid model, and the end result is exact.
    void appliesIncrementallyWhileRowsArriveAndTrim()
    {
        MessageModel model;
        model.setCapacity(20000);
        MessageFilterProxy proxy;
        proxy.setSliceMs(0); // one clock check's worth of rows per step, whatever the machine
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        quint64 seq = 1;
        model.appendBatch(makeBatch(seq, 20000));
        seq += 20000;
        QSignalSpy finished(&proxy, &MessageFilterProxy::scanFinished);
        proxy.setFilterText(QStringLiteral("apple"));
        // Not all at once: the first slice only.
        QVERIFY(proxy.isScanning());
        QVERIFY(proxy.rowCount() < 20000 / 3);
        int steps = 0;
        while (proxy.isScanning()) {
            // A batch arrives between two slices, pushing the oldest rows out of the ring.
            model.appendBatch(makeBatch(seq, 100));
            seq += 100;
            QCoreApplication::processEvents();
            QVERIFY(++steps < 1000);
        }
        QVERIFY(steps > 3);
        QVERIFY(!finished.isEmpty());
        QCOMPARE(model.rowCount(), 20000);
        QCOMPARE(shown(proxy), expected(model, QStringLiteral("apple")));
        // Caught up: rows are matched as they arrive (a batch bigger than a slice in further
        // slices), and trimmed as the ring trims.
        for (int i = 0; i < 5; ++i) {
            model.appendBatch(makeBatch(seq, 3000));
            seq += 3000;
            QTRY_VERIFY(!proxy.isScanning());
            QCOMPARE(shown(proxy), expected(model, QStringLiteral("apple")));
        }
        // A capacity cut trims the front too.
        model.setCapacity(1000);
        QCOMPARE(shown(proxy), expected(model, QStringLiteral("apple")));
        model.clear();
        QCOMPARE(proxy.rowCount(), 0);
        model.appendBatch(makeBatch(seq, 9));
        QCOMPARE(shown(proxy), expected(model, QStringLiteral("apple")));
        QCOMPARE(proxy.rowCount(), 3);
    }

    void stateChangesReachTheShownRows()
    {
        MessageModel model;
        MessageFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.appendBatch(makeBatch(1, 30), MessageModel::RowState::Pending);
        proxy.setFilterText(QStringLiteral("apple"));
        QSignalSpy changed(&proxy, &QAbstractItemModel::dataChanged);
        // seq 3 and 6 are rows 2 and 5 of the source, rows 0 and 1 of the proxy.
        QCOMPARE(model.markBySeq({3, 6}, MessageModel::RowState::Acked), 2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
        QCOMPARE(proxy.index(1, 0).data(MessageModel::StateRole).toInt(),
                 int(MessageModel::RowState::Acked));
        // Rows that are not shown change nothing shown.
        changed.clear();
        QCOMPARE(model.markBySeq({1}, MessageModel::RowState::Acked), 1);
        QCOMPARE(changed.size(), 0);
    }

    // With a decoder, a row is matched by its decoded text too. That text is kept per row: the
    // next keystroke decodes nothing again, rows arriving are decoded once, rows trimmed from the
    // ring take theirs with them, and another decoder (or a reset) starts from scratch.
    void keepsDecodedTextBetweenKeystrokes()
    {
        MessageModel model;
        model.setCapacity(300);
        MessageFilterProxy proxy;
        proxy.setSliceMs(0);
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto finish = [&] {
            int steps = 0;
            while (proxy.isScanning() && ++steps < 1000)
                QCoreApplication::processEvents();
            QVERIFY(!proxy.isScanning());
        };
        const auto packedBatch = [](quint64 first, int count) {
            MessageList batch;
            for (int i = 0; i < count; ++i)
                batch.append(makeMessage(first + quint64(i), packedId(first + quint64(i))));
            return batch;
        };
        model.appendBatch(packedBatch(1, 200));
        // "id": 7 is only in the decoded text ({"id": 7}); the bytes hold the number in binary.
        proxy.setFilterText(QStringLiteral("\"id\": 7"));
        finish();
        QCOMPARE(shown(proxy), expectedDecoded(model, QStringLiteral("\"id\": 7")));
        QCOMPARE(shown(proxy), QList<quint64>({7, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79}));
        QCOMPARE(proxy.decodeCount(), 200);
        QCOMPARE(proxy.decodedRowsKept(), 200);
        // The next keystroke: the same answer as matching from scratch, without decoding.
        proxy.setFilterText(QStringLiteral("\"id\": 17"));
        finish();
        QCOMPARE(shown(proxy),
                 QList<quint64>({17, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179}));
        QCOMPARE(proxy.decodeCount(), 200);

        // The ring wraps while a new text is applied: 250 rows arrive, 150 of the oldest go.
        proxy.setFilterText(QStringLiteral("\"id\": 2"));
        for (quint64 seq = 201; seq <= 450; seq += 50) {
            model.appendBatch(packedBatch(seq, 50));
            QCoreApplication::processEvents();
        }
        finish();
        QCOMPARE(model.rowCount(), 300);
        QCOMPARE(model.messageAt(0).seq, quint64(151));
        QCOMPARE(shown(proxy), expectedDecoded(model, QStringLiteral("\"id\": 2")));
        QCOMPARE(proxy.decodeCount(), 450); // each new row once
        QCOMPARE(proxy.decodedRowsKept(), 300);
        // Kept text still belongs to its row after the wrap.
        proxy.setFilterText(QStringLiteral("\"id\": 16"));
        finish();
        QCOMPARE(shown(proxy), expectedDecoded(model, QStringLiteral("\"id\": 16")));
        QCOMPARE(shown(proxy).first(), quint64(160));
        QCOMPARE(proxy.decodeCount(), 450);

        // Another decoder decodes again: JSON does not read MessagePack, so nothing matches.
        proxy.setDecoder(PayloadDecoder::Kind::Json);
        finish();
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(proxy.decodeCount(), 750);
        proxy.setDecoder(PayloadDecoder::Kind::MessagePack);
        finish();
        QCOMPARE(shown(proxy), expectedDecoded(model, QStringLiteral("\"id\": 16")));
        QCOMPARE(proxy.decodeCount(), 1050);
        // Text searches the bytes only and decodes nothing.
        proxy.setDecoder(PayloadDecoder::Kind::Text);
        finish();
        QCOMPARE(proxy.rowCount(), 0);
        QCOMPARE(proxy.decodeCount(), 1050);
        QCOMPARE(proxy.decodedRowsKept(), 0);
        // A cleared model forgets its rows' text.
        proxy.setDecoder(PayloadDecoder::Kind::Auto);
        finish();
        QCOMPARE(proxy.decodedRowsKept(), 300);
        model.clear();
        QCOMPARE(proxy.decodedRowsKept(), 0);
        model.appendBatch(packedBatch(1, 20));
        finish();
        QCOMPARE(shown(proxy), QList<quint64>({16}));
    }
};

QTEST_MAIN(TstMessageFilter)
#include "tst_messagefilter.moc"
