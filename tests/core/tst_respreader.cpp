// Unit tests for the RESP decoder (hiredis's redisReader building RedisReply) and the encoder.
// No server: raw bytes go straight through the real parser.
#include "RedisReply.h"

#include <QTest>

#include <limits>

using namespace rqc;
using Type = RedisReply::Type;

namespace {
// Decodes exactly one reply from bytes; fails the test otherwise.
RedisReply decodeOne(const QByteArray& bytes)
{
    RespReader reader;
    reader.feed(bytes);
    RedisReply r;
    if (reader.next(r) != RespReader::Status::Reply)
        qWarning("no reply decoded from %s", bytes.toPercentEncoding().constData());
    RedisReply extra;
    if (reader.next(extra) != RespReader::Status::NeedMore)
        qWarning("more than one reply in %s", bytes.toPercentEncoding().constData());
    return r;
}

QByteArray bulk(const QByteArray& s)
{
    return '$' + QByteArray::number(s.size()) + "\r\n" + s + "\r\n";
}
} // namespace

class TestRespReader : public QObject {
    Q_OBJECT
private slots:
    void simpleString()
    {
        const RedisReply r = decodeOne("+OK\r\n");
        QCOMPARE(r.type, Type::Status);
        QVERIFY(r.isStatus("OK"));
        QCOMPARE(r.str, QByteArray("OK"));
    }

