// What a peek pane records (README.md, "Recording"): the rows of the new peek, entry and gone
// events through the encoder, the writer and the validating reader and back; the reader refusing
// peek rows that lack what their event needs; and PeekViewDiff recording only what entered or
// left the view — on hand-made snapshots, and on a real redis-server's list read by PeekReader
// while another client pushes and takes.
#include "PeekReader.h"
#include "PeekViewDiff.h"
#include "RecordingEncoder.h"
#include "RecordingReader.h"
#include "RecordingWriter.h"
#include "TestSupport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

namespace {

using Fields = QList<QPair<QByteArray, QByteArray>>;

PeekSnapshot listSnapshot(const QList<QByteArray>& all, int window, qint64 pageStart = -1)
{
    PeekSnapshot s;
    s.key = "q";
    s.kind = PeekSnapshot::Kind::List;
    s.type = "list";
    s.length = all.size();
    s.window = window;
    s.takenAtMs = 1796140713000;
    const auto rows = [&all](qint64 from, qint64 to) {
        QList<PeekRow> out;
        for (qint64 i = qMax<qint64>(0, from); i < qMin<qint64>(to, all.size()); ++i)
            out << PeekRow{i, all.at(i)};
        return out;
    };
    s.head = rows(0, window);
    s.tail = rows(all.size() - window, all.size());
    if (pageStart >= 0) {
        s.pageStart = pageStart;
        s.page = rows(pageStart, pageStart + window);
    }
    return s;
}

PeekSnapshot streamSnapshot(const QList<QByteArray>& idsNewestFirst, qint64 length)
{
    PeekSnapshot s;
    s.key = "s";
    s.kind = PeekSnapshot::Kind::Stream;
    s.type = "stream";
    s.length = length;
    s.window = int(idsNewestFirst.size());
    s.takenAtMs = 1796140713000;
    for (const QByteArray& id : idsNewestFirst)
        s.entries << PeekEntry{id, Fields{{"message", "m" + id}, {"n", id}}};
    return s;
}

// "gone e@4/0 tail", "peek x@0/4 tail", "entry 3-0", "gone 1-0": compact, for QCOMPARE.
QStringList describe(const QList<PeekRecord>& rows)
{
    QStringList out;
    for (const PeekRecord& r : rows) {
        QString text = QString::fromLatin1(PeekRecord::eventName(r.event)) + QLatin1Char(' ');
        if (!r.id.isEmpty())
            text += QString::fromLatin1(r.id);
        else
            text += QStringLiteral("%1@%2/%3 %4")
                        .arg(QString::fromUtf8(r.payload))
                        .arg(r.index)
                        .arg(r.position)
                        .arg(QString::fromLatin1(r.section));
        out << text;
    }
    return out;
}

QStringList sl(std::initializer_list<const char*> items)
{
    QStringList out;
    for (const char* s : items)
        out << QString::fromUtf8(s);
    return out;
}

} // namespace

