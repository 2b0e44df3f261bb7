#include "Publisher.h"
#include "ReplayPlan.h"
#include "RowExport.h"
#include "TestSupport.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using Cmd = PublisherWorker::Command;

namespace {
constexpr qint64 kMs = 1000000;

// A recording of 258 messages: each single byte value, then all 256 bytes, then text; recorded
// 10 ms apart except one clock step backwards.
QList<Message> recordedRows()
{
    QList<Message> rows;
    qint64 t = 1764600000000;
    for (int b = 0; b < 256; ++b) {
        Message m;
        m.source = "src";
        m.payload = QByteArray(1, char(b));
        m.receivedMs = t;
        t += 10;
        rows << m;
    }
    Message all;
    all.source = "src";
    for (int b = 0; b < 256; ++b)
        all.payload.append(char(b));
    all.receivedMs = t - 25; // behind the one before
    rows << all;
    Message text;
    text.source = "src";
    text.payload = "plain text, the last";
    text.receivedMs = t + 100;
    rows << text;
    return rows;
}
} // namespace

// Replay of a recording: the messages in order and byte for byte, at the recorded timing, faster,
// or at a fixed rate.
class TestReplay : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        RQ_START_SERVER(m_server);
        m_path = m_dir.filePath(QStringLiteral("rec.jsonl"));
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray data =
            RowExport::jsonLines(recordedRows(), "pubsub", "src", false,
                                 QStringLiteral("redis://x"), QStringLiteral("pubsub:src"));
        data += "{not json\n"; // a bad line is skipped and counted
        f.write(data);
    }

    void planHoldsEveryMessageAndItsTime()
    {
        ReplayPlan plan;
        QString error;
        QVERIFY2(plan.load(m_path, &error), qPrintable(error));
        const QList<Message> rows = recordedRows();
        QCOMPARE(plan.payloads().size(), rows.size());
        for (int i = 0; i < rows.size(); ++i)
            QCOMPARE(plan.payloads()[i], rows[i].payload);
        QCOMPARE(plan.skippedLines(), qint64(1));
        const std::vector<qint64> s = plan.schedule(1.0);
        QCOMPARE(s[0], qint64(0));
        QCOMPARE(s[1], 10 * kMs);
        QCOMPARE(s[255], 2550 * kMs);
        QCOMPARE(s[256], 2550 * kMs); // the clock went back: not before the one before
        QCOMPARE(s[257], 2660 * kMs);
        const std::vector<qint64> fast = plan.schedule(4.0);
        QCOMPARE(fast[1], 2500000LL);
        QCOMPARE(fast[257], 665 * kMs);
        // The pacer follows the schedule exactly (fake clock).
        LoadPacer pacer;
        pacer.setSchedule(s);
        pacer.start(0);
        QCOMPARE(pacer.allowed(10 * kMs - 1), quint64(1));
        QCOMPARE(pacer.allowed(10 * kMs), quint64(2));
        QCOMPARE(pacer.allowed(2550 * kMs), quint64(257));
        pacer.issued(257);
        QCOMPARE(pacer.nextEventNs(2550 * kMs), 2660 * kMs);
        QCOMPARE(pacer.allowed(2660 * kMs), quint64(1));
        pacer.issued(1);
        QVERIFY(pacer.exhausted(2660 * kMs));
        QCOMPARE(plan.limits(ReplayPlan::Timing::FixedRate, 500).rate, quint64(500));
        QCOMPARE(plan.limits(ReplayPlan::Timing::FixedRate, 500).count, quint64(258));
    }

    void aFileWithoutMessagesSaysSo()
    {
        const QString empty = m_dir.filePath(QStringLiteral("empty.jsonl"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(RowExport::jsonLines({}, "list", "q", false, QString(), QString()));
        f.close();
        ReplayPlan plan;
        QString error;
        QVERIFY(!plan.load(empty, &error));
        QVERIFY2(error.contains(QStringLiteral("no message")), qPrintable(error));
        QVERIFY(!plan.load(m_dir.filePath(QStringLiteral("none")), &error));
        QVERIFY(!error.isEmpty());
    }

    void replayIsBinaryExactAndInOrder_data()
    {
        QTest::addColumn<int>("timing");
        QTest::addColumn<double>("speed");
        QTest::addColumn<quint64>("rate");
        QTest::newRow("x20 speed") << int(ReplayPlan::Timing::Speed) << 20.0 << quint64(0);
        QTest::newRow("fixed 5000/s") << int(ReplayPlan::Timing::FixedRate) << 1.0 << quint64(5000);
        QTest::newRow("fast") << int(ReplayPlan::Timing::FixedRate) << 1.0 << quint64(0);
    }
    void replayIsBinaryExactAndInOrder()
    {
        QFETCH(int, timing);
        QFETCH(double, speed);
        QFETCH(quint64, rate);
        ReplayPlan plan;
        QString error;
        QVERIFY2(plan.load(m_path, &error), qPrintable(error));
        test::SyncClient c(m_server.settings());
        const QByteArray key = "replay:" + QByteArray(QTest::currentDataTag());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        const auto t = ReplayPlan::Timing(timing);
        pub.sendLoad(Cmd::LPush, key, {}, {}, plan.limits(t, rate), plan.source(t, speed));
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(30000));
        QCOMPARE(sent[0][1].toULongLong(), quint64(plan.payloads().size()));
        const RedisReply r = c.command({"LRANGE", key, "0", "-1"});
        QCOMPARE(r.elements.size(), plan.payloads().size());
        const qsizetype n = r.elements.size();
        for (qsizetype i = 0; i < n; ++i) // LPUSH: the last replayed is at the head
            QCOMPARE(r.elements[n - 1 - i].str, plan.payloads()[i]);
    }

    void replayToAChannelAndAStream()
    {
        ReplayPlan plan;
        QString error;
        QVERIFY(plan.load(m_path, &error));
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        pub.sendLoad(Cmd::XAdd, "replay:stream", {}, {{"body", {}}},
                     plan.limits(ReplayPlan::Timing::FixedRate, 0),
                     plan.source(ReplayPlan::Timing::FixedRate, 1));
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(30000));
        const RedisReply r = c.command({"XRANGE", "replay:stream", "-", "+"});
        QCOMPARE(r.elements.size(), plan.payloads().size());
        for (qsizetype i = 0; i < r.elements.size(); ++i) {
            QCOMPARE(r.elements[i].elements[1].elements[0].str, QByteArray("body"));
            QCOMPARE(r.elements[i].elements[1].elements[1].str, plan.payloads()[i]);
        }
    }

private:
    QTemporaryDir m_dir;
    SandboxServer m_server;
    QString m_path;
};

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