    void error()
    {
        const RedisReply r =
            decodeOne("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        QVERIFY(r.isError());
        QCOMPARE(r.str,
                 QByteArray("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    void integer()
    {
        QCOMPARE(decodeOne(":42\r\n").integer, 42);
        QCOMPARE(decodeOne(":-7\r\n").integer, -7);
        const RedisReply big = decodeOne(":9223372036854775807\r\n");
        QVERIFY(big.isInteger());
        QCOMPARE(big.integer, std::numeric_limits<qint64>::max());
    }

    void bulkWithNulAndCrlf()
    {
        const QByteArray payload("a\0b\r\nc\r\n\xff\xfe", 10);
        const RedisReply r = decodeOne(bulk(payload));
        QVERIFY(r.isString());
        QCOMPARE(r.str.size(), 10);
        QCOMPARE(r.str, payload);
    }

    void emptyBulk()
    {
        const RedisReply r = decodeOne("$0\r\n\r\n");
        QVERIFY(r.isString());
        QVERIFY(r.str.isEmpty());
    }

    void nilBulk()
    {
        const RedisReply r = decodeOne("$-1\r\n");
        QVERIFY(r.isNil());
    }

    void nilArray()
    {
        const RedisReply r = decodeOne("*-1\r\n");
        QVERIFY(r.isNil());
    }

    void emptyArray()
    {
        const RedisReply r = decodeOne("*0\r\n");
        QVERIFY(r.isArray());
        QVERIFY(r.elements.isEmpty());
    }

    void mixedArray()
    {
        const RedisReply r = decodeOne("*5\r\n:1\r\n+st\r\n-ERR x\r\n$-1\r\n$3\r\nabc\r\n");
        QVERIFY(r.isArray());
        QCOMPARE(r.elements.size(), 5);
        QCOMPARE(r.elements[0].integer, 1);
        QVERIFY(r.elements[1].isStatus("st"));
        QVERIFY(r.elements[2].isError());
        QCOMPARE(r.elements[2].str, QByteArray("ERR x"));
        QVERIFY(r.elements[3].isNil());
        QCOMPARE(r.elements[4].str, QByteArray("abc"));
    }

    void nestedXreadgroupShape()
    {
        // [[stream, [[id1, [f, v, f2, v2]], [id2, nil]]]] — a deleted entry comes back as nil.
        QByteArray raw = "*1\r\n*2\r\n" + bulk("mystream") + "*2\r\n";
        raw += "*2\r\n" + bulk("1-0") + "*4\r\n" + bulk("f") + bulk("v") + bulk("f2") +
               bulk(QByteArray("\0\1", 2));
        raw += "*2\r\n" + bulk("2-0") + "*-1\r\n";
        const RedisReply r = decodeOne(raw);
        QVERIFY(r.isArray());
        QCOMPARE(r.elements.size(), 1);
        const RedisReply& stream = r.elements[0];
        QCOMPARE(stream.elements.size(), 2);
        QCOMPARE(stream.elements[0].str, QByteArray("mystream"));
        const RedisReply& entries = stream.elements[1];
        QCOMPARE(entries.elements.size(), 2);
        QCOMPARE(entries.elements[0].elements[0].str, QByteArray("1-0"));
        const RedisReply& fields = entries.elements[0].elements[1];
        QCOMPARE(fields.elements.size(), 4);
        QCOMPARE(fields.elements[1].str, QByteArray("v"));
        QCOMPARE(fields.elements[3].str, QByteArray("\0\1", 2));
        QCOMPARE(entries.elements[1].elements[0].str, QByteArray("2-0"));
        QVERIFY(entries.elements[1].elements[1].isNil());
        QByteArray expected = "[[mystream, [[1-0, [f, v, f2, ";
        expected += QByteArray("\0\1", 2);
        expected += "]], [2-0, (nil)]]]]";
        QCOMPARE(r.toDebugString(), expected);
    }

    void deeplyNested()
    {
        // Five levels, the deepest Redis's own replies get (XINFO STREAM FULL).
        const RedisReply r = decodeOne("*1\r\n*1\r\n*1\r\n*1\r\n*2\r\n:1\r\n*0\r\n");
        QCOMPARE(r.elements[0].elements[0].elements[0].elements[0].elements[0].integer, 1);
        QVERIFY(r.elements[0].elements[0].elements[0].elements[0].elements[1].isArray());
    }

    void splitByteByByte()
    {
        const QByteArray raw = "*3\r\n" + bulk("message") + bulk("chan") +
                               bulk(QByteArray("p\0\r\n", 4)) + ":12345\r\n";
        RespReader reader;
        RedisReply r;
        int replies = 0;
        QList<RedisReply> got;
        for (qsizetype i = 0; i < raw.size(); ++i) {
            reader.feed(raw.constData() + i, 1);
            RespReader::Status st;
            while ((st = reader.next(r)) == RespReader::Status::Reply) {
                ++replies;
                got.append(r);
            }
            QCOMPARE(st, RespReader::Status::NeedMore);
            // Nothing is complete before the last byte of each reply.
            if (i < raw.size() - 9)
                QCOMPARE(replies, 0);
        }
        QCOMPARE(replies, 2);
        QCOMPARE(got[0].elements.size(), 3);
        QCOMPARE(got[0].elements[2].str, QByteArray("p\0\r\n", 4));
        QCOMPARE(got[1].integer, 12345);
    }

    void manyRepliesInOneFeed()
    {
        QByteArray raw;
        const int n = 10000;
        for (int i = 0; i < n; ++i)
            raw += bulk(QByteArray::number(i));
        raw += "+DONE\r\n";
        RespReader reader;
        reader.feed(raw);
        RedisReply r;
        for (int i = 0; i < n; ++i) {
            QCOMPARE(reader.next(r), RespReader::Status::Reply);
            QCOMPARE(r.str, QByteArray::number(i));
        }
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QVERIFY(r.isStatus("DONE"));
        QCOMPARE(reader.next(r), RespReader::Status::NeedMore);
    }

    void largeBulk()
    {
        QByteArray payload(2 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char((i * 131 + 7) & 0xff);
        const QByteArray raw = bulk(payload) + "+after\r\n";
        // Fed in uneven chunks, as a socket would deliver it.
        RespReader reader;
        RedisReply r;
        qsizetype pos = 0;
        int chunk = 1;
        const qsizetype holdBack = 10; // the bulk's final CRLF and "+after\r\n"
        while (pos < raw.size() - holdBack) {
            const qsizetype n = qMin<qsizetype>(chunk, raw.size() - holdBack - pos);
            reader.feed(raw.constData() + pos, n);
            pos += n;
            chunk = chunk * 3 + 1 > 65536 ? 4093 : chunk * 3 + 1;
            QCOMPARE(reader.next(r), RespReader::Status::NeedMore);
        }
        reader.feed(raw.constData() + pos, raw.size() - pos);
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QCOMPARE(r.str.size(), payload.size());
        QVERIFY(r.str == payload);
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QVERIFY(r.isStatus("after"));
    }

    void protocolError()
    {
        RespReader reader;
        reader.feed("+OK\r\n");
        reader.feed("!bogus\r\n");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QVERIFY(r.isStatus("OK"));
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
        QVERIFY(!reader.errorText().isEmpty());
        QVERIFY2(reader.errorText().contains(QStringLiteral("Protocol error")),
                 qPrintable(reader.errorText()));
    }

    void protocolErrorInsideArray()
    {
        // The half-built array is freed by the reader; no leak, no crash (ASan would tell).
        RespReader reader;
        reader.feed("*3\r\n$1\r\na\r\n*2\r\n:1\r\n?\r\n");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
        QVERIFY(!reader.errorText().isEmpty());
    }

    void badBulkLength()
    {
        RespReader reader;
        reader.feed("$abc\r\n");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
    }

    void hostileSizesAreRefusedBeforeAllocating_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("array 1e9")
            << QByteArray("*1000000000\r\n") << QStringLiteral("announced an array of");
        QTest::newRow("array 2e7")
            << QByteArray("*20000000\r\n") << QStringLiteral("announced an array of");
        QTest::newRow("array 5e9")
            << QByteArray("*5000000000\r\n") << QStringLiteral("announced an array of");
        QTest::newRow("nested array")
            << QByteArray("*2\r\n:1\r\n*20000000\r\n") << QStringLiteral("announced an array of");
        QTest::newRow("bulk 2e9") << QByteArray("$2000000000\r\nabc")
                                  << QStringLiteral("-byte value, above the 512 MB limit");
        QTest::newRow("negative bulk")
            << QByteArray("$-2\r\n") << QStringLiteral("negative length (-2)");
        QTest::newRow("negative array")
            << QByteArray("*-100\r\n") << QStringLiteral("negative length (-100)");
        QTest::newRow("garbage bulk")
            << QByteArray("$1x\r\n") << QStringLiteral("where a number was expected");
        QTest::newRow("empty length")
            << QByteArray("*\r\n") << QStringLiteral("where a number was expected");
        QTest::newRow("garbage integer")
            << QByteArray(":12 \r\n") << QStringLiteral("where a number was expected");
        QTest::newRow("overflow") << QByteArray("$9223372036854775808\r\n")
                                  << QStringLiteral("where a number was expected");
        QTest::newRow("endless length")
            << QByteArray("$") + QByteArray(100, '1') << QStringLiteral("over-long length");
        QTest::newRow("bare LF") << QByteArray("+OK\n") << QStringLiteral("bare line feed");
        QTest::newRow("deep") << QByteArray("*1\r\n").repeated(100000)
                              << QStringLiteral("nested arrays more than 7 levels deep");
    }
    void hostileSizesAreRefusedBeforeAllocating()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        RespReader reader;
        reader.feed("+before\r\n");
        reader.feed(bytes);
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::Reply); // what came first still comes
        QVERIFY(r.isStatus("before"));
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
        QVERIFY2(reader.errorText().contains(expected), qPrintable(reader.errorText()));
        QVERIFY(!reader.errorText().contains(QStringLiteral("Protocol error: Protocol error")));
        // The stream stays failed; nothing more is decoded.
        reader.feed("+after\r\n");
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
    }

    void nestingUpToTheLimitIsFine()
    {
        RespReader reader;
        const int depth = RespReader::kMaxDepth;
        reader.feed(QByteArray("*1\r\n").repeated(depth) + ":5\r\n");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        const RedisReply* e = &r;
        for (int i = 0; i < depth; ++i) {
            QVERIFY(e->isArray());
            QCOMPARE(e->elements.size(), 1);
            e = &e->elements[0];
        }
        QCOMPARE(e->integer, 5);
    }

    void arraysGrowAsElementsArrive()
    {
        // A large announced count is fine while under the limit; elements fill in as they come,
        // byte by byte, nested arrays included.
        RespReader reader;
        QByteArray raw = "*1000\r\n";
        for (int i = 0; i < 1000; ++i)
            raw += i % 2 ? QByteArray("*2\r\n$1\r\na\r\n:") + QByteArray::number(i) + "\r\n"
                         : ':' + QByteArray::number(i) + "\r\n";
        RedisReply r;
        for (char c : raw) {
            QCOMPARE(reader.next(r), RespReader::Status::NeedMore);
            reader.feed(&c, 1);
        }
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QCOMPARE(r.elements.size(), 1000);
        QCOMPARE(r.elements[998].integer, 998);
        QCOMPARE(r.elements[999].elements[0].str, QByteArray("a"));
        QCOMPARE(r.elements[999].elements[1].integer, 999);
    }

    void limitIsConfigurable()
    {
        RespReader reader;
        reader.setMaxReplyBytes(4096);
        reader.feed("$4000\r\n" + QByteArray(4000, 'x') + "\r\n");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QCOMPARE(r.str.size(), 4000);
        reader.feed("$5000\r\n");
        QCOMPARE(reader.next(r), RespReader::Status::ProtocolError);
        QVERIFY2(reader.errorText().contains(QStringLiteral("above the 4 KB limit"),
                                             Qt::CaseInsensitive),
                 qPrintable(reader.errorText()));

        // Many small values add up: the whole reply counts.
        RespReader many;
        many.setMaxReplyBytes(4096);
        many.feed("*3\r\n$3000\r\n" + QByteArray(3000, 'y') + "\r\n$3000\r\n");
        QCOMPARE(many.next(r), RespReader::Status::ProtocolError);
        QVERIFY2(many.errorText().contains(QStringLiteral("larger than the 4 KB limit"),
                                           Qt::CaseInsensitive),
                 qPrintable(many.errorText()));
    }

    void partialReplyIsDescribed()
    {
        RespReader reader;
        QVERIFY(reader.partialReplyText().isEmpty());
        reader.feed("*2\r\n$10\r\nabc");
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::NeedMore);
        QVERIFY2(reader.partialReplyText().contains(QStringLiteral("3 of a value of 10 bytes")),
                 qPrintable(reader.partialReplyText()));
        reader.feed("defghij\r\n:1\r\n");
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QVERIFY(reader.partialReplyText().isEmpty());
    }

    void encodeRoundTrip()
    {
        const QList<QByteArray> argv{"LPUSH", "queue with space", QByteArray("\0bin\r\n\xff", 7),
                                     QByteArray(), "%s %d"};
        const QByteArray encoded = encodeCommand(argv);
        QVERIFY(encoded.startsWith("*5\r\n$5\r\nLPUSH\r\n"));
        const RedisReply r = decodeOne(encoded);
        QVERIFY(r.isArray());
        QCOMPARE(r.elements.size(), argv.size());
        for (qsizetype i = 0; i < argv.size(); ++i) {
            QVERIFY(r.elements[i].isString());
            QCOMPARE(r.elements[i].str, argv[i]);
        }
    }

    void appendCommandPipelines()
    {
        QByteArray out;
        appendCommand(out, {"SET", "k", "v"});
        appendCommand(out, {"GET", "k"});
        QCOMPARE(out, encodeCommand({"SET", "k", "v"}) + encodeCommand({"GET", "k"}));
        RespReader reader;
        reader.feed(out);
        RedisReply r;
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QCOMPARE(r.elements.size(), 3);
        QCOMPARE(reader.next(r), RespReader::Status::Reply);
        QCOMPARE(r.elements[1].str, QByteArray("k"));
    }

    void encodeLargeArg()
    {
        const QByteArray big(4 * 1024 * 1024 + 3, '\0');
        const RedisReply r = decodeOne(encodeCommand({"SET", "k", big}));
        QCOMPARE(r.elements[2].str.size(), big.size());
        QVERIFY(r.elements[2].str == big);
    }
};

QTEST_GUILESS_MAIN(TestRespReader)
#include "tst_respreader.moc"
