// Publishing from a pane (issue 11): templates expanded per message, PUBLISH's reach, the help
// popup and load mode, driven through the real MainWindow against a redis-server.
#include "LoadPanel.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 20000;
} // namespace

class TestPublishPane : public QObject {
    Q_OBJECT
private:
    int subscribers(const QByteArray& channel)
    {
        const RedisReply r = m_f.client->command({"PUBSUB", "NUMSUB", channel});
        return r.elements.size() == 2 ? int(r.elements[1].integer) : -1;
    }
    static void type(QueuePane* p, const QString& text, int repeat = 1)
    {
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->selectAll();
        QTest::keyClicks(edit, text);
        child<QSpinBox>(p, "repeatSpin")->setValue(repeat);
    }
    static void send(QueuePane* p)
    {
        QTest::keyClick(child<QPlainTextEdit>(p, "messageEdit"), Qt::Key_Return,
                        Qt::ControlModifier);
    }
    QueuePane* listeningPane(MainWindow* w, const char* channel)
    {
        QueuePane* p = pane(w, channel);
        if (p && !QTest::qWaitFor([&] { return subscribers(channel) == 1; }, kTimeoutMs))
            return nullptr;
        return p;
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void aRepeatedTemplateIsExpandedPerMessage()
    {
        auto window = test::windowOn(m_f, {str("pubsub:tpl")});
        QVERIFY(window);
        QueuePane* p = listeningPane(window.get(), "tpl");
        QVERIFY(p);
        type(p, str("n={{seq}} {{pick x y}}"), 5);
        send(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 5, kTimeoutMs);
        for (int i = 0; i < 5; ++i) {
            const QByteArray payload = p->model()->messageAt(i).payload;
            QVERIFY2(payload == "n=" + QByteArray::number(i + 1) + " x" ||
                         payload == "n=" + QByteArray::number(i + 1) + " y",
                     payload.constData());
        }
        // Five messages, one subscriber each: the burst's reach, summed.
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("sent 5 (reached 5)")), kTimeoutMs);
        QVERIFY(p->errorText().isEmpty());
    }

    void aBadPlaceholderIsAnErrorAndNothingIsSent()
    {
        auto window = test::windowOn(m_f, {str("pubsub:bad")});
        QVERIFY(window);
        QueuePane* p = listeningPane(window.get(), "bad");
        QVERIFY(p);
        type(p, str("a {{seq}} {{nope 1}}"), 3);
        send(p);
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().contains(str("Unknown placeholder {{nope 1}}")),
                                 kTimeoutMs);
        QVERIFY(p->errorText().contains(str("Nothing was sent")));
        // The next good message is the first to arrive: nothing of the bad one went out.
        type(p, str("good {{seq}}"));
        send(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("good 1"));
        QTRY_VERIFY(p->errorText().isEmpty()); // a send that went through ends the error
    }

    void publishSaysWhoHeardIt()
    {
        auto window = test::windowOn(m_f, {str("pubsub:heard"), str("pattern:zz.*")});
        QVERIFY(window);
        QueuePane* p = listeningPane(window.get(), "heard");
        QVERIFY(p);
        type(p, str("hello"));
        send(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("last publish reached 1 subscriber")),
                                 kTimeoutMs);
        QVERIFY(p->errorText().isEmpty());
        // A channel nobody listens to: a warning, the message is gone.
        QueuePane* pattern = pane(window.get(), "zz.*");
        QVERIFY(pattern);
        child<QLineEdit>(pattern, "publishToEdit")->setText(str("nobody.here"));
        type(pattern, str("lost"));
        send(pattern);
        QTRY_VERIFY_WITH_TIMEOUT(
            pattern->errorText().contains(str("Nobody was listening: the message is gone")),
            kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(
            pattern->statusText().contains(str("last publish reached 0 subscriber")),
            qPrintable(pattern->statusText()), kTimeoutMs);
    }

    void theHelpPopupListsThePlaceholders()
    {
        auto window = test::windowOn(m_f, {str("pubsub:help")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "help");
        QVERIFY(p);
        QTest::mouseClick(child<QAbstractButton>(p, "templateHelpButton"), Qt::LeftButton);
        QWidget* popup = nullptr;
        QTRY_VERIFY((popup = QApplication::activePopupWidget()) != nullptr);
        QCOMPARE(popup->objectName(), str("templateHelp"));
        const QString text = child<QLabel>(popup, "templateHelpText")->text();
        for (const char* name : {"{{seq}}", "{{uuid}}", "{{now}}", "{{ts_ms}}", "{{random 1 100}}",
                                 "{{pick a b c}}", "{{bytes 1KiB}}", "{{{{"})
            QVERIFY2(text.contains(str(name)), name);
        popup->close();
    }

    void loadModeSendsCountsAndStops()
    {
        auto window = test::windowOn(m_f, {str("pubsub:load")});
        QVERIFY(window);
        QueuePane* p = listeningPane(window.get(), "load");
        QVERIFY(p);
        auto* loadButton = child<QAbstractButton>(p, "loadModeButton");
        auto* panel = child<LoadPanel>(p, "loadPanel");
        QVERIFY(loadButton && panel);
        QVERIFY(!panel->isVisible());
        QTest::mouseClick(loadButton, Qt::LeftButton);
        QVERIFY(panel->isVisible());
        type(p, str("L{{seq}}"));
        panel->setLimits(400, 0, 0); // 400 messages, as fast as possible
        QTest::mouseClick(child<QAbstractButton>(panel, "loadStartButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 400, kTimeoutMs);
        for (int i = 0; i < 400; ++i)
            QCOMPARE(p->model()->messageAt(i).payload, "L" + QByteArray::number(i + 1));
        auto* status = child<QLabel>(panel, "loadStatus");
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(str("done: sent 400 of 400")),
                                 kTimeoutMs);
        QVERIFY2(status->text().contains(str("reached 400")), qPrintable(status->text()));
        QTRY_VERIFY_WITH_TIMEOUT(p->statusText().contains(str("load: done: sent 400 of 400")),
                                 kTimeoutMs);

        // A slow, long run, stopped: the figures say what went out, and it all arrived.
        panel->setLimits(1000000, 0, 200);
        QTest::mouseClick(child<QAbstractButton>(panel, "loadStartButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(p->model()->rowCount() > 410, kTimeoutMs);
        QVERIFY(!child<QAbstractButton>(panel, "loadStartButton")->isEnabled());
        QTest::mouseClick(child<QAbstractButton>(panel, "loadStopButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), kTimeoutMs);
        QVERIFY(status->text().startsWith(str("done: sent ")));
        QVERIFY(status->text().contains(str("(asked 200)")));
        const int sent = p->model()->rowCount() - 400;
        QTest::qWait(100);
        QCOMPARE(p->model()->rowCount() - 400, sent); // nothing after Stop
        QVERIFY2(
            status->text().contains(QStringLiteral("sent %1 of").arg(QLocale().toString(sent))),
            qPrintable(status->text()));
    }

    void loadModeRefusesABadTemplate()
    {
        auto window = test::windowOn(m_f, {str("pubsub:loadbad")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "loadbad");
        QVERIFY(p);
        QTest::mouseClick(child<QAbstractButton>(p, "loadModeButton"), Qt::LeftButton);
        auto* panel = child<LoadPanel>(p, "loadPanel");
        type(p, str("{{seq"));
        QTest::mouseClick(child<QAbstractButton>(panel, "loadStartButton"), Qt::LeftButton);
        QTRY_VERIFY(p->errorText().contains(str("Unclosed placeholder")));
        QVERIFY(!panel->isRunning());
        QVERIFY(child<QAbstractButton>(panel, "loadStartButton")->isEnabled());
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestPublishPane)
#include "tst_publishpane.moc"
