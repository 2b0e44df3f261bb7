// PeekReader against a real redis-server: a list's head, tail and pages without changing it (no
// pop in INFO commandstats), live by polling and by keyspace notifications (and turning them on
// on request), the check-and-act element actions (moved meanwhile, duplicates, binary payloads),
// stream browsing and XDEL, missing and wrong-type keys, and a 10M-element list.
#include "PeekReader.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <memory>
#include <optional>

using namespace rqc;
using namespace rqc::test;

namespace {
struct PeekRecorder {
    QObject ctx;
    QList<PeekSnapshot> snapshots;
    QList<PeekActionResult> actions;
    QList<PeekLive> lives;
    QStringList liveDetails;
    explicit PeekRecorder(PeekReader* reader)
    {
        QObject::connect(reader, &PeekReader::snapshotReady, &ctx,
                         [this](const PeekSnapshot& s) { snapshots.append(s); });
        QObject::connect(reader, &PeekReader::actionFinished, &ctx,
                         [this](const PeekActionResult& r) { actions.append(r); });
        QObject::connect(reader, &PeekReader::liveChanged, &ctx,
                         [this](PeekLive live, const QString& detail) {
                             lives.append(live);
                             liveDetails.append(detail);
                         });
    }
    std::optional<PeekActionResult> action(qint64 id) const
    {
        for (const PeekActionResult& r : actions) {
            if (r.requestId == id)
                return r;
        }
        return std::nullopt;
    }
    PeekLive live() const { return lives.isEmpty() ? PeekLive::Unknown : lives.last(); }
    const PeekSnapshot& last() const { return snapshots.last(); }
    // The newest snapshot satisfying pred, waiting for it.
    bool waitFor(const std::function<bool(const PeekSnapshot&)>& pred, int timeoutMs = 10000)
    {
        return waitUntil([&] { return !snapshots.isEmpty() && pred(snapshots.last()); }, timeoutMs);
    }
};

QList<QByteArray> payloads(const QList<PeekRow>& rows)
{
    QList<QByteArray> out;
    for (const PeekRow& r : rows)
        out << r.payload;
    return out;
}

QList<qint64> indices(const QList<PeekRow>& rows)
{
    QList<qint64> out;
    for (const PeekRow& r : rows)
        out << r.index;
    return out;
}

QList<qint64> range(qint64 from, qint64 count)
{
    QList<qint64> out;
    for (qint64 i = 0; i < count; ++i)
        out << from + i;
    return out;
}

QList<QByteArray> elements(const RedisReply& r)
{
    QList<QByteArray> out;
    for (const RedisReply& e : r.elements)
        out << e.str;
    return out;
}

qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}
} // namespace

