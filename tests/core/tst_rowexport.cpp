#include "PayloadFile.h"
#include "Publisher.h"
#include "RecordingEncoder.h"
#include "RecordingReader.h"
#include "RowExport.h"
#include "SendHistory.h"
#include "TestBytes.h"
#include "TestSupport.h"

#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using rqc::test::allBytes;
using Cmd = PublisherWorker::Command;

// Export of rows (CSV, recording, redis-cli and redis-py lines), sending a file, and the entry
// box's history and snippets.
class TestRowExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        RQ_START_SERVER(m_server);
    }

    void cliQuotingKeepsPrintableTextReadable()
    {
        QCOMPARE(RowExport::cliQuote("hello world"), QByteArray("\"hello world\""));
        QCOMPARE(RowExport::cliQuote("a\"b\\c\n"), QByteArray("\"a\\\"b\\\\c\\n\""));
        QCOMPARE(RowExport::cliQuote(QByteArray("\0\xff", 2)), QByteArray("\"\\x00\\xff\""));
        QCOMPARE(RowExport::redisCliLine({"PUBLISH", "news", "hi there"}),
                 QByteArray("PUBLISH \"news\" \"hi there\""));
    }

    // The line, piped into redis-cli, stores exactly the bytes: every byte value, in the key too.
    void redisCliLineReproducesEveryByte()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("redis-cli")).isEmpty())
            QSKIP("redis-cli is not installed");
        test::SyncClient c(m_server.settings());
        const QByteArray bytes = allBytes();
        Message m;
        m.source = "k " + bytes; // a key with every byte too
        m.payload = bytes + bytes;
        const QByteArray line = RowExport::redisCliLine(RowExport::resendArgv(m, "list"));
        QVERIFY(!line.contains('\n'));
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"),
                  {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                   QString::number(m_server.port())});
        QVERIFY(cli.waitForStarted());
        cli.write(line + "\n");
        cli.closeWriteChannel();
        QVERIFY(cli.waitForFinished(test::scaled(60000)));
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(cli.readAllStandardOutput().trimmed(), QByteArray("1")); // not a tty: raw replies
        const RedisReply r = c.command({"LRANGE", m.source, "0", "-1"});
        QCOMPARE(r.elements.size(), 1);
        QCOMPARE(r.elements[0].str, m.payload);
    }

    void redisPyLineIsAPythonBytesLiteral()
    {
        Message m;
        m.source = "news";
        m.payload = allBytes();
        const QByteArray line = RowExport::redisPyLine(RowExport::resendArgv(m, "channel"));
        QVERIFY(line.startsWith("r.publish(b'news', b'\\x00"));
        QCOMPARE(RowExport::pyBytes("it's \\"), QByteArray("b'it\\'s \\\\'"));
        Message entry;
        entry.source = "s";
        entry.fields = {{"a", "1"}, {"b", "x'y"}};
        QCOMPARE(RowExport::redisPyLine(RowExport::resendArgv(entry, "stream")),
                 QByteArray("r.xadd(b's', {b'a': b'1', b'b': b'x\\'y'})"));
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        if (python.isEmpty())
            QSKIP("python3 is not installed");
        // Python reads the literal back to the same 256 bytes.
        const QByteArray literal = RowExport::pyBytes(m.payload);
        QProcess py;
        py.start(python, {QStringLiteral("-c"),
                          QStringLiteral("import ast,sys; sys.stdout.buffer.write(ast.literal_eval("
                                         "sys.stdin.buffer.read().decode('ascii')))")});
        QVERIFY(py.waitForStarted());
        py.write(literal);
        py.closeWriteChannel();
        QVERIFY(py.waitForFinished(
            test::scaled(60000))); // a pyenv shim starts slowly on a busy machine
        QCOMPARE(py.readAllStandardOutput(), m.payload);
    }

    void csvQuotesAndMarksBinary()
    {
        Message text;
        text.receivedMs = 0;
        text.source = "q";
        text.payload = "say \"hi\", twice\nthen stop";
        Message binary;
        binary.receivedMs = 1000;
        binary.source = "q";
        binary.payload = allBytes();
        const QByteArray csv = RowExport::csv({text, binary});
        QVERIFY(csv.startsWith(RowExport::csvHeader()));
        QVERIFY2(csv.contains("1970-01-01T00:00:00.000Z,q,,,1,text,\"say \"\"hi\"\", twice\nthen "
                              "stop\",\r\n"),
                 csv.constData());
        QVERIFY(csv.contains("1970-01-01T00:00:01.000Z,q,,,1,base64," + allBytes().toBase64() +
                             ",\r\n"));
    }

    // A stream entry's fields go in the last column, as the recording writes them: also an entry
    // without a payload field (seen in a user's walk: its export was an empty payload).
    void csvCarriesStreamEntryFields()
    {
        Message entry;
        entry.receivedMs = 0;
        entry.source = "orders";
        entry.id = "1-0";
        entry.fields = {
            {"order_id", "A-1"}, {"note", "say \"hi\""}, {"blob", QByteArray("\xff\x00", 2)}};
        const QByteArray row = RowExport::csvRow(entry);
        // [["order_id","A-1"],["note","say \"hi\""],["blob",{"b64":"/wA="}]]
        QByteArray json = "[[\"order_id\",\"A-1\"],[\"note\",\"say \\\"hi\\\"\"],"
                          "[\"blob\",{\"b64\":\"/wA=\"}]]";
        QCOMPARE(RecordingEncoder::fieldsJson(entry.fields), json);
        QCOMPARE(row, "1970-01-01T00:00:00.000Z,orders,,1-0,1,text,,\"" +
                          json.replace('"', "\"\"") + "\"\r\n");
        QCOMPARE(RecordingEncoder::fieldsJson({}), QByteArray());
    }

    void jsonLinesIsARecordingReadBackExactly()
    {
        QList<Message> rows;
        for (int i = 0; i < 3; ++i) {
            Message m;
            m.source = "jobs";
            m.receivedMs = 1764600000000 + i;
            m.payload = i == 1 ? allBytes() : "row " + QByteArray::number(i);
            rows << m;
        }
        const QString path = m_dir.filePath(QStringLiteral("export.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(RowExport::jsonLines(rows, "list", "jobs", false, QStringLiteral("redis://x"),
                                     QStringLiteral("list:jobs")));
        f.close();
        RecordingReader reader(path);
        QVERIFY2(reader.open(), qPrintable(reader.error()));
        QCOMPARE(reader.header().spec, QStringLiteral("list:jobs"));
        const QList<RecordedRow> back = reader.readAll();
        QCOMPARE(back.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(back[i].message.payload, rows[i].payload);
            QCOMPARE(back[i].message.receivedMs, rows[i].receivedMs);
        }
        QCOMPARE(reader.problemCount(), qint64(0));
    }

    void aFileIsOneMessageByteForByte()
    {
        const QString path = m_dir.filePath(QStringLiteral("all.bin"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(allBytes());
        f.close();
        QList<QByteArray> messages;
        QString error;
        QVERIFY(PayloadFile::read(path, PayloadFile::Split::Whole, &messages, &error));
        QCOMPARE(messages, QList<QByteArray>{allBytes()});
        // Sent through the publisher as a list of one, it lands exactly.
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        LoadSource source;
        source.fromList = true;
        source.payloads = messages;
        pub.sendLoad(Cmd::LPush, "file:one", {}, {}, {}, source);
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][1].toULongLong(), quint64(1));
        QCOMPARE(c.command({"LINDEX", "file:one", "0"}).str, allBytes());
        // Each byte value as its own line: 255 messages, in order (the newline splits).
        QVERIFY(PayloadFile::read(path, PayloadFile::Split::Lines, &messages, &error));
        QCOMPARE(messages.size(), 2); // "\0…\t" and "\x0b…\xff"
        source.payloads = messages;
        pub.sendLoad(Cmd::LPush, "file:lines", {}, {}, {}, source);
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(c.command({"LINDEX", "file:lines", "-1"}).str, allBytes().left(10));
        QCOMPARE(c.command({"LINDEX", "file:lines", "0"}).str, allBytes().mid(11));
    }

    void linesSplitLikeATextFile()
    {
        QCOMPARE(PayloadFile::splitLines("a\nb\r\n\nc"), (QList<QByteArray>{"a", "b", "", "c"}));
        QCOMPARE(PayloadFile::splitLines("a\n"), (QList<QByteArray>{"a"}));
        QCOMPARE(PayloadFile::splitLines("x\r"), (QList<QByteArray>{"x\r"})); // no newline: as is
        QVERIFY(PayloadFile::splitLines("").isEmpty());
        QList<QByteArray> out;
        QString error;
        QVERIFY(!PayloadFile::read(m_dir.filePath(QStringLiteral("missing")),
                                   PayloadFile::Split::Whole, &out, &error));
        QVERIFY(error.contains(QStringLiteral("Cannot read")));
    }

    void historyIsPerTargetBoundedAndPersisted()
    {
        const QString ini = m_dir.filePath(QStringLiteral("history.ini"));
        {
            QSettings settings(ini, QSettings::IniFormat);
            SendHistory h(&settings);
            h.add(QStringLiteral("list:jobs"), QStringLiteral("one"));
            h.add(QStringLiteral("list:jobs"), QStringLiteral("two"));
            h.add(QStringLiteral("list:jobs"), QStringLiteral("two")); // no repeats in a row
            h.add(QStringLiteral("pubsub:a/b"), QStringLiteral("elsewhere"));
            for (int i = 0; i < 80; ++i)
                h.add(QStringLiteral("list:many"), QString::number(i));
            h.add(QStringLiteral("list:big"), QString(SendHistory::kMaxEntryBytes + 1, u'x'));
            h.setSnippet(QStringLiteral("order/new"), QStringLiteral("{\"id\": \"{{uuid}}\"}"));
            h.setSnippet(QStringLiteral("ping"), QStringLiteral("ping"));
        }
        QSettings settings(ini, QSettings::IniFormat);
        SendHistory h(&settings);
        QCOMPARE(h.entries(QStringLiteral("list:jobs")),
                 (QStringList{QStringLiteral("one"), QStringLiteral("two")}));
        QCOMPARE(h.entries(QStringLiteral("pubsub:a/b")), QStringList{QStringLiteral("elsewhere")});
        const QStringList many = h.entries(QStringLiteral("list:many"));
        QCOMPARE(many.size(), SendHistory::kMaxEntries);
        QCOMPARE(many.first(), QStringLiteral("30"));
        QCOMPARE(many.last(), QStringLiteral("79"));
        QVERIFY(h.entries(QStringLiteral("list:big")).isEmpty());
        QCOMPARE(h.snippetNames(),
                 (QStringList{QStringLiteral("order/new"), QStringLiteral("ping")}));
        QCOMPARE(h.snippet(QStringLiteral("order/new")), QStringLiteral("{\"id\": \"{{uuid}}\"}"));
        h.removeSnippet(QStringLiteral("ping"));
        QCOMPARE(h.snippetNames(), QStringList{QStringLiteral("order/new")});
    }

    void historyCursorWalksLikeAShell()
    {
        HistoryCursor cur;
        cur.reset({QStringLiteral("a"), QStringLiteral("b")}, QStringLiteral("draft"));
        QString text;
        QVERIFY(!cur.down(&text));
        QVERIFY(cur.up(&text));
        QCOMPARE(text, QStringLiteral("b"));
        QVERIFY(cur.up(&text));
        QCOMPARE(text, QStringLiteral("a"));
        QVERIFY(!cur.up(&text));
        QVERIFY(cur.down(&text));
        QCOMPARE(text, QStringLiteral("b"));
        QVERIFY(cur.down(&text));
        QCOMPARE(text, QStringLiteral("draft"));
        QVERIFY(!cur.isBrowsing());
        QVERIFY(!cur.down(&text));
    }

private:
    QTemporaryDir m_dir;
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestRowExport)
#include "tst_rowexport.moc"
