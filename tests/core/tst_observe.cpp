// Integration tests for mode observe (ObserveWorker over MONITOR or keyspace notifications)
// against a real redis-server, with real named workers (rq_worker_helper processes) whose own
// logs say who took what.
#include "Consumer.h"
#include "ObserveWorker.h"
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace rqc;
using rqc::test::waitUntil;

namespace {
// One named worker process and what it said it took.
struct Worker {
    QByteArray name;
    std::unique_ptr<QProcess> process;
    QByteArray buffer;
    QList<QByteArray> took; // payloads, in order

    ~Worker()
    {
        if (process) {
            process->kill();
            process->waitForFinished(3000);
        }
    }

    void read()
    {
        buffer += process->readAllStandardOutput();
        qsizetype nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            const QByteArray line = buffer.left(nl);
            buffer.remove(0, nl + 1);
            if (line.startsWith("TOOK "))
                took.append(QByteArray::fromHex(line.mid(5).split(' ').first()));
        }
    }
};

std::unique_ptr<Worker> startWorker(const SandboxServer& server, const QByteArray& name,
                                    const QString& mode, const QByteArray& queue)
{
    auto w = std::make_unique<Worker>();
    w->name = name;
    w->process = std::make_unique<QProcess>();
    w->process->start(
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("rq_worker_helper")),
        {QStringLiteral("127.0.0.1"), QString::number(server.port()), QString::fromUtf8(name), mode,
         QString::fromUtf8(queue)});
    return w;
}

bool isObserve(const Message& m, Observation::Kind kind)
{
    return m.observed && m.observed->kind == kind;
}

qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

// Whether the name before " (addr)" in an observed consumer is `name`.
bool names(const QByteArray& consumer, const QByteArray& name)
{
    return consumer == name || consumer.startsWith(name + " (");
}

// The observer said it skipped MONITOR lines to catch up (more than 2 s behind: by design, and
// seen only on a loaded sanitizer build): then not every row can be there.
bool fellBehind(const QStringList& notices)
{
    for (const QString& n : notices) {
        if (n.contains(QStringLiteral("fell more than")))
            return true;
    }
    return false;
}
} // namespace

