// Integration tests for reconnecting: the server is restarted (same port) or the connection is
// killed under running consumers; they report the gap, come back, and consume again.
#include "Consumer.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

using namespace rqc;

namespace {
bool subscribed(const ConnectionSettings& s, const QByteArray& channel)
{
    test::SyncClient c(s);
    const RedisReply r = c.command({"PUBSUB", "NUMSUB", channel});
    return r.elements.size() == 2 && r.elements[1].integer == 1;
}

bool blocked(const ConnectionSettings& s, const QByteArray& target)
{
    test::SyncClient c(s);
    const QList<QByteArray> lines = c.command({"CLIENT", "LIST"}).str.split('\n');
    for (const QByteArray& line : lines) {
        if (line.contains("name=rqconsole:list:" + target + ' ') && line.contains(" flags=b "))
            return true;
    }
    return false;
}

// Both consumers work: a pushed and a published message arrive.
void checkConsuming(const ConnectionSettings& s, test::ConsumerRecorder& list,
                    test::ConsumerRecorder& sub, const QByteArray& tag)
{
    QVERIFY(test::waitUntil([&] { return subscribed(s, "rch"); }, 30000));
    QVERIFY(test::waitUntil([&] { return blocked(s, "rq"); }, 30000));
    const qsizetype listBefore = list.messages.size();
    const qsizetype subBefore = sub.messages.size();
    test::SyncClient c(s);
    QVERIFY2(c.isConnected(), qPrintable(c.error()));
    c.command({"LPUSH", "rq", "list-" + tag});
    QCOMPARE(c.command({"PUBLISH", "rch", "sub-" + tag}).integer, 1);
    QTRY_COMPARE_WITH_TIMEOUT(list.messages.size(), listBefore + 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(sub.messages.size(), subBefore + 1, 10000);
    QCOMPARE(list.messages.last().payload, "list-" + tag);
    QCOMPARE(sub.messages.last().payload, "sub-" + tag);
}
} // namespace

class TestReconnect : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void serverRestart()
    {
        const ConnectionSettings s = m_server.settings();
        Consumer list(s, test::makeSpec(Mode::List, "rq"));
        Consumer sub(s, test::makeSpec(Mode::PubSub, "rch"));
        test::ConsumerRecorder lr(&list);
        test::ConsumerRecorder sr(&sub);
        list.start();
        sub.start();
        checkConsuming(s, lr, sr, "before");
        if (QTest::currentTestFailed())
            return;

        const quint16 port = m_server.port();
        QString error;
        QVERIFY2(m_server.restart(&error), qPrintable(error));
        QCOMPARE(m_server.port(), port);

