// Unit tests for the display-only payload formatting (no server needed).
#include "PayloadFormat.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace rqc;

class TstPayloadFormat : public QObject {
    Q_OBJECT

private slots:
    void previewAscii();
    void previewUtf8Chinese();
    void previewEscapesControls();
    void previewInvalidUtf8();
    void previewEmpty();
    void previewTruncates();
    void previewDoesNotSplitSurrogatesOrEscapes();
    void previewHugePayloadStaysShortAndFast();
    void isText_data();
    void isText();
    void asTextKeepsLinesAndEscapesBytes();
    void prettyJsonObject();
    void prettyJsonArrayAndNesting();
    void prettyJsonScalarsAndInvalid_data();
    void prettyJsonScalarsAndInvalid();
    void looksLikeJsonContainer();
    void hexDumpTwentyBytes();
    void hexDumpExactLineAndEmpty();
    void hexDumpTruncates();
    void humanSize_data();
    void humanSize();
};

void TstPayloadFormat::previewAscii()
{
    QCOMPARE(PayloadFormat::preview("hello world"), QStringLiteral("hello world"));
    // A backslash is shown as it is (the views are for eyes, not round trips).
    QCOMPARE(PayloadFormat::preview("a\\b"), QStringLiteral("a\\b"));
}

void TstPayloadFormat::previewUtf8Chinese()
{
    const QByteArray payload = QStringLiteral("消息队列 ok").toUtf8();
    QCOMPARE(payload.size(), 4 * 3 + 3);
    QCOMPARE(PayloadFormat::preview(payload), QStringLiteral("消息队列 ok"));
    QVERIFY(PayloadFormat::isText(payload));
    QCOMPARE(PayloadFormat::asText(payload), QStringLiteral("消息队列 ok"));
    // Four-byte sequences (outside the BMP) survive too.
    const QByteArray emoji = QStringLiteral("ok \U0001F600").toUtf8();
    QCOMPARE(PayloadFormat::preview(emoji), QStringLiteral("ok \U0001F600"));
}

void TstPayloadFormat::previewEscapesControls()
{
    QCOMPARE(PayloadFormat::preview("a\r\nb\tc\nd"), QStringLiteral("a\\r\\nb\\tc\\nd"));
    QCOMPARE(PayloadFormat::preview(QByteArray("a\0b", 3)), QStringLiteral("a\\x00b"));
    QCOMPARE(PayloadFormat::preview("\x1b[31mred\x7f"), QStringLiteral("\\x1b[31mred\\x7f"));
    // C1 controls and the line separator are valid UTF-8 but would break a one-line cell.
    QCOMPARE(PayloadFormat::preview("x\xc2\x85y\xe2\x80\xa8z"),
             QStringLiteral("x\\u0085y\\u2028z"));
    const QString line = PayloadFormat::preview("one\ntwo\rthree\x0b");
    QVERIFY(!line.contains(QLatin1Char('\n')));
    QVERIFY(!line.contains(QLatin1Char('\r')));
}

void TstPayloadFormat::previewInvalidUtf8()
{
    QCOMPARE(PayloadFormat::preview("\xff\xfe"), QStringLiteral("\\xff\\xfe"));
    QCOMPARE(PayloadFormat::preview("ok\xff"
                                    "ok"),
             QStringLiteral("ok\\xffok"));
    // Overlong encoding of '/', a lone surrogate, a sequence cut short at the end.
    QCOMPARE(PayloadFormat::preview("\xc0\xaf"), QStringLiteral("\\xc0\\xaf"));
    QCOMPARE(PayloadFormat::preview("\xed\xa0\x80"), QStringLiteral("\\xed\\xa0\\x80"));
    QCOMPARE(PayloadFormat::preview("ab\xe6\xb6"), QStringLiteral("ab\\xe6\\xb6"));
    // A stray continuation byte in the middle of valid text costs only itself.
    QCOMPARE(PayloadFormat::preview("\xe6\xb6\x88\x80\xe6\x81\xaf"), QStringLiteral("消\\x80息"));
    QVERIFY(!PayloadFormat::isText("\xff\xfe"));
    QCOMPARE(PayloadFormat::asText("\xff\xfe"), QStringLiteral("\\xff\\xfe"));
}

void TstPayloadFormat::previewEmpty()
{
    QCOMPARE(PayloadFormat::preview(QByteArray()), QString());
    QVERIFY(PayloadFormat::isText(QByteArray()));
    QCOMPARE(PayloadFormat::asText(QByteArray()), QString());
    QString json = QStringLiteral("untouched");
    QVERIFY(!PayloadFormat::prettyJson(QByteArray(), &json));
    QCOMPARE(json, QStringLiteral("untouched"));
    QCOMPARE(PayloadFormat::hexDump(QByteArray()), QString());
}

