// Stopping a consumer whose blocking command waits on another node of a Redis Cluster: sent on
// there by -ASK (over the connection's side connection to the importing node) or by -MOVED
// routing. CLIENT UNBLOCK must reach the node where the command is blocked, so that the stop is
// as quick and as clean as on a single server (the last acks and the heartbeat's release are
// sent) instead of waiting out the block or the stop deadline. And the side connections an -ASK
// opens close once idle.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "Consumer.h"
#include "RedisConnection.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterStop : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    void stopReleasesACommandSentOnByAsk_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("list BRPOP") << QStringLiteral("list");
        QTest::newRow("stream XREADGROUP") << QStringLiteral("stream");
    }
    // The slot of the key is migrating from node 1 to node 2 and the key is not on node 1: node 1
    // answers the blocking read -ASK, the connection sends it on to node 2 after ASKING, and it
    // blocks there (10 s). A stop must end it with CLIENT UNBLOCK on node 2. (A reliable list's
    // BLMOVE cannot block there: Redis answers a two-key command TRYAGAIN on the importing node
    // while one of its keys is missing, and BLMOVE blocks only on a missing queue.)
    void stopReleasesACommandSentOnByAsk()
    {
        QFETCH(QString, mode);
        const int from = 1, to = 2;
        const QByteArray key = m_cluster.keyOnNode("stop-" + mode.toUtf8() + ':', from);
        const int slot = ClusterMap::keySlot(key);
        QString e;
        if (mode == QLatin1String("stream"))
            QVERIFY(m_cluster.keyCommand({"XGROUP", "CREATE", key, "g", "$", "MKSTREAM"})
                        .isStatus("OK"));
        QVERIFY2(m_cluster.beginMigration(slot, from, to, &e), qPrintable(e));
        if (mode == QLatin1String("stream")) { // the stream (and its group) moves to node 2
            const RedisReply moved = m_cluster.command(
                from, {"MIGRATE", "127.0.0.1", QByteArray::number(m_cluster.port(to)), key, "0",
                       "10000"});
            QVERIFY2(moved.isStatus("OK"), moved.toDebugString().constData());
        }
        ConnectionSettings s = m_cluster.settings(from);
        s.cluster = true;
        s.healthMs = 30000; // blocking reads wait 10 s
        QCOMPARE(s.blockMs(), qint64(10000));
        const QString spec = mode == QLatin1String("stream")
                                 ? QStringLiteral("stream:%1,group=g,consumer=c")
                                 : QStringLiteral("list:%1");
        Consumer c(s, parseSpec(spec.arg(QString::fromUtf8(key))));
        PreciseRecorder rec(&c);
        c.start();
        // Blocked on node 2, on the console's side connection there.
        QVERIFY2(waitUntil([&] { return blockedAskClients(to) == 1; }, scaled(20000)),
                 clientList(to).constData());
        const qint64 unblocksBefore = unblocks(to);
        QElapsedTimer stopping;
        stopping.start();
        QVERIFY(c.stopAndWait(scaled(15000)));
        const qint64 stopMs = stopping.elapsed();
        qInfo("%s: stopped in %lld ms (block 10000 ms)", qPrintable(mode), stopMs);
        // A correctness bound, not a speed figure: well before the 10 s block would have ended.
        QVERIFY2(stopMs < 5000, qPrintable(QString::number(stopMs)));
        QVERIFY2(rec.errors.isEmpty(), qPrintable(rec.errors.join(QLatin1Char('\n'))));
        // Released by CLIENT UNBLOCK on the node where it was blocked.
        QVERIFY(unblocks(to) > unblocksBefore);
        QCOMPARE(blockedAskClients(to), 0);
        if (mode == QLatin1String("stream")) {
            // A clean stop: the heartbeat was released (the stop deadline skips that).
            const QByteArray heartbeat = '{' + key + "}:alive:g:c";
            SyncClient target(m_cluster.settings(to));
            const QList<RedisReply> r = target.pipeline({{"ASKING"}, {"EXISTS", heartbeat}});
            QCOMPARE(r.value(1).integer, qint64(0));
        }
        QVERIFY2(m_cluster.endMigration(slot, from, to, &e), qPrintable(e));
    }

    // A consumer on a stale map (node 0 believed to serve the key) is answered -MOVED and follows
    // the key to node 1, where its BRPOP blocks: the stop unblocks it there.
    void stopReleasesACommandThatFollowedMoved()
    {
        const QByteArray key = m_cluster.keyOnNode("stop-moved:", 1);
        ClusterMap stale;
        QString e;
        QVERIFY(ClusterMap::fromSlots(m_cluster.command(0, {"CLUSTER", "SLOTS"}),
                                      QStringLiteral("127.0.0.1"), &stale, &e));
        stale.setOwner(ClusterMap::keySlot(key), QStringLiteral("127.0.0.1"), m_cluster.port(0));
        ClusterRouting::learn(m_cluster.settings(0), stale);
        ConnectionSettings s = m_cluster.settings(0);
        s.cluster = true;
        s.healthMs = 30000;
        Consumer c(s, parseSpec(QStringLiteral("list:") + QString::fromUtf8(key)));
        ConsumerRecorder rec(&c);
        c.start();
        QVERIFY2(waitUntil([&] { return blockedClients(1, "rqconsole:list") == 1; }, scaled(20000)),
                 clientList(1).constData());
        const qint64 unblocksBefore = unblocks(1);
        QElapsedTimer stopping;
        stopping.start();
        QVERIFY(c.stopAndWait(scaled(15000)));
        QVERIFY2(stopping.elapsed() < 5000, qPrintable(QString::number(stopping.elapsed())));
        QVERIFY(unblocks(1) > unblocksBefore);
    }

    // A side connection opened to follow -ASK closes once it has been idle for a while (5 s);
    // a later -ASK opens a new one and is followed as before.
    void idleAskSideConnectionCloses()
    {
        const int from = 0, to = 1;
        const QByteArray key = m_cluster.keyOnNode("idle-ask:", from);
        const int slot = ClusterMap::keySlot(key);
        QVERIFY(m_cluster.keyCommand({"SET", key, "v"}).isStatus("OK"));
        QString e;
        QVERIFY2(m_cluster.beginMigration(slot, from, to, &e), qPrintable(e));
        const RedisReply moved =
            m_cluster.command(from, {"MIGRATE", "127.0.0.1", QByteArray::number(m_cluster.port(to)),
                                     key, "0", "10000"});
        QVERIFY2(moved.isStatus("OK"), moved.toDebugString().constData());
        ConnectionSettings s = m_cluster.settings(from);
        s.cluster = true;
        RedisConnection conn(s, QStringLiteral("idle-test"));
        QSignalSpy ready(&conn, &RedisConnection::ready);
        conn.open();
        QVERIFY(ready.wait(scaled(10000)));
        const auto get = [&] {
            RedisReply got;
            bool done = false;
            conn.send({"GET", key}, [&](const RedisReply& r) {
                got = r;
                done = true;
            });
            return waitUntil([&] { return done; }, scaled(10000)) ? got : RedisReply();
        };
        QCOMPARE(get().str, QByteArray("v"));
        QCOMPARE(clients(to, "rqconsole:ask"), 1);
        const qint64 firstId = clientIds(to, "rqconsole:ask").value(0);
        // Idle: closed after about 5 s (and not at once).
        QTest::qWait(1000);
        QCOMPARE(clients(to, "rqconsole:ask"), 1);
        QVERIFY2(waitUntil([&] { return clients(to, "rqconsole:ask") == 0; }, scaled(15000)),
                 clientList(to).constData());
        QVERIFY(conn.isReady());
        // The next ASK opens a new side connection.
        QCOMPARE(get().str, QByteArray("v"));
        QCOMPARE(clients(to, "rqconsole:ask"), 1);
        QVERIFY(clientIds(to, "rqconsole:ask").value(0) != firstId);
        conn.close();
        QVERIFY2(m_cluster.endMigration(slot, from, to, &e), qPrintable(e));
    }

