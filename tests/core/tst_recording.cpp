// Recording a pane to JSON Lines: RecordingEncoder, RecordingWriter (its own thread) and
// RecordingReader, round trips byte for byte, the reader's line-numbered problems, write errors,
// and the rate rows are written at (printed; no wall-clock assertion). No server needed.
#include "RecordingEncoder.h"
#include "RecordingReader.h"
#include "RecordingWriter.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;

namespace {

constexpr qint64 kT0 = 1796140713123; // 2026-12-01T15:58:33.123Z

Message makeMessage(const QByteArray& payload, quint64 seq = 1, const QByteArray& source = "q")
{
    Message m;
    m.payload = payload;
    m.source = source;
    m.receivedMs = kT0 + qint64(seq);
    m.seq = seq;
    return m;
}

RecordingHeader makeHeader(const QString& spec = QStringLiteral("list:q"))
{
    RecordingHeader h;
    h.startedMs = kT0;
    h.server = QStringLiteral("redis://127.0.0.1:7777/0");
    h.spec = spec;
    return h;
}

// Lines of a file, without their newlines.
QList<QByteArray> fileLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

class TstRecording : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void isText_data();
    void isText();
    void isoTimeMatchesQt();
    void goldenLines();
    void roundTrip_data();
    void roundTrip();
    void streamFieldsRoundTrip();
    void observeAttributionRoundTrip();
    void deliveryWrittenForPreciseModes();
    void extremeValuesStayValidJson();
    void rowsKeepTheirModeAndTarget();
    void readerListsBadLinesWithNumbers();
    void readerRefusesBadHeaders_data();
    void readerRefusesBadHeaders();
    void diskFullIsReported();
    void unwritablePathIsReported();
    void destructorFlushesEverything();
    void restartClosesTheFirstFile();
    void restartOnTheSameFileStartsItAfresh();
    void throughput();

private:
    // Writes batches through a RecordingWriter in mode/target and waits until the file is closed.
    bool record(const QString& path, const QList<MessageList>& batches, Mode mode = Mode::List,
                const QByteArray& target = "q");
    QTemporaryDir m_dir;
};

void TstRecording::initTestCase() { QVERIFY(m_dir.isValid()); }

bool TstRecording::record(const QString& path, const QList<MessageList>& batches, Mode mode,
                          const QByteArray& target)
{
    RecordingWriter writer;
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    QSignalSpy failed(&writer, &RecordingWriter::failed);
    writer.start(path, makeHeader());
    for (const MessageList& batch : batches)
        writer.append(batch, mode, target);
    writer.stop();
    if (!finished.wait(30000) || !failed.isEmpty())
        return false;
    quint64 total = 0;
    for (const MessageList& batch : batches)
        total += quint64(batch.size());
    return finished.first().at(1).toULongLong() == total && writer.rowsWritten() == total &&
           !writer.isBusy();
}

void TstRecording::isText_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("text");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("ascii") << QByteArray("hello \"world\"\\\n\t\x1b\x7f") << true;
    QTest::newRow("chinese") << QStringLiteral("消息队列").toUtf8() << true;
    QTest::newRow("4-byte") << QStringLiteral("\U0001F600").toUtf8() << true;
    QTest::newRow("U+FFFF") << QByteArray("\xef\xbf\xbf") << true;
    QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << false;
    QTest::newRow("\\xff") << QByteArray("\xff") << false;
    QTest::newRow("lone continuation") << QByteArray("a\x80") << false;
    QTest::newRow("overlong /") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong 3-byte") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("cut short") << QByteArray("ok \xe4\xb8") << false;
    QTest::newRow("bad continuation") << QByteArray("\xe4\x41\x8a") << false;
}

void TstRecording::isText()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, text);
    QCOMPARE(RecordingEncoder::isText(bytes), text);
}

void TstRecording::isoTimeMatchesQt()
{
    for (const qint64 ms : {qint64(0), qint64(951782400999), qint64(1709164800000), kT0,
                            qint64(4102444799999), qint64(253402300799999)}) {
        const QByteArray expected =
            QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
        QCOMPARE(RecordingEncoder::isoTime(ms), expected);
    }
}

