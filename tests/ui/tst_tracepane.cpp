// Trace a test message from the window: the entry box sends it and the pane follows it to the
// named worker (rq_worker_helper) that took and acked it — through the observer's take rows in an
// observe pane, through XPENDING in a peek pane on a stream.
#include "MessageModel.h"
#include "QueuePane.h"
#include "TestSupport.h"
#include "TraceTracker.h"
#include "UiTestSupport.h"

#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }

struct Worker {
    std::unique_ptr<QProcess> process;
    ~Worker()
    {
        process->kill();
        process->waitForFinished(3000);
    }
};

std::unique_ptr<Worker> startWorker(const SandboxServer& server, const char* name, const char* mode,
                                    const char* queue, int ackDelayMs = 0)
{
    auto w = std::make_unique<Worker>();
    w->process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(str("RQ_WORKER_ACK_DELAY_MS"), QString::number(ackDelayMs));
    w->process->setProcessEnvironment(env);
    w->process->start(
        QDir(QCoreApplication::applicationDirPath()).filePath(str("rq_worker_helper")),
        {str("127.0.0.1"), QString::number(server.port()), str(name), str(mode), str(queue)});
    return w;
}

// Whether the named client is connected and blocked (its pop is in, so MONITOR saw it).
bool blocked(test::SyncClient& c, const QByteArray& name)
{
    for (const QByteArray& line : c.command({"CLIENT", "LIST"}).str.split('\n')) {
        if (line.contains("name=" + name + " ") && line.contains("flags=b"))
            return true;
    }
    return false;
}

void sendAndTrace(QueuePane* p, const QString& text, int timeoutS)
{
    child<QPlainTextEdit>(p, "messageEdit")->setPlainText(text);
    child<QSpinBox>(p, "traceTimeoutSpin")->setValue(timeoutS);
    QTest::mouseClick(child<QPushButton>(p, "traceButton"), Qt::LeftButton);
}
} // namespace

