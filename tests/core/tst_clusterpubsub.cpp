// Pub/sub in a three-master Redis Cluster: plain PUBLISH reaches a subscriber on any node (Redis
// broadcasts it cluster-wide); a sharded subscription (spubsub:CHANNEL, SSUBSCRIBE) goes to the
// node that serves the channel's slot and follows the slot when it moves, reporting the gap.
#include "ClusterMap.h"
#include "ClusterSupport.h"
#include "Consumer.h"
#include "Publisher.h"
#include "TestSupport.h"

#include <QSignalSpy>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestClusterPubSub : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_CLUSTER(m_cluster); }
    void init() { ClusterRouting::reset(); }
    void cleanupTestCase() { m_cluster.stop(); }

    void specAndUrl()
    {
        ConsumerSpec spec;
        QString error;
        QVERIFY2(ConsumerSpec::parse(QStringLiteral("spubsub:orders.events"), &spec, &error),
                 qPrintable(error));
        QCOMPARE(spec.mode, Mode::SPubSub);
        QCOMPARE(spec.toString(), QStringLiteral("spubsub:orders.events"));
        QVERIFY(!ConsumerSpec::consumes(Mode::SPubSub));
        QVERIFY(!ConsumerSpec::parse(QStringLiteral("spubsub:c,ack=manual"), &spec, &error));
        QCOMPARE(ConsumerSpec::modeLabel(Mode::SPubSub), QStringLiteral("Sharded Pub/Sub"));
        ConnectionSettings s;
        QVERIFY(ConnectionSettings::parse(QStringLiteral("redis://127.0.0.1:7000/0?cluster=1"), &s,
                                          &error));
        QVERIFY(s.cluster);
        QVERIFY(s.displayUrl().contains(QLatin1String("cluster=1")));
        ConnectionSettings back;
        QVERIFY(ConnectionSettings::parse(s.displayUrl(), &back, &error));
        QCOMPARE(back, s);
        QVERIFY(!ConnectionSettings::fromUrl(QStringLiteral("redis://127.0.0.1:7000")).cluster);
    }

    void plainPubSubIsClusterWide()
    {
        Consumer c(m_cluster.settings(0), makeSpec(Mode::PubSub, "news"));
        ConsumerRecorder rec(&c);
        c.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        // Published on another node: the cluster bus carries it to every node (PUBLISH answers
        // only its own node's subscribers, hence 0 here).
        QCOMPARE(m_cluster.command(2, {"PUBLISH", "news", "hello"}).integer, qint64(0));
        QTRY_COMPARE(rec.messages.size(), 1);
        QCOMPARE(rec.messages.first().payload, QByteArray("hello"));
        QVERIFY(c.stopAndWait());
    }

    void shardedSubscriptionFollowsItsSlot()
    {
        const QByteArray channel = m_cluster.keyOnNode("shard-ch:", 1);
        const int slot = ClusterMap::keySlot(channel);
        // Given node 0: SSUBSCRIBE there answers MOVED, and the pane goes to node 1.
        Consumer c(m_cluster.settings(0), makeSpec(Mode::SPubSub, channel));
        ConsumerRecorder rec(&c);
        c.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        // Publishes until one reaches a subscriber (each publish is a message: counted once).
        int reached = 0;
        QVERIFY(waitUntil([&] {
            return (reached += int(m_cluster.command(1, {"SPUBLISH", channel, "one"}).integer)) > 0;
        }));
        QTRY_COMPARE(rec.messages.size(), 1);
        QCOMPARE(rec.messages.first().payload, QByteArray("one"));
        QCOMPARE(rec.messages.first().source, channel);
        // The slot moves to node 2: node 1 ends the subscription, the pane follows.
        QString e;
        QVERIFY2(m_cluster.migrateSlot(slot, 1, 2, &e), qPrintable(e));
        QVERIFY(waitUntil([&] {
            return (reached += int(m_cluster.command(2, {"SPUBLISH", channel, "two"}).integer)) > 1;
        }));
        QTRY_COMPARE(rec.messages.size(), 2);
        QCOMPARE(rec.messages.last().payload, QByteArray("two"));
        // The gap was reported as pub/sub gaps are.
        QVERIFY(!rec.lostReasons.isEmpty());
        QVERIFY2(rec.lostReasons.join(QLatin1Char('\n')).contains(QLatin1String("moved")),
                 qPrintable(rec.lostReasons.join(QLatin1Char('\n'))));
        QTRY_VERIFY(!rec.restoredNotes.isEmpty());
        QCOMPARE(ClusterRouting::forKey(m_cluster.settings(0), channel).port, m_cluster.port(2));
        QVERIFY(c.stopAndWait());
        QVERIFY2(m_cluster.migrateSlot(slot, 2, 1, &e), qPrintable(e));
    }

    // One publisher (given node 0) serves panes on keys of every node: LPUSH goes to the list's
    // node (after one MOVED, then from the table), SPUBLISH to the channel's.
    void publisherGoesToTheKeysNode()
    {
        const QByteArray list = m_cluster.keyOnNode("pub-list:", 2);
        const QByteArray other = m_cluster.keyOnNode("pub-list:", 1);
        const QByteArray channel = m_cluster.keyOnNode("pub-ch:", 1);
        Consumer sub(m_cluster.settings(2), makeSpec(Mode::SPubSub, channel));
        ConsumerRecorder rec(&sub);
        sub.start();
        QVERIFY(rec.waitForState(ConsumerState::Listening));
        Publisher pub(m_cluster.settings(0));
        QSignalSpy sent(&pub, &Publisher::sent);
        QSignalSpy failed(&pub, &Publisher::requestFailed);
        pub.start();
        const qint64 a = pub.send(PublisherWorker::Command::LPush, list, "x", 50);
        const qint64 b = pub.send(PublisherWorker::Command::LPush, other, "y", 3);
        const qint64 c = pub.send(PublisherWorker::Command::SPublish, channel, "z");
        const qint64 d = pub.send(PublisherWorker::Command::LPush, list, "w", 2);
        QTRY_COMPARE(sent.size(), 4);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().value(1).toString()));
        const QList<qint64> ids{a, b, c, d};
        const QList<quint64> counts{50, 3, 1, 2};
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(sent[i][0].toLongLong(), ids[i]);
            QCOMPARE(sent[i][1].toULongLong(), counts[i]);
        }
        QCOMPARE(sent[2][2].toLongLong(), qint64(1)); // SPUBLISH reached the one subscriber
        QCOMPARE(m_cluster.command(2, {"LLEN", list}).integer, qint64(52));
        QCOMPARE(m_cluster.command(1, {"LLEN", other}).integer, qint64(3));
        QTRY_COMPARE(rec.messages.size(), 1);
        QCOMPARE(rec.messages.first().payload, QByteArray("z"));
        QVERIFY(pub.stopAndWait());
        QVERIFY(sub.stopAndWait());
    }

private:
    ClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(TestClusterPubSub)
#include "tst_clusterpubsub.moc"