void TstRecording::goldenLines()
{
    // The exact lines README.md shows: if this changes, the README and the version change too.
    QCOMPARE(RecordingEncoder::headerLine(makeHeader(QStringLiteral("list:q,record=q.jsonl"))),
             QByteArray(R"({"rqconsole_recording":1,"started":"2026-12-01T15:58:33.123Z",)"
                        R"("started_ms":1796140713123,"server":"redis://127.0.0.1:7777/0",)"
                        R"("spec":"list:q,record=q.jsonl"})"
                        "\n"));
    RecordingEncoder encoder;
    QByteArray out;
    encoder.appendRow(out, makeMessage("hello \"you\"\n"), "list", "q", false);
    Message binary = makeMessage(QByteArray("\0\xff", 2), 2);
    encoder.appendRow(out, binary, "list", "q", false);
    QCOMPARE(out, QByteArray(R"({"time":"2026-12-01T15:58:33.124Z","time_ms":1796140713124,)"
                             R"("seq":1,"mode":"list","target":"q","event":"message","key":"q",)"
                             R"("payload":"hello \"you\"\n"})"
                             "\n"
                             R"({"time":"2026-12-01T15:58:33.125Z","time_ms":1796140713125,)"
                             R"("seq":2,"mode":"list","target":"q","event":"message","key":"q",)"
                             R"("payload_b64":"AP8="})"
                             "\n"));
    // Every line is a JSON object of its own.
    for (const QByteArray& line : out.split('\n')) {
        if (!line.isEmpty())
            QVERIFY(QJsonDocument::fromJson(line).isObject());
    }
}

void TstRecording::roundTrip_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("asText");
    QTest::newRow("text") << QByteArray("hello world") << true;
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("json") << QByteArray(R"({"a":[1,2],"b":"x\"y"})") << true;
    QTest::newRow("escapes") << QByteArray("a\"b\\c\nd\re\tf\x01g\x1fh\x7f/") << true;
    QTest::newRow("chinese") << QStringLiteral("你好，消息队列！").toUtf8() << true;
    QTest::newRow("emoji") << QStringLiteral("ok \U0001F600 \u2028").toUtf8() << true;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << false;
    QTest::newRow("\\xff") << QByteArray("\xff\xfe\x00\x01", 4) << false;
    QTest::newRow("invalid utf-8") << QByteArray("caf\xe9") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    QTest::newRow("all bytes") << all << false;
    QTest::newRow("big") << QByteArray(3 << 20, 'x') << true; // bigger than a write chunk
}

void TstRecording::roundTrip()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, asText);
    const QString path = m_dir.filePath(QStringLiteral("roundtrip.jsonl"));
    Message m = makeMessage(payload, 7, QStringLiteral("队列").toUtf8());
    m.pattern = "q*";
    QVERIFY(record(path, {{m}}, Mode::Pattern, "q*"));

    const QList<QByteArray> lines = fileLines(path);
    QCOMPARE(lines.size(), 2);
    const QJsonObject raw = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(raw.contains(QLatin1String("payload")), asText);
    QCOMPARE(raw.contains(QLatin1String("payload_b64")), !asText); // never both

    RecordingReader reader(path);
    QVERIFY2(reader.open(), qPrintable(reader.error()));
    QCOMPARE(reader.header().version, 1);
    QCOMPARE(reader.header().startedMs, kT0);
    QCOMPARE(reader.header().server, QStringLiteral("redis://127.0.0.1:7777/0"));
    const QList<RecordedRow> rows = reader.readAll();
    QVERIFY(reader.problems().isEmpty());
    QCOMPARE(rows.size(), 1);
    const RecordedRow& row = rows.first();
    QCOMPARE(row.line, 2);
    QCOMPARE(row.mode, QStringLiteral("pattern"));
    QCOMPARE(row.target, QByteArray("q*"));
    QCOMPARE(row.event, QByteArray("message"));
    QCOMPARE(row.message.payload, payload); // byte for byte
    QCOMPARE(row.message.source, m.source);
    QCOMPARE(row.message.pattern, QByteArray("q*"));
    QCOMPARE(row.message.receivedMs, m.receivedMs);
    QCOMPARE(row.message.seq, quint64(7));
    QVERIFY(!row.message.observed);
}

