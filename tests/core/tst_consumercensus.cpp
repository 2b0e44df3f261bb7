// ConsumerCensus against a real redis-server: the clients blocked in list pops (named workers,
// from CLIENT LIST), processing lists alive and orphaned, stream groups with their consumers —
// and that taking a census changes nothing on the server.
#include "BlockedWorker.h"
#include "CensusService.h"
#include "ClientListFields.h"
#include "Consumer.h"
#include "ConsumerCensus.h"
#include "QueueInspector.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace rqc;
using namespace rqc::test;

namespace {
constexpr int kTimeoutMs = 10000;

const QueueSnapshot::BlockedClient* findClient(const QueueSnapshot& s, const QByteArray& name)
{
    for (const auto& c : s.blockedListPops) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

qint64 dirty(SyncClient& client)
{
    const RedisReply r = client.command({"INFO", "persistence"});
    for (const QByteArray& line : r.str.split('\n')) {
        if (line.startsWith("rdb_changes_since_last_save:"))
            return line.mid(line.indexOf(':') + 1).trimmed().toLongLong();
    }
    return -1;
}
qint64 calls(SyncClient& client, const QByteArray& command)
{
    const RedisReply r = client.command({"INFO", "commandstats"});
    for (const QByteArray& line : r.str.split('\n')) {
        if (line.startsWith("cmdstat_" + command + ":calls="))
            return line.mid(line.indexOf('=') + 1).split(',').first().toLongLong();
    }
    return 0;
}
} // namespace

class TestConsumerCensus : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        m_client = std::make_unique<SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }

    void init() { m_client->command({"FLUSHALL"}); }

    void parsesBlockedListPopsFromClientList()
    {
        const QByteArray text =
            "id=3 addr=127.0.0.1:5001 laddr=127.0.0.1:6380 fd=8 name=worker-a age=9 idle=7 "
            "flags=b db=0 sub=0 psub=0 cmd=brpop user=default\n"
            "id=4 addr=127.0.0.1:5002 laddr=127.0.0.1:6380 fd=9 name= age=5 idle=5 flags=b db=0 "
            "cmd=blmove user=default\n"
            "id=5 addr=127.0.0.1:5003 fd=10 name=reader age=5 idle=5 flags=b db=0 cmd=xread\n"
            "id=6 addr=127.0.0.1:5004 fd=11 name=idle age=5 idle=5 flags=N db=0 cmd=brpop\n"
            "id=7 addr=127.0.0.1:5005 fd=12 name=lmpop age=1 idle=1 flags=b db=0 cmd=BLMPOP\n";
        const auto clients = blockedListPops(text);
        QCOMPARE(clients.size(), 3); // xread is no list pop; flags=N is not blocked
        QCOMPARE(clients[0].id, 3);
        QCOMPARE(clients[0].name, QByteArray("worker-a"));
        QCOMPARE(clients[0].addr, QByteArray("127.0.0.1:5001"));
        QCOMPARE(clients[0].cmd, QByteArray("brpop"));
        QCOMPARE(clients[0].idleS, 7);
        QCOMPARE(clients[1].name, QByteArray());
        QCOMPARE(clients[1].cmd, QByteArray("blmove"));
        QCOMPARE(clients[2].cmd, QByteArray("blmpop"));
    }

    void clientListFieldsOfOneLine()
    {
        // The one reader of CLIENT LIST lines that the watch, observe and the census share: a
        // field at the start, in the middle, at the end, empty, and one whose name ends another.
        const QByteArray line = "id=12 addr=127.0.0.1:5001 fd=8 name= age=9 omem=16384 "
                                "tot-mem=22400 user=default";
        QCOMPARE(clientListField(line, "id"), QByteArray("12"));
        QCOMPARE(clientListField(line, "addr"), QByteArray("127.0.0.1:5001"));
        QCOMPARE(clientListField(line, "mem"), QByteArray()); // not tot-mem's value
        QCOMPARE(clientListField(line, "omem"), QByteArray("16384"));
        QCOMPARE(clientListField(line, "user"), QByteArray("default"));
        QCOMPARE(clientListField(line, "name"), QByteArray());
        QCOMPARE(clientListField(line, "cmd"), QByteArray());
        const QHash<QByteArray, QByteArray> all = clientListFields(line + "\n");
        QCOMPARE(all.size(), 8);
        QCOMPARE(all.value("tot-mem"), QByteArray("22400"));
        QVERIFY(all.contains("name"));
        QCOMPARE(all.value("user"), QByteArray("default"));
    }

    void listsBlockedWorkersAndProcessingLists()
    {
        // The user's workers: one BRPOP on another list (CLIENT LIST does not say which), one
        // BLMOVE, and an XREAD reader that is no list pop.
        BlockedWorker a(m_server.settings(), "worker-a", {"BRPOP", "elsewhere", "0"});
        BlockedWorker b(m_server.settings(), "worker-b",
                        {"BLMOVE", "other", "other:processing:b", "RIGHT", "LEFT", "0"});
        BlockedWorker reader(m_server.settings(), "reader",
                             {"XREAD", "BLOCK", "0", "STREAMS", "somestream", "$"});
        QVERIFY(waitUntil([&] { return a.isBlocked(*m_client) && b.isBlocked(*m_client); }));
        QVERIFY(waitUntil([&] { return reader.isBlocked(*m_client); }));
        // A live reliable consumer holding one message, and an orphaned processing list.
        Consumer live(m_server.settings(),
                      makeSpec(Mode::Reliable, "jobs",
                               {{QStringLiteral("consumer"), QStringLiteral("rw1")},
                                {QStringLiteral("ack"), QStringLiteral("manual")}}));
        ConsumerRecorder rec(&live);
        live.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        m_client->command({"LPUSH", "jobs", "held"});
        QVERIFY(waitUntil([&] { return rec.messages.size() == 1; }));
        m_client->command({"RPUSH", "jobs:processing:gone", "left-behind"});

        ConsumerCensus census(m_server.settings(), "jobs");
        QSignalSpy spy(&census, &ConsumerCensus::updated);
        census.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        QueueSnapshot s = census.last();
        QVERIFY(s.clientsListed);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.kind, QueueSnapshot::Kind::Missing); // jobs itself is empty: no key
        QVERIFY(findClient(s, "worker-a"));
        QCOMPARE(findClient(s, "worker-a")->cmd, QByteArray("brpop"));
        QVERIFY(findClient(s, "worker-b"));
        QCOMPARE(findClient(s, "worker-b")->cmd, QByteArray("blmove"));
        QVERIFY(!findClient(s, "reader"));
        const auto processing = [&s](const QByteArray& consumer) {
            for (const auto& p : s.processing) {
                if (p.consumer == consumer)
                    return p;
            }
            return QueueSnapshot::ProcessingList();
        };
        QCOMPARE(processing("rw1").length, 1);
        QVERIFY(processing("rw1").alive);
        QCOMPARE(processing("gone").length, 1);
        QVERIFY(!processing("gone").alive);

        // The reliable consumer stops cleanly: its heartbeat goes, its message stays.
        QVERIFY(live.stopAndWait(3000));
        const qint64 before = dirty(*m_client);
        // One census at a time: a refresh while one is in flight adds none.
        census.refresh();
        QVERIFY(census.inFlight());
        census.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, kTimeoutMs);
        QVERIFY(!census.inFlight());
        s = census.last();
        QCOMPARE(processing("rw1").length, 1);
        QVERIFY(!processing("rw1").alive);
        // A census writes nothing, and the workers still wait.
        QCOMPARE(dirty(*m_client), before);
        QVERIFY(!a.answered() && !b.answered() && !reader.answered());
    }

    void idleConsumersShowAndTheKeyspaceIsNotWalkedEachTime()
    {
        // A live reliable consumer with nothing in flight has no processing list, only its
        // heartbeat.
        Consumer idle(m_server.settings(),
                      makeSpec(Mode::Reliable, "jobs",
                               {{QStringLiteral("consumer"), QStringLiteral("idle1")}}));
        ConsumerRecorder rec(&idle);
        idle.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        QVERIFY(waitUntil([&] {
            return m_client->command({"EXISTS", "jobs:processing:idle1:alive"}).integer;
        }));
        ConsumerCensus census(m_server.settings(), "jobs");
        QSignalSpy spy(&census, &ConsumerCensus::updated);
        census.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        QCOMPARE(census.last().processing.size(), 1);
        QCOMPARE(census.last().processing.first().consumer, QByteArray("idle1"));
        QVERIFY(census.last().processing.first().alive);
        QCOMPARE(census.last().processing.first().length, 0);
        // The next census re-reads what the walk found, without walking the keyspace again.
        const qint64 scans = calls(*m_client, "scan");
        QVERIFY(scans >= 1);
        QVERIFY(idle.stopAndWait(3000)); // a clean stop deletes the heartbeat
        census.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, kTimeoutMs);
        QCOMPARE(calls(*m_client, "scan"), scans);
        // Gone with nothing left behind: no consumer any more.
        QVERIFY(census.last().processing.isEmpty());
    }

    void aCompleteDiscoveryReplacesTheKeyspaceWalk()
    {
        m_client->command({"RPUSH", "jobs:processing:w9", "in-flight"});
        m_client->command({"RPUSH", "unrelated", "x"});
        const qint64 scans = calls(*m_client, "scan");
        ConsumerCensus census(m_server.settings(), "jobs");
        census.setKnownLists({"jobs:processing:w9", "unrelated"}, true);
        QSignalSpy spy(&census, &ConsumerCensus::updated);
        census.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        QCOMPARE(census.last().processing.size(), 1);
        QCOMPARE(census.last().processing.first().consumer, QByteArray("w9"));
        QCOMPARE(census.last().processing.first().length, 1);
        QCOMPARE(calls(*m_client, "scan"), scans);
        // A partial discovery does not: the census walks for itself (once).
        ConsumerCensus partial(m_server.settings(), "jobs");
        partial.setKnownLists({}, false);
        QSignalSpy partialSpy(&partial, &ConsumerCensus::updated);
        partial.start();
        QTRY_COMPARE_WITH_TIMEOUT(partialSpy.size(), 1, kTimeoutMs);
        QCOMPARE(partial.last().processing.size(), 1);
        QVERIFY(calls(*m_client, "scan") > scans);
    }

    void listsStreamGroupsAndConsumers()
    {
        m_client->command({"XADD", "events", "1-0", "message", "a"});
        m_client->command({"XADD", "events", "2-0", "message", "b"});
        m_client->command({"XADD", "events", "3-0", "message", "c"});
        m_client->command({"XGROUP", "CREATE", "events", "g", "0"});
        m_client->command(
            {"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "events", ">"});
        BlockedWorker c2(m_server.settings(), "stream-worker",
                         {"XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "BLOCK", "0", "STREAMS",
                          "events", ">"});
        QVERIFY(waitUntil([&] { return c2.answered(); })); // takes 3-0 at once
        const qint64 before = dirty(*m_client);
        ConsumerCensus census(m_server.settings(), "events");
        QSignalSpy spy(&census, &ConsumerCensus::updated);
        census.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        const QueueSnapshot s = census.last();
        QCOMPARE(s.kind, QueueSnapshot::Kind::Stream);
        QCOMPARE(s.groups.size(), 1);
        const auto& g = s.groups.first();
        QCOMPARE(g.name, QByteArray("g"));
        QCOMPARE(g.consumerCount, 2);
        QCOMPARE(g.pending, 3);
        QCOMPARE(g.consumers.size(), 2);
        QCOMPARE(g.consumers[0].name, QByteArray("c1"));
        QCOMPARE(g.consumers[0].pending, 2);
        QCOMPARE(g.consumers[1].name, QByteArray("c2"));
        QCOMPARE(g.consumers[1].pending, 1);
        QCOMPARE(dirty(*m_client), before);
    }

    // The server's one census service: many keys, one connection, each answer to its own key.
    void severalKeysShareOneConnection()
    {
        m_client->command({"RPUSH", "q1", "a"});
        m_client->command({"RPUSH", "q2", "a", "b"});
        m_client->command({"RPUSH", "q3", "a", "b", "c"});
        CensusService service(m_server.settings());
        std::vector<std::unique_ptr<ConsumerCensus>> handles;
        for (const QByteArray key : {"q1", "q2", "q3", "q1"})
            handles.push_back(std::make_unique<ConsumerCensus>(&service, key));
        for (auto& h : handles) {
            QVERIFY(h->sharesService());
            h->start();
        }
        for (auto& h : handles)
            QTRY_VERIFY_WITH_TIMEOUT(h->hasResult(), kTimeoutMs);
        for (auto& h : handles) {
            QCOMPARE(h->last().key, h->key());
            QCOMPARE(h->last().kind, QueueSnapshot::Kind::List);
            QVERIFY(h->last().clientsListed);
            QCOMPARE(h->last().length, h->key().right(1).toLongLong());
        }
        QCOMPARE(inspectClients(), 1);
        // A private census (a pane on its own) has a connection of its own.
        ConsumerCensus own(m_server.settings(), "q2");
        QSignalSpy spy(&own, &ConsumerCensus::updated);
        own.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        QVERIFY(!own.sharesService());
        QCOMPARE(inspectClients(), 2);
    }

    // A key asked for while it waits is not queued twice; one CLIENT LIST serves a whole round.
    void requestsAreDeduplicatedPerKeyAndShareAClientList()
    {
        CensusWorker worker(m_server.settings(),
                            true); // on this thread: the order is deterministic
        QSignalSpy ready(&worker, &CensusWorker::censusReady);
        QSignalSpy rounds(&worker, &CensusWorker::roundStarted);
        // Asked before the connection is up: all wait for it.
        worker.request("a");
        worker.request("b");
        worker.request("a");
        worker.request("b");
        const qint64 clientLists = calls(*m_client, "client|list");
        worker.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, kTimeoutMs);
        QCOMPARE(rounds.size(), 1);
        QCOMPARE(rounds.first().first().toInt(), 2);
        QCOMPARE(calls(*m_client, "client|list"), clientLists + 1);
        QCOMPARE(ready[0].first().value<QueueSnapshot>().key, QByteArray("a"));
        QCOMPARE(ready[1].first().value<QueueSnapshot>().key, QByteArray("b"));
        // Answers come in order: had "a" or "b" been queued again, it would come before "c".
        worker.request("c");
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 3, kTimeoutMs);
        QCOMPARE(ready[2].first().value<QueueSnapshot>().key, QByteArray("c"));
        QCOMPARE(rounds.size(), 2);
        worker.stop();
    }

    // The keyspace walk for a key's processing lists is kept once per server: a second pane on
    // the same key (through the same service) does not walk again.
    void theKeyspaceWalkIsOncePerServer()
    {
        m_client->command({"RPUSH", "jobs:processing:w1", "x"});
        CensusService service(m_server.settings());
        ConsumerCensus first(&service, "jobs");
        QSignalSpy firstSpy(&first, &ConsumerCensus::updated);
        first.start();
        QTRY_COMPARE_WITH_TIMEOUT(firstSpy.size(), 1, kTimeoutMs);
        const qint64 scans = calls(*m_client, "scan");
        QVERIFY(scans >= 1);
        ConsumerCensus second(&service, "jobs");
        QSignalSpy secondSpy(&second, &ConsumerCensus::updated);
        second.start();
        QTRY_COMPARE_WITH_TIMEOUT(secondSpy.size(), 1, kTimeoutMs);
        QCOMPARE(second.last().processing.size(), 1);
        QCOMPARE(second.last().processing.first().consumer, QByteArray("w1"));
        QCOMPARE(calls(*m_client, "scan"), scans);
    }

    void aSessionCensusNeverWalksABigKeyspace()
    {
        // A session's census (discovery is the ServerMonitor's) walks a keyspace itself only
        // while it is small; past 100 000 keys it reads what discovery handed over, nothing more.
        m_client->command({"FLUSHALL"});
        m_client->command({"RPUSH", "big:processing:w1", "x"});
        QVERIFY(m_client->pipeline(100001, [](quint64 i, QByteArray& out) {
            appendCommand(out, {"SET", "filler:" + QByteArray::number(i), "v"});
        }));
        QVERIFY(m_client->command({"DBSIZE"}).integer > 100000);
        const qint64 scans = calls(*m_client, "scan");
        CensusService service(m_server.settings(), false);
        ConsumerCensus census(&service, "big");
        QSignalSpy spy(&census, &ConsumerCensus::updated);
        census.start();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 1, kTimeoutMs);
        QCOMPARE(calls(*m_client, "scan"), scans); // no walk of its own
        QCOMPARE(census.last().processing.size(), 0);
        // What discovery found is read (and named) without a walk.
        census.setKnownLists({"big:processing:w1"}, false);
        census.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, kTimeoutMs);
        QCOMPARE(census.last().processing.size(), 1);
        QCOMPARE(census.last().processing.first().consumer, QByteArray("w1"));
        QCOMPARE(calls(*m_client, "scan"), scans);
        m_client->command({"FLUSHALL"});
    }

private:
    int inspectClients()
    {
        int n = 0;
        const QByteArray list = m_client->command({"CLIENT", "LIST"}).str;
        for (const QByteArray& line : list.split('\n'))
            n += line.contains(" name=rqconsole:inspect") ? 1 : 0;
        return n;
    }

    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestConsumerCensus)
#include "tst_consumercensus.moc"
