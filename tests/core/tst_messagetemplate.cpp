#include "MessageTemplate.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace rqc;

class TestMessageTemplate : public QObject {
    Q_OBJECT
private slots:
    void plainTextIsConstant()
    {
        MessageTemplate t = MessageTemplate::parse("hello } world {");
        QVERIFY(t.isValid());
        QVERIFY(t.isConstant());
        QCOMPARE(t.expand(1), QByteArray("hello } world {"));
        QVERIFY(!MessageTemplate::looksTemplated("hello"));
        QVERIFY(MessageTemplate::looksTemplated("a {{seq}}"));
    }

    void seqCountsFromTheGivenNumber()
    {
        MessageTemplate t = MessageTemplate::parse("n={{seq}};{{ seq }}");
        QVERIFY2(t.isValid(), qPrintable(t.error()));
        QVERIFY(!t.isConstant());
        QCOMPARE(t.expand(1), QByteArray("n=1;1"));
        QCOMPARE(t.expand(42), QByteArray("n=42;42"));
        QCOMPARE(t.expand(18446744073709551615ULL),
                 QByteArray("n=18446744073709551615;18446744073709551615"));
    }

    void uuidIsVersion4AndDiffers()
    {
        MessageTemplate t = MessageTemplate::parse("{{uuid}}");
        QVERIFY(t.isValid());
        const QRegularExpression re(QStringLiteral(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        QSet<QByteArray> seen;
        for (int i = 0; i < 1000; ++i) {
            const QByteArray u = t.expand(quint64(i));
            QVERIFY2(re.match(QString::fromLatin1(u)).hasMatch(), u.constData());
            seen.insert(u);
        }
        QCOMPARE(seen.size(), 1000);
    }

    void nowAndTsMsFollowTheClock()
    {
        MessageTemplate t = MessageTemplate::parse("{{now}}|{{ts_ms}}");
        QVERIFY(t.isValid());
        qint64 ms = 1764625210123; // 2025-12-01T21:40:10.123Z
        t.setClock([&] { return ms; });
        QCOMPARE(t.expand(1), QByteArray("2025-12-01T21:40:10.123Z|1764625210123"));
        ms += 1001;
        QCOMPARE(t.expand(2), QByteArray("2025-12-01T21:40:11.124Z|1764625211124"));
        ms = 0;
        QCOMPARE(t.expand(3), QByteArray("1970-01-01T00:00:00.000Z|0"));
    }

    void randomStaysInRangeAndCoversIt()
    {
        MessageTemplate t = MessageTemplate::parse("{{random 1 100}}");
        QVERIFY(t.isValid());
        t.setSeed(7);
        QSet<int> seen;
        for (int i = 0; i < 20000; ++i) {
            bool ok = false;
            const int v = t.expand(1).toInt(&ok);
            QVERIFY(ok);
            QVERIFY(v >= 1 && v <= 100);
            seen.insert(v);
        }
        QCOMPARE(seen.size(), 100);
        MessageTemplate one = MessageTemplate::parse("{{random -5 -5}}");
        QVERIFY(one.isValid());
        QCOMPARE(one.expand(1), QByteArray("-5"));
        MessageTemplate wide =
            MessageTemplate::parse("{{random -9223372036854775808 9223372036854775807}}");
        QVERIFY2(wide.isValid(), qPrintable(wide.error()));
        bool ok = false;
        wide.expand(1).toLongLong(&ok);
        QVERIFY(ok);
    }

    void pickChoosesEveryWord()
    {
        MessageTemplate t = MessageTemplate::parse("<{{pick a bb ccc}}>");
        QVERIFY(t.isValid());
        QSet<QByteArray> seen;
        for (int i = 0; i < 1000; ++i)
            seen.insert(t.expand(1));
        QCOMPARE(seen, (QSet<QByteArray>{"<a>", "<bb>", "<ccc>"}));
        MessageTemplate single = MessageTemplate::parse("{{pick only}}");
        QCOMPARE(single.expand(1), QByteArray("only"));
    }

    void bytesIsPrintableFillerOfTheSize_data()
    {
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<int>("size");
        QTest::newRow("plain") << QByteArray("100") << 100;
        QTest::newRow("B") << QByteArray("7B") << 7;
        QTest::newRow("KB") << QByteArray("2KB") << 2000;
        QTest::newRow("KiB") << QByteArray("1KiB") << 1024;
        QTest::newRow("MB") << QByteArray("1MB") << 1000000;
        QTest::newRow("MiB") << QByteArray("1MiB") << 1048576;
        QTest::newRow("zero") << QByteArray("0") << 0;
    }
    void bytesIsPrintableFillerOfTheSize()
    {
        QFETCH(QByteArray, spec);
        QFETCH(int, size);
        MessageTemplate t = MessageTemplate::parse("[{{bytes " + spec + "}}]");
        QVERIFY2(t.isValid(), qPrintable(t.error()));
        const QByteArray out = t.expand(1);
        QCOMPARE(out.size(), size + 2);
        QCOMPARE(out.front(), '[');
        QCOMPARE(out.back(), ']');
        for (qsizetype i = 1; i + 1 < out.size(); ++i)
            QVERIFY(out[i] >= 0x21 && out[i] <= 0x7e);
        if (size >= 1000)
            QVERIFY(t.expand(2) != out); // random, not a fixed pattern
    }

    void doubledBracesAreALiteral()
    {
        MessageTemplate t = MessageTemplate::parse("{{{{seq}} is {{seq}}, {{{{{{{{");
        QVERIFY2(t.isValid(), qPrintable(t.error()));
        QCOMPARE(t.expand(3), QByteArray("{{seq}} is 3, {{{{"));
        MessageTemplate lit = MessageTemplate::parse("{{{{");
        QVERIFY(lit.isValid());
        QVERIFY(lit.isConstant());
        QCOMPARE(lit.expand(1), QByteArray("{{"));
    }

    void bytesBeyondTheTextArePassedThrough()
    {
        QByteArray raw;
        for (int b = 0; b < 256; ++b)
            raw.append(char(b));
        MessageTemplate t = MessageTemplate::parse(raw + "{{seq}}" + raw);
        QVERIFY(t.isValid());
        QCOMPARE(t.expand(9), raw + "9" + raw);
    }

    void errorsAreFoundBeforeSending_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown") << QByteArray("x {{nope}}")
                                 << QStringLiteral("Unknown placeholder {{nope}} at character 3");
        QTest::newRow("unclosed") << QByteArray("ab {{seq")
                                  << QStringLiteral("Unclosed placeholder at character 4");
        QTest::newRow("empty") << QByteArray("{{ }}") << QStringLiteral("Empty placeholder");
        QTest::newRow("seq with args")
            << QByteArray("{{seq 1}}") << QStringLiteral("takes no arguments");
        QTest::newRow("uuid with args")
            << QByteArray("{{uuid x}}") << QStringLiteral("takes no arguments");
        QTest::newRow("now with args")
            << QByteArray("{{now utc}}") << QStringLiteral("takes no arguments");
        QTest::newRow("ts_ms with args")
            << QByteArray("{{ts_ms 3}}") << QStringLiteral("takes no arguments");
        QTest::newRow("random one arg")
            << QByteArray("{{random 1}}") << QStringLiteral("two whole numbers");
        QTest::newRow("random words")
            << QByteArray("{{random a b}}") << QStringLiteral("two whole numbers");
        QTest::newRow("random three")
            << QByteArray("{{random 1 2 3}}") << QStringLiteral("two whole numbers");
        QTest::newRow("random reversed")
            << QByteArray("{{random 9 1}}") << QStringLiteral("low end is above");
        QTest::newRow("pick nothing")
            << QByteArray("{{pick}}") << QStringLiteral("at least one word");
        QTest::newRow("bytes nothing")
            << QByteArray("{{bytes}}") << QStringLiteral("{{bytes SIZE}}");
        QTest::newRow("bytes unit")
            << QByteArray("{{bytes 3GB}}") << QStringLiteral("{{bytes SIZE}}");
        QTest::newRow("bytes too big")
            << QByteArray("{{bytes 65MiB}}") << QStringLiteral("at most 64 MiB");
        QTest::newRow("bytes negative")
            << QByteArray("{{bytes -1}}") << QStringLiteral("{{bytes SIZE}}");
        QTest::newRow("case") << QByteArray("{{SEQ}}")
                              << QStringLiteral("Unknown placeholder {{SEQ}}");
        QTest::newRow("triple") << QByteArray("{{{seq}}") << QStringLiteral("Unknown placeholder");
    }
    void errorsAreFoundBeforeSending()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, mentions);
        const MessageTemplate t = MessageTemplate::parse(text);
        QVERIFY(!t.isValid());
        QVERIFY2(t.error().contains(mentions), qPrintable(t.error()));
        QVERIFY(t.parts().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMessageTemplate)
#include "tst_messagetemplate.moc"