void TstRecording::streamFieldsRoundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("stream.jsonl"));
    Message m = makeMessage("hello", 1, "events");
    m.id = "1796140713123-0";
    m.deliveryCount = 3;
    m.fields = {{"message", "hello"},
                {"blob", QByteArray("\0\xff", 2)},
                {QByteArray("\xfe"), "名字"},
                {"message", "duplicate names keep their order"}};
    QVERIFY(record(path, {{m}}, Mode::Stream, "events"));
    RecordingReader reader(path);
    QVERIFY(reader.open());
    const QList<RecordedRow> rows = reader.readAll();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().message.id, m.id);
    QCOMPARE(rows.first().message.deliveryCount, 3);
    QCOMPARE(rows.first().message.fields, m.fields);
    const QJsonObject raw = QJsonDocument::fromJson(fileLines(path).at(1)).object();
    QCOMPARE(raw.value(QLatin1String("fields"))
                 .toArray()
                 .at(1)
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QLatin1String("b64")),
             QJsonValue(QStringLiteral("AP8=")));
}

void TstRecording::observeAttributionRoundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("observe.jsonl"));
    auto take = std::make_shared<Observation>();
    take->kind = Observation::Kind::Consume;
    take->command = "BRPOP";
    take->key = "jobs";
    take->clientId = 42;
    take->clientName = "worker-1";
    take->clientAddr = "127.0.0.1:50312";
    take->producer = "producer (127.0.0.1:50000)";
    take->consumer = "worker-1 (127.0.0.1:50312)";
    take->certain = false;
    take->producedMs = kT0 - 12;
    take->takenMs = kT0;
    Message consume = makeMessage("job 1", 1, "jobs");
    consume.observed = take;
    auto ack = std::make_shared<Observation>(*take);
    ack->kind = Observation::Kind::Ack;
    ack->command = "XACK";
    ack->clientId = 0;
    ack->clientName = QByteArray("\xff\x00", 2); // names are bytes too
    ack->clientAddr.clear();
    ack->certain = true;
    ack->ackedMs = kT0 + 30;
    Message acked = makeMessage(QByteArray(), 2, "jobs");
    acked.observed = ack;
    Message plain = makeMessage("no attribution", 3, "jobs"); // an observe row, observed unset
    QVERIFY(record(path, {{consume, acked}, {plain}}, Mode::Observe, "jobs"));

    const QJsonObject raw = QJsonDocument::fromJson(fileLines(path).at(1)).object();
    QCOMPARE(raw.value(QLatin1String("event")).toString(), QStringLiteral("BRPOP"));
    QCOMPARE(raw.value(QLatin1String("certain")), QJsonValue(false));
    QCOMPARE(raw.value(QLatin1String("latency_ms")).toInteger(), 12);
    QCOMPARE(raw.value(QLatin1String("client")).toObject().value(QLatin1String("id")).toInteger(),
             42);
    const QJsonObject rawAck = QJsonDocument::fromJson(fileLines(path).at(2)).object();
    QCOMPARE(rawAck.value(QLatin1String("ack_latency_ms")).toInteger(), 30);
    QVERIFY(!rawAck.value(QLatin1String("client")).toObject().contains(QLatin1String("id")));

    RecordingReader reader(path);
    QVERIFY(reader.open());
    const QList<RecordedRow> rows = reader.readAll();
    QVERIFY2(reader.problems().isEmpty(), qPrintable(reader.problems().value(0).reason));
    QCOMPARE(rows.size(), 3);
    QVERIFY(!rows.at(2).message.observed); // an observe row without attribution stays without
    for (int i = 0; i < 2; ++i) {
        const Observation& want = i == 0 ? *take : *ack;
        const Observation* got = rows.at(i).message.observed.get();
        QVERIFY(got);
        QCOMPARE(int(got->kind), int(want.kind));
        QCOMPARE(got->command, want.command);
        QCOMPARE(got->key, want.key);
        QCOMPARE(got->clientId, want.clientId);
        QCOMPARE(got->clientName, want.clientName);
        QCOMPARE(got->clientAddr, want.clientAddr);
        QCOMPARE(got->producer, want.producer);
        QCOMPARE(got->consumer, want.consumer);
        QCOMPARE(got->certain, want.certain);
        QCOMPARE(got->producedMs, want.producedMs);
        QCOMPARE(got->takenMs, want.takenMs);
        QCOMPARE(got->ackedMs, want.ackedMs);
    }
}