void TstPayloadFormat::previewTruncates()
{
    const QByteArray payload(500, 'x');
    const QString p = PayloadFormat::preview(payload, 200);
    QCOMPARE(p.size(), 201);
    QVERIFY(p.endsWith(QChar(0x2026)));
    QCOMPARE(p.left(200), QString(200, QLatin1Char('x')));
    // Exactly maxChars: nothing cut, no ellipsis.
    QCOMPARE(PayloadFormat::preview(QByteArray(200, 'y'), 200), QString(200, QLatin1Char('y')));
    QCOMPARE(PayloadFormat::preview("abcdef", 3), QStringLiteral("abc\u2026"));
}

void TstPayloadFormat::previewDoesNotSplitSurrogatesOrEscapes()
{
    // "ab" + escape (4 chars) with room for 5: the escape is left out whole.
    QCOMPARE(PayloadFormat::preview("ab\xff", 5), QStringLiteral("ab\u2026"));
    // A character outside the BMP is two UTF-16 units; never half of it.
    const QByteArray emoji = QStringLiteral("a\U0001F600").toUtf8();
    QCOMPARE(PayloadFormat::preview(emoji, 2), QStringLiteral("a\u2026"));
    QCOMPARE(PayloadFormat::preview(emoji, 3), QStringLiteral("a\U0001F600"));
}

void TstPayloadFormat::previewHugePayloadStaysShortAndFast()
{
    QByteArray payload(1 << 20, 'z');
    payload[10] = '\n';
    payload[20] = char(0xff);
    QElapsedTimer timer;
    timer.start();
    QString p;
    for (int i = 0; i < 1000; ++i)
        p = PayloadFormat::preview(payload);
    // Looks only at the head: a thousand previews of 1 MiB are far below a second even in a
    // debug build (a full scan would be ~1 GiB of work). Generous bound, not a benchmark.
    QVERIFY2(timer.elapsed() < rqc::test::scaled(5000),
             qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(p.size(), 201);
    QVERIFY(p.startsWith(QStringLiteral("zzzzzzzzzz\\nzzzzzzzzz\\xffzzz")));
    QVERIFY(p.endsWith(QChar(0x2026)));
}

void TstPayloadFormat::isText_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("text");
    QTest::newRow("ascii") << QByteArray("hello") << true;
    QTest::newRow("crlf-tab") << QByteArray("a\r\nb\tc") << true;
    QTest::newRow("ansi-colour") << QByteArray("\x1b[1mbold\x1b[0m") << true;
    QTest::newRow("chinese") << QStringLiteral("消息队列").toUtf8() << true;
    QTest::newRow("nul") << QByteArray("a\0b", 3) << false;
    QTest::newRow("bell") << QByteArray("a\x07") << false;
    QTest::newRow("del") << QByteArray("a\x7f") << false;
    QTest::newRow("c1") << QByteArray("a\xc2\x85") << false;
    QTest::newRow("invalid") << QByteArray("\xff\xfe") << false;
    QTest::newRow("truncated-utf8") << QByteArray("\xe6\xb6") << false;
}

void TstPayloadFormat::isText()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, text);
    QCOMPARE(PayloadFormat::isText(payload), text);
}

void TstPayloadFormat::asTextKeepsLinesAndEscapesBytes()
{
    QCOMPARE(PayloadFormat::asText("line1\r\nline2\n\tx"), QStringLiteral("line1\r\nline2\n\tx"));
    // A lone CR and other controls are escaped; NUL never reaches the text widget.
    QCOMPARE(PayloadFormat::asText(QByteArray("a\rb\0c\x07", 6)),
             QStringLiteral("a\\x0db\\x00c\\x07"));
    QCOMPARE(PayloadFormat::asText("\xe6\xb6\x88\xff"), QStringLiteral("消\\xff"));
    // The whole payload, however long.
    QCOMPARE(PayloadFormat::asText(QByteArray(5000, 'q')).size(), 5000);
}

void TstPayloadFormat::prettyJsonObject()
{
    QString out;
    QVERIFY(PayloadFormat::prettyJson(R"({"b":1,"a":{"x":[1,2],"e":{}},"s":"q\"}:,[",)"
                                      R"("big":12345678901234567890})",
                                      &out));
    // Key order, string contents and big integers exactly as sent.
    const QString expected = QStringLiteral("{\n"
                                            "    \"b\": 1,\n"
                                            "    \"a\": {\n"
                                            "        \"x\": [\n"
                                            "            1,\n"
                                            "            2\n"
                                            "        ],\n"
                                            "        \"e\": {}\n"
                                            "    },\n"
                                            "    \"s\": \"q\\\"}:,[\",\n"
                                            "    \"big\": 12345678901234567890\n"
                                            "}");
    QCOMPARE(out, expected);
}

void TstPayloadFormat::prettyJsonArrayAndNesting()
{
    QString out;
    QVERIFY(PayloadFormat::prettyJson(" [ {\"k\" : \"消息\"}, [ ], null, true ] \n", &out));
    QCOMPARE(out, QStringLiteral("[\n"
                                 "    {\n"
                                 "        \"k\": \"消息\"\n"
                                 "    },\n"
                                 "    [],\n"
                                 "    null,\n"
                                 "    true\n"
                                 "]"));
}