class TestPeek : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void init()
    {
        m_client->command({"FLUSHALL"});
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", ""});
    }
    void cleanupTestCase() { m_client.reset(); }

    void headTailAndPagesChangeNothing()
    {
        QList<QByteArray> cmd{"RPUSH", "q"};
        for (int i = 0; i < 100; ++i)
            cmd << "m" + QByteArray::number(i);
        m_client->command(cmd);
        const QList<QByteArray> before = elements(m_client->command({"LRANGE", "q", "0", "-1"}));
        QVERIFY(m_client->command({"CONFIG", "RESETSTAT"}).isStatus("OK"));

        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 100; }));
        PeekSnapshot s = rec.last();
        QCOMPARE(s.kind, PeekSnapshot::Kind::List);
        QCOMPARE(indices(s.head), range(0, 10));
        QCOMPARE(payloads(s.head), before.mid(0, 10));
        QCOMPARE(indices(s.tail), range(90, 10));
        QCOMPARE(payloads(s.tail), before.mid(90, 10));
        // FIFO consumers BRPOP the tail: the last element is next.
        QCOMPARE(s.positionOf(99), qint64(0));
        QCOMPARE(s.positionOf(0), qint64(99));

        reader.showPage(40);
        QVERIFY(rec.waitFor([](const PeekSnapshot& x) { return x.pageStart == 40; }));
        s = rec.last();
        QCOMPARE(indices(s.page), range(40, 10));
        QCOMPARE(payloads(s.page), before.mid(40, 10));
        QCOMPARE(s.heldRows(), 30);
        reader.showPage(95); // a page past the end is cut short
        QVERIFY(rec.waitFor([](const PeekSnapshot& x) { return x.pageStart == 95; }));
        QCOMPARE(indices(rec.last().page), range(95, 5));

        reader.stop();
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})), before);
        const QByteArray stats = m_client->command({"INFO", "commandstats"}).str;
        for (const char* taking : {"cmdstat_rpop:", "cmdstat_lpop:", "cmdstat_brpop:",
                                   "cmdstat_blpop:", "cmdstat_lmove:", "cmdstat_blmove:",
                                   "cmdstat_lrem:", "cmdstat_lset:", "cmdstat_ltrim:"})
            QVERIFY2(!stats.contains(taking), taking);
        QVERIFY(stats.contains("cmdstat_lrange:")); // it did read
    }

    void shortListHeadAndTailOverlap()
    {
        m_client->command({"RPUSH", "q", "a", "b", "c"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 3; }));
        QCOMPARE(indices(rec.last().head), range(0, 3));
        QCOMPARE(indices(rec.last().tail), range(0, 3));
    }

    void missingAndWrongType()
    {
        {
            PeekReader reader(m_server.settings(), "nothing", 10);
            PeekRecorder rec(&reader);
            reader.start();
            QTRY_VERIFY(!rec.snapshots.isEmpty());
            QCOMPARE(rec.last().kind, PeekSnapshot::Kind::Missing);
            QCOMPARE(rec.last().type, QByteArray("none"));
            QCOMPARE(rec.last().length, qint64(0));
            QVERIFY(rec.last().error.isEmpty());
        }
        m_client->command({"HSET", "h", "f", "v"});
        PeekReader reader(m_server.settings(), "h", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        QCOMPARE(rec.last().kind, PeekSnapshot::Kind::Other);
        QCOMPARE(rec.last().type, QByteArray("hash"));
        // An action on the wrong type answers with Redis's own text.
        const qint64 id = reader.act(PeekAction::Delete, 0, "v");
        QTRY_VERIFY(rec.action(id));
        QVERIFY(!rec.action(id)->done);
        QVERIFY2(rec.action(id)->message.contains(QLatin1String("WRONGTYPE")),
                 qPrintable(rec.action(id)->message));
    }

    void liveByPolling()
    {
        m_client->command({"RPUSH", "q", "a"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Polling);
        QVERIFY(rec.liveDetails.last().contains(QLatin1String("off")));
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        m_client->command({"LPUSH", "q", "b"});
        QVERIFY(rec.waitFor(
            [](const PeekSnapshot& s) { return s.length == 2 && s.head.value(0).payload == "b"; }));
        QCOMPARE(rec.last().live, PeekLive::Polling);
        m_client->command({"RPOP", "q"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        // With polling only the net change is known (once a second has passed), never in/out
        // separately.
        m_client->command({"LPUSH", "q", "c", "d"});
        QVERIFY(
            rec.waitFor([](const PeekSnapshot& s) { return s.netKnown && s.length == 3; }, 15000));
        QCOMPARE(rec.last().inEventsPerSec, -1.0);
        QCOMPARE(rec.last().outEventsPerSec, -1.0);
    }

    void configDeniedMeansPolling()
    {
        // A user that may read and write keys but not run CONFIG.
        QVERIFY(m_client
                    ->command({"ACL", "SETUSER", "peeker", "reset", "on", ">pw", "~*", "&*",
                               "+@all", "-config"})
                    .isStatus("OK"));
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", "Kl"});
        m_client->command({"RPUSH", "q", "a"});
        ConnectionSettings settings = m_server.settings();
        settings.user = "peeker";
        settings.password = "pw";
        PeekReader reader(settings, "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Polling);
        QVERIFY2(rec.liveDetails.last().contains(QLatin1String("NOPERM")),
                 qPrintable(rec.liveDetails.last()));
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        m_client->command({"LPUSH", "q", "b"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 2; }));
        const qint64 id = reader.enableNotifications();
        QTRY_VERIFY(rec.action(id));
        QVERIFY(!rec.action(id)->done);
        QVERIFY(rec.action(id)->message.contains(QLatin1String("NOPERM")));
        reader.stop();
        m_client->command({"ACL", "DELUSER", "peeker"});
    }

    void liveByNotificationsCoalesced()
    {
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", "Kl"});
        m_client->command({"RPUSH", "q", "a"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Notifications);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        const qsizetype before = rec.snapshots.size();
        // 2000 single pushes in one burst: a few refreshes, not one per event.
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < 2000; ++i)
            cmds << QList<QByteArray>{"LPUSH", "q", QByteArray::number(i)};
        m_client->pipeline(cmds);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 2001; }));
        QCOMPARE(rec.last().head.value(0).payload, QByteArray("1999"));
        const qsizetype refreshes = rec.snapshots.size() - before;
        qInfo("2000 events -> %lld refreshes", qint64(refreshes));
        QVERIFY2(refreshes < 100, qPrintable(QString::number(refreshes)));
        // In events are counted once a second has passed.
        m_client->command({"LPUSH", "q", "x"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.inEventsPerSec >= 0; }, 15000));
    }

    void notificationsTurnedOnOnlyOnRequest()
    {
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", "Eg"});
        m_client->command({"RPUSH", "q", "a"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Polling);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        // Reading never changed the server's setting.
        QCOMPARE(
            m_client->command({"CONFIG", "GET", "notify-keyspace-events"}).elements.value(1).str,
            QByteArray("gE"));
        const qint64 id = reader.enableNotifications();
        QTRY_VERIFY(rec.action(id));
        QVERIFY2(rec.action(id)->done, qPrintable(rec.action(id)->message));
        const QByteArray now =
            m_client->command({"CONFIG", "GET", "notify-keyspace-events"}).elements.value(1).str;
        QVERIFY2(now.contains('K') && now.contains('l') && now.contains('E') && now.contains('g'),
                 now.constData());
        QTRY_COMPARE(rec.live(), PeekLive::Notifications);
        m_client->command({"LPUSH", "q", "b"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 2; }));
    }

    void keyeventOnly()
    {
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", "El"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Notifications);
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        m_client->command({"LPUSH", "other", "x"}); // another key's event: filtered
        m_client->command({"LPUSH", "q", "b"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
    }

    void deleteOnlyTheChosenDuplicate()
    {
        m_client->command({"RPUSH", "q", "a", "x", "b", "x", "c"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 5; }));
        const qint64 id = reader.act(PeekAction::Delete, 3, "x");
        QTRY_VERIFY(rec.action(id));
        QVERIFY2(rec.action(id)->done, qPrintable(rec.action(id)->message));
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{"a", "x", "b", "c"}));
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 4; }));
    }

    void actionOnAnElementThatMoved()
    {
        m_client->command({"RPUSH", "q", "a", "b", "c"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 3; }));
        const PeekRow next = rec.last().tail.last(); // "c", next for BRPOP
        QCOMPARE(next.payload, QByteArray("c"));
        // A worker takes it, and a producer pushes more, before the user acts.
        m_client->command({"RPOP", "q"});
        m_client->command({"LPUSH", "q", "n"});
        const QList<QByteArray> before = elements(m_client->command({"LRANGE", "q", "0", "-1"}));
        for (PeekAction action : {PeekAction::Delete, PeekAction::MoveTo, PeekAction::Requeue,
                                  PeekAction::DeadLetter}) {
            const qint64 id = reader.act(action, next.index, next.payload, "elsewhere");
            QTRY_VERIFY(rec.action(id));
            QVERIFY(!rec.action(id)->done);
            QVERIFY(rec.action(id)->moved);
            QVERIFY(rec.action(id)->message.contains(QLatin1String("nothing changed")));
        }
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})), before);
        QCOMPARE(m_client->command({"EXISTS", "elsewhere"}).integer, qint64(0));
        QCOMPARE(m_client->command({"EXISTS", "q:dead"}).integer, qint64(0));
    }

    void moveRequeueAndDeadLetterBinary()
    {
        const QByteArray bin("\x00\xff\x00z", 4);
        const QByteArray other("\x00\xff\x00y", 4);
        m_client->command({"RPUSH", "q", bin, other, bin, "tail"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 4; }));

        qint64 id = reader.act(PeekAction::MoveTo, 2, bin, "other");
        QTRY_VERIFY(rec.action(id));
        QVERIFY2(rec.action(id)->done, qPrintable(rec.action(id)->message));
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{bin, other, "tail"}));
        QCOMPARE(elements(m_client->command({"LRANGE", "other", "0", "-1"})),
                 (QList<QByteArray>{bin}));

        id = reader.act(PeekAction::Requeue, 1, other);
        QTRY_VERIFY(rec.action(id));
        QVERIFY(rec.action(id)->done);
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{bin, other, "tail", other}));

        id = reader.act(PeekAction::DeadLetter, 0, bin);
        QTRY_VERIFY(rec.action(id));
        QVERIFY(rec.action(id)->done);
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{other, "tail", other}));
        QCOMPARE(elements(m_client->command({"LRANGE", "q:dead", "0", "-1"})),
                 (QList<QByteArray>{bin}));

        // A destination of another type: refused before anything changes.
        m_client->command({"SET", "str", "v"});
        id = reader.act(PeekAction::MoveTo, 1, "tail", "str");
        QTRY_VERIFY(rec.action(id));
        QVERIFY(!rec.action(id)->done);
        QVERIFY(!rec.action(id)->moved);
        QVERIFY2(rec.action(id)->message.contains(QLatin1String("WRONGTYPE")),
                 qPrintable(rec.action(id)->message));
        QCOMPARE(elements(m_client->command({"LRANGE", "q", "0", "-1"})),
                 (QList<QByteArray>{other, "tail", other}));
    }

    void streamBrowseAndXdel()
    {
        QList<QList<QByteArray>> cmds;
        for (int i = 1; i <= 25; ++i)
            cmds << QList<QByteArray>{"XADD", "s", QByteArray::number(i) + "-0", "message",
                                      "m" + QByteArray::number(i)};
        m_client->pipeline(cmds);
        const auto ids = [](const PeekSnapshot& s) {
            QList<int> out;
            for (const PeekEntry& e : s.entries)
                out << e.id.left(e.id.indexOf('-')).toInt();
            return out;
        };
        const auto down = [](int from, int to) {
            QList<int> out;
            for (int i = from; i >= to; --i)
                out << i;
            return out;
        };
        PeekReader reader(m_server.settings(), "s", 10);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) {
            return s.kind == PeekSnapshot::Kind::Stream && s.length == 25;
        }));
        QCOMPARE(ids(rec.last()), down(25, 16));
        QCOMPARE(rec.last().entries.first().fields.value(0).second, QByteArray("m25"));
        QCOMPARE(rec.last().entries.first().idMs(), qint64(25));
        QVERIFY(rec.last().atNewest);
        QCOMPARE(rec.last().type, QByteArray("stream"));

        const auto pageTo = [&](PeekReaderWorker::StreamPage which, const QList<int>& want) {
            rec.snapshots.clear();
            reader.pageStream(which);
            return rec.waitFor([&](const PeekSnapshot& s) { return ids(s) == want; });
        };
        QVERIFY(pageTo(PeekReaderWorker::StreamPage::Older, down(15, 6)));
        QVERIFY(!rec.last().atNewest);
        QVERIFY(pageTo(PeekReaderWorker::StreamPage::Older, down(5, 1)));
        // Nothing older: the last page stays (several refreshes later, polling 4 times a second).
        rec.snapshots.clear();
        reader.pageStream(PeekReaderWorker::StreamPage::Older);
        QTRY_VERIFY(rec.snapshots.size() >= 6);
        QCOMPARE(ids(rec.last()), down(5, 1));
        QVERIFY(pageTo(PeekReaderWorker::StreamPage::Newer, down(15, 6)));
        QVERIFY(pageTo(PeekReaderWorker::StreamPage::Oldest, down(10, 1)));
        QVERIFY(pageTo(PeekReaderWorker::StreamPage::Newest, down(25, 16)));

        qint64 id = reader.deleteEntry("20-0");
        QTRY_VERIFY(rec.action(id));
        QVERIFY(rec.action(id)->done);
        QCOMPARE(m_client->command({"XLEN", "s"}).integer, qint64(24));
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 24; }));
        id = reader.deleteEntry("20-0");
        QTRY_VERIFY(rec.action(id));
        QVERIFY(!rec.action(id)->done);
        QVERIFY(rec.action(id)->moved);
        QVERIFY(rec.action(id)->message.contains(QLatin1String("already gone")));
        QCOMPARE(m_client->command({"XLEN", "s"}).integer, qint64(24));
    }

    void reconnectsAfterARestart()
    {
        m_client->command({"CONFIG", "SET", "notify-keyspace-events", "Kl"});
        m_client->command({"RPUSH", "q", "a"});
        PeekReader reader(m_server.settings(), "q", 10);
        PeekRecorder rec(&reader);
        QStringList errors;
        QObject::connect(&reader, &PeekReader::errorOccurred, &rec.ctx,
                         [&errors](const QString& e) { errors << e; });
        reader.start();
        QTRY_COMPARE(rec.live(), PeekLive::Notifications);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 1; }));
        QString error;
        QVERIFY2(m_server.restart(&error), qPrintable(error)); // empty, notifications off again
        QTRY_VERIFY(!errors.isEmpty());
        QTRY_COMPARE(rec.live(), PeekLive::Polling);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) {
            return s.kind == PeekSnapshot::Kind::Missing && s.error.isEmpty();
        }));
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
        m_client->command({"RPUSH", "q", "x", "y"});
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.length == 2; }));
        // The loss, and at most one refusal while the server was starting: not one per retry.
        QVERIFY2(errors.size() <= 2, qPrintable(errors.join(QLatin1String(" | "))));
    }

    // Last: fills the server with 10 million elements.
    void tenMillionElements()
    {
        constexpr quint64 kPerCommand = 1000;
        constexpr quint64 kCommands = 10000;
        const quint64 total = kPerCommand * kCommands;
        QElapsedTimer fill;
        fill.start();
        const bool filled = m_client->pipeline(
            kCommands,
            [](quint64 i, QByteArray& out) {
                QList<QByteArray> argv{"RPUSH", "big"};
                argv.reserve(int(kPerCommand) + 2);
                for (quint64 j = 0; j < kPerCommand; ++j)
                    argv << QByteArray::number(i * kPerCommand + j);
                appendCommand(out, argv);
            },
            64, 4);
        QVERIFY2(filled, qPrintable(m_client->error()));
        QCOMPARE(m_client->command({"LLEN", "big"}).integer, qint64(total));
        qInfo("filled %llu elements in %lld ms", total, fill.elapsed());

        const qint64 rssBefore = rssKiB();
        QElapsedTimer t;
        t.start();
        PeekReader reader(m_server.settings(), "big", 50);
        PeekRecorder rec(&reader);
        reader.start();
        QVERIFY(rec.waitFor([total](const PeekSnapshot& s) { return s.length == qint64(total); },
                            10000));
        const qint64 firstRowsMs = t.elapsed();
        QVERIFY(firstRowsMs < 10000); // generous: the target (< 1 s) is measured by bench.sh
        QCOMPARE(rec.last().head.value(0).payload, QByteArray("0"));
        QCOMPARE(rec.last().tail.last().index, qint64(total - 1));
        QCOMPARE(rec.last().tail.last().payload, QByteArray::number(total - 1));
        reader.showPage(5000000);
        QVERIFY(rec.waitFor([](const PeekSnapshot& s) { return s.pageStart == 5000000; }));
        QCOMPARE(rec.last().page.value(0).payload, QByteArray("5000000"));
        QVERIFY(rec.last().heldRows() <= 3 * 50);
        const qint64 rssAfter = rssKiB();
        qInfo("10M list: first rows after %lld ms; RSS %lld KiB before, %lld KiB after (+%lld)",
              firstRowsMs, rssBefore, rssAfter, rssAfter - rssBefore);
        QVERIFY(rssAfter - rssBefore < 100 * 1024);
        reader.stop();
        m_client->command({"DEL", "big"});
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestPeek)
#include "tst_peek.moc"