class TestTracePane : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        QVERIFY(m_dir.isValid());
    }

    void observePaneNamesWorkerThatTookAndAcked_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("acks");
        QTest::addColumn<bool>("certain");
        QTest::newRow("reliable") << str("reliable") << true << true;
        QTest::newRow("stream") << str("stream") << true << true;
        QTest::newRow("brpop") << str("brpop") << false << false;
    }

    void observePaneNamesWorkerThatTookAndAcked()
    {
        QFETCH(QString, mode);
        QFETCH(bool, acks);
        QFETCH(bool, certain);
        const QByteArray key = "o" + mode.toUtf8();
        const QByteArray worker = "w-" + mode.toUtf8();
        auto window = test::openMainWindow({str("--url"), m_server.url(), str("--settings"),
                                            m_dir.filePath(mode + str(".ini")), str("--pane"),
                                            str("observe:") + QString::fromUtf8(key)});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), key.constData());
        QVERIFY(p);
        QTRY_COMPARE(child<QLabel>(p, "stateLabel")->text(), str("listening"));
        test::SyncClient c(m_server.settings());
        auto w =
            startWorker(m_server, worker.constData(), mode.toUtf8().constData(), key.constData());
        QTRY_VERIFY(blocked(c, worker));

        sendAndTrace(p, str("traced ") + mode, 20);
        TraceTracker* t = p->traceTracker();
        const auto done = [&] {
            const TraceJourney j = t->journey();
            return !j.hops.isEmpty() && j.hops[0].consumer == worker &&
                   (!acks || j.stage == TraceJourney::Stage::Acked);
        };
        QTRY_VERIFY2_WITH_TIMEOUT(done(), qPrintable(t->summary()), 20000);
        const TraceJourney j = t->journey();
        QCOMPARE(j.hops[0].certain, certain);
        QVERIFY(j.pushedMs > 0);
        QVERIFY2(j.hops[0].takenMs >= j.pushedMs, qPrintable(t->summary()));
        if (acks)
            QVERIFY2(j.hops[0].ackedMs >= j.hops[0].takenMs, qPrintable(t->summary()));
        const QString shown = child<QLabel>(p, "traceLabel")->text();
        qInfo().noquote() << shown;
        QVERIFY2(shown.contains(QString::fromUtf8(worker)), qPrintable(shown));
        QCOMPARE(shown.contains(str("(inferred)")), !certain);
        QCOMPARE(shown.contains(str("acked after")), acks);

        // The traced row: event TRACE, us → the worker; its journey in the payload view.
        auto* model = p->model();
        const auto traceRow = [&] {
            for (int r = 0; r < model->rowCount(); ++r) {
                if (model->data(model->index(r, MessageModel::EventColumn)).toString() ==
                    str("TRACE"))
                    return r;
            }
            return -1;
        };
        QTRY_VERIFY(traceRow() >= 0);
        const QString flow =
            model->data(model->index(traceRow(), MessageModel::FlowColumn)).toString();
        QVERIFY2(flow.contains(QString::fromUtf8(worker)), qPrintable(flow));
        QCOMPARE(flow.endsWith(str("(inferred)")), !certain);
        child<QTableView>(p, "messageView")->selectRow(traceRow());
        const QString header = child<QLabel>(p, "payloadHeader")->text();
        QVERIFY2(header.contains(str("taken by ") + QString::fromUtf8(worker)), qPrintable(header));
        QCOMPARE(header.contains(str("acked after")), acks);
    }

    void nobodyTakesItSaysSo()
    {
        auto window = test::openMainWindow({str("--url"), m_server.url(), str("--settings"),
                                            m_dir.filePath(str("n.ini")), str("--pane"),
                                            str("observe:nobody")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "nobody");
        QTRY_COMPARE(child<QLabel>(p, "stateLabel")->text(), str("listening"));
        sendAndTrace(p, str("lonely"), 1);
        QTRY_VERIFY2_WITH_TIMEOUT(p->traceTracker()->journey().timedOut,
                                  qPrintable(p->traceTracker()->summary()), 15000);
        QVERIFY2(child<QLabel>(p, "traceLabel")
                     ->text()
                     .contains(str("still in the list after 1 s: nobody took it")),
                 qPrintable(child<QLabel>(p, "traceLabel")->text()));
    }

    // No MONITOR: the consumer and the ack come from XPENDING.
    void peekPaneOnStreamFindsConsumerAndAck()
    {
        test::SyncClient c(m_server.settings());
        auto w = startWorker(m_server, "peek-sw", "stream", "pstream", 1500);
        QTRY_COMPARE(c.command({"TYPE", "pstream"}).str, QByteArray("stream"));
        auto window = test::openMainWindow({str("--url"), m_server.url(), str("--settings"),
                                            m_dir.filePath(str("p.ini")), str("--pane"),
                                            str("peek:pstream")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "pstream");
        QVERIFY(p->traceTracker()->isVisibleTo(p));
        sendAndTrace(p, str("peeked and traced"), 20);
        TraceTracker* t = p->traceTracker();
        QTRY_VERIFY2_WITH_TIMEOUT(t->journey().stage == TraceJourney::Stage::Acked,
                                  qPrintable(t->summary()), 20000);
        const TraceJourney j = t->journey();
        QVERIFY(j.stream);
        QCOMPARE(j.hops[0].consumer, QByteArray("peek-sw"));
        QCOMPARE(j.hops[0].group, QByteArray("g"));
        QVERIFY(j.hops[0].ackedMs >= j.hops[0].takenMs);
        QVERIFY(j.hops[0].takenMs >= j.pushedMs);
        qInfo().noquote() << t->summary();
        QVERIFY2(child<QLabel>(p, "traceLabel")->text().contains(str("delivered to peek-sw")),
                 qPrintable(child<QLabel>(p, "traceLabel")->text()));
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestTracePane)
#include "tst_tracepane.moc"
