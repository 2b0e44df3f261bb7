// Issue 11's reading aids in the real MainWindow (offscreen) against a private redis-server: a
// pane's decoder choice (decoderCombo) applied to the list's preview column, the payload view's
// Decoded tab and the filter; per-source colours with double-click-to-filter. (The README's
// picture of a decoded MessagePack payload beside a chart is tst_panechart's screenshot slot.)
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "PayloadView.h"
#include "QueuePane.h"
#include "ReadingAids.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 8000;

// msgpack.packb({"id": 42, "name": "Ada", "tags": ["x", "y"], "ok": True, "score": 1.5,
//                "raw": b"\x00\x01", "neg": -5, "none": None, "big": 2**40}, use_bin_type=True)
const QByteArray kMsgpack = QByteArrayLiteral(
    "\x89\xa2\x69\x64\x2a\xa4\x6e\x61\x6d\x65\xa3\x41\x64\x61\xa4\x74\x61\x67\x73\x92\xa1\x78\xa1"
    "\x79\xa2\x6f\x6b\xc3\xa5\x73\x63\x6f\x72\x65\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00\xa3\x72\x61"
    "\x77\xc4\x02\x00\x01\xa3\x6e\x65\x67\xfb\xa4\x6e\x6f\x6e\x65\xc0\xa3\x62\x69\x67\xcf\x00\x00"
    "\x01\x00\x00\x00\x00\x00");
// gzip.compress(b'{"user": "ada", "n": [1, 2, 3]}', mtime=0)
const QByteArray kGzipJson = QByteArrayLiteral(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\x2a\x2d\x4e\x2d\x52\xb2\x52\x50\x4a\x4c\x49"
    "\x54\xd2\x51\x50\xca\x03\xb2\xa3\x0d\x75\x14\x8c\x74\x14\x8c\x63\x6b\x01\x3a\x5d\x05\x23\x1f"
    "\x00\x00\x00");
} // namespace

class TestDecoders : public QObject {
    Q_OBJECT

private:
    static QString preview(QueuePane* p, int row)
    {
        return p->proxy()->index(row, MessageModel::PreviewColumn).data().toString();
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }
    void init() { m_f.client->command({"FLUSHALL"}); }

    void decoderChoiceAppliesToPreviewViewAndFilter()
    {
        auto window = test::windowOn(m_f, {str("list:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        // The pane takes from the right: LPUSH in this order is read in this order.
        m_f.client->command({"LPUSH", "jobs", kMsgpack, kGzipJson, "plain words"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);

        auto* combo = child<QComboBox>(p, "decoderCombo");
        QVERIFY(combo && combo->isVisible());
        QCOMPARE(combo->currentText(), str("Auto"));
        // Auto: MessagePack as JSON-like text, gzip'd JSON as its JSON, text as it is.
        QVERIFY2(preview(p, 0).startsWith(str("{\"id\": 42, \"name\": \"Ada\"")),
                 qPrintable(preview(p, 0)));
        QCOMPARE(preview(p, 1), str("{\"user\": \"ada\", \"n\": [1, 2, 3]}"));
        QCOMPARE(preview(p, 2), str("plain words"));

        // The payload view picks its Decoded tab for the MessagePack row.
        auto* view = child<QTableView>(p, "messageView");
        auto* payloadView = p->findChild<PayloadView*>(str("payloadView"));
        view->setCurrentIndex(view->model()->index(0, 0));
        QCOMPARE(payloadView->tabs()->currentIndex(), int(PayloadView::DecodedTab));
        QCOMPARE(payloadView->tabs()->tabText(PayloadView::DecodedTab), str("MessagePack"));
        const QString decoded = child<QPlainTextEdit>(p, "payloadDecoded")->toPlainText();
        QVERIFY2(decoded.contains(str("    \"name\": \"Ada\",\n")), qPrintable(decoded));
        view->setCurrentIndex(view->model()->index(1, 0));
        QCOMPARE(payloadView->tabs()->tabText(PayloadView::DecodedTab), str("gzip \u2192 JSON"));
        QVERIFY(
            child<QPlainTextEdit>(p, "payloadDecoded")->toPlainText().startsWith(str("gzip: ")));

        // The filter searches decoded text: "user" is only in the gzip'd payload's JSON.
        auto* filter = child<QLineEdit>(p, "filterEdit");
        filter->setText(str("\"user\""));
        QTRY_VERIFY(!p->proxy()->isScanning());
        QCOMPARE(p->proxy()->rowCount(), 1);
        QCOMPARE(test::shownPayload(p, 0), kGzipJson);

        // Text: the bytes as they are; the gzip'd row no longer matches by its content.
        combo->setCurrentIndex(combo->findData(str("text")));
        QTRY_VERIFY(!p->proxy()->isScanning());
        QCOMPARE(p->proxy()->rowCount(), 0);
        filter->clear();
        QCOMPARE(p->proxy()->rowCount(), 3);
        QVERIFY2(preview(p, 1).startsWith(str("\\x1f\\x8b")), qPrintable(preview(p, 1)));

        // A fixed decoder that does not fit says where and why, in the list and the view.
        combo->setCurrentIndex(combo->findData(str("pickle")));
        // "plain words": 'p' is PUT, whose decimal argument needs a line end.
        QVERIFY2(preview(p, 2).startsWith(str("Pickle (disassembled): cannot decode at byte 1: "
                                              "argument has no end of line")),
                 qPrintable(preview(p, 2)));
        view->setCurrentIndex(view->model()->index(2, 0));
        QCOMPARE(payloadView->tabs()->currentIndex(), int(PayloadView::DecodedTab));
        QCOMPARE(payloadView->tabs()->tabText(PayloadView::DecodedTab), str("Decoded (failed)"));
        QVERIFY(child<QPlainTextEdit>(p, "payloadDecoded")
                    ->toPlainText()
                    .startsWith(str("Pickle (disassembled): cannot decode at byte 1")));
    }

    void sourceColoursAndDoubleClickToFilter()
    {
        auto window = test::windowOn(m_f, {str("pattern:news.*")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "news.*");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_f.client->command({"PUBSUB", "NUMPAT"}).integer, 1, kTimeoutMs);
        m_f.client->command({"PUBLISH", "news.sport", "goal"});
        m_f.client->command({"PUBLISH", "news.weather", "rain"});
        m_f.client->command({"PUBLISH", "news.sport", "offside"});
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 3, kTimeoutMs);
        auto colour = [p](int row) {
            return p->proxy()->index(row, MessageModel::SourceColumn).data(Qt::BackgroundRole);
        };
        QVERIFY(colour(0).isValid());
        QCOMPARE(colour(0), colour(2)); // same channel, same colour
        QVERIFY(colour(0) != colour(1));
        QCOMPARE(colour(0).value<QColor>(), ReadingAids::colourFor(str("news.sport")));

        auto* view = child<QTableView>(p, "messageView");
        const QModelIndex weather = view->model()->index(1, MessageModel::SourceColumn);
        view->scrollTo(weather);
        // The view's doubleClicked signal, as a double click on the cell emits it (QTest's
        // mouseDClick on the offscreen platform did not reach the cell here).
        emit view->doubleClicked(weather);
        QCOMPARE(child<QLineEdit>(p, "filterEdit")->text(), str("news.weather"));
        QTRY_COMPARE(p->proxy()->rowCount(), 1);
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestDecoders)
#include "tst_decoders.moc"
