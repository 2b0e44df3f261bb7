#include "Consumer.h"
#include "Publisher.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using Cmd = PublisherWorker::Command;

namespace {
constexpr qint64 kMs = 1000000;

bool waitSubscribed(test::SyncClient& c, const QByteArray& channel)
{
    return test::waitUntil([&] {
        const RedisReply r = c.command({"PUBSUB", "NUMSUB", channel});
        return r.isArray() && r.elements.size() == 2 && r.elements[1].integer == 1;
    });
}

QList<QByteArray> listOf(test::SyncClient& c, const QByteArray& key)
{
    QList<QByteArray> out;
    const RedisReply r = c.command({"LRANGE", key, "0", "-1"});
    for (const RedisReply& e : r.elements)
        out << e.str;
    return out;
}
} // namespace

// Load runs against a real redis-server: every message arrives, in order, with its own expansion.
// No timing is asserted here (rates are measured by scripts/bench.sh publish-template).
class TestLoadMode : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void fastRunDeliversEveryMessageInOrder()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        const quint64 n = 25000;
        const qint64 id = pub.sendLoad(Cmd::LPush, "load:fast", "m{{seq}}", {}, {0, n, 0});
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(60000));
        QCOMPARE(sent[0][0].toLongLong(), id);
        QCOMPARE(sent[0][1].toULongLong(), n);
        QCOMPARE(sent[0][2].toLongLong(), qint64(n)); // LPUSH: the length after the last
        QVERIFY(failed.isEmpty());
        const QList<QByteArray> got = listOf(c, "load:fast");
        QCOMPARE(quint64(got.size()), n);
        for (quint64 i = 0; i < n; ++i) // LPUSH: the newest first
            QCOMPARE(got[qsizetype(i)], "m" + QByteArray::number(n - i));
    }

    void pacedRunDeliversEveryMessageInOrderWithUniqueIds()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy progress(&pub, &Publisher::loadProgress);
        pub.start();
        const quint64 n = 3000;
        pub.sendLoad(Cmd::LPush, "load:paced", "{{seq}} {{uuid}}", {}, {20000, n, 0});
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(60000));
        QCOMPARE(sent[0][1].toULongLong(), n);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last()[1].toULongLong(), n); // the final figures, before sent()
        const QList<QByteArray> got = listOf(c, "load:paced");
        QCOMPARE(quint64(got.size()), n);
        QSet<QByteArray> ids;
        for (quint64 i = 0; i < n; ++i) {
            const QList<QByteArray> parts = got[qsizetype(n - 1 - i)].split(' ');
            QCOMPARE(parts.size(), 2);
            QCOMPARE(parts[0], QByteArray::number(i + 1));
            QCOMPARE(parts[1].size(), 36);
            ids.insert(parts[1]);
        }
        QCOMPARE(quint64(ids.size()), n);
    }

    void publishSumsTheReceivers()
    {
        test::SyncClient c(m_server.settings());
        Consumer consumer(m_server.settings(), test::makeSpec(Mode::PubSub, "load:chan"));
        MessageList got;
        connect(&consumer, &Consumer::messagesArrived, this,
                [&](const MessageList& batch, quint64) { got += batch; });
        consumer.start();
        QVERIFY(waitSubscribed(c, "load:chan"));
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy progress(&pub, &Publisher::loadProgress);
        pub.start();
        pub.sendLoad(Cmd::Publish, "load:chan", "p{{seq}}", {}, {5000, 500, 0});
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(30000));
        QCOMPARE(sent[0][1].toULongLong(), quint64(500));
        QCOMPARE(sent[0][2].toLongLong(), qint64(500)); // one subscriber heard each
        QCOMPARE(progress.last()[2].toLongLong(), qint64(500));
        QTRY_COMPARE(got.size(), 500);
        for (int i = 0; i < 500; ++i)
            QCOMPARE(got[i].payload, "p" + QByteArray::number(i + 1));
    }

    void durationRunSendsWhatItCounts()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        pub.sendLoad(Cmd::LPush, "load:timed", "{{seq}}", {}, {2000, 0, 300 * kMs});
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(30000));
        const quint64 acked = sent[0][1].toULongLong();
        QVERIFY(acked > 0);
        QVERIFY2(acked <= 600, qPrintable(QString::number(acked))); // never more than R x D
        const QList<QByteArray> got = listOf(c, "load:timed");
        QCOMPARE(quint64(got.size()), acked);
        QCOMPARE(got.first(), QByteArray::number(acked));
        QCOMPARE(got.last(), QByteArray("1"));
    }

    void streamFieldsAreTemplatesToo()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        pub.sendLoad(Cmd::XAdd, "load:stream", {}, {{"n", "{{seq}}"}, {"kind", "{{pick a b}}"}},
                     {0, 100, 0});
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(30000));
        QCOMPARE(sent[0][1].toULongLong(), quint64(100));
        const RedisReply r = c.command({"XRANGE", "load:stream", "-", "+"});
        QCOMPARE(r.elements.size(), 100);
        for (int i = 0; i < 100; ++i) {
            const RedisReply& fields = r.elements[i].elements[1];
            QCOMPARE(fields.elements[0].str, QByteArray("n"));
            QCOMPARE(fields.elements[1].str, QByteArray::number(i + 1));
            QVERIFY(fields.elements[3].str == "a" || fields.elements[3].str == "b");
        }
    }

    void stopEndsARunAndCountsStayTrue()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy progress(&pub, &Publisher::loadProgress);
        pub.start();
        const qint64 id =
            pub.sendLoad(Cmd::LPush, "load:stopped", "{{seq}}", {}, {1000, 1000000, 0});
        QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty(), test::scaled(10000));
        pub.cancel(id);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, test::scaled(10000));
        const quint64 acked = sent[0][1].toULongLong();
        QVERIFY(acked > 0 && acked < 1000000);
        const QList<QByteArray> got = listOf(c, "load:stopped");
        QCOMPARE(quint64(got.size()), acked);
        QCOMPARE(got.first(), QByteArray::number(acked)); // the last sent is the newest
        // The publisher goes on serving: a plain send after the stopped run.
        pub.send(Cmd::LPush, "load:stopped", "after");
        QTRY_COMPARE(sent.size(), 2);
        QCOMPARE(listOf(c, "load:stopped").first(), QByteArray("after"));
    }

    void cancellingAQueuedRunSendsNothing()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        pub.start();
        const qint64 first = pub.sendLoad(Cmd::LPush, "load:q1", "{{seq}}", {}, {200, 100, 0});
        const qint64 second = pub.sendLoad(Cmd::LPush, "load:q2", "{{seq}}", {}, {0, 100, 0});
        pub.cancel(second);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2, test::scaled(30000));
        QCOMPARE(sent[0][0].toLongLong(), second);
        QCOMPARE(sent[0][1].toULongLong(), quint64(0));
        QCOMPARE(sent[1][0].toLongLong(), first);
        QCOMPARE(sent[1][1].toULongLong(), quint64(100));
        QCOMPARE(c.command({"EXISTS", "load:q2"}).integer, qint64(0));
    }

    void aBadTemplateIsRefusedBeforeAnythingIsSent()
    {
        test::SyncClient c(m_server.settings());
        Publisher pub(m_server.settings());
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        pub.sendLoad(Cmd::LPush, "load:bad", "{{seq}} {{oops}}", {}, {0, 10, 0});
        QTRY_COMPARE(sent.size(), 1);
        QCOMPARE(sent[0][1].toULongLong(), quint64(0));
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed[0][1].toString().contains(QStringLiteral("{{oops}}")));
        pub.sendLoad(Cmd::LPush, "load:bad", "{{seq}}", {}, {1000, 0, 0});
        QTRY_COMPARE(sent.size(), 2);
        QVERIFY(
            failed[1][1].toString().contains(QStringLiteral("number of messages or a duration")));
        QCOMPARE(c.command({"EXISTS", "load:bad"}).integer, qint64(0));
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestLoadMode)
#include "tst_loadmode.moc"
