#include "Consumer.h"
#include "ServerMonitor.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

namespace {

const ServerSnapshot::Key* findKey(const QList<ServerSnapshot::Key>& keys, const QByteArray& name)
{
    for (const auto& k : keys) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

const ServerSnapshot::Channel* findChannel(const ServerSnapshot& s, const QByteArray& name)
{
    for (const auto& c : s.channels) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

template <typename List> bool sortedByName(const List& items)
{
    for (qsizetype i = 1; i < items.size(); ++i) {
        if (!(items[i - 1].name < items[i].name))
            return false;
    }
    return true;
}

} // namespace

class TestServerMonitor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void findsListsStreamsAndChannels()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        c.command({"FLUSHALL"});
        c.command({"RPUSH", "queue2", "a"});
        c.command({"RPUSH", "queue1", "a", "b", "c"});
        c.command({"RPUSH", QByteArray("bin\0key\xff", 8), "x"});
        c.command({"XADD", "events", "*", "f", "1"});
        c.command({"XADD", "events", "*", "f", "2"});
        c.command({"HSET", "ahash", "f", "v"});
        c.command({"SET", "astring", "v"});

        ConsumerSpec spec;
        spec.mode = Mode::PubSub;
        spec.target = "alerts";
        Consumer sub1(m_server.settings(), spec);
        Consumer sub2(m_server.settings(), spec);
        sub1.start();
        sub2.start();
        QTRY_COMPARE(c.command({"PUBSUB", "NUMSUB", "alerts"}).elements.value(1).integer, 2);

        ServerMonitor monitor(m_server.settings(),
                              60000); // refreshes only when asked, after the first
        QSignalSpy connected(&monitor, &ServerMonitor::connected);
        QSignalSpy errors(&monitor, &ServerMonitor::errorOccurred);
        ServerSnapshot last;
        int snapshots = 0;
        connect(&monitor, &ServerMonitor::snapshotReady, this, [&](const ServerSnapshot& s) {
            last = s;
            ++snapshots;
        });
        monitor.start();
        QVERIFY(connected.wait(5000));
        QVERIFY(!connected[0][0].toString().isEmpty());
        QTRY_COMPARE(snapshots, 1);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));

        QCOMPARE(last.serverVersion, connected[0][0].toString());
        QVERIFY(last.takenAtMs > 0);
        QVERIFY(!last.truncated);
        QVERIFY(last.errors.isEmpty());
        QCOMPARE(last.lists.size(), 3);
        QVERIFY(sortedByName(last.lists));
        QCOMPARE(last.lists[0].name, QByteArray("bin\0key\xff", 8)); // binary names survive
        QCOMPARE(last.lists[0].length, 1);
        QCOMPARE(last.lists[1].name, QByteArray("queue1"));
        QCOMPARE(last.lists[1].length, 3);
        QCOMPARE(last.lists[2].name, QByteArray("queue2"));
        QCOMPARE(last.lists[2].length, 1);
        QCOMPARE(last.streams.size(), 1);
        QCOMPARE(last.streams[0].name, QByteArray("events"));
        QCOMPARE(last.streams[0].length, 2);
        QVERIFY(!findKey(last.lists, "ahash") && !findKey(last.streams, "ahash"));
        QVERIFY(!findKey(last.lists, "astring"));
        const ServerSnapshot::Channel* alerts = findChannel(last, "alerts");
        QVERIFY(alerts);
        QCOMPARE(alerts->subscribers, 2);
        QVERIFY(sortedByName(last.channels));

        // refreshNow: a new list, a longer list, a deleted list and a subscriber gone.
        c.command({"RPUSH", "queue3", "z"});
        c.command({"RPUSH", "queue1", "d"});
        c.command({"DEL", "queue2"});
        QVERIFY(sub2.stopAndWait());
        QTRY_COMPARE(c.command({"PUBSUB", "NUMSUB", "alerts"}).elements.value(1).integer, 1);
        monitor.refreshNow();
        QTRY_COMPARE(snapshots, 2);
        QVERIFY(findKey(last.lists, "queue3"));
        QCOMPARE(findKey(last.lists, "queue1")->length, 4);
        QVERIFY(!findKey(last.lists, "queue2"));
        QCOMPARE(findChannel(last, "alerts")->subscribers, 1);

        // Everything gone.
        QVERIFY(sub1.stopAndWait());
        c.command({"FLUSHALL"});
        QTRY_COMPARE(c.command({"PUBSUB", "NUMSUB", "alerts"}).elements.value(1).integer, 0);
        monitor.refreshNow();
        QTRY_COMPARE(snapshots, 3);
        QVERIFY(last.lists.isEmpty());
        QVERIFY(last.streams.isEmpty());
        QVERIFY(!findChannel(last, "alerts"));
        monitor.stop();
    }

    void refreshesOnItsInterval()
    {
        test::SyncClient c(m_server.settings());
        c.command({"RPUSH", "ticking", "1"});
        ServerMonitor monitor(m_server.settings(), 150);
        QList<qint64> lengths;
        connect(&monitor, &ServerMonitor::snapshotReady, this, [&](const ServerSnapshot& s) {
            const ServerSnapshot::Key* k = findKey(s.lists, "ticking");
            lengths << (k ? k->length : 0);
        });
        monitor.start();
        QTRY_VERIFY(lengths.size() >= 1);
        c.command({"RPUSH", "ticking", "2"});
        // No refreshNow: the timer picks the change up.
        QTRY_VERIFY(!lengths.isEmpty() && lengths.last() == 2);
        c.command({"DEL", "ticking"});
    }

    void capsAndSaysTruncated()
    {
        test::SyncClient c(m_server.settings());
        c.command({"FLUSHALL"});
        QList<QList<QByteArray>> cmds;
        for (int i = 0; i < 30; ++i) {
            cmds.append({"RPUSH", "many:" + QByteArray::number(i), "x"});
            if (i < 3)
                cmds.append({"XADD", "stream:" + QByteArray::number(i), "*", "f", "v"});
        }
        c.pipeline(cmds);
        ServerMonitor monitor(m_server.settings(), 60000);
        monitor.setKeyLimit(10);
        QSignalSpy snaps(&monitor, &ServerMonitor::snapshotReady);
        monitor.start();
        QVERIFY(snaps.wait(5000));
        const auto s = snaps[0][0].value<ServerSnapshot>();
        QCOMPARE(s.keyLimit, 10);
        QCOMPARE(s.lists.size(), 10);
        QVERIFY(s.listsTruncated);
        QVERIFY(s.truncated);
        QCOMPARE(s.streams.size(), 3);
        QVERIFY(!s.streamsTruncated);
        c.command({"FLUSHALL"});
    }

    void connectionRefusedThenReconnect()
    {
        SandboxServer server;
        RQ_START_SERVER(server);
        const ConnectionSettings settings = server.settings();
        ServerMonitor monitor(settings, 60000);
        QSignalSpy connected(&monitor, &ServerMonitor::connected);
        QSignalSpy lost(&monitor, &ServerMonitor::connectionLost);
        QSignalSpy errors(&monitor, &ServerMonitor::errorOccurred);
        QSignalSpy snaps(&monitor, &ServerMonitor::snapshotReady);
        monitor.start();
        QVERIFY(connected.wait(5000));
        QTRY_COMPARE(snaps.size(), 1);
        server.stop();
        QTRY_COMPARE(lost.size(), 1);
        QTRY_VERIFY(!errors.isEmpty());
        const int errorsWhileDown = int(errors.size());
        QTest::qWait(400); // several retries: the same error is not repeated
        QVERIFY(errors.size() <= errorsWhileDown + 1);
        QString error;
        QVERIFY2(server.restart(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, 10000);
        QTRY_COMPARE(snaps.size(), 2);
    }

    void refusedServerReportsError()
    {
        ConnectionSettings s;
        s.port = SandboxServer::freeLoopbackPort();
        ServerMonitor monitor(s, 60000);
        QSignalSpy errors(&monitor, &ServerMonitor::errorOccurred);
        monitor.start();
        QVERIFY(errors.wait(5000));
        QVERIFY2(errors[0][0].toString().contains(QLatin1String("refused"), Qt::CaseInsensitive),
                 qPrintable(errors[0][0].toString()));
        monitor.stop();
    }

    void namesItsConnectionAdmin()
    {
        ServerMonitor monitor(m_server.settings(), 60000);
        QSignalSpy connected(&monitor, &ServerMonitor::connected);
        monitor.start();
        QVERIFY(connected.wait(5000));
        test::SyncClient c(m_server.settings());
        const QByteArray clients = c.command({"CLIENT", "LIST"}).str;
        QVERIFY2(clients.contains("name=rqconsole:admin "), clients.constData());
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestServerMonitor)
#include "tst_servermonitor.moc"
