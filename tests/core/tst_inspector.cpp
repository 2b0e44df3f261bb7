// QueueInspector against a real redis-server: snapshots of reliable lists (processing lists,
// alive or orphaned) and streams (groups, consumers, pending, lag), dead letters, and the
// Recover / Claim / Requeue actions — including two inspectors recovering at once.
#include "Consumer.h"
#include "LuaScript.h"
#include "QueueInspector.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QSet>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

namespace {
struct InspectorRecorder {
    QObject ctx;
    QList<QueueSnapshot> snapshots;
    QList<RecoveryReport> actions;
    explicit InspectorRecorder(QueueInspector* inspector)
    {
        QObject::connect(inspector, &QueueInspector::snapshotReady, &ctx,
                         [this](const QueueSnapshot& s) { snapshots.append(s); });
        QObject::connect(inspector, &QueueInspector::actionFinished, &ctx,
                         [this](const RecoveryReport& r) { actions.append(r); });
    }
    std::optional<RecoveryReport> action(qint64 id) const
    {
        for (const RecoveryReport& r : actions) {
            if (r.requestId == id)
                return r;
        }
        return std::nullopt;
    }
    const QueueSnapshot& last() const { return snapshots.last(); }
};

InspectorOptions manualOnly()
{
    InspectorOptions o;
    o.intervalMs = 0; // snapshots on request and after actions only
    return o;
}

const QueueSnapshot::ProcessingList* findList(const QueueSnapshot& s, const QByteArray& consumer)
{
    for (const auto& p : s.processing) {
        if (p.consumer == consumer)
            return &p;
    }
    return nullptr;
}
} // namespace

class TestInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }
    void init() { m_client->command({"FLUSHALL"}); }
    void cleanupTestCase() { m_client.reset(); }

    void reliableListSnapshotAndRecover()
    {
        produceList(*m_client, "q", 5);
        Consumer live(m_server.settings(),
                      parseSpec(QStringLiteral("reliable:q,ack=manual,consumer=live")));
        PreciseRecorder lrec(&live);
        live.start();
        QTRY_COMPARE(lrec.messages.size(), 5);
        // An orphaned processing list (its consumer died long ago) and a dead letter.
        m_client->command({"LPUSH", "q:processing:gone", "o1", "o2"});
        m_client->command({"LPUSH", "q:dead", "bad"});

        QueueInspector inspector(m_server.settings(), "q", manualOnly());
        InspectorRecorder rec(&inspector);
        inspector.start();
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        const QueueSnapshot s = rec.last();
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.kind, QueueSnapshot::Kind::Missing); // the queue itself is empty (no key)
        QCOMPARE(s.length, 0);
        QCOMPARE(s.processing.size(), 2);
        const auto* alive = findList(s, "live");
        QVERIFY(alive);
        QVERIFY(alive->alive);
        QVERIFY(alive->heartbeatTtlMs > 0);
        QVERIFY(alive->heartbeat.contains("pid"));
        QCOMPARE(alive->length, 5);
        QCOMPARE(alive->head.size(), 5);
        const auto* gone = findList(s, "gone");
        QVERIFY(gone);
        QVERIFY(!gone->alive);
        QCOMPARE(gone->length, 2);
        QCOMPARE(s.deadKey, QByteArray("q:dead"));
        QCOMPARE(s.deadLength, 1);
        QCOMPARE(s.deadSample.value(0).payload, QByteArray("bad"));

        // Recover: the orphaned list goes back to the queue; the live one is left alone. The live
        // consumer (blocked on the queue) gets the two, counted.
        const int before = int(rec.snapshots.size());
        const qint64 id = inspector.recover();
        QTRY_VERIFY(rec.action(id).has_value());
        QVERIFY(rec.action(id)->error.isEmpty());
        QCOMPARE(rec.action(id)->requeued, 2);
        QCOMPARE(rec.action(id)->listsOrphaned, 1);
        QTRY_COMPARE(lrec.messages.size(), 7);
        QCOMPARE(lrec.messages[5].payload, QByteArray("o1")); // oldest first
        QCOMPARE(lrec.messages[5].deliveryCount, 2);
        QTRY_VERIFY(rec.snapshots.size() > before); // a snapshot follows each action
        QTRY_VERIFY((inspector.refresh(), findList(rec.last(), "gone") == nullptr));
    }

    void racingInspectorsRecoverEachMessageOnce()
    {
        const int lists = 50, per = 200;
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < lists; ++i) {
            QList<QByteArray> argv{"LPUSH", "r:processing:x" + QByteArray::number(i)};
            for (int j = 0; j < per; ++j)
                argv << QByteArray::number(i) + "/" + QByteArray::number(j);
            cmds << argv;
        }
        m_client->pipeline(cmds);
        QueueInspector a(m_server.settings(), "r", manualOnly());
        QueueInspector b(m_server.settings(), "r", manualOnly());
        InspectorRecorder ra(&a), rb(&b);
        a.start();
        b.start();
        QTRY_VERIFY(!ra.snapshots.isEmpty() && !rb.snapshots.isEmpty());
        const qint64 ia = a.recover();
        const qint64 ib = b.recover();
        QTRY_VERIFY(ra.action(ia).has_value() && rb.action(ib).has_value());
        qInfo("inspector a moved %lld, b moved %lld", ra.action(ia)->requeued,
              rb.action(ib)->requeued);
        QCOMPARE(ra.action(ia)->requeued + rb.action(ib)->requeued, qint64(lists * per));
        const RedisReply all = m_client->command({"LRANGE", "r", "0", "-1"});
        QSet<QByteArray> distinct;
        for (const RedisReply& e : all.elements)
            distinct.insert(e.str);
        QCOMPARE(all.elements.size(), lists * per);
        QCOMPARE(distinct.size(), lists * per);
        for (const RedisReply& v : m_client->command({"HVALS", "r:deliveries"}).elements)
            QCOMPARE(v.str, QByteArray("1"));
    }

    void requeueDeadList()
    {
        // Dead-lettered in this order: d0 first (oldest, at the right end of the dead list).
        m_client->command({"LPUSH", "dq:dead", "d0", "d1", "d2"});
        m_client->command({"HSET", "dq:deliveries", QByteArray(sha1Hex("d1")), "5"});
        m_client->command({"LPUSH", "dq", "waiting"});
        QueueInspector inspector(m_server.settings(), "dq", manualOnly());
        InspectorRecorder rec(&inspector);
        inspector.start();
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        QCOMPARE(rec.last().deadLength, 3);
        const qint64 one = inspector.requeueDead({"d1"});
        QTRY_VERIFY(rec.action(one).has_value());
        QCOMPARE(rec.action(one)->requeued, 1);
        QCOMPARE(m_client->command({"HLEN", "dq:deliveries"}).integer, 0); // count reset
        const qint64 all = inspector.requeueDead();
        QTRY_VERIFY(rec.action(all).has_value());
        QCOMPARE(rec.action(all)->requeued, 2);
        QCOMPARE(m_client->command({"LLEN", "dq:dead"}).integer, 0);
        // Consuming end (right): d1 (requeued first, goes next), then d0, d2, then "waiting".
        QList<QByteArray> order;
        for (const RedisReply& e : m_client->command({"LRANGE", "dq", "0", "-1"}).elements)
            order.prepend(e.str);
        QCOMPARE(order, (QList<QByteArray>{"d0", "d2", "d1", "waiting"}));
    }

    void streamSnapshotClaimAndRequeue()
    {
        produceStream(*m_client, "s", 5);
        m_client->command({"XGROUP", "CREATE", "s", "g", "0"});
        // A dead consumer holding 3 entries.
        m_client->command({"XREADGROUP", "GROUP", "g", "ghost", "COUNT", "3", "STREAMS", "s", ">"});
        // A live rqconsole consumer holding the other 2, which dead-letters one of them.
        Consumer live(m_server.settings(),
                      parseSpec(QStringLiteral("stream:s,group=g,consumer=live,ack=manual")));
        PreciseRecorder lrec(&live);
        live.start();
        QTRY_COMPARE(lrec.messages.size(), 2);
        const qint64 dl = live.deadLetter({lrec.messages[0]});
        QTRY_VERIFY(lrec.settle(dl).has_value());

        QueueInspector inspector(m_server.settings(), "s", manualOnly());
        InspectorRecorder rec(&inspector);
        inspector.start();
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        QueueSnapshot s = rec.last();
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.kind, QueueSnapshot::Kind::Stream);
        QCOMPARE(s.length, 5);
        QCOMPARE(s.groups.size(), 1);
        const QueueSnapshot::StreamGroup& g = s.groups[0];
        QCOMPARE(g.name, QByteArray("g"));
        QCOMPARE(g.pending, 4);
        QCOMPARE(g.lag, 0);
        QCOMPARE(g.consumers.size(), 2);
        for (const auto& c : g.consumers) {
            if (c.name == "ghost") {
                QCOMPARE(c.pending, 3);
                QVERIFY(!c.heartbeat);
            } else {
                QCOMPARE(c.name, QByteArray("live"));
                QCOMPARE(c.pending, 1);
                QVERIFY(c.heartbeat);
            }
        }
        QCOMPARE(g.oldestPending.size(), 4);
        QCOMPARE(g.oldestPending[0].consumer, QByteArray("ghost"));
        QCOMPARE(g.oldestPending[0].deliveries, 1);
        QVERIFY(!g.oldestPending[0].deleted);
        QCOMPARE(s.deadLength, 1);
        QCOMPARE(s.deadSample.value(0).payload, lrec.messages[0].payload);

        // An entry deleted while pending is shown as such.
        m_client->command({"XDEL", "s", g.oldestPending[0].id});
        inspector.refresh();
        QTRY_VERIFY(!rec.last().groups.isEmpty() &&
                    rec.last().groups[0].oldestPending.size() == 4 &&
                    rec.last().groups[0].oldestPending[0].deleted);
        QVERIFY(!rec.last().groups[0].oldestPending[1].deleted);

        // Claim ghost's entries to another owner without counting a delivery.
        const qint64 cl = inspector.claim("g", "adopter", 0);
        QTRY_VERIFY(rec.action(cl).has_value());
        QVERIFY(rec.action(cl)->error.isEmpty());
        QCOMPARE(rec.action(cl)->requeued, 3);       // minidle 0: live's pending entry too
        QCOMPARE(rec.action(cl)->trimmed.size(), 1); // the deleted one leaves the PEL
        const RedisReply pel = m_client->command({"XPENDING", "s", "g", "-", "+", "10"});
        for (const RedisReply& p : pel.elements) {
            QCOMPARE(p.elements[1].str, QByteArray("adopter"));
            QCOMPARE(p.elements[3].integer, 1);
        }

        // Requeue the dead entry: back into the stream as a new entry the group reads.
        const QByteArray deadId = rec.last().deadSample.value(0).id;
        const qint64 rq = inspector.requeueDead({deadId});
        QTRY_VERIFY(rec.action(rq).has_value());
        QCOMPARE(rec.action(rq)->requeued, 1);
        QCOMPARE(m_client->command({"XLEN", "s:dead"}).integer, 0);
        QTRY_COMPARE(lrec.messages.size(), 3);
        QCOMPARE(lrec.messages[2].payload, lrec.messages[0].payload);
        QCOMPARE(lrec.messages[2].fields, lrec.messages[0].fields); // origin fields stripped
        QVERIFY(lrec.messages[2].id != lrec.messages[0].id);
    }

    void otherTypesAndStop()
    {
        m_client->command({"SET", "plain", "x"});
        QueueInspector inspector(m_server.settings(), "plain", manualOnly());
        InspectorRecorder rec(&inspector);
        inspector.start();
        QTRY_VERIFY(!rec.snapshots.isEmpty());
        QCOMPARE(rec.last().kind, QueueSnapshot::Kind::Other);
        inspector.stop();
        const qint64 id = inspector.recover();
        QTRY_VERIFY(rec.action(id).has_value());
        QVERIFY(!rec.action(id)->error.isEmpty());
    }

private:
    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestInspector)
#include "tst_inspector.moc"
