// The payload decoders (core/PayloadDecoder): every decoder on good input (fixtures made with
// the real tools: Python's msgpack, pickle, gzip, zlib and base64 modules and the zstd CLI; the
// commands are beside each fixture) and on malformed input (where and why, never a crash), Auto's
// choices, nested layers and the decompression cap.
#include "DecoderParts.h"
#include "PayloadDecoder.h"

#include <QtTest>

using namespace rqc;
using PayloadDecoder::Kind;

namespace {

// msgpack.packb({"id": 42, "name": "Ada", "tags": ["x", "y"], "ok": True, "score": 1.5,
//                "raw": b"\x00\x01", "neg": -5, "none": None, "big": 2**40}, use_bin_type=True)
const QByteArray kMsgpack = QByteArrayLiteral(
    "\x89\xa2\x69\x64\x2a\xa4\x6e\x61\x6d\x65\xa3\x41\x64\x61\xa4\x74\x61\x67\x73\x92\xa1\x78\xa1"
    "\x79\xa2\x6f\x6b\xc3\xa5\x73\x63\x6f\x72\x65\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00\xa3\x72\x61"
    "\x77\xc4\x02\x00\x01\xa3\x6e\x65\x67\xfb\xa4\x6e\x6f\x6e\x65\xc0\xa3\x62\x69\x67\xcf\x00\x00"
    "\x01\x00\x00\x00\x00\x00");
// msgpack.packb(msgpack.Timestamp(1700000000, 5))
const QByteArray kMsgpackTimestamp = QByteArrayLiteral("\xd7\xff\x00\x00\x00\x14\x65\x53\xf1\x00");
const QByteArray kJson = QByteArrayLiteral("{\"user\": \"ada\", \"n\": [1, 2, 3]}");
// gzip.compress(kJson, mtime=0)
const QByteArray kGzipJson = QByteArrayLiteral(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\x2a\x2d\x4e\x2d\x52\xb2\x52\x50\x4a\x4c\x49"
    "\x54\xd2\x51\x50\xca\x03\xb2\xa3\x0d\x75\x14\x8c\x74\x14\x8c\x63\x6b\x01\x3a\x5d\x05\x23\x1f"
    "\x00\x00\x00");
// zlib.compress(kMsgpack)
const QByteArray kZlibMsgpack = QByteArrayLiteral(
    "\x78\x9c\xeb\x5c\x94\x99\xa2\xb5\x24\x2f\x31\x37\x75\xb1\x63\x4a\xe2\x92\x92\xc4\xf4\xe2\x49"
    "\x0b\x2b\x16\x56\x2e\xca\xcf\x3e\xbc\xb4\x38\x39\xbf\x28\xf5\xb4\xfd\x0f\x06\x30\x58\x5c\x94"
    "\x58\x7e\x84\x89\x81\x71\x71\x5e\x6a\xfa\xef\x25\x79\xf9\x79\xa9\x07\x16\x27\x65\xa6\x9f\x67"
    "\x60\x60\x04\xcb\x03\x00\xd9\x53\x1d\x70");
// printf '%s' "$kJson" | zstd -q -c
const QByteArray kZstdJson = QByteArrayLiteral(
    "\x28\xb5\x2f\xfd\x04\x58\xf9\x00\x00\x7b\x22\x75\x73\x65\x72\x22\x3a\x20\x22\x61\x64\x61\x22"
    "\x2c\x20\x22\x6e\x22\x3a\x20\x5b\x31\x2c\x20\x32\x2c\x20\x33\x5d\x7d\xbc\x82\x10\x41");
// base64.b64encode(gzip.compress(kMsgpack, mtime=0))
const QByteArray kBase64GzipMsgpack =
    QByteArrayLiteral("H4sIAAAAAAACA+tclJmitSQvMTd1sWNK4pKSxPTiSQsrFlYuys8+vLQ4Ob8o9bT9DwYwWFyU"
                      "WH6EiYFxcV5q+u8lefl5qQcWJ2Wmn2dgYATLAwDycyNASwAAAA==");
// pickle.dumps({"a": 1, "b": [1.5, "x", None, True], "c": (1, 2)}, protocol=5)
const QByteArray kPickle5 = QByteArrayLiteral(
    "\x80\x05\x95\x2c\x00\x00\x00\x00\x00\x00\x00\x7d\x94\x28\x8c\x01\x61\x94\x4b\x01\x8c\x01\x62"
    "\x94\x5d\x94\x28\x47\x3f\xf8\x00\x00\x00\x00\x00\x00\x8c\x01\x78\x94\x4e\x88\x65\x8c\x01\x63"
    "\x94\x4b\x01\x4b\x02\x86\x94\x75\x2e");
// pickle.dumps({"a": 1, "b": [2, "x"]}, protocol=0)
const QByteArray kPickle0 = QByteArrayLiteral("(dp0\nVa\np1\nI1\nsVb\np2\n(lp3\nI2\naVx\np4\nas.");
// pickle.dumps(collections.OrderedDict([("k", b"v")]), protocol=2)
const QByteArray kPickle2 = QByteArrayLiteral(
    "\x80\x02\x63\x63\x6f\x6c\x6c\x65\x63\x74\x69\x6f\x6e\x73\x0a\x4f\x72\x64\x65\x72\x65\x64\x44"
    "\x69\x63\x74\x0a\x71\x00\x29\x52\x71\x01\x58\x01\x00\x00\x00\x6b\x71\x02\x63\x5f\x63\x6f\x64"
    "\x65\x63\x73\x0a\x65\x6e\x63\x6f\x64\x65\x0a\x71\x03\x58\x01\x00\x00\x00\x76\x71\x04\x58\x06"
    "\x00\x00\x00\x6c\x61\x74\x69\x6e\x31\x71\x05\x86\x71\x06\x52\x71\x07\x73\x2e");
// The example of the protobuf encoding guide: field 1 = 150, field 2 = "testing", field 3 a
// message holding field 1 = 150.
const QByteArray kProtobuf = QByteArrayLiteral("\x08\x96\x01\x12\x07testing\x1a\x03\x08\x96\x01");

PayloadDecoder::Result dec(const QByteArray& d, Kind kind, bool compact = false)
{
    PayloadDecoder::Options o;
    o.compact = compact;
    return PayloadDecoder::decode(d, kind, o);
}

} // namespace