void TstRecording::deliveryWrittenForPreciseModes()
{
    RecordingEncoder encoder;
    QByteArray out;
    encoder.appendRow(out, makeMessage("x"), "reliable", "q", true);
    QVERIFY(out.contains(",\"delivery\":1,"));
    out.clear();
    encoder.appendRow(out, makeMessage("x"), "list", "q", false);
    QVERIFY(!out.contains("delivery"));
    Message again = makeMessage("x");
    again.deliveryCount = 2;
    out.clear();
    encoder.appendRow(out, again, "list", "q", false);
    QVERIFY(out.contains(",\"delivery\":2,"));
}

void TstRecording::extremeValuesStayValidJson()
{
    // Every number at its widest and every optional member present: the row still fits what
    // the encoder reserves for it and parses.
    constexpr qint64 kMax = std::numeric_limits<qint64>::max();
    auto o = std::make_shared<Observation>();
    o->command = QByteArray(1000, '\x01');
    o->key = QByteArray(1000, '\xff');
    o->clientId = kMax;
    o->clientName = "\"";
    o->clientAddr = QByteArray("\0", 1);
    o->producer = "p";
    o->consumer = "c";
    o->producedMs = 1;
    o->takenMs = kMax;
    o->ackedMs = kMax;
    // seq set after makeMessage(), whose receivedMs = kT0 + seq would overflow (UBSan).
    Message m = makeMessage(QByteArray(5000, '\n'));
    m.seq = std::numeric_limits<qint64>::max();
    m.receivedMs = 253402300799999; // 9999-12-31T23:59:59.999Z
    m.pattern = QByteArray(3, '\0');
    m.id = "18446744073709551615-18446744073709551615";
    m.deliveryCount = std::numeric_limits<int>::max();
    m.fields = {{QByteArray(), QByteArray()}, {QByteArray(1, '\xff'), QByteArray(2, '\0')}};
    m.observed = o;
    RecordingEncoder encoder;
    QByteArray out;
    encoder.appendRow(out, m, QByteArray(300, '"'), QByteArray(300, '\\'), true);
    QVERIFY(out.endsWith("}\n"));
    QJsonParseError error;
    const QJsonObject parsed = QJsonDocument::fromJson(out, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(parsed.value(QLatin1String("time")).toString(),
             QStringLiteral("9999-12-31T23:59:59.999Z"));
    RecordedRow row;
    QString why;
    out.chop(1);
    QVERIFY(!RecordingReader::parseRow(out, &row, &why)); // the mode is not a mode
    QVERIFY2(why.contains(QLatin1String("\"mode\"")), qPrintable(why));
}

void TstRecording::rowsKeepTheirModeAndTarget()
{
    // A pane switched while recording keeps writing to the same file; each row says what it was.
    const QString path = m_dir.filePath(QStringLiteral("switch.jsonl"));
    RecordingWriter writer;
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    writer.start(path, makeHeader());
    writer.append({makeMessage("a", 1)}, Mode::List, "q");
    writer.append({makeMessage("b", 1, "events")}, Mode::Tail, "events");
    writer.stop();
    QVERIFY(finished.wait(10000));
    RecordingReader reader(path);
    QVERIFY(reader.open());
    const QList<RecordedRow> rows = reader.readAll();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).mode, QStringLiteral("list"));
    QCOMPARE(rows.at(1).mode, QStringLiteral("tail"));
    QCOMPARE(rows.at(1).target, QByteArray("events"));
}

