// A server that is a replica (or loading) is named as such, and nothing consumes or publishes
// there: consuming panes are refused with the reason, read-only ones still work. Against a real
// master and a real --replicaof replica on loopback.
#include "Consumer.h"
#include "Publisher.h"
#include "ServerRole.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestReplica : public QObject {
    Q_OBJECT
private:
    SandboxServer m_master;
    SandboxServer m_replica;
    std::unique_ptr<SyncClient> m_client;

    QString masterAddress() const { return QStringLiteral("127.0.0.1:%1").arg(m_master.port()); }

private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_master);
        SandboxServer::Options ro;
        ro.extraArgs = {QStringLiteral("--replicaof"),
                        QStringLiteral("127.0.0.1 %1").arg(m_master.port())};
        RQ_START_SERVER_WITH(m_replica, ro);
        m_client = std::make_unique<SyncClient>(m_master.settings());
        QVERIFY(waitUntil([&] { return m_client->command({"WAIT", "1", "100"}).integer == 1; }));
    }
    void cleanupTestCase() { m_client.reset(); }

    void roleFromRealServers()
    {
        SyncClient replica(m_replica.settings());
        const ServerRole fromRole = ServerRole::fromRoleReply(replica.command({"ROLE"}));
        QVERIFY(fromRole.known && fromRole.replica);
        QCOMPARE(fromRole.masterAddress(), masterAddress());
        const ServerRole fromInfo =
            ServerRole::fromInfo(replica.command({"INFO", "replication"}).str + '\n' +
                                 replica.command({"INFO", "persistence"}).str);
        QVERIFY(fromInfo.replica && fromInfo.readOnly && !fromInfo.loading);
        QCOMPARE(fromInfo.masterPort, int(m_master.port()));
        QVERIFY(fromInfo.notice().contains(masterAddress()));
        QVERIFY(fromInfo.notice().contains(QStringLiteral("read-only")));
        QVERIFY(fromInfo.consumeRefusal().contains(
            QStringLiteral("replica of %1; consuming here would fail or diverge — connect to the "
                           "master")
                .arg(masterAddress())));

        const ServerRole master = ServerRole::fromRoleReply(m_client->command({"ROLE"}));
        QVERIFY(master.known && !master.replica);
        QVERIFY(master.notice().isEmpty() && master.consumeRefusal().isEmpty());
        // A loading server says so (INFO persistence while an RDB loads).
        QVERIFY(ServerRole::fromInfo("# Persistence\r\nloading:1\r\n")
                    .notice()
                    .contains(QStringLiteral("loading")));
    }

    void writableReplicaIsNamed()
    {
        SyncClient replica(m_replica.settings());
        replica.command({"CONFIG", "SET", "replica-read-only", "no"});
        ServerRoleCheck check;
        QSignalSpy spy(&check, &ServerRoleCheck::checked);
        check.check(m_replica.settings());
        QVERIFY(spy.wait(5000));
        const auto role = spy.first().first().value<ServerRole>();
        replica.command({"CONFIG", "SET", "replica-read-only", "yes"});
        QVERIFY(role.replica && !role.readOnly);
        QVERIFY(role.notice().contains(QStringLiteral("writable")));
        // Writable or not, consuming there is refused: what is taken would diverge.
        QVERIFY(!role.consumeRefusal().isEmpty());

        check.check(m_master.settings());
        QVERIFY(spy.wait(5000));
        QVERIFY(!spy.last().first().value<ServerRole>().replica);
    }

    void consumingPanesAreRefusedOnAReplica_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("list") << QStringLiteral("list:rq");
        QTest::newRow("reliable") << QStringLiteral("reliable:rq,ack=manual,consumer=c");
        QTest::newRow("stream") << QStringLiteral("stream:rs,group=g,ack=manual,consumer=c");
    }
    void consumingPanesAreRefusedOnAReplica()
    {
        QFETCH(QString, spec);
        m_client->command({"LPUSH", "rq", "keep"});
        m_client->command({"XADD", "rs", "*", "message", "keep"});
        m_client->command({"WAIT", "1", "1000"});
        ConsumerSpec s;
        QString error;
        QVERIFY(ConsumerSpec::parse(spec, &s, &error));
        Consumer consumer(m_replica.settings(), s);
        ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Failed, scaled(5000)));
        QVERIFY2(rec.errors.join(QLatin1Char('\n'))
                     .contains(QStringLiteral("replica of %1; consuming here would fail or diverge")
                                   .arg(masterAddress())),
                 qPrintable(rec.errors.join(QLatin1Char('\n'))));
        QVERIFY(!rec.errors.join(QLatin1Char('\n')).contains(QStringLiteral("READONLY")));
        QVERIFY(rec.messages.isEmpty());
        QVERIFY(consumer.stopAndWait());
        // Nothing was taken anywhere.
        QCOMPARE(m_client->command({"LLEN", "rq"}).integer, 1);
        QCOMPARE(m_client->command({"EXISTS", "rq:processing:c"}).integer, 0);
        m_client->command({"DEL", "rq", "rs"});
    }

    void readOnlyPanesWorkOnAReplica()
    {
        // tail (XREAD) and pub/sub read what the master writes, through the replica.
        Consumer tail(m_replica.settings(), makeSpec(Mode::Tail, "ts"));
        ConsumerRecorder trec(&tail);
        Consumer sub(m_replica.settings(), makeSpec(Mode::PubSub, "ch"));
        ConsumerRecorder srec(&sub);
        tail.start();
        sub.start();
        QVERIFY(trec.waitForState(ConsumerState::Listening));
        QVERIFY(srec.waitForState(ConsumerState::Listening));
        m_client->command({"XADD", "ts", "*", "message", "hello"});
        QVERIFY(waitUntil([&] {
            m_client->command({"PUBLISH", "ch", "news"});
            return !srec.messages.isEmpty();
        }));
        QVERIFY(waitUntil([&] { return !trec.messages.isEmpty(); }));
        QCOMPARE(trec.messages.first().payload, QByteArray("hello"));
        QCOMPARE(srec.messages.first().payload, QByteArray("news"));
        QVERIFY(!trec.sawState(ConsumerState::Failed) && !srec.sawState(ConsumerState::Failed));
    }

    void publishingIsRefusedOnAReplica()
    {
        Publisher pub(m_replica.settings());
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        pub.send(PublisherWorker::Command::LPush, "pq", "x", 3);
        QVERIFY(failed.wait(5000));
        const QString text = failed.first().at(1).toString();
        QVERIFY2(text.contains(QStringLiteral("replica of %1").arg(masterAddress())),
                 qPrintable(text));
        QCOMPARE(m_client->command({"EXISTS", "pq"}).integer, 0);

        // The master takes it.
        Publisher onMaster(m_master.settings());
        QSignalSpy sent(&onMaster, &Publisher::sent);
        onMaster.start();
        onMaster.send(PublisherWorker::Command::LPush, "pq", "x", 3);
        QVERIFY(sent.wait(5000));
        QCOMPARE(m_client->command({"LLEN", "pq"}).integer, 3);
    }
};

QTEST_GUILESS_MAIN(TestReplica)
#include "tst_replica.moc"