class TestPayloadDecoder : public QObject {
    Q_OBJECT

private slots:
    void registryKeysRoundTrip()
    {
        for (Kind k : PayloadDecoder::choices()) {
            QCOMPARE(PayloadDecoder::fromKey(PayloadDecoder::key(k)), k);
            QVERIFY(!PayloadDecoder::displayName(k).isEmpty());
        }
        QCOMPARE(PayloadDecoder::fromKey(QStringLiteral("nonsense")), Kind::Auto);
        QCOMPARE(PayloadDecoder::choices().first(), Kind::Auto);
    }

    void msgpackGood()
    {
        const auto r = dec(kMsgpack, Kind::MessagePack, true);
        QVERIFY2(r.ok, qPrintable(r.text));
        QCOMPARE(r.text, QStringLiteral("{\"id\": 42, \"name\": \"Ada\", \"tags\": [\"x\", \"y\"], "
                                        "\"ok\": true, \"score\": 1.5, \"raw\": <bin 2: 0001>, "
                                        "\"neg\": -5, \"none\": null, \"big\": 1099511627776}"));
        const auto pretty = dec(kMsgpack, Kind::MessagePack);
        QVERIFY(pretty.ok);
        QVERIFY(
            pretty.text.startsWith(QStringLiteral("{\n    \"id\": 42,\n    \"name\": \"Ada\",")));
        QVERIFY(pretty.text.contains(
            QStringLiteral("\"tags\": [\n        \"x\",\n        \"y\"\n    ]")));
        QCOMPARE(PayloadDecoder::detect(kMsgpack), Kind::MessagePack);
        const auto ts = dec(kMsgpackTimestamp, Kind::MessagePack);
        QVERIFY(ts.ok);
        QCOMPARE(ts.text, QStringLiteral("<timestamp 2023-11-14T22:13:20.000000005Z>"));
    }