class TestObserve : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        SandboxServer::Options o;
        // A user that may do everything but MONITOR.
        o.extraArgs = {QStringLiteral("--user"),
                       QStringLiteral("nomonitor on >pw ~* &* +@all -monitor")};
        RQ_START_SERVER_WITH(m_server, o);
    }

    // Two BRPOPs, then LPUSH A B: the first blocked client gets A, the second B (REFERENCES.md).
    // MONITOR shows neither take; the observer infers both, and says they are inferred.
    void blockedClientsServedFirstComeFirstServed()
    {
        test::SyncClient c(m_server.settings());
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, "fcfs"));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        auto first = startWorker(m_server, "first", QStringLiteral("brpop"), "fcfs");
        QTRY_VERIFY(c.command({"CLIENT", "LIST"}).str.contains("name=first "));
        QTRY_VERIFY(c.command({"CLIENT", "LIST"}).str.contains("flags=b"));
        auto second = startWorker(m_server, "second", QStringLiteral("brpop"), "fcfs");
        QTRY_COMPARE_WITH_TIMEOUT(c.command({"CLIENT", "LIST"}).str.count("flags=b"), 2,
                                  test::scaled(5000));
        c.command({"LPUSH", "fcfs", "A", "B"});
        QTRY_VERIFY((first->read(), second->read(), first->took.size() + second->took.size()) == 2);
        QCOMPARE(first->took, QList<QByteArray>{"A"});
        QCOMPARE(second->took, QList<QByteArray>{"B"});
        QTRY_COMPARE(std::count_if(
                         rec.messages.cbegin(), rec.messages.cend(),
                         [](const Message& m) { return isObserve(m, Observation::Kind::Consume); }),
                     2);
        for (const Message& m : std::as_const(rec.messages)) {
            if (!isObserve(m, Observation::Kind::Consume))
                continue;
            QVERIFY2(names(m.observed->consumer, m.payload == "A" ? "first" : "second"),
                     m.observed->consumer.constData());
            QVERIFY(!m.observed->certain);
            QVERIFY2(m.observed->producer.contains("rqconsole:test"),
                     m.observed->producer.constData());
            QCOMPARE(m.observed->command, QByteArray("BRPOP"));
        }
    }

    // A client that names itself after the observer has read the client list is named, not
    // shown by its address (seen under ASan: a worker connects, then sends CLIENT SETNAME).
    void aClientNamedLateIsNamed()
    {
        test::SyncClient c(m_server.settings());
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, "late"));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        test::SyncClient w(m_server.settings());
        const QByteArray id = QByteArray::number(w.command({"CLIENT", "ID"}).integer);
        // The observer sees w's address (its LPUSH) and reads the client list: no name yet.
        w.command({"LPUSH", "late", "first"});
        QTRY_VERIFY_WITH_TIMEOUT(rec.messages.size() >= 1, test::scaled(5000));
        QTest::qWait(300); // past the observer's shortest pause between two CLIENT LISTs
        QVERIFY(w.command({"CLIENT", "SETNAME", "late-worker"}).isStatus("OK"));
        QVERIFY(c.command({"CLIENT", "LIST", "ID", id}).str.contains("name=late-worker "));
        QCOMPARE(w.command({"RPOP", "late"}).str, QByteArray("first"));
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(rec.messages.cbegin(), rec.messages.cend(),
                        [](const Message& m) { return isObserve(m, Observation::Kind::Consume); }),
            test::scaled(5000));
        for (const Message& m : std::as_const(rec.messages)) {
            if (isObserve(m, Observation::Kind::Consume))
                QVERIFY2(names(m.observed->consumer, "late-worker"),
                         m.observed->consumer.constData());
        }
    }

    // The headline: three BRPOP workers and one reliable-list worker at about 1 000 msgs/s;
    // >= 99 % of observed takes name the worker that really took the message (from the workers'
    // own logs), and every one that does not says it is uncertain.
    void attributionMatchesWorkersLogs()
    {
        const QByteArray queue = "jobs";
        const int total = 3000;
        test::SyncClient c(m_server.settings());
        QStringList notices; // before the observer, which may emit while it stops
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, queue));
        test::ConsumerRecorder rec(&observer);
        connect(&observer, &Consumer::notice, this, [&](const QString& t) { notices << t; });
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        std::vector<std::unique_ptr<Worker>> workers;
        workers.push_back(startWorker(m_server, "w1", QStringLiteral("brpop"), queue));
        workers.push_back(startWorker(m_server, "w2", QStringLiteral("brpop"), queue));
        workers.push_back(startWorker(m_server, "w3", QStringLiteral("brpop"), queue));
        workers.push_back(startWorker(m_server, "r1", QStringLiteral("reliable"), queue));
        QTRY_COMPARE(c.command({"CLIENT", "LIST"}).str.count("flags=b"), 4);

        // About 1 000 messages a second, five every 5 ms, each its own LPUSH.
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < total; i += 5) {
            QList<QList<QByteArray>> cmds;
            for (int j = i; j < i + 5; ++j)
                cmds << QList<QByteArray>{"LPUSH", queue, "job-" + QByteArray::number(j)};
            c.pipeline(cmds);
            while (clock.elapsed() < test::scaled(i)) // pacing, slower in sanitizer builds
                QTest::qWait(1);
        }
        const auto takenByWorkers = [&] {
            qsizetype n = 0;
            for (auto& w : workers) {
                w->read();
                n += w->took.size();
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(takenByWorkers(), qsizetype(total), 30000);
        QHash<QByteArray, QByteArray> truth;
        for (auto& w : workers) {
            for (const QByteArray& p : std::as_const(w->took))
                truth.insert(p, w->name);
        }
        QCOMPARE(truth.size(), total);

        QHash<QByteArray, const Message*> seen;
        const auto observedTakes = [&] {
            seen.clear();
            for (const Message& m : std::as_const(rec.messages)) {
                if (isObserve(m, Observation::Kind::Consume) && truth.contains(m.payload))
                    seen.insert(m.payload, &m);
            }
            return seen.size();
        };
        if (!QTest::qWaitFor([&] { return observedTakes() == total; }, 20000) &&
            fellBehind(notices))
            QSKIP(qPrintable(notices.join(QLatin1Char('|'))));
        QCOMPARE(observedTakes(), qsizetype(total));
        int right = 0;
        int certain = 0;
        int wrongButUncertain = 0;
        for (auto it = truth.cbegin(); it != truth.cend(); ++it) {
            const Observation& o = *seen.value(it.key())->observed;
            if (o.certain)
                ++certain;
            if (names(o.consumer, it.value())) {
                ++right;
            } else {
                QVERIFY2(!o.certain, qPrintable(QStringLiteral("%1 taken by %2, observed as %3 "
                                                               "and claimed certain")
                                                    .arg(QString::fromUtf8(it.key()),
                                                         QString::fromUtf8(it.value()),
                                                         QString::fromUtf8(o.consumer))));
                ++wrongButUncertain;
            }
        }
        qInfo("attribution: %d of %d right (%.2f %%), %d certain, %d wrong and marked inferred",
              right, total, 100.0 * right / total, certain, wrongButUncertain);
        QVERIFY2(right * 100 >= total * 99, qPrintable(QString::number(right)));
        // The reliable worker's takes are confirmed by its acks on its processing list.
        QVERIFY(certain > 0);
        // Nothing taken by the observer: every message went to a worker.
        QCOMPARE(c.command({"LLEN", queue}).integer, 0);
    }

    // The console's own reliable consumer (BLMOVE, then Lua scripts that take batches and ack by
    // trimming its processing list) beside a plain BRPOP worker: every take is attributed right,
    // and the reliable ones are certain once the processing list they landed in says so.
    void consolesOwnReliableConsumerIsAttributed()
    {
        const QByteArray queue = "jobs2";
        const int total = 1500;
        test::SyncClient c(m_server.settings());
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, queue));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        auto brpop = startWorker(m_server, "plain", QStringLiteral("brpop"), queue);
        QProcess console;
        console.start(QDir(QCoreApplication::applicationDirPath())
                          .filePath(QStringLiteral("rq_consume_helper")),
                      {m_server.url(), QStringLiteral("reliable:jobs2,consumer=c9")});
        QVERIFY2(console.waitForStarted(), qPrintable(console.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(c.command({"CLIENT", "LIST"}).str.count("flags=b"), 2,
                                  test::scaled(5000));
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < total; i += 10) {
            QList<QList<QByteArray>> cmds;
            for (int j = i; j < i + 10; ++j)
                cmds << QList<QByteArray>{"LPUSH", queue, "r-" + QByteArray::number(j)};
            c.pipeline(cmds);
            while (clock.elapsed() < test::scaled(i)) // pacing, slower in sanitizer builds
                QTest::qWait(1);
        }
        QHash<QByteArray, QByteArray> truth;
        QByteArray consoleOut;
        const auto taken = [&] {
            brpop->read();
            consoleOut += console.readAllStandardOutput();
            truth.clear();
            for (const QByteArray& p : std::as_const(brpop->took))
                truth.insert(p, "plain");
            for (const QByteArray& line : consoleOut.split('\n')) {
                if (line.startsWith("GOT "))
                    truth.insert(line.split(' ').value(3), "rqconsole:reliable");
            }
            return truth.size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(taken(), qsizetype(total), 30000);
        QHash<QByteArray, const Message*> seen;
        const auto observed = [&] {
            seen.clear();
            for (const Message& m : std::as_const(rec.messages)) {
                if (isObserve(m, Observation::Kind::Consume) && truth.contains(m.payload))
                    seen.insert(m.payload, &m);
            }
            return seen.size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(observed(), qsizetype(total), 20000);
        int right = 0;
        int reliableCertain = 0;
        int reliable = 0;
        for (auto it = truth.cbegin(); it != truth.cend(); ++it) {
            const Observation& o = *seen.value(it.key())->observed;
            const bool ok = o.consumer.startsWith(it.value());
            right += ok;
            QVERIFY2(ok || !o.certain, it.key().constData());
            if (it.value() != "plain") {
                ++reliable;
                reliableCertain += o.certain;
            }
        }
        qInfo("console reliable consumer: %d of %d right, %d of %d reliable takes certain", right,
              total, reliableCertain, reliable);
        QVERIFY(right * 100 >= total * 99);
        QVERIFY(reliable > 0);
        QVERIFY(reliableCertain * 100 >= reliable * 99);
        console.kill();
        console.waitForFinished(3000);
    }

    // Streams are exact: XADD * ids are resolved from a side connection (XREVRANGE at a marked
    // point of the MONITOR stream, never a group read), and each XACK names the consumer of the
    // acking client's XREADGROUP.
    void streamAcksNameTheirConsumer()
    {
        const QByteArray stream = "events";
        const int total = 1000;
        test::SyncClient c(m_server.settings());
        QStringList notices; // before the observer, which may emit while it stops
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, stream));
        test::ConsumerRecorder rec(&observer);
        connect(&observer, &Consumer::notice, this, [&](const QString& t) { notices << t; });
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        std::vector<std::unique_ptr<Worker>> workers;
        workers.push_back(startWorker(m_server, "s1", QStringLiteral("stream"), stream));
        workers.push_back(startWorker(m_server, "s2", QStringLiteral("stream"), stream));
        QTRY_COMPARE_WITH_TIMEOUT(c.command({"CLIENT", "LIST"}).str.count("flags=b"), 2,
                                  test::scaled(5000));
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < total; i += 5) {
            QList<QList<QByteArray>> cmds;
            for (int j = i; j < i + 5; ++j)
                cmds << QList<QByteArray>{"XADD", stream, "*", "message",
                                          "e-" + QByteArray::number(j)};
            c.pipeline(cmds);
            while (clock.elapsed() < test::scaled(i)) // pacing, slower in sanitizer builds
                QTest::qWait(1);
        }
        QHash<QByteArray, QByteArray> truth; // payload -> worker
        const auto taken = [&] {
            truth.clear();
            for (auto& w : workers) {
                w->read();
                for (const QByteArray& p : std::as_const(w->took))
                    truth.insert(p, w->name);
            }
            return truth.size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(taken(), qsizetype(total), test::scaled(30000));
        QHash<QByteArray, const Message*> acks;
        const auto observed = [&] {
            acks.clear();
            for (const Message& m : std::as_const(rec.messages)) {
                if (isObserve(m, Observation::Kind::Ack) && truth.contains(m.payload))
                    acks.insert(m.payload, &m);
            }
            return acks.size();
        };
        if (!QTest::qWaitFor([&] { return observed() == total; }, test::scaled(20000)) &&
            fellBehind(notices))
            QSKIP(qPrintable(notices.join(QLatin1Char('|'))));
        QCOMPARE(observed(), qsizetype(total));
        for (auto it = truth.cbegin(); it != truth.cend(); ++it) {
            const Message& m = *acks.value(it.key());
            QVERIFY2(names(m.observed->consumer, it.value()), m.observed->consumer.constData());
            QVERIFY(m.observed->certain);
            QVERIFY(!m.id.isEmpty());
            QVERIFY2(m.observed->producer.startsWith("rqconsole:test"),
                     m.observed->producer.constData());
        }
        // The produce rows carry the ids Redis made.
        int withId = 0;
        for (const Message& m : std::as_const(rec.messages))
            withId += isObserve(m, Observation::Kind::Produce) && !m.id.isEmpty();
        QCOMPARE(withId, total);
        // Reading ids never joined the group: only the two workers are its consumers.
        QCOMPARE(c.command({"XINFO", "CONSUMERS", stream, "g"}).elements.size(), 2);
    }

    // A pop the observer does not model (BLMPOP) makes its picture of the list drift; its
    // periodic length check finds that and takes a fresh snapshot, after which takes are right
    // again.
    void driftIsFoundAndRepaired()
    {
        test::SyncClient c(m_server.settings());
        c.command({"RPUSH", "drift", "a", "b", "c"});
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, "drift"));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        c.command({"LPUSH", "drift", "marker"});
        QTRY_VERIFY(!rec.messages.isEmpty()); // the snapshot is in
        QCOMPARE(c.command({"BLMPOP", "0", "1", "drift", "RIGHT"})
                     .elements.value(1)
                     .elements.value(0)
                     .str,
                 QByteArray("c"));
        // The model still holds "c" on the right; the server does not.
        int round = 0;
        QByteArray lastPopped;
        const auto rightAgain = [&] {
            c.command({"LPUSH", "drift", "probe-" + QByteArray::number(++round)});
            lastPopped = c.command({"RPOP", "drift"}).str;
            return waitUntil(
                [&] {
                    for (const Message& m : std::as_const(rec.messages)) {
                        if (m.observed && m.observed->kind == Observation::Kind::Consume &&
                            m.payload == lastPopped && m.observed->takenMs)
                            return true;
                    }
                    return false;
                },
                500);
        };
        // Without the check every probe would be misattributed for ever (one element off).
        QTRY_VERIFY_WITH_TIMEOUT(rightAgain(), 15000);
    }

    // Observing changes nothing: the list holds what it held, in order.
    void observerTakesNothing()
    {
        test::SyncClient c(m_server.settings());
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < 200; ++i)
            cmds << QList<QByteArray>{"RPUSH", "kept", QByteArray::number(i)};
        cmds << QList<QByteArray>{"RPUSH", "kept", QByteArray("\x00\xff\r\n\"", 5)};
        c.pipeline(cmds);
        const RedisReply before = c.command({"LRANGE", "kept", "0", "-1"});
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, "kept"));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        c.command({"LPUSH", "kept", QByteArray("new\x01", 4)});
        QTRY_VERIFY(!rec.messages.isEmpty());
        QCOMPARE(rec.messages.first().payload, QByteArray("new\x01", 4)); // binary, exact
        QVERIFY(isObserve(rec.messages.first(), Observation::Kind::Produce));
        QVERIFY(rec.messages.first().observed->clientName.startsWith("rqconsole:test"));
        observer.stopAndWait(3000);
        const RedisReply after = c.command({"LRANGE", "kept", "0", "-1"});
        QCOMPARE(after.elements.size(), before.elements.size() + 1);
        for (qsizetype i = 0; i < before.elements.size(); ++i)
            QCOMPARE(after.elements[i + 1].str, before.elements[i].str);
    }

    // A user without +monitor: the pane shows Redis's own refusal.
    void monitorDeniedByAcl()
    {
        ConnectionSettings s = m_server.settings();
        s.user = "nomonitor";
        s.password = "pw";
        Consumer observer(s, test::makeSpec(Mode::Observe, "q"));
        test::ConsumerRecorder rec(&observer);
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Failed));
        QVERIFY(!rec.errors.isEmpty());
        QVERIFY2(rec.errors.last().contains(QLatin1String("NOPERM")) &&
                     rec.errors.last().contains(QLatin1String("monitor")),
                 qPrintable(rec.errors.last()));
    }

    // source=events with notifications off says so (with the CONFIG SET that would turn them
    // on) and never turns them on itself; once they are on, events show without payload or
    // client.
    void eventsSourceSaysWhenNotificationsAreOff()
    {
        test::SyncClient c(m_server.settings());
        c.command({"CONFIG", "SET", "notify-keyspace-events", ""});
        Consumer observer(m_server.settings(),
                          test::makeSpec(Mode::Observe, "evq",
                                         {{QStringLiteral("source"), QStringLiteral("events")}}));
        test::ConsumerRecorder rec(&observer);
        QStringList notices;
        connect(&observer, &Consumer::notice, this, [&](const QString& t) { notices << t; });
        observer.start();
        QTRY_VERIFY(!notices.isEmpty());
        QVERIFY2(notices.join(QLatin1Char(' '))
                     .contains(QLatin1String("CONFIG SET notify-keyspace-events")),
                 qPrintable(notices.join(QLatin1Char('|'))));
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        QCOMPARE(c.command({"CONFIG", "GET", "notify-keyspace-events"}).elements.value(1).str,
                 QByteArray()); // still off: the console did not touch it
        c.command({"CONFIG", "SET", "notify-keyspace-events", "Kl"});
        c.command({"LPUSH", "evq", "x"});
        QTRY_VERIFY(!rec.messages.isEmpty());
        const Message& m = rec.messages.first();
        QVERIFY(m.observed);
        QCOMPARE(m.observed->command, QByteArray("lpush"));
        QCOMPARE(m.observed->kind, Observation::Kind::Produce);
        QVERIFY(m.payload.isEmpty());
        QVERIFY(m.observed->clientAddr.isEmpty());
        QVERIFY(!m.observed->certain);
        c.command({"CONFIG", "SET", "notify-keyspace-events", ""});
    }

    // An observer that cannot keep up skips lines, counts them and says why; its memory stays
    // bounded while the server floods it.
    void fallingBehindDropsVisiblyAndStaysBounded()
    {
        test::SyncClient c(m_server.settings());
        Consumer observer(m_server.settings(), test::makeSpec(Mode::Observe, "flood"));
        test::ConsumerRecorder rec(&observer);
        QStringList notices;
        connect(&observer, &Consumer::notice, this, [&](const QString& t) { notices << t; });
        observer.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        const qint64 rssBefore = rssKiB();
        ObserveWorker::setLineCostForTest(500); // 2 000 lines/s at most
        const QByteArray payload(200, 'p');
        QVERIFY(c.pipeline(
            60000,
            [&](quint64, QByteArray& out) {
                appendCommand(out, {"LPUSH", "flood", payload});
            },
            1000, 4));
        const auto skipped = [&] {
            for (const QString& n : std::as_const(notices)) {
                if (n.contains(QLatin1String("skipped")))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(skipped(), 60000);
        ObserveWorker::setLineCostForTest(0);
        const qint64 rssAfter = rssKiB();
        qInfo("rss before %lld KiB, after %lld KiB, rows %lld", rssBefore, rssAfter,
              qint64(rec.messages.size()));
        QVERIFY(rec.messages.size() < 60000); // some were dropped, not all shown
        QVERIFY2(rssAfter - rssBefore < 200 * 1024, qPrintable(QString::number(rssAfter)));
        c.command({"DEL", "flood"});
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestObserve)
#include "tst_observe.moc"
