// Issue 11's newest-first and wrap toggles and the persistence of a pane's reading choices, in the
// real MainWindow (offscreen) against a private redis-server: newest rows on top with the
// selection, the filter and the bounded ring still right; the rows a reader scrolled to stay in
// sight while more arrive; long previews wrapped onto several lines; decoder, order and wrap
// saved with the pane and back after a restart of the window.
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "ReadingAids.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 8000;
} // namespace

class TestReadingOrder : public QObject {
    Q_OBJECT

private:
    // A list pane on `key`, consuming.
    QueuePane* listPane(MainWindow* window, const char* key)
    {
        QueuePane* p = pane(window, key);
        if (p && !QTest::qWaitFor([p] { return p->consumerState() == ConsumerState::Listening; },
                                  kTimeoutMs))
            return nullptr;
        return p;
    }
    // Pushes the payloads so that the pane takes them in this order.
    void push(const char* key, const QList<QByteArray>& payloads)
    {
        QList<QByteArray> argv{"LPUSH", key};
        argv += payloads;
        m_f.client->command(argv);
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }
    void init() { m_f.client->command({"FLUSHALL"}); }

    void newestFirstKeepsSelectionAndFilter()
    {
        auto window = test::windowOn(m_f, {str("list:jobs")});
        QVERIFY(window);
        QueuePane* p = listPane(window.get(), "jobs");
        QVERIFY(p);
        auto* newest = child<QToolButton>(p, "newestFirstButton");
        QVERIFY(newest && newest->isVisible() && !newest->isChecked());
        push("jobs", {"a-odd", "b-even", "c-odd"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        QCOMPARE(test::shownPayloads(p), (QList<QByteArray>{"a-odd", "b-even", "c-odd"}));

        // Select b-even, then turn the order round: the same message stays selected.
        auto* view = child<QTableView>(p, "messageView");
        view->setCurrentIndex(view->model()->index(1, 0));
        view->selectRow(1);
        newest->click();
        QVERIFY(p->proxy()->newestFirst());
        QCOMPARE(test::shownPayloads(p), (QList<QByteArray>{"c-odd", "b-even", "a-odd"}));
        QCOMPARE(test::shownPayload(p, view->currentIndex().row()), QByteArray("b-even"));
        QCOMPARE(view->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(test::shownPayload(p, view->selectionModel()->selectedRows().first().row()),
                 QByteArray("b-even"));

        // New rows come in on top; the selection follows its message down.
        push("jobs", {"d-even", "e-odd"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 5, kTimeoutMs);
        QCOMPARE(test::shownPayloads(p),
                 (QList<QByteArray>{"e-odd", "d-even", "c-odd", "b-even", "a-odd"}));
        QCOMPARE(test::shownPayload(p, view->currentIndex().row()), QByteArray("b-even"));
        QCOMPARE(test::shownPayload(p, view->selectionModel()->selectedRows().first().row()),
                 QByteArray("b-even"));
        // The preview column shows the row's own message.
        QCOMPARE(p->proxy()->index(0, MessageModel::PreviewColumn).data().toString(), str("e-odd"));

        // Filtered, still newest first, and rows that arrive while filtered go on top.
        child<QLineEdit>(p, "filterEdit")->setText(str("odd"));
        QTRY_VERIFY(!p->proxy()->isScanning());
        QCOMPARE(test::shownPayloads(p), (QList<QByteArray>{"e-odd", "c-odd", "a-odd"}));
        push("jobs", {"f-odd", "g-even"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 7, kTimeoutMs);
        QTRY_COMPARE(test::shownPayloads(p),
                     (QList<QByteArray>{"f-odd", "e-odd", "c-odd", "a-odd"}));
        // Turned back while filtered: arrival order again.
        newest->click();
        QCOMPARE(test::shownPayloads(p), (QList<QByteArray>{"a-odd", "c-odd", "e-odd", "f-odd"}));
        child<QLineEdit>(p, "filterEdit")->clear();
        QCOMPARE(p->proxy()->rowCount(), 7);
    }

    void newestFirstWithTheBoundedRing()
    {
        auto window = test::windowOn(m_f, {str("list:ring")});
        QVERIFY(window);
        QueuePane* p = listPane(window.get(), "ring");
        QVERIFY(p);
        p->setCapacity(5);
        child<QToolButton>(p, "newestFirstButton")->click();
        QList<QByteArray> all;
        for (int i = 1; i <= 8; ++i)
            all << QByteArray("m") + QByteArray::number(i);
        push("ring", all.mid(0, 4));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->totalAppended(), quint64(4), kTimeoutMs);
        auto* view = child<QTableView>(p, "messageView");
        view->setCurrentIndex(view->model()->index(1, 0)); // m3
        QCOMPARE(test::shownPayload(p, view->currentIndex().row()), QByteArray("m3"));
        push("ring", all.mid(4));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->totalAppended(), quint64(8), kTimeoutMs);
        // The oldest went from the bottom; the newest five, newest on top.
        QCOMPARE(test::shownPayloads(p), (QList<QByteArray>{"m8", "m7", "m6", "m5", "m4"}));
        // m3 was trimmed: the view moved its current row to a row still there.
        QVERIFY(test::shownPayloads(p).contains(test::shownPayload(p, view->currentIndex().row())));

        // Trimmed while filtered: the filtered rows lose their oldest at the bottom too.
        child<QLineEdit>(p, "filterEdit")->setText(str("m"));
        QTRY_VERIFY(!p->proxy()->isScanning());
        view->setCurrentIndex(view->model()->index(2, 0)); // m6
        push("ring", {"m9", "m10"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->totalAppended(), quint64(10), kTimeoutMs);
        QTRY_COMPARE(test::shownPayloads(p), (QList<QByteArray>{"m10", "m9", "m8", "m7", "m6"}));
        QCOMPARE(test::shownPayload(p, view->currentIndex().row()), QByteArray("m6"));
    }

    void scrolledDownRowsStayInSight()
    {
        auto window = test::windowOn(m_f, {str("list:flow")});
        QVERIFY(window);
        QueuePane* p = listPane(window.get(), "flow");
        QVERIFY(p);
        child<QToolButton>(p, "newestFirstButton")->click();
        QList<QByteArray> first;
        for (int i = 0; i < 300; ++i)
            first << QByteArray("row ") + QByteArray::number(i);
        push("flow", first);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 300, kTimeoutMs);
        auto* view = child<QTableView>(p, "messageView");
        QScrollBar* bar = view->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 100);
        QCOMPARE(bar->value(), 0); // at the top: the newest rows are in sight
        QCOMPARE(test::shownPayload(p, view->rowAt(0)), QByteArray("row 299"));
        // Scroll down to read; more rows arrive above.
        view->scrollTo(view->model()->index(100, 0), QAbstractItemView::PositionAtTop);
        const QByteArray top = test::shownPayload(p, view->rowAt(0));
        QVERIFY2(top != "row 299", top.constData());
        QList<QByteArray> more;
        for (int i = 300; i < 340; ++i)
            more << QByteArray("row ") + QByteArray::number(i);
        push("flow", more);
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 340, kTimeoutMs);
        QTest::qWait(100); // the view's delayed layout
        QCOMPARE(test::shownPayload(p, view->rowAt(0)), top);
        // Back at the top, the newest rows are shown as they come.
        bar->setValue(0);
        push("flow", {"row 340"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 341, kTimeoutMs);
        QTest::qWait(100);
        QCOMPARE(bar->value(), 0);
        QCOMPARE(test::shownPayload(p, view->rowAt(0)), QByteArray("row 340"));
    }

    void wrapShowsLongPreviewsOnSeveralLines()
    {
        auto window = test::windowOn(m_f, {str("list:long")});
        QVERIFY(window);
        QueuePane* p = listPane(window.get(), "long");
        QVERIFY(p);
        QByteArray words;
        for (int i = 0; i < 120; ++i)
            words += "word" + QByteArray::number(i) + ' ';
        words = words.trimmed(); // ~700 characters
        push("long", {words});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        auto* view = child<QTableView>(p, "messageView");
        const int oneLine = view->rowHeight(0);
        auto preview = [p] {
            return p->proxy()->index(0, MessageModel::PreviewColumn).data().toString();
        };
        QVERIFY(preview().size() <= MessageModel::DefaultPreviewChars + 1);
        QVERIFY(preview().endsWith(QChar(0x2026)));

        auto* wrap = child<QToolButton>(p, "wrapButton");
        QVERIFY(wrap && wrap->isVisible());
        wrap->click();
        QVERIFY(view->wordWrap());
        QVERIFY2(view->rowHeight(0) >= ReadingAids::kWrapLines * view->fontMetrics().height(),
                 qPrintable(QString::number(view->rowHeight(0))));
        QVERIFY(view->rowHeight(0) > 2 * oneLine);
        QCOMPARE(preview(), QString::fromUtf8(words)); // whole, to be wrapped by the view
        wrap->click();
        QVERIFY(!view->wordWrap());
        QCOMPARE(view->rowHeight(0), oneLine);
        QVERIFY(preview().size() <= MessageModel::DefaultPreviewChars + 1);
    }

    void choicesSavedWithThePaneAndRestored()
    {
        const QString settings = m_f.freshSettings();
        {
            auto window = test::windowOn(m_f, {str("pubsub:news"), str("pubsub:plain")}, settings);
            QVERIFY(window);
            QueuePane* p = pane(window.get(), "news");
            QVERIFY(p);
            auto* combo = child<QComboBox>(p, "decoderCombo");
            combo->setCurrentIndex(combo->findData(str("msgpack")));
            child<QToolButton>(p, "newestFirstButton")->click();
            child<QToolButton>(p, "wrapButton")->click();
            // The consumer's spec is unchanged: the choices are the view's.
            QCOMPARE(p->spec().toString(), str("pubsub:news"));
            window->close();
        }
        auto window = test::windowOn(m_f, {}, settings);
        QVERIFY(window);
        QCOMPARE(window->panes().size(), 2);
        QueuePane* p = pane(window.get(), "news");
        QVERIFY(p);
        QCOMPARE(child<QComboBox>(p, "decoderCombo")->currentData().toString(), str("msgpack"));
        QCOMPARE(p->model()->decoder(), PayloadDecoder::Kind::MessagePack);
        QVERIFY(child<QToolButton>(p, "newestFirstButton")->isChecked());
        QVERIFY(p->proxy()->newestFirst());
        QVERIFY(child<QToolButton>(p, "wrapButton")->isChecked());
        QVERIFY(child<QTableView>(p, "messageView")->wordWrap());
        QCOMPARE(p->spec().toString(), str("pubsub:news"));
        // The other pane kept the defaults.
        QueuePane* plain = pane(window.get(), "plain");
        QVERIFY(plain);
        QCOMPARE(child<QComboBox>(plain, "decoderCombo")->currentData().toString(), str("auto"));
        QVERIFY(!plain->proxy()->newestFirst());
        QVERIFY(!child<QToolButton>(plain, "wrapButton")->isChecked());
        QTRY_COMPARE_WITH_TIMEOUT(plain->consumerState(), ConsumerState::Listening, kTimeoutMs);
    }

    void viewOptionsOnTheCommandLine()
    {
        auto window = test::windowOn(m_f, {str("pubsub:cli,decoder=json,order=newest,wrap=1")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "cli");
        QVERIFY(p);
        QCOMPARE(p->spec().toString(), str("pubsub:cli"));
        QCOMPARE(p->model()->decoder(), PayloadDecoder::Kind::Json);
        QVERIFY(p->proxy()->newestFirst());
        QVERIFY(child<QToolButton>(p, "wrapButton")->isChecked());
        QString error;
        ConsumerSpec spec;
        QVERIFY(!ConsumerSpec::parse(str("pubsub:cli,order=sideways"), &spec, &error));
        QVERIFY2(error.contains(str("newest|oldest")), qPrintable(error));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestReadingOrder)
#include "tst_readingorder.moc"