    void msgpackMalformed_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << qint64(0) << "empty";
        QTest::newRow("cut string") << QByteArray("\x91\xa5"
                                                  "abc",
                                                  5)
                                    << qint64(2) << "a string needs 5 byte(s), 3 left";
        QTest::newRow("map beyond the end")
            << kMsgpack.left(12) << qint64(1) << "map of 9 entries, only 11 byte(s) left";
        QTest::newRow("0xc1") << QByteArray("\x91\xc1", 2) << qint64(1) << "0xc1 is never used";
        QTest::newRow("huge array") << QByteArray("\xdd\xff\xff\xff\xff\x01", 6) << qint64(5)
                                    << "array of 4294967295 elements, only 1 byte(s) left";
        QTest::newRow("trailing") << QByteArray("\x90\x01", 2) << qint64(1)
                                  << "1 byte(s) after the first value";
        QTest::newRow("deep") << QByteArray(300, '\x91') << qint64(257) << "nested deeper";
    }
    void msgpackMalformed()
    {
        QFETCH(QByteArray, payload);
        QFETCH(qint64, offset);
        QFETCH(QString, reason);
        const auto r = dec(payload, Kind::MessagePack);
        QVERIFY(!r.ok);
        QCOMPARE(r.errorOffset, offset);
        QVERIFY2(r.errorReason.contains(reason), qPrintable(r.errorReason));
        QVERIFY(r.text.startsWith(PayloadDecoder::errorLine(r)));
        QVERIFY(PayloadDecoder::errorLine(r).contains(
            QStringLiteral("MessagePack: cannot decode at byte %1").arg(offset)));
    }

    void jsonGoodAndMalformed()
    {
        const auto r = dec(kJson, Kind::Json);
        QVERIFY(r.ok);
        QCOMPARE(r.text, QStringLiteral("{\n    \"user\": \"ada\",\n    \"n\": [\n        1,\n     "
                                        "   2,\n        3\n    ]\n}"));
        const auto bad = dec(QByteArrayLiteral("{\"a\": [1, 2}"), Kind::Json);
        QVERIFY(!bad.ok);
        // Qt's parser stops just after the '}' at byte 11 that closes nothing open.
        QCOMPARE(bad.errorOffset, qint64(12));
        QVERIFY(!bad.errorReason.isEmpty());
        QCOMPARE(PayloadDecoder::detect(kJson), Kind::Json);
    }

    void compressedThenDecodedAgain()
    {
        const auto gz = dec(kGzipJson, Kind::Auto);
        QVERIFY(gz.ok);
        QCOMPARE(gz.kind, Kind::Json);
        QCOMPARE(gz.layers, QStringList{QStringLiteral("gzip")});
        QVERIFY(gz.text.contains(QStringLiteral("\"user\": \"ada\"")));
        QVERIFY2(gz.note.startsWith(QStringLiteral("gzip: %1 B \u2192 31 B").arg(kGzipJson.size())),
                 qPrintable(gz.note));
        // A fixed decoder also decodes what it unpacked.
        QCOMPARE(dec(kGzipJson, Kind::Gzip).kind, Kind::Json);

        const auto zl = dec(kZlibMsgpack, Kind::Auto, true);
        QCOMPARE(zl.kind, Kind::MessagePack);
        QCOMPARE(zl.layers, QStringList{QStringLiteral("zlib")});
        QVERIFY(zl.text.startsWith(QStringLiteral("{\"id\": 42, \"name\": \"Ada\"")));

        const auto zs = dec(kZstdJson, Kind::Auto);
        QCOMPARE(zs.kind, Kind::Json);
        QCOMPARE(zs.layers, QStringList{QStringLiteral("zstd")});

        const auto b64 = dec(kBase64GzipMsgpack, Kind::Auto, true);
        QCOMPARE(b64.kind, Kind::MessagePack);
        QCOMPARE(b64.layers, (QStringList{QStringLiteral("base64"), QStringLiteral("gzip")}));
        QVERIFY(b64.text.contains(QStringLiteral("\"big\": 1099511627776")));
    }

    void compressedMalformed()
    {
        const auto cut = dec(kGzipJson.left(20), Kind::Gzip);
        QVERIFY(!cut.ok);
        QCOMPARE(cut.errorOffset, qint64(20));
        QVERIFY(cut.errorReason.contains(QStringLiteral("cut short")));
        QByteArray corrupt = kGzipJson;
        corrupt[3] = '\xe0'; // reserved flag bits
        const auto bad = dec(corrupt, Kind::Gzip);
        QVERIFY(!bad.ok);
        QVERIFY(!bad.errorReason.isEmpty());
        QVERIFY(!dec(QByteArrayLiteral("hello"), Kind::Zlib).ok);
        const auto zcut = dec(kZstdJson.left(kZstdJson.size() - 6), Kind::Zstd);
        QVERIFY(!zcut.ok);
        QVERIFY(zcut.errorReason.contains(QStringLiteral("cut short")));
        QByteArray zbad = kZstdJson;
        zbad[4] = '\xff';
        QVERIFY(!dec(zbad, Kind::Zstd).ok);
        // Auto falls back to the bytes when the magic lies.
        QCOMPARE(dec(kGzipJson.left(20), Kind::Auto).kind, Kind::Raw);
    }

    void decompressionBombIsCut()
    {
        // 80 MiB of zeros, well under 1 MiB compressed (qCompress: 4-byte size, then a zlib
        // stream).
        const QByteArray bomb = qCompress(QByteArray(80 << 20, '\0'), 1).mid(4);
        QVERIFY(bomb.size() < 1024 * 1024);
        const auto r = dec(bomb, Kind::Zlib);
        QVERIFY(r.ok);
        QVERIFY(r.cut);
        QVERIFY2(r.note.contains(QStringLiteral("(cut at 64.0 MiB)")), qPrintable(r.note));
        PayloadDecoder::Options small;
        small.maxOutput = 1000;
        const auto s = PayloadDecoder::decode(bomb, Kind::Zlib, small);
        QVERIFY(s.cut);
        QVERIFY(s.note.contains(QStringLiteral("1000 B")));
        // The preview never inflates more than 64 KiB.
        const auto preview = dec(bomb, Kind::Auto, true);
        QVERIFY(preview.cut);
        QVERIFY(preview.note.contains(QStringLiteral("cut at 64.0 KiB")));
    }

    void base64()
    {
        const auto r = dec(QByteArrayLiteral("aGVsbG8gd29ybGQ="), Kind::Base64);
        QVERIFY(r.ok);
        QCOMPARE(r.text, QStringLiteral("hello world"));
        QCOMPARE(dec(QByteArrayLiteral("aGVsbG8gd29ybGQ="), Kind::Auto).kind, Kind::Text);
        QCOMPARE(dec(QByteArrayLiteral("aGVsbG8gd29ybGQ="), Kind::Auto).layers,
                 QStringList{QStringLiteral("base64")});
        QCOMPARE(dec(QByteArrayLiteral("aGVsbG8-_w"), Kind::Base64).ok, true); // URL-safe
        const auto bad = dec(QByteArrayLiteral("aGVs*G8="), Kind::Base64);
        QVERIFY(!bad.ok);
        QCOMPARE(bad.errorOffset, qint64(4));
        QVERIFY(bad.errorReason.contains(QStringLiteral("'*' is not a base64 character")));
        QVERIFY(!dec(QByteArrayLiteral("aGVsb"), Kind::Base64).ok);
        QVERIFY(!dec(QByteArrayLiteral("aG=Vs"), Kind::Base64).ok);
        // A plain word that happens to be base64 stays text.
        QCOMPARE(dec(QByteArrayLiteral("username"), Kind::Auto).layers, QStringList());
        QCOMPARE(dec(QByteArrayLiteral("username"), Kind::Auto).kind, Kind::Text);
    }

    void protobufLikeDecodeRaw()
    {
        const auto r = dec(kProtobuf, Kind::Protobuf);
        QVERIFY2(r.ok, qPrintable(r.text));
        QCOMPARE(r.text, QStringLiteral("1: 150\n2: \"testing\"\n3 {\n  1: 150\n}"));
        QCOMPARE(dec(kProtobuf, Kind::Protobuf, true).text,
                 QStringLiteral("1: 150 2: \"testing\" 3 { 1: 150 }"));
        QCOMPARE(PayloadDecoder::detect(kProtobuf), Kind::Protobuf);
        // fixed64, fixed32, a group.
        const QByteArray fixed = QByteArrayLiteral("\x09\x01\x00\x00\x00\x00\x00\x00\x00"
                                                   "\x15\x02\x00\x00\x00\x1b\x08\x01\x1c");
        QCOMPARE(dec(fixed, Kind::Protobuf, true).text,
                 QStringLiteral("1: 0x0000000000000001 2: 0x00000002 3 { 1: 1 }"));
    }

    void protobufMalformed_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<QString>("reason");
        QTest::newRow("field 0") << QByteArray("\x00\x01", 2) << qint64(0) << "field number 0";
        QTest::newRow("wire 7") << QByteArray("\x0f", 1) << qint64(0) << "wire type 7";
        QTest::newRow("long") << QByteArray("\x12\x10"
                                            "ab",
                                            4)
                              << qint64(1) << "length 16 runs past the end (2 bytes left)";
        QTest::newRow("varint") << QByteArray(11, '\xff') << qint64(0) << "longer than 10";
        QTest::newRow("cut varint") << QByteArray("\x08\x96", 2) << qint64(1) << "cut short";
        QTest::newRow("open group") << QByteArray("\x1b\x08\x01", 3) << qint64(3) << "not closed";
        QTest::newRow("stray end") << QByteArray("\x1c", 1) << qint64(0) << "without its start";
    }
    void protobufMalformed()
    {
        QFETCH(QByteArray, payload);
        QFETCH(qint64, offset);
        QFETCH(QString, reason);
        const auto r = dec(payload, Kind::Protobuf);
        QVERIFY(!r.ok);
        QCOMPARE(r.errorOffset, offset);
        QVERIFY2(r.errorReason.contains(reason), qPrintable(r.errorReason));
    }

    void pickleStructureAndListing()
    {
        const auto r = dec(kPickle5, Kind::Pickle);
        QVERIFY2(r.ok, qPrintable(r.text));
        QVERIFY2(r.text.startsWith(QStringLiteral(
                     "{\"a\": 1, \"b\": [1.5, \"x\", None, True], \"c\": (1, 2)}\n\n")),
                 qPrintable(r.text));
        QVERIFY(r.text.contains(QStringLiteral("    0: \\x80 PROTO            5")));
        QVERIFY(r.text.contains(QStringLiteral("   54: .    STOP")));
        QCOMPARE(PayloadDecoder::detect(kPickle5), Kind::Pickle);
        const auto p0 = dec(kPickle0, Kind::Auto, true);
        QCOMPARE(p0.kind, Kind::Pickle);
        QCOMPARE(p0.text, QStringLiteral("{\"a\": 1, \"b\": [2, \"x\"]}"));
        // A GLOBAL is shown by name and REDUCE as a call: nothing is imported or run.
        const auto p2 = dec(kPickle2, Kind::Auto, true);
        QCOMPARE(p2.kind, Kind::Pickle);
        QCOMPARE(p2.text,
                 QStringLiteral(
                     "collections.OrderedDict() + {\"k\": _codecs.encode(\"v\", \"latin1\")}"));
    }

    void pickleMalformed_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no stop") << kPickle5.chopped(1) << qint64(kPickle5.size() - 1)
                                 << "without STOP";
        QTest::newRow("cut arg") << kPickle5.left(16) << qint64(16) << "needs 1 byte(s), 0 left";
        QTest::newRow("unknown") << QByteArray("\x80\x04\xff.", 4) << qint64(2)
                                 << "unknown opcode 0xff";
        QTest::newRow("protocol") << QByteArray("\x80\x09N.", 4) << qint64(0) << "protocol 9";
        QTest::newRow("underflow") << QByteArray("\x80\x04R.", 4) << qint64(2) << "stack underflow";
        QTest::newRow("no mark") << QByteArray("\x80\x04N\x85t.", 6) << qint64(4) << "no MARK";
        QTest::newRow("memo") << QByteArray("\x80\x04h\x07.", 5) << qint64(2)
                              << "memo has no entry 7";
        QTest::newRow("append to int") << QByteArray("K\x01K\x02"
                                                     "a.",
                                                     6)
                                       << qint64(4) << "not a list";
        QTest::newRow("left over") << QByteArray("NN.", 3) << qint64(2) << "stack not empty";
        QTest::newRow("negative") << QByteArray("T\xff\xff\xff\xff.", 6) << qint64(1)
                                  << "negative length";
    }
    void pickleMalformed()
    {
        QFETCH(QByteArray, payload);
        QFETCH(qint64, offset);
        QFETCH(QString, reason);
        const auto r = dec(payload, Kind::Pickle);
        QVERIFY(!r.ok);
        QCOMPARE(r.errorOffset, offset);
        QVERIFY2(r.errorReason.contains(reason), qPrintable(r.errorReason));
    }

    void pickleSelfReferenceIsBounded()
    {
        // l = []; l.append(l): EMPTY_LIST, MEMOIZE, BINGET 0, APPEND, STOP.
        const auto r = dec(QByteArray("\x80\x04]\x94h\x00"
                                      "a.",
                                      8),
                           Kind::Pickle, true);
        QVERIFY(r.ok);
        QVERIFY(r.text.startsWith(QStringLiteral("[[[[")));
        QVERIFY(r.text.size() < 300);
    }

    void autoFallsBackToTextAndBytes()
    {
        QCOMPARE(dec(QByteArrayLiteral("hello world"), Kind::Auto).kind, Kind::Text);
        QCOMPARE(dec(QByteArrayLiteral("hello world"), Kind::Auto, true).text,
                 QStringLiteral("hello world"));
        QCOMPARE(dec(QByteArray("\xff\xfe", 2), Kind::Auto).kind, Kind::Raw);
        QCOMPARE(dec(QByteArray("\xff\xfe", 2), Kind::Auto, true).text,
                 QStringLiteral("\\xff\\xfe"));
        QCOMPARE(dec(QByteArray(), Kind::Auto).kind, Kind::Text);
        // The text decoder never fails, whatever the bytes.
        QVERIFY(dec(kPickle5, Kind::Text).ok);
        // A sentence ending in a full stop is not a pickle.
        QCOMPARE(dec(QByteArrayLiteral("Sorry. Is this a pickle."), Kind::Auto).kind, Kind::Text);
    }

    // The output buffer grows with what comes out: a payload that is not compressed, or inflates
    // to a few bytes, costs a few KiB, not a 64 KiB chunk (which QByteArray made 128 KiB: the
    // `decode` fuzz target spent its time in ASan's mmap and munmap for it, ~85 execs/s).
    void decompressionBufferGrowsWithTheOutput()
    {
        namespace d = PayloadDecoder::detail;
        constexpr qsizetype kSmall = 16 * 1024;
        const qint64 cap = PayloadDecoder::DefaultMaxOutput;
        QByteArray out;
        bool cut = false;
        d::Failure f;
        QVERIFY(d::inflateZlib(kGzipJson, true, cap, &out, &cut, &f));
        QCOMPARE(out, kJson);
        QVERIFY2(out.capacity() <= kSmall, qPrintable(QString::number(out.capacity())));
        QVERIFY(d::inflateZlib(kZlibMsgpack, false, cap, &out, &cut, &f));
        QCOMPARE(out, kMsgpack);
        QVERIFY2(out.capacity() <= kSmall, qPrintable(QString::number(out.capacity())));
        QVERIFY(d::decompressZstd(kZstdJson, cap, &out, &cut, &f));
        QCOMPARE(out, kJson);
        QVERIFY2(out.capacity() <= kSmall, qPrintable(QString::number(out.capacity())));
        for (const bool gzip : {true, false}) {
            QVERIFY(!d::inflateZlib(kJson, gzip, cap, &out, &cut, &f));
            QVERIFY2(out.capacity() <= kSmall, qPrintable(QString::number(out.capacity())));
        }
        QVERIFY(!d::decompressZstd(kJson, cap, &out, &cut, &f));
        QVERIFY2(out.capacity() <= kSmall, qPrintable(QString::number(out.capacity())));

        // Large output still comes out whole, in growing steps, and the cap still cuts it exactly.
        QByteArray big;
        for (int i = 0; big.size() < 3 * 1024 * 1024; ++i)
            big += QByteArray::number(i) + ',';
        const QByteArray zlib = qCompress(big).mid(4); // qCompress: a 4-byte size, then zlib
        QVERIFY(d::inflateZlib(zlib, false, cap, &out, &cut, &f));
        QCOMPARE(out, big);
        QVERIFY(!cut);
        QVERIFY(d::inflateZlib(zlib, false, 100000, &out, &cut, &f));
        QVERIFY(cut);
        QCOMPARE(out, big.left(100000));
    }

    void compactHasNoLineBreaks()
    {
        for (const QByteArray& d : {kMsgpack, kPickle5, kPickle0, kProtobuf, kGzipJson, kZstdJson})
            QVERIFY(!dec(d, Kind::Auto, true).text.contains(QLatin1Char('\n')));
    }
};

QTEST_GUILESS_MAIN(TestPayloadDecoder)
#include "tst_payloaddecoder.moc"