void TstRecording::readerListsBadLinesWithNumbers()
{
    const QString path = m_dir.filePath(QStringLiteral("bad.jsonl"));
    QByteArray text = RecordingEncoder::headerLine(makeHeader());
    RecordingEncoder encoder;
    encoder.appendRow(text, makeMessage("good 1"), "list", "q", false); // line 2
    text += "{not json\n";                                              // 3
    text += R"({"time_ms":1,"mode":"list","target":"q","event":"message"})"
            "\n"; // 4: no payload
    text += R"({"time_ms":1,"mode":"list","target":"q","event":"message","payload":"a",)"
            R"("payload_b64":"YQ=="})"
            "\n"; // 5: both
    text += R"({"time_ms":1,"mode":"list","target":"q","event":"message","payload_b64":"*"})"
            "\n"; // 6: bad base64
    text += R"({"time_ms":1,"mode":"carrier-pigeon","target":"q","event":"message","payload":""})"
            "\n";    // 7: unknown mode
    text += "\n";    // 8: blank lines are allowed
    text += "[1]\n"; // 9: not an object
    text += R"({"time_ms":1.5,"mode":"list","target":"q","event":"message","payload":""})"
            "\n"; // 10
    text += R"({"time_ms":1,"mode":"stream","target":"s","event":"message","payload":"",)"
            R"("fields":[["a"]]})"
            "\n"; // 11: a field without value
    text += R"({"time_ms":1,"mode":"observe","target":"q","event":"LPUSH","payload":"",)"
            R"("kind":"sideways","certain":true})"
            "\n";                                                          // 12: an unknown kind
    text += RecordingEncoder::headerLine(makeHeader());                    // 13: a second header
    encoder.appendRow(text, makeMessage("good 2", 2), "list", "q", false); // 14
    QByteArray cut;
    encoder.appendRow(cut, makeMessage("cut short", 3), "list", "q", false);
    text += cut.left(cut.size() / 2); // 15: a crash mid-line
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    f.close();

    RecordingReader reader(path);
    QVERIFY(reader.open());
    const QList<RecordedRow> rows = reader.readAll();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).message.payload, QByteArray("good 1"));
    QCOMPARE(rows.at(0).line, 2);
    QCOMPARE(rows.at(1).message.payload, QByteArray("good 2"));
    QCOMPARE(rows.at(1).line, 14);
    QVERIFY(reader.error().isEmpty());

    const QList<std::pair<qint64, const char*>> expected = {
        {3, "not JSON"},
        {4, "\"payload\" (or \"payload_b64\") is missing"},
        {5, "both \"payload\" and \"payload_b64\""},
        {6, "\"payload_b64\" is not valid base64"},
        {7, "\"mode\" is missing or not one of"},
        {9, "not a JSON object"},
        {10, "\"time_ms\" is not a whole number"},
        {11, "field 1 is not [name, value]"},
        {12, "\"kind\" is not one of"},
        {13, "a second header"},
        {15, "the last line is cut short"},
    };
    const QList<RecordingReader::Problem> problems = reader.problems();
    QCOMPARE(problems.size(), expected.size());
    QCOMPARE(reader.problemCount(), qint64(expected.size()));
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(problems.at(i).line, expected.at(i).first);
        QVERIFY2(problems.at(i).reason.contains(QLatin1String(expected.at(i).second)),
                 qPrintable(problems.at(i).reason));
    }
}

void TstRecording::readerRefusesBadHeaders_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("why");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("line 1: the file is empty");
    QTest::newRow("a row first") << QByteArray(R"({"time_ms":1,"mode":"list"})"
                                               "\n")
                                 << QStringLiteral("line 1: not a recording header");
    QTest::newRow("newer") << QByteArray(R"({"rqconsole_recording":2,"started_ms":1})"
                                         "\n")
                           << QStringLiteral("format 2; this build reads format 1");
    QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n", 8)
                            << QStringLiteral("line 1: not JSON");
}

