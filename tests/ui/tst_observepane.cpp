// An observe pane: its columns (event, client, producer → consumer with latency and
// "(inferred)"), shown only in observe mode, and the MONITOR cost said up front.
#include "MessageModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }

Message observed(Observation::Kind kind, bool certain, const QByteArray& consumer)
{
    auto o = std::make_shared<Observation>();
    o->kind = kind;
    o->command = kind == Observation::Kind::Produce ? "LPUSH" : "BRPOP";
    o->key = "q";
    o->clientId = 7;
    o->clientName = kind == Observation::Kind::Produce ? "producer" : "w1";
    o->clientAddr = "127.0.0.1:5000";
    o->producer = "producer (127.0.0.1:4000)";
    o->consumer = consumer;
    o->certain = certain;
    o->producedMs = 1000;
    if (kind != Observation::Kind::Produce)
        o->takenMs = 1042;
    Message m;
    m.payload = "job";
    m.source = "q";
    m.observed = std::move(o);
    return m;
}
} // namespace

class TestObservePane : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_server);
        QVERIFY(m_dir.isValid());
    }

    void columnsSayWhoTookWhat()
    {
        MessageModel model;
        model.appendBatch({observed(Observation::Kind::Produce, true, {}),
                           observed(Observation::Kind::Consume, false, "w1 (127.0.0.1:5000)"),
                           observed(Observation::Kind::Consume, true, "r1 (127.0.0.1:6000)")});
        const auto cell = [&](int row, int column) {
            return model.data(model.index(row, column)).toString();
        };
        QCOMPARE(cell(0, MessageModel::EventColumn), str("LPUSH"));
        QCOMPARE(cell(0, MessageModel::ClientColumn), str("producer"));
        QCOMPARE(cell(1, MessageModel::FlowColumn),
                 QString(str("producer \u2192 w1, 42 ms ") + str("(inferred)")));
        QCOMPARE(cell(2, MessageModel::FlowColumn), str("producer \u2192 r1, 42 ms"));
        QVERIFY(model.data(model.index(1, MessageModel::FlowColumn), Qt::FontRole)
                    .value<QFont>()
                    .italic());
        QVERIFY(model.data(model.index(1, MessageModel::FlowColumn), Qt::ToolTipRole)
                    .toString()
                    .contains(str("Inferred")));
        QCOMPARE(model.headerData(MessageModel::FlowColumn, Qt::Horizontal).toString(),
                 str("Producer \u2192 consumer"));

        // A keyspace event names no client and no message, and says so.
        Message event;
        auto o = std::make_shared<Observation>();
        o->kind = Observation::Kind::Consume;
        o->command = "rpop";
        o->certain = false;
        event.observed = o;
        model.appendBatch({event});
        QCOMPARE(cell(3, MessageModel::EventColumn), str("rpop (event only)"));
        QCOMPARE(cell(3, MessageModel::ClientColumn), str("(events name no client)"));
        QVERIFY(cell(3, MessageModel::FlowColumn).isEmpty());

        // Rows of other modes leave the observe columns empty.
        Message plain;
        plain.payload = "x";
        model.appendBatch({plain});
        QVERIFY(cell(4, MessageModel::EventColumn).isEmpty());
        QVERIFY(cell(4, MessageModel::FlowColumn).isEmpty());
    }

    void observePaneShowsItsColumnsAndCost()
    {
        const QStringList args{
            str("--url"),  m_server.url(),    str("--settings"), m_dir.filePath(str("s.ini")),
            str("--pane"), str("observe:oq"), str("--pane"),     str("list:other")};
        auto window = test::openMainWindow(args);
        QVERIFY(window);
        QueuePane* observe = pane(window.get(), "oq");
        QueuePane* list = pane(window.get(), "other");
        QVERIFY(observe && list);
        QVERIFY(child<QLabel>(observe, "guaranteeLabel")->text().contains(str("MONITOR")));
        auto* view = child<QTableView>(observe, "messageView");
        auto* listView = child<QTableView>(list, "messageView");
        for (const int column :
             {MessageModel::EventColumn, MessageModel::ClientColumn, MessageModel::FlowColumn}) {
            QVERIFY(!view->isColumnHidden(column));
            QVERIFY(listView->isColumnHidden(column));
        }
        QTRY_COMPARE(child<QLabel>(observe, "stateLabel")->text(), str("listening"));
        auto* sendButton = child<QPushButton>(observe, "sendButton");
        QVERIFY(sendButton);
        // Nothing pushed yet: a key it knows nothing of is sent to as a channel.
        QCOMPARE(sendButton->text(), str("Send (PUBLISH)"));
        test::SyncClient c(m_server.settings());
        // The observer's snapshot may still be on its way: wait for our push to show, then pop.
        c.command({"LPUSH", "oq", "hello"});
        QTRY_VERIFY(observe->model()->rowCount() >= 1);
        c.command({"RPOP", "oq"});
        QTRY_COMPARE(observe->model()->rowCount(), 2);
        const auto cell = [&](int row, int column) {
            return observe->model()->data(observe->model()->index(row, column)).toString();
        };
        QCOMPARE(cell(0, MessageModel::EventColumn), str("LPUSH"));
        QCOMPARE(cell(1, MessageModel::EventColumn), str("RPOP"));
        // The application LPUSHes to oq, so the entry box does too (not PUBLISH to nobody).
        QCOMPARE(sendButton->text(), str("Send (LPUSH)"));
        QVERIFY2(cell(1, MessageModel::ClientColumn).startsWith(str("rqconsole:test")),
                 qPrintable(cell(1, MessageModel::ClientColumn)));
        QVERIFY2(cell(1, MessageModel::FlowColumn).contains(str("rqconsole:test \u2192")),
                 qPrintable(cell(1, MessageModel::FlowColumn)));
        QVERIFY(cell(1, MessageModel::FlowColumn).endsWith(str("(inferred)")));
        QCOMPARE(c.command({"LLEN", "oq"}).integer, 0); // only our own RPOP took it
        // Who takes from oq, from the observer's rows: our test client, once, with its last take.
        auto* taking = child<QLabel>(observe, "observedConsumersLabel");
        QVERIFY(taking && taking->isVisible());
        QTRY_VERIFY2(taking->text().contains(str("rqconsole:test")), qPrintable(taking->text()));
        QVERIFY2(taking->toolTip().contains(str("\"hello\"")), qPrintable(taking->toolTip()));
        QVERIFY(taking->toolTip().contains(str("(inferred)")));
        QVERIFY(!child<QLabel>(list, "observedConsumersLabel")->isVisible());
    }

private:
    SandboxServer m_server;
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestObservePane)
#include "tst_observepane.moc"