class TestPeekRecording : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void newRowsRoundTripThroughWriterAndReader()
    {
        PeekRecord peek;
        peek.event = PeekRecord::Event::Peek;
        peek.timeMs = 1796140713123;
        peek.key = "jobs";
        peek.section = "tail";
        peek.index = 7;
        peek.position = 2;
        peek.depth = 10;
        peek.payload = "{\"job\":17}\n";
        PeekRecord binary = peek;
        binary.section = "head";
        binary.index = 0;
        binary.position = 9;
        binary.payload = QByteArray("\x00\xff\x89PNG", 6);
        PeekRecord entry;
        entry.event = PeekRecord::Event::Entry;
        entry.timeMs = 1796140713124;
        entry.key = "events";
        entry.section = "page";
        entry.depth = 3;
        entry.id = "1796140713125-0";
        entry.payload = "你好";
        entry.fields = Fields{{"message", "你好"}, {"blob", QByteArray("\x00\xff", 2)}};
        PeekRecord goneElement = peek;
        goneElement.event = PeekRecord::Event::Gone;
        goneElement.position = 0;
        goneElement.depth = 9;
        PeekRecord goneEntry = entry;
        goneEntry.event = PeekRecord::Event::Gone;
        goneEntry.fields.clear();
        const QList<PeekRecord> rows{peek, binary, entry, goneElement, goneEntry};

        const QString path = m_dir.filePath(QStringLiteral("peek.jsonl"));
        RecordingWriter writer;
        QSignalSpy finished(&writer, &RecordingWriter::finished);
        RecordingHeader header;
        header.startedMs = 1796140711123;
        header.server = QStringLiteral("redis://127.0.0.1:1/0");
        header.spec = QStringLiteral("peek:jobs");
        writer.start(path, header);
        writer.appendPeek(rows.mid(0, 2), Mode::Peek, "jobs");
        writer.appendPeek(rows.mid(2), Mode::Peek, "jobs");
        writer.stop();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(1).toULongLong(), quint64(5));

        // The header line is the one every recording has.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.first() + '\n', RecordingEncoder::headerLine(header));
        QCOMPARE(lines.at(1),
                 QByteArray("{\"time\":\"2026-12-01T15:58:33.123Z\",\"time_ms\":1796140713123,"
                            "\"mode\":\"peek\",\"target\":\"jobs\",\"event\":\"peek\",\"key\":"
                            "\"jobs\",\"section\":\"tail\",\"index\":7,\"position\":2,\"depth\":"
                            "10,\"payload\":\"{\\\"job\\\":17}\\n\"}"));
        QVERIFY(lines.at(2).contains("\"payload_b64\":\"AP+JUE5H\""));
        QVERIFY(lines.at(3).contains("\"event\":\"entry\""));
        QVERIFY(lines.at(3).contains("\"fields\":[[\"message\",\"你好\"],[\"blob\",{\"b64\":"
                                     "\"AP8=\"}]]"));
        QVERIFY(!lines.at(3).contains("\"index\""));
        QVERIFY(lines.at(5).contains("\"event\":\"gone\""));
        QVERIFY(!lines.at(5).contains("\"fields\""));

        RecordingReader reader(path);
        QVERIFY2(reader.open(), qPrintable(reader.error()));
        QCOMPARE(reader.header().spec, header.spec);
        const QList<RecordedRow> back = reader.readAll();
        QCOMPARE(reader.problemCount(), 0);
        QCOMPARE(back.size(), rows.size());
        for (int i = 0; i < rows.size(); ++i) {
            const PeekRecord& want = rows.at(i);
            const RecordedRow& got = back.at(i);
            QCOMPARE(got.mode, QStringLiteral("peek"));
            QCOMPARE(got.target, QByteArray("jobs"));
            QCOMPARE(got.event, QByteArray(PeekRecord::eventName(want.event)));
            QCOMPARE(got.message.receivedMs, want.timeMs);
            QCOMPARE(got.message.source, want.key);
            QCOMPARE(got.section, want.section);
            QCOMPARE(got.index, want.index);
            QCOMPARE(got.position, want.position);
            QCOMPARE(got.depth, want.depth);
            QCOMPARE(got.message.payload, want.payload);
            QCOMPARE(got.message.id, want.id);
            QCOMPARE(got.message.fields, want.fields);
        }
    }

    void readerRefusesPeekRowsMissingWhatTheirEventNeeds()
    {
        const QByteArray start = "{\"time_ms\":1,\"mode\":\"peek\",\"target\":\"q\",";
        struct Case {
            const char* rest;
            bool ok;
        };
        const Case cases[] = {
            {"\"event\":\"peek\",\"section\":\"tail\",\"index\":0,\"position\":0,\"depth\":1,"
             "\"payload\":\"a\"}",
             true},
            {"\"event\":\"gone\",\"section\":\"head\",\"index\":3,\"position\":0,\"depth\":0,"
             "\"payload\":\"a\"}",
             true},
            {"\"event\":\"gone\",\"section\":\"page\",\"id\":\"1-0\",\"depth\":0,\"payload\":\"\"}",
             true},
            {"\"event\":\"entry\",\"id\":\"1-0\",\"depth\":1,\"payload\":\"a\"}", true},
            {"\"event\":\"message\",\"depth\":1,\"payload\":\"a\"}", false},
            {"\"event\":\"peek\",\"section\":\"tail\",\"index\":0,\"position\":0,"
             "\"payload\":\"a\"}",
             false}, // no depth
            {"\"event\":\"peek\",\"index\":0,\"position\":0,\"depth\":1,\"payload\":\"a\"}",
             false}, // no section
            {"\"event\":\"peek\",\"section\":\"middle\",\"index\":0,\"position\":0,\"depth\":1,"
             "\"payload\":\"a\"}",
             false},
            {"\"event\":\"peek\",\"section\":\"tail\",\"index\":-1,\"position\":0,\"depth\":1,"
             "\"payload\":\"a\"}",
             false},
            {"\"event\":\"entry\",\"depth\":1,\"payload\":\"a\"}", false},
            {"\"event\":\"gone\",\"depth\":1,\"payload\":\"a\"}", false},
        };
        for (const Case& c : cases) {
            RecordedRow row;
            QString why;
            const bool ok = RecordingReader::parseRow(start + c.rest, &row, &why);
            QVERIFY2(ok == c.ok, c.rest);
            QVERIFY2(ok || !why.isEmpty(), c.rest);
        }
        // Members of peek rows on another mode's row are read, not required.
        RecordedRow row;
        QString why;
        QVERIFY2(RecordingReader::parseRow("{\"time_ms\":1,\"mode\":\"list\",\"target\":\"q\","
                                           "\"event\":\"message\",\"payload\":\"a\"}",
                                           &row, &why),
                 qPrintable(why));
        QCOMPARE(row.index, qint64(-1));
        QCOMPARE(row.depth, qint64(-1));
        QVERIFY(row.section.isEmpty());
    }

    void diffRecordsOnlyWhatEnteredOrLeftAList()
    {
        PeekViewDiff diff;
        // The first view is recorded in full, head on top; a short list is all tail.
        QCOMPARE(describe(diff.next(listSnapshot({"a", "b", "c", "d", "e"}, 50))),
                 sl({"peek a@0/4 tail", "peek b@1/3 tail", "peek c@2/2 tail", "peek d@3/1 tail",
                     "peek e@4/0 tail"}));
        const QList<PeekRecord> first = PeekViewDiff::viewRows(listSnapshot({"a"}, 50));
        QCOMPARE(first.first().depth, qint64(1));
        // The same view again: nothing.
        QVERIFY(diff.next(listSnapshot({"a", "b", "c", "d", "e"}, 50)).isEmpty());
        // A take from the consuming end: gone from position 0; the others only shifted.
        QList<PeekRecord> rows = diff.next(listSnapshot({"a", "b", "c", "d"}, 50));
        QCOMPARE(describe(rows), sl({"gone e@4/0 tail"}));
        QCOMPARE(rows.first().depth, qint64(4));
        // A push at the head.
        QCOMPARE(describe(diff.next(listSnapshot({"x", "a", "b", "c", "d"}, 50))),
                 sl({"peek x@0/4 tail"}));
        // LSET: the old bytes are gone, the new ones are a new row.
        QCOMPARE(describe(diff.next(listSnapshot({"x", "a", "B", "c", "d"}, 50))),
                 sl({"gone b@2/2 tail", "peek B@2/2 tail"}));
        // A failed refresh records nothing and is not compared with.
        PeekSnapshot failed = listSnapshot({}, 50);
        failed.error = QStringLiteral("NOPERM");
        QVERIFY(diff.next(failed).isEmpty());
        QVERIFY(diff.next(listSnapshot({"x", "a", "B", "c", "d"}, 50)).isEmpty());
        // The list deleted (emptied): every row is gone.
        PeekSnapshot missing;
        missing.key = "q";
        QCOMPARE(describe(diff.next(missing)),
                 sl({"gone x@0/4 tail", "gone a@1/3 tail", "gone B@2/2 tail", "gone c@3/1 tail",
                     "gone d@4/0 tail"}));
        // Equal elements: one taken is one gone row, not a new window.
        diff.reset();
        QCOMPARE(diff.next(listSnapshot({"j", "j", "j"}, 50)).size(), 3);
        QCOMPARE(describe(diff.next(listSnapshot({"j", "j"}, 50))), sl({"gone j@2/0 tail"}));
    }

    void diffOfALongListNamesTheSections()
    {
        QList<QByteArray> all;
        for (int i = 0; i < 10; ++i)
            all << "m" + QByteArray::number(i);
        PeekViewDiff diff;
        QCOMPARE(describe(diff.next(listSnapshot(all, 3))),
                 sl({"peek m0@0/9 head", "peek m1@1/8 head", "peek m2@2/7 head", "peek m7@7/2 tail",
                     "peek m8@8/1 tail", "peek m9@9/0 tail"}));
        // A push at the head scrolls the head window's last row into the hidden middle.
        all.prepend("new");
        QCOMPARE(describe(diff.next(listSnapshot(all, 3))),
                 sl({"gone m2@2/7 head", "peek new@0/10 head"}));
        // A page shows the middle.
        QCOMPARE(describe(diff.next(listSnapshot(all, 3, 4))),
                 sl({"peek m3@4/6 page", "peek m4@5/5 page", "peek m5@6/4 page"}));
        // Two taken at the tail: the next two come into the tail window from the middle.
        all.removeLast();
        all.removeLast();
        QCOMPARE(describe(diff.next(listSnapshot(all, 3, 4))),
                 sl({"gone m8@9/1 tail", "gone m9@10/0 tail", "peek m6@7/1 tail"}));
        // Another key (the pane was switched): recorded in full, nothing of the old is gone.
        PeekSnapshot other = listSnapshot({"z"}, 3);
        other.key = "other";
        QCOMPARE(describe(diff.next(other)), sl({"peek z@0/0 tail"}));
    }

    void diffOfAStreamByEntryId()
    {
        PeekViewDiff diff;
        const QList<PeekRecord> rows = diff.next(streamSnapshot({"3-0", "2-0", "1-0"}, 3));
        QCOMPARE(describe(rows), sl({"entry 3-0", "entry 2-0", "entry 1-0"}));
        QCOMPARE(rows.first().payload, QByteArray("m3-0"));
        QCOMPARE(rows.first().fields.size(), 2);
        QCOMPARE(rows.first().section, QByteArray("page"));
        QCOMPARE(rows.first().index, qint64(-1));
        QCOMPARE(describe(diff.next(streamSnapshot({"4-0", "3-0", "2-0"}, 4))),
                 sl({"gone 1-0", "entry 4-0"}));
        QCOMPARE(describe(diff.next(streamSnapshot({"4-0", "2-0", "1-0"}, 3))),
                 sl({"gone 3-0", "entry 1-0"}));
        QVERIFY(diff.next(streamSnapshot({"4-0", "2-0", "1-0"}, 3)).isEmpty());
    }

    void recordsAListThatARealClientPushesAndTakes()
    {
        SandboxServer server;
        RQ_START_SERVER(server);
        SyncClient client(server.settings());
        QVERIFY2(client.isConnected(), qPrintable(client.error()));
        QVERIFY(client.command({"RPUSH", "q", "a", "b", "c", "d", "e"}).integer == 5);

        PeekReader reader(server.settings(), "q", 50);
        PeekViewDiff diff;
        QList<PeekRecord> recorded;
        qint64 length = -1;
        QObject ctx;
        connect(&reader, &PeekReader::snapshotReady, &ctx, [&](const PeekSnapshot& s) {
            recorded += diff.next(s);
            length = s.length;
        });
        reader.start();
        QVERIFY(waitUntil([&] { return length == 5; }));
        QCOMPARE(describe(recorded), sl({"peek a@0/4 tail", "peek b@1/3 tail", "peek c@2/2 tail",
                                         "peek d@3/1 tail", "peek e@4/0 tail"}));
        // Another client takes two from the consuming end, then pushes one.
        QCOMPARE(client.command({"RPOP", "q", "2"}).elements.size(), 2);
        QVERIFY(waitUntil([&] { return length == 3; }));
        QCOMPARE(client.command({"LPUSH", "q", "f"}).integer, 4);
        QVERIFY(waitUntil([&] { return length == 4; }));
        QCOMPARE(describe(recorded.mid(5)),
                 sl({"gone d@3/1 tail", "gone e@4/0 tail", "peek f@0/3 tail"}));
        QCOMPARE(recorded.at(5).depth, qint64(3));
        QCOMPARE(recorded.at(7).depth, qint64(4));
        reader.stop();
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPeekRecording)
#include "tst_peekrecording.moc"
