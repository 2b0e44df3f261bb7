// Unit tests for MonitorParser: MONITOR lines as Redis 7 prints them (sdscatrepr quoting), no
// server needed.
#include "MonitorParser.h"

#include <QTest>

#include <limits>

using namespace rqc;

class TestMonitorParser : public QObject {
    Q_OBJECT
private slots:
    void plainTcpLine()
    {
        MonitorLine l;
        QVERIFY(MonitorParser::parse("+1700000000.123456 [0 127.0.0.1:46506] \"LPUSH\" \"q\" \"a\"",
                                     &l));
        QCOMPARE(l.timeUs, Q_INT64_C(1700000000123456));
        QCOMPARE(l.db, 0);
        QCOMPARE(l.addr, QByteArray("127.0.0.1:46506"));
        QCOMPARE(l.argv, (QList<QByteArray>{"LPUSH", "q", "a"}));
        QVERIFY(!l.isLua());
    }

    void withoutPlusAndTrailingNewline()
    {
        MonitorLine l;
        QVERIFY(MonitorParser::parse("1700000000.000001 [12 127.0.0.1:1] \"ping\"\r\n", &l));
        QCOMPARE(l.timeUs, Q_INT64_C(1700000000000001));
        QCOMPARE(l.db, 12);
        QCOMPARE(l.command(), QByteArray("PING"));
    }

    void unixAndLuaAndIpv6Addresses()
    {
        MonitorLine l;
        QVERIFY(MonitorParser::parse(
            "1796140730.785054 [0 unix:/tmp/x y/r.sock] \"lmove\" \"q\" \"p\" \"RIGHT\" \"LEFT\"",
            &l));
        QCOMPARE(l.addr, QByteArray("unix:/tmp/x y/r.sock"));
        QCOMPARE(l.argv.size(), 5);
        QVERIFY(MonitorParser::parse("1796140730.785054 [0 lua] \"RPOP\" \"q\"", &l));
        QVERIFY(l.isLua());
        QCOMPARE(l.argv, (QList<QByteArray>{"RPOP", "q"}));
        QVERIFY(MonitorParser::parse("1796140730.785054 [3 [::1]:6380] \"GET\" \"k\"", &l));
        QCOMPARE(l.addr, QByteArray("[::1]:6380"));
        QCOMPARE(l.db, 3);
    }

    void escapesGiveExactBytes()
    {
        // As Redis 7.0 printed `LPUSH q "a b" 'x"y\' $'\n\t\x01\xff'` (checked on the server).
        MonitorLine l;
        QVERIFY(MonitorParser::parse("1796140730.725642 [0 unix:/r.sock] \"lpush\" \"q\" \"a b\" "
                                     "\"x\\\"y\\\\\" \"\\n\\t\\x01\\xff\"",
                                     &l));
        QCOMPARE(l.argv.size(), 5);
        QCOMPARE(l.argv[2], QByteArray("a b"));
        QCOMPARE(l.argv[3], QByteArray("x\"y\\"));
        QCOMPARE(l.argv[4], QByteArray("\n\t\x01\xff", 4));
        QVERIFY(MonitorParser::parse("1.000000 [0 lua] \"SET\" \"\\r\\a\\b\\xAB\" \"\"", &l));
        QCOMPARE(l.argv[1], QByteArray("\r\a\b\xab"));
        QCOMPARE(l.argv[2], QByteArray());
    }

    void everyByteRoundTrips()
    {
        QByteArray all;
        for (int i = 0; i < 256; ++i)
            all.append(char(i));
        const QByteArray line =
            "1700000000.123456 [0 127.0.0.1:1] \"PUBLISH\" \"ch\" " + MonitorParser::quote(all);
        MonitorLine l;
        QVERIFY(MonitorParser::parse(line, &l));
        QCOMPARE(l.argv[2], all);
        // The quoting is Redis's own: printable ASCII as is, the rest \xHH in lower case.
        QCOMPARE(MonitorParser::quote(QByteArray("a\"\\\x7f\x00", 5)),
                 QByteArray("\"a\\\"\\\\\\x7f\\x00\""));
    }

    void acceptsLargestNumbers()
    {
        MonitorLine l;
        QVERIFY(MonitorParser::parse("9223372036853.999999 [2147483647 a] \"x\"", &l));
        QCOMPARE(l.timeUs, Q_INT64_C(9223372036853999999));
        QCOMPARE(l.db, std::numeric_limits<int>::max());
    }

    void rejectsMalformedLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("ok reply") << QByteArray("+OK");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("short usec") << QByteArray("1.12345 [0 a] \"x\"");
        QTest::newRow("no bracket") << QByteArray("1.123456 0 a] \"x\"");
        QTest::newRow("no args") << QByteArray("1.123456 [0 a] ");
        QTest::newRow("unclosed") << QByteArray("1.123456 [0 a] \"x");
        QTest::newRow("dangling escape") << QByteArray("1.123456 [0 a] \"x\\");
        QTest::newRow("bad hex") << QByteArray("1.123456 [0 a] \"\\xZZ\"");
        QTest::newRow("short hex") << QByteArray("1.123456 [0 a] \"\\x4\"");
        QTest::newRow("unknown escape") << QByteArray("1.123456 [0 a] \"\\q\"");
        QTest::newRow("unquoted arg") << QByteArray("1.123456 [0 a] \"x\" y");
        QTest::newRow("no space between") << QByteArray("1.123456 [0 a] \"x\"\"y\"");
        // Found by scripts/fuzz.sh (fuzz_monitor, UBSan): numbers that overflowed qint64/int.
        QTest::newRow("huge seconds") << QByteArray("99999999999999999999.123456 [0 a] \"x\"");
        QTest::newRow("seconds overflow in us") << QByteArray("9223372036854.123456 [0 a] \"x\"");
        QTest::newRow("huge db") << QByteArray("1.123456 [99999999999 a] \"x\"");
        QTest::newRow("db above int") << QByteArray("1.123456 [2147483648 a] \"x\"");
    }
    void rejectsMalformedLines()
    {
        QFETCH(QByteArray, line);
        MonitorLine l;
        QVERIFY(!MonitorParser::parse(line, &l));
    }
};

QTEST_GUILESS_MAIN(TestMonitorParser)
#include "tst_monitorparser.moc"