void TstRecording::readerRefusesBadHeaders()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, why);
    const QString path = m_dir.filePath(QStringLiteral("header.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    RecordingReader reader(path);
    QVERIFY(!reader.open());
    QVERIFY2(reader.error().contains(why), qPrintable(reader.error()));
    RecordedRow row;
    QVERIFY(!reader.next(&row));

    RecordingReader missing(m_dir.filePath(QStringLiteral("no-such-file.jsonl")));
    QVERIFY(!missing.open());
    QVERIFY2(missing.error().startsWith(QLatin1String("Cannot read")), qPrintable(missing.error()));
}

void TstRecording::diskFullIsReported()
{
    if (!QFile::exists(QStringLiteral("/dev/full")))
        QSKIP("no /dev/full on this system");
    RecordingWriter writer;
    QSignalSpy failed(&writer, &RecordingWriter::failed);
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    writer.start(QStringLiteral("/dev/full"), makeHeader());
    writer.append({makeMessage("x")}, Mode::List, "q");
    QVERIFY(failed.wait(10000));
    const QString sentence = failed.first().first().toString();
    QVERIFY2(sentence.contains(QLatin1String("/dev/full")) &&
                 sentence.contains(QLatin1String("No space left on device")),
             qPrintable(sentence));
    QVERIFY(!writer.isRecording()); // stopped for good, not skipping rows silently
    QTRY_VERIFY(!writer.isBusy());
    QCOMPARE(failed.size(), 1);
}

void TstRecording::unwritablePathIsReported()
{
    // Root ignores permission bits, so use a path whose "directory" is a regular file.
    const QString file = m_dir.filePath(QStringLiteral("plain-file"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    const QString path = file + QStringLiteral("/rec.jsonl");
    RecordingWriter writer;
    QSignalSpy failed(&writer, &RecordingWriter::failed);
    writer.start(path, makeHeader());
    QVERIFY(failed.wait(10000));
    const QString sentence = failed.first().first().toString();
    QVERIFY2(sentence.startsWith(QStringLiteral("Cannot record to %1: ").arg(path)),
             qPrintable(sentence));
    QVERIFY(!writer.isRecording());
}

void TstRecording::destructorFlushesEverything()
{
    const QString path = m_dir.filePath(QStringLiteral("destructor.jsonl"));
    constexpr int kBatches = 200;
    constexpr int kPerBatch = 500;
    {
        RecordingWriter writer;
        writer.start(path, makeHeader());
        quint64 seq = 0;
        for (int b = 0; b < kBatches; ++b) {
            MessageList batch;
            for (int i = 0; i < kPerBatch; ++i) {
                ++seq;
                batch << makeMessage("m" + QByteArray::number(seq), seq);
            }
            writer.append(batch, Mode::List, "q");
        }
        QCOMPARE(writer.rowsQueued(), quint64(kBatches * kPerBatch));
    } // no stop(): the destructor flushes and closes
    RecordingReader reader(path);
    QVERIFY(reader.open());
    RecordedRow row;
    quint64 expected = 0;
    while (reader.next(&row)) {
        ++expected;
        QCOMPARE(row.message.seq, expected);
        QCOMPARE(row.message.payload, "m" + QByteArray::number(expected));
    }
    QCOMPARE(expected, quint64(kBatches * kPerBatch));
    QCOMPARE(reader.problemCount(), 0);
}

void TstRecording::restartClosesTheFirstFile()
{
    const QString first = m_dir.filePath(QStringLiteral("first.jsonl"));
    const QString second = m_dir.filePath(QStringLiteral("second.jsonl"));
    RecordingWriter writer;
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    writer.start(first, makeHeader());
    writer.append({makeMessage("1", 1)}, Mode::List, "q");
    writer.start(second, makeHeader()); // stops the first
    writer.append({makeMessage("2", 2), makeMessage("3", 3)}, Mode::List, "q");
    writer.stop();
    QTRY_COMPARE(finished.size(), 2);
    // Each file closes on its own thread, in either order.
    QMap<QString, quint64> rows;
    for (const QList<QVariant>& args : finished)
        rows.insert(args.at(0).toString(), args.at(1).toULongLong());
    QCOMPARE(rows.value(first), 1u);
    QCOMPARE(rows.value(second), 2u);
    QCOMPARE(fileLines(first).size(), 2);
    QCOMPARE(fileLines(second).size(), 3);
}

void TstRecording::restartOnTheSameFileStartsItAfresh()
{
    const QString path = m_dir.filePath(QStringLiteral("again.jsonl"));
    RecordingWriter writer;
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    writer.start(path, makeHeader());
    MessageList batch;
    for (int i = 1; i <= 1000; ++i)
        batch << makeMessage(QByteArray(200, 'o'), quint64(i));
    for (int i = 0; i < 200; ++i) // plenty left to write when the second start comes
        writer.append(batch, Mode::List, "q");
    writer.start(path, makeHeader()); // the same file again
    writer.append({makeMessage("fresh", 1)}, Mode::List, "q");
    writer.stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
    const QList<QByteArray> lines = fileLines(path);
    QCOMPARE(lines.size(), 2);
    RecordingReader reader(path);
    QVERIFY(reader.open());
    const QList<RecordedRow> rows = reader.readAll();
    QCOMPARE(reader.problemCount(), 0);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().message.payload, QByteArray("fresh"));
}

void TstRecording::throughput()
{
    // A figure, not a timed test: the rate rows are encoded at and written at (64-byte payloads,
    // batches of 4096 as a draining consumer delivers them). Correctness is still checked.
    constexpr int kRows = 1000000;
    constexpr int kBatch = 4096;
    QList<MessageList> batches;
    for (int i = 0; i < kRows; i += kBatch) {
        MessageList batch;
        for (int j = i; j < qMin(kRows, i + kBatch); ++j) {
            QByteArray payload = "payload-" + QByteArray::number(j);
            payload.append(64 - payload.size(), '.');
            batch << makeMessage(payload, quint64(j + 1), "queue1");
        }
        batches << batch;
    }
    QElapsedTimer timer;
    RecordingEncoder encoder;
    QByteArray out;
    timer.start();
    qsizetype bytes = 0;
    for (const MessageList& batch : batches) {
        for (const Message& m : batch)
            encoder.appendRow(out, m, "list", "queue1", false);
        bytes += out.size();
        out.resize(0);
    }
    const double encodeS = timer.nsecsElapsed() / 1e9;

    const QString path = m_dir.filePath(QStringLiteral("throughput.jsonl"));
    RecordingWriter writer;
    QSignalSpy finished(&writer, &RecordingWriter::finished);
    timer.restart();
    writer.start(path, makeHeader());
    qint64 handOverNs = 0;
    for (const MessageList& batch : batches) {
        QElapsedTimer hand;
        hand.start();
        writer.append(batch, Mode::List, "queue1");
        handOverNs += hand.nsecsElapsed();
    }
    writer.stop();
    QVERIFY(finished.wait(120000));
    const double writeS = timer.nsecsElapsed() / 1e9;
    QCOMPARE(finished.first().at(1).toULongLong(), quint64(kRows));
    QCOMPARE(QFileInfo(path).size(),
             qint64(RecordingEncoder::headerLine(makeHeader()).size()) + bytes);
    qInfo("recording: %d rows x 64 B, %.0f B/row: encode %.0f rows/s; writer thread to disk "
          "%.0f rows/s (%.1f MB/s); caller's thread spent %.2f ms handing %lld batches over",
          kRows, double(bytes) / kRows, kRows / encodeS, kRows / writeS, bytes / writeS / 1e6,
          handOverNs / 1e6, qlonglong(batches.size()));
    QFile::remove(path);
}

QTEST_GUILESS_MAIN(TstRecording)
#include "tst_recording.moc"