void TstPayloadFormat::prettyJsonScalarsAndInvalid_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("pretty");
    QTest::newRow("number") << QByteArray("42") << true << QStringLiteral("42");
    QTest::newRow("string") << QByteArray(" \"x y\" ") << true << QStringLiteral("\"x y\"");
    QTest::newRow("null") << QByteArray("null") << true << QStringLiteral("null");
    QTest::newRow("plain-text") << QByteArray("hello") << false << QString();
    QTest::newRow("unclosed") << QByteArray("{\"a\":1") << false << QString();
    QTest::newRow("trailing-comma") << QByteArray("[1,2,]") << false << QString();
    QTest::newRow("two-values") << QByteArray("1,2") << false << QString();
    QTest::newRow("two-arrays") << QByteArray("[1],[2]") << false << QString();
    QTest::newRow("unbalanced") << QByteArray("1],[2") << false << QString();
    QTest::newRow("blank") << QByteArray("  ") << false << QString();
    QTest::newRow("binary") << QByteArray("\xff\x00{", 3) << false << QString();
}

void TstPayloadFormat::prettyJsonScalarsAndInvalid()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, valid);
    QFETCH(QString, pretty);
    QString out = QStringLiteral("untouched");
    QCOMPARE(PayloadFormat::prettyJson(payload, &out), valid);
    QCOMPARE(out, valid ? pretty : QStringLiteral("untouched"));
    QVERIFY(!PayloadFormat::prettyJson(payload, nullptr) || valid);
}

void TstPayloadFormat::looksLikeJsonContainer()
{
    QVERIFY(PayloadFormat::looksLikeJsonContainer(" \n{\"a\":1}"));
    QVERIFY(PayloadFormat::looksLikeJsonContainer("[1]"));
    QVERIFY(!PayloadFormat::looksLikeJsonContainer("42"));
    QVERIFY(!PayloadFormat::looksLikeJsonContainer(""));
}

void TstPayloadFormat::hexDumpTwentyBytes()
{
    QByteArray payload("Hello, world!\n");
    payload.append('\0').append('\x01').append('\x7f').append('\x80').append('\xff').append('A');
    QCOMPARE(payload.size(), 20);
    const QString dump = PayloadFormat::hexDump(payload);
    const QString expected = QStringLiteral(
        "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|\n"
        "00000010  7f 80 ff 41                                       |...A|");
    QCOMPARE(dump, expected);
    // Both lines put the ASCII column in the same place.
    const QStringList lines = dump.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).indexOf(QLatin1Char('|')), 60);
    QCOMPARE(lines.at(1).indexOf(QLatin1Char('|')), 60);
}

void TstPayloadFormat::hexDumpExactLineAndEmpty()
{
    const QString dump = PayloadFormat::hexDump(QByteArray(16, 'a'));
    QCOMPARE(dump, QStringLiteral("00000000  61 61 61 61 61 61 61 61  61 61 61 61 61 61 61 61  "
                                  "|aaaaaaaaaaaaaaaa|"));
    QCOMPARE(PayloadFormat::hexDump(QByteArray(33, 'b')).count(QLatin1Char('\n')), 2);
}

void TstPayloadFormat::hexDumpTruncates()
{
    const QByteArray payload(100, 'c');
    const QString dump = PayloadFormat::hexDump(payload, 32);
    const QStringList lines = dump.split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(1).startsWith(QStringLiteral("00000010  63")));
    QCOMPARE(lines.at(2), QStringLiteral("\u2026 68 B more not shown (100 B in total)"));
    // 1 MiB default: a 2 MiB payload shows 65536 lines plus the note.
    const QString big = PayloadFormat::hexDump(QByteArray(2 << 20, 'd'));
    QCOMPARE(big.count(QLatin1Char('\n')), 65536);
    QVERIFY(big.contains(QStringLiteral("000ffff0  64 64")));
    QVERIFY(!big.contains(QStringLiteral("00100000  ")));
}

void TstPayloadFormat::humanSize_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0 B");
    QTest::newRow("64") << qint64(64) << QStringLiteral("64 B");
    QTest::newRow("1023") << qint64(1023) << QStringLiteral("1023 B");
    QTest::newRow("1024") << qint64(1024) << QStringLiteral("1.0 KiB");
    QTest::newRow("1536") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("almost-1MiB") << qint64(1048575) << QStringLiteral("1.0 MiB");
    QTest::newRow("1023.9KiB") << qint64(1023 * 1024 + 921) << QStringLiteral("1023.9 KiB");
    QTest::newRow("1MiB") << qint64(1 << 20) << QStringLiteral("1.0 MiB");
    QTest::newRow("3.2MiB") << qint64(3.2 * 1048576) << QStringLiteral("3.2 MiB");
    QTest::newRow("1GiB") << (qint64(1) << 30) << QStringLiteral("1.0 GiB");
    QTest::newRow("5TiB") << (qint64(5) << 40) << QStringLiteral("5.0 TiB");
    QTest::newRow("huge") << (qint64(3) << 50) << QStringLiteral("3072.0 TiB");
}

void TstPayloadFormat::humanSize()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(PayloadFormat::humanSize(bytes), text);
}

QTEST_GUILESS_MAIN(TstPayloadFormat)
#include "tst_payloadformat.moc"