private:
    QByteArray clientList(int node) { return m_cluster.command(node, {"CLIENT", "LIST"}).str; }
    // Lines of CLIENT LIST for clients named name.
    QList<QByteArray> clientLines(int node, const QByteArray& name)
    {
        QList<QByteArray> out;
        for (const QByteArray& line : clientList(node).split('\n')) {
            if (line.contains(" name=" + name)) // the name, or a name it begins
                out << line;
        }
        return out;
    }
    int clients(int node, const QByteArray& name) { return int(clientLines(node, name).size()); }
    QList<qint64> clientIds(int node, const QByteArray& name)
    {
        QList<qint64> ids;
        for (const QByteArray& line : clientLines(node, name))
            ids << line.mid(3, line.indexOf(' ') - 3).toLongLong(); // "id=N addr=…"
        return ids;
    }
    // Clients named name blocked in a command (flags=b).
    int blockedClients(int node, const QByteArray& name)
    {
        int n = 0;
        for (const QByteArray& line : clientLines(node, name)) {
            const qsizetype at = line.indexOf(" flags=");
            const QByteArray flags = line.mid(at + 7, line.indexOf(' ', at + 7) - at - 7);
            n += flags.contains('b') ? 1 : 0;
        }
        return n;
    }
    int blockedAskClients(int node) { return blockedClients(node, "rqconsole:ask"); }
    // Calls of CLIENT UNBLOCK node i has answered (INFO commandstats).
    qint64 unblocks(int node)
    {
        const RedisReply r = m_cluster.command(node, {"INFO", "commandstats"});
        const QByteArray field = "cmdstat_client|unblock:calls=";
        const qsizetype at = r.str.indexOf(field);
        if (at < 0)
            return 0;
        const qsizetype from = at + field.size();
        return r.str.mid(from, r.str.indexOf(',', from) - from).toLongLong();
    }

    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterStop)
#include "tst_clusterstop.moc"