        QTRY_COMPARE_WITH_TIMEOUT(lr.lostReasons.size(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(sr.lostReasons.size(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(lr.restoredNotes.size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(sr.restoredNotes.size(), 1, 30000);
        QVERIFY(!lr.lostReasons.first().isEmpty());
        // Pub/sub says what the gap means: messages in it are gone.
        QVERIFY(!sr.restoredNotes.first().isEmpty());
        QVERIFY2(sr.restoredNotes.first().contains(QStringLiteral("gone")),
                 qPrintable(sr.restoredNotes.first()));
        QVERIFY(lr.sawState(ConsumerState::Reconnecting));
        QVERIFY(sr.sawState(ConsumerState::Reconnecting));
        QCOMPARE(lr.state(), ConsumerState::Listening);
        QCOMPARE(sr.state(), ConsumerState::Listening);

        checkConsuming(s, lr, sr, "after");
        QCOMPARE(lr.messages.size(), 2);
        QCOMPARE(sr.messages.size(), 2);
        // Sequence numbers go on across the gap.
        QCOMPARE(lr.messages.last().seq, quint64(2));

        QElapsedTimer t;
        t.start();
        QVERIFY(list.stopAndWait(3000));
        QVERIFY(sub.stopAndWait(3000));
        QVERIFY2(t.elapsed() < rqc::test::scaled(400), qPrintable(QString::number(t.elapsed())));
    }

    void longOutageKeepsTryingAndComesBack()
    {
        const ConnectionSettings s = m_server.settings();
        Consumer list(s, test::makeSpec(Mode::List, "rq"));
        Consumer sub(s, test::makeSpec(Mode::PubSub, "rch"));
        test::ConsumerRecorder lr(&list);
        test::ConsumerRecorder sr(&sub);
        list.start();
        sub.start();
        checkConsuming(s, lr, sr, "1");
        if (QTest::currentTestFailed())
            return;

        m_server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(lr.lostReasons.size(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(sr.lostReasons.size(), 1, 15000);
        // Several attempts fail (connection refused) while the server is away: 100, 200, 400,
        // 800 ms… capped, so it never gives up.
        QTRY_VERIFY_WITH_TIMEOUT(lr.errors.size() >= 5, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(sr.errors.size() >= 5, 20000);
        QVERIFY2(lr.errors.last().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(lr.errors.last()));
        QVERIFY(!lr.sawState(ConsumerState::Failed));
        QTest::qWait(2000);
        QVERIFY(lr.restoredNotes.isEmpty());

        QString error;
        QVERIFY2(m_server.restart(&error), qPrintable(error));
        // The backoff is capped at a few seconds: it is back well within this.
        QTRY_COMPARE_WITH_TIMEOUT(lr.restoredNotes.size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(sr.restoredNotes.size(), 1, 30000);
        QCOMPARE(lr.lostReasons.size(), 1); // one gap, however many attempts
        checkConsuming(s, lr, sr, "2");
    }

    void connectionKilledByServer()
    {
        const ConnectionSettings s = m_server.settings();
        Consumer list(s, test::makeSpec(Mode::List, "rq"));
        Consumer sub(s, test::makeSpec(Mode::PubSub, "rch"));
        test::ConsumerRecorder lr(&list);
        test::ConsumerRecorder sr(&sub);
        list.start();
        sub.start();
        checkConsuming(s, lr, sr, "1");
        if (QTest::currentTestFailed())
            return;
        test::SyncClient admin(s);
        // CLIENT KILL by type: the list consumer (normal) and the subscriber (pubsub) both go.
        admin.command({"CLIENT", "KILL", "TYPE", "pubsub"});
        QTRY_COMPARE_WITH_TIMEOUT(sr.restoredNotes.size(), 1, 15000);
        const QList<QByteArray> lines = admin.command({"CLIENT", "LIST"}).str.split('\n');
        for (const QByteArray& line : lines) {
            if (line.contains("name=rqconsole:list:rq ")) {
                const QByteArray id = line.split(' ').first().mid(3);
                admin.command({"CLIENT", "KILL", "ID", id});
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(lr.restoredNotes.size(), 1, 15000);
        checkConsuming(s, lr, sr, "2");
    }

    void handshakeRefusalAfterRestartIsReported()
    {
        // The server comes back with a password: the consumer reports Redis's text and gives up
        // rather than hammering the server.
        SandboxServer server;
        RQ_START_SERVER(server);
        const ConnectionSettings s = server.settings();
        Consumer list(s, test::makeSpec(Mode::List, "pq"));
        test::ConsumerRecorder lr(&list);
        list.start();
        QVERIFY(lr.waitForState(ConsumerState::Listening));
        {
            test::SyncClient c(s);
            QVERIFY(c.command({"CONFIG", "SET", "requirepass", "now-secret"}).isStatus("OK"));
            c.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
        }
        QVERIFY(lr.waitForState(ConsumerState::Failed, 15000));
        QVERIFY2(lr.errors.last().startsWith(QStringLiteral("NOAUTH")),
                 qPrintable(lr.errors.join(QStringLiteral(" | "))));
        QVERIFY(list.stopAndWait(3000));
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestReconnect)
#include "tst_reconnect.moc"
