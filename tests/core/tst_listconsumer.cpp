#include "Consumer.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace rqc;

class TestListConsumer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_SERVER(m_server); }

    void fifoOrder()
    {
        test::SyncClient c(m_server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = "fifo";
        Consumer consumer(m_server.settings(), spec);
        MessageList got;
        connect(&consumer, &Consumer::messagesArrived, this,
                [&](const MessageList& batch, quint64) { got += batch; });
        QSignalSpy state(&consumer, &Consumer::stateChanged);
        consumer.start();
        QTRY_VERIFY(!state.isEmpty() && state.last().at(0).value<ConsumerState>() == ConsumerState::Listening);
        for (int i = 0; i < 10; ++i)
            c.command({"LPUSH", "fifo", QByteArray::number(i)});
        QTRY_COMPARE(got.size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(got[i].payload, QByteArray::number(i));
            QCOMPARE(got[i].source, QByteArray("fifo"));
            QCOMPARE(got[i].seq, quint64(i + 1));
        }
    }

    void stopWhileBlockedIsPromptAndLossless()
    {
        test::SyncClient c(m_server.settings());
        ConsumerSpec spec;
        spec.mode = Mode::List;
        spec.target = "blocked";
        Consumer consumer(m_server.settings(), spec);
        QSignalSpy state(&consumer, &Consumer::stateChanged);
        consumer.start();
        QTRY_VERIFY(!state.isEmpty() && state.last().at(0).value<ConsumerState>() == ConsumerState::Listening);
        QTest::qWait(50); // let BRPOP block on the server
        QElapsedTimer t;
        t.start();
        QVERIFY(consumer.stopAndWait(2000));
        const qint64 ms = t.elapsed();
        QVERIFY2(ms < 200, qPrintable(QString::number(ms)));
        c.command({"LPUSH", "blocked", "after-stop"});
        QCOMPARE(c.command({"LLEN", "blocked"}).integer, 1);
    }

private:
    SandboxServer m_server;
};

QTEST_GUILESS_MAIN(TestListConsumer)
#include "tst_listconsumer.moc"
