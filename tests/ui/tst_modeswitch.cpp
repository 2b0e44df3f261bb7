// A pane switched to another mode starts afresh (stop 11 walk, 'seen and not fixed' 4): a tail
// pane switched to stream-group mode kept the tail's row count, its rows and the detail of a
// message read before the switch, as if the group had read them. Driven through the real
// MainWindow against a private redis-server.
#include "ConsumeGuard.h"
#include "MainWindow.h"
#include "ModalWatch.h"
#include "PayloadView.h"
#include "QueuePane.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QMessageBox>
#include <QTableView>
#include <QTest>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;
} // namespace

class TestModeSwitch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void tailToGroupStartsWithNoOldCountsOrDetail()
    {
        auto window = test::windowOn(m_f, {str("tail:events")});
        QVERIFY(window);
        test::rejectForgottenModals(window.get());
        QueuePane* p = pane(window.get(), "events");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        for (int i = 0; i < 3; ++i)
            m_f.client->command({"XADD", "events", "*", "message", "t" + QByteArray::number(i)});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        auto* view = child<QTableView>(p, "messageView");
        view->setCurrentIndex(view->model()->index(1, 0));
        auto* detail = child<PayloadView>(p, "payloadView");
        QTRY_VERIFY(detail->hasMessage());
        QTRY_VERIFY2(p->statusText().contains(str("received 3")), qPrintable(p->statusText()));

        auto* combo = child<QComboBox>(p, "modeCombo");
        combo->setCurrentIndex(combo->findData(int(Mode::Stream)));
        QMessageBox* question = nullptr;
        QVERIFY(test::waitUntil([&] {
            question = window->consumeGuard()->openQuestion();
            return question && question->isVisible();
        }));
        child<QAbstractButton>(question, "consumeButton")->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->spec().mode, Mode::Stream, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        // The group reads from the end: nothing it read yet, nothing shown as read.
        QCOMPARE(p->receivedTotal(), quint64(0));
        QCOMPARE(p->model()->rowCount(), 0);
        QVERIFY(!detail->hasMessage());
        QTRY_VERIFY2(p->statusText().contains(str("received 0")), qPrintable(p->statusText()));

        m_f.client->command({"XADD", "events", "*", "message", "g0"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, QByteArray("g0"));
        QCOMPARE(p->receivedTotal(), quint64(1));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestModeSwitch)
#include "tst_modeswitch.moc"
