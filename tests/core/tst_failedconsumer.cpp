// A consumer that failed (WRONGTYPE) is not consuming: it holds no heartbeat key and no
// connection named as a consumer (issue 9, defect 6), against a real redis-server.
#include "Consumer.h"
#include "TestSupport.h"
#include "helpers/PreciseSupport.h"

#include <QTest>

using namespace rqc;
using namespace rqc::test;

class TestFailedConsumer : public QObject {
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

    void failedStreamGroupReleasesItsName()
    {
        checkReleased(QStringLiteral("stream:k,heartbeat=600"));
    }
    void failedReliableListReleasesItsName()
    {
        checkReleased(QStringLiteral("reliable:k,heartbeat=600"));
    }
    void failedListConsumerKeepsNoNamedConnection() { checkReleased(QStringLiteral("list:k")); }

private:
    // Heartbeat keys: <processing>:alive (ReliableRecovery::heartbeatKey) and
    // <stream>:alive:<group>:<consumer> (StreamGroupConsumer::heartbeatKey).
    QList<QByteArray> aliveKeys()
    {
        QList<QByteArray> keys;
        for (const RedisReply& k : m_client->command({"KEYS", "*:alive*"}).elements)
            keys << k.str;
        return keys;
    }
    // Clients named rqconsole:<role>… other than this test's own client.
    QStringList consumerClients()
    {
        QStringList names;
        const QString list = QString::fromUtf8(m_client->command({"CLIENT", "LIST"}).str);
        for (const QString& line : list.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            for (const QString& field : line.split(QLatin1Char(' '))) {
                if (field.startsWith(QLatin1String("name=rqconsole:")) &&
                    field != QLatin1String("name=rqconsole:test"))
                    names << field.mid(5);
            }
        }
        return names;
    }

    void checkReleased(const QString& specText)
    {
        QCOMPARE(m_client->command({"SET", "k", "a string"}).str, QByteArray("OK"));
        Consumer consumer(m_server.settings(), parseSpec(specText));
        ConsumerRecorder rec(&consumer);
        consumer.start();
        QVERIFY(rec.waitForState(ConsumerState::Failed));
        QVERIFY2(rec.errors.join(QLatin1Char('\n')).contains(QLatin1String("WRONGTYPE")),
                 qPrintable(rec.errors.join(QLatin1Char('\n'))));
        QTRY_VERIFY2_WITH_TIMEOUT(aliveKeys().isEmpty() && consumerClients().isEmpty(),
                                  qPrintable(consumerClients().join(QLatin1Char(' ')) +
                                             QLatin1String(" / ") +
                                             QString::fromUtf8(aliveKeys().join(' '))),
                                  5000);
        // Several heartbeat periods (600 ms TTL, refreshed every 200 ms) later: still nothing.
        QTest::qWait(1500);
        QVERIFY2(aliveKeys().isEmpty(), aliveKeys().join(' ').constData());
        QVERIFY2(consumerClients().isEmpty(), qPrintable(consumerClients().join(QLatin1Char(' '))));
        QCOMPARE(rec.state(), ConsumerState::Failed);
        // A failed consumer still stops cleanly.
        QVERIFY(consumer.stopAndWait());
        QTRY_COMPARE(rec.stoppedCount, 1);
    }

    SandboxServer m_server;
    std::unique_ptr<SyncClient> m_client;
};

QTEST_GUILESS_MAIN(TestFailedConsumer)
#include "tst_failedconsumer.moc"
