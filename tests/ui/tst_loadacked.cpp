// Load runs (issue 11) from the real MainWindow against a private redis-server, to the targets
// whose messages are settled: a reliable list and a stream group, where the run's "acked" figure
// must reach what was sent (ack=auto acks each message once the pane has it), and a stream,
// whose entries must all be there, in order.
#include "LoadPanel.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "SettleTracker.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 20000;
constexpr int kMessages = 2000;
} // namespace

class TestLoadAcked : public QObject {
    Q_OBJECT
private:
    // Starts a load run of `count` messages of `text` from the pane's load panel.
    static LoadPanel* startLoad(QueuePane* p, const QString& text, quint64 count)
    {
        QTest::mouseClick(child<QAbstractButton>(p, "loadModeButton"), Qt::LeftButton);
        auto* panel = child<LoadPanel>(p, "loadPanel");
        if (!panel || !panel->isVisible())
            return nullptr;
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->selectAll();
        QTest::keyClicks(edit, text);
        panel->setLimits(count, 0, 0); // as fast as possible
        QTest::mouseClick(child<QAbstractButton>(panel, "loadStartButton"), Qt::LeftButton);
        return panel;
    }
    static QString n(int v) { return QLocale().toString(v); }
    void ackedReachesSent(const QString& paneSpec, const char* target)
    {
        auto window = test::windowOn(m_f, {paneSpec});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), target);
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        LoadPanel* panel = startLoad(p, str("job {{seq}}"), kMessages);
        QVERIFY(panel);
        auto* status = child<QLabel>(panel, "loadStatus");
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), kTimeoutMs);
        QVERIFY2(status->text().startsWith(QStringLiteral("done: sent %1 of %1").arg(n(kMessages))),
                 qPrintable(status->text()));
        // Every message taken and acked by the pane; the run's figure follows to the end, also
        // for acks that come after the last send.
        QTRY_COMPARE_WITH_TIMEOUT(p->tracker()->counters().acked, quint64(kMessages), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(
            status->text().contains(QStringLiteral("acked %1").arg(n(kMessages))),
            qPrintable(status->text()), kTimeoutMs);
        QCOMPARE(p->model()->rowCount(), kMessages);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("job 1"));
        QCOMPARE(p->model()->messageAt(kMessages - 1).payload,
                 "job " + QByteArray::number(kMessages));
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }
    void init() { m_f.client->command({"FLUSHALL"}); }

    void reliableListAckedReachesSent()
    {
        ackedReachesSent(str("reliable:jobs,consumer=w1"), "jobs");
        // Nothing left behind: the queue and the processing list are empty.
        QCOMPARE(m_f.client->command({"LLEN", "jobs"}).integer, 0);
        QCOMPARE(m_f.client->command({"LLEN", "jobs:processing:w1"}).integer, 0);
    }

    void streamGroupAckedReachesSent()
    {
        ackedReachesSent(str("stream:orders,group=g,consumer=c1"), "orders");
        QCOMPARE(m_f.client->command({"XLEN", "orders"}).integer, kMessages);
        QCOMPARE(m_f.client->command({"XPENDING", "orders", "g"}).elements.value(0).integer, 0);
    }

    void loadRunToAStream()
    {
        auto window = test::windowOn(m_f, {str("tail:feed")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "feed");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        LoadPanel* panel = startLoad(p, str("e{{seq}}"), kMessages);
        QVERIFY(panel);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), kTimeoutMs);
        const QString status = child<QLabel>(panel, "loadStatus")->text();
        QVERIFY2(status.startsWith(QStringLiteral("done: sent %1 of %1").arg(n(kMessages))),
                 qPrintable(status));
        QCOMPARE(m_f.client->command({"XLEN", "feed"}).integer, kMessages);
        const RedisReply first = m_f.client->command({"XRANGE", "feed", "-", "+", "COUNT", "1"});
        QCOMPARE(first.elements.value(0).elements.value(1).elements.value(1).str, QByteArray("e1"));
        const RedisReply last = m_f.client->command({"XREVRANGE", "feed", "+", "-", "COUNT", "1"});
        QCOMPARE(last.elements.value(0).elements.value(1).elements.value(1).str,
                 "e" + QByteArray::number(kMessages));
        // The tail pane saw them all, in order.
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), kMessages, kTimeoutMs);
        for (int i = 0; i < kMessages; ++i)
            QCOMPARE(p->model()->messageAt(i).payload, "e" + QByteArray::number(i + 1));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestLoadAcked)
#include "tst_loadacked.moc"
