// The payload viewer: Text / JSON / Hex tabs for one message (offscreen, no server needed).
#include "PayloadView.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTest>

using namespace rqc;

namespace {

Message makeMessage(const QByteArray& payload, quint64 seq = 7)
{
    Message m;
    m.payload = payload;
    m.source = "queue1";
    m.seq = seq;
    m.receivedMs = QDateTime(QDate(2024, 5, 17), QTime(9, 8, 7, 6)).toMSecsSinceEpoch();
    return m;
}

} // namespace

class TstPayloadView : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void objectNames();
    void textPayload();
    void jsonPayloadSwitchesToJson();
    void binaryPayloadLeavesJsonForHex();
    void scalarJsonDoesNotSteal();
    void largePayloadFillsLazily();
    void clearEmptiesEverything();

private:
    QPlainTextEdit* edit(const char* name) const
    {
        return m_view->findChild<QPlainTextEdit*>(QLatin1String(name));
    }
    QTabWidget* tabs() const
    {
        return m_view->findChild<QTabWidget*>(QStringLiteral("payloadTabs"));
    }
    QString header() const
    {
        return m_view->findChild<QLabel*>(QStringLiteral("payloadHeader"))->text();
    }

    PayloadView* m_view = nullptr;
};

void TstPayloadView::init()
{
    m_view = new PayloadView;
    m_view->resize(640, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
}

void TstPayloadView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

void TstPayloadView::objectNames()
{
    QCOMPARE(m_view->objectName(), QStringLiteral("payloadView"));
    for (const char* name : {"payloadText", "payloadJson", "payloadHex", "payloadDecoded"}) {
        QPlainTextEdit* e = edit(name);
        QVERIFY2(e, name);
        QVERIFY(e->isReadOnly());
    }
    QVERIFY(tabs());
    QCOMPARE(tabs()->count(), 4); // Decoded: issue 11's decoders
    QCOMPARE(tabs()->tabText(PayloadView::TextTab), QStringLiteral("Text"));
    QCOMPARE(tabs()->tabText(PayloadView::JsonTab), QStringLiteral("JSON"));
    QCOMPARE(tabs()->tabText(PayloadView::HexTab), QStringLiteral("Hex"));
    QCOMPARE(tabs()->tabText(PayloadView::DecodedTab), QStringLiteral("Decoded"));
    QVERIFY(!m_view->hasMessage());
}

void TstPayloadView::textPayload()
{
    m_view->showMessage(makeMessage(QStringLiteral("hello\r\n消息队列\n\tend").toUtf8(), 42));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::TextTab));
    QVERIFY(!tabs()->isTabEnabled(PayloadView::JsonTab));
    // QPlainTextEdit turns line breaks into paragraph separators; compare line by line.
    const QStringList lines = edit("payloadText")->toPlainText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("hello")));
    QCOMPARE(lines.at(1), QStringLiteral("消息队列"));
    QCOMPARE(lines.at(2), QStringLiteral("\tend"));
    QVERIFY(edit("payloadJson")->toPlainText().isEmpty());
    const QString hex = edit("payloadHex")->toPlainText();
    QVERIFY2(hex.startsWith(QStringLiteral("00000000  68 65 6c 6c 6f 0d 0a e6")), qPrintable(hex));
    QVERIFY(hex.contains(QStringLiteral("|hello..")));
    const QString head = header();
    QVERIFY2(head.contains(QStringLiteral("queue1")), qPrintable(head));
    QVERIFY2(head.contains(QStringLiteral("24 B")), qPrintable(head));
    QVERIFY2(head.contains(QStringLiteral("09:08:07.006")), qPrintable(head));
    QVERIFY2(head.contains(QStringLiteral("#42")), qPrintable(head));
}

void TstPayloadView::jsonPayloadSwitchesToJson()
{
    m_view->showMessage(makeMessage("{\"z\":1,\"a\":[true,null]}"));
    QVERIFY(tabs()->isTabEnabled(PayloadView::JsonTab));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::JsonTab));
    QCOMPARE(edit("payloadJson")->toPlainText(), QStringLiteral("{\n"
                                                                "    \"z\": 1,\n"
                                                                "    \"a\": [\n"
                                                                "        true,\n"
                                                                "        null\n"
                                                                "    ]\n"
                                                                "}"));
    // The raw text is still there, as sent.
    QCOMPARE(edit("payloadText")->toPlainText(), QStringLiteral("{\"z\":1,\"a\":[true,null]}"));
    QVERIFY(edit("payloadHex")->toPlainText().contains(QStringLiteral("7b 22 7a 22")));

    // A plain text message next: the JSON tab goes grey and the view falls back to Text.
    m_view->showMessage(makeMessage("not json"));
    QVERIFY(!tabs()->isTabEnabled(PayloadView::JsonTab));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::TextTab));
    QVERIFY(edit("payloadJson")->toPlainText().isEmpty());
    QCOMPARE(edit("payloadText")->toPlainText(), QStringLiteral("not json"));
}

void TstPayloadView::binaryPayloadLeavesJsonForHex()
{
    m_view->showMessage(makeMessage("[1,2,3]"));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::JsonTab));
    const QByteArray binary("\x00\x01\x02\xff\xfeOK", 7);
    m_view->showMessage(makeMessage(binary));
    QVERIFY(!tabs()->isTabEnabled(PayloadView::JsonTab));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::HexTab));
    QCOMPARE(
        edit("payloadHex")->toPlainText(),
        QStringLiteral("00000000  00 01 02 ff fe 4f 4b                              |.....OK|"));
    QCOMPARE(edit("payloadText")->toPlainText(), QStringLiteral("\\x00\\x01\\x02\\xff\\xfeOK"));
    QCOMPARE(m_view->message().payload, binary);

    // A user who picked Text keeps it for the next binary message.
    tabs()->setCurrentIndex(PayloadView::TextTab);
    m_view->showMessage(makeMessage(QByteArray("\xff", 1)));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::TextTab));
}

void TstPayloadView::scalarJsonDoesNotSteal()
{
    m_view->showMessage(makeMessage("42"));
    QVERIFY(tabs()->isTabEnabled(PayloadView::JsonTab));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::TextTab));
    QCOMPARE(edit("payloadJson")->toPlainText(), QStringLiteral("42"));
}

void TstPayloadView::largePayloadFillsLazily()
{
    QByteArray payload(PayloadView::EagerBytes + 100, 'a');
    payload[0] = '\n';
    m_view->showMessage(makeMessage(payload));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::TextTab));
    QCOMPARE(edit("payloadText")->toPlainText().size(), payload.size());
    QVERIFY(edit("payloadHex")->toPlainText().isEmpty()); // not built until looked at
    tabs()->setCurrentIndex(PayloadView::HexTab);
    const QString hex = edit("payloadHex")->toPlainText();
    QVERIFY(hex.startsWith(QStringLiteral("00000000  0a 61 61")));
    QCOMPARE(hex.count(QLatin1Char('\n')) + 1, (payload.size() + 15) / 16);

    // Past MaxTextBytes the Text tab says what it left out.
    QByteArray huge(PayloadView::MaxTextBytes + 10, 'b');
    m_view->showMessage(makeMessage(huge));
    QCOMPARE(tabs()->currentIndex(), int(PayloadView::HexTab));
    tabs()->setCurrentIndex(PayloadView::TextTab);
    const QString text = edit("payloadText")->toPlainText();
    QVERIFY(text.startsWith(QStringLiteral("bbbb")));
    QVERIFY2(text.endsWith(QStringLiteral("see Hex or export")), qPrintable(text.right(80)));
    QVERIFY(text.contains(QStringLiteral("10 B more not shown (1.0 MiB in total)")));
}

void TstPayloadView::clearEmptiesEverything()
{
    m_view->showMessage(makeMessage("{\"a\":1}"));
    m_view->clear();
    QVERIFY(!m_view->hasMessage());
    QVERIFY(!tabs()->isTabEnabled(PayloadView::JsonTab));
    QVERIFY(tabs()->currentIndex() != PayloadView::JsonTab);
    for (const char* name : {"payloadText", "payloadJson", "payloadHex"})
        QVERIFY2(edit(name)->toPlainText().isEmpty(), name);
    QVERIFY(!header().contains(QStringLiteral("queue1")));

    // An empty payload is a message too.
    m_view->showMessage(makeMessage(QByteArray()));
    QVERIFY(m_view->hasMessage());
    QVERIFY(header().contains(QStringLiteral("0 B")));
    QVERIFY(!edit("payloadText")->placeholderText().isEmpty());
}

QTEST_MAIN(TstPayloadView)
#include "tst_payloadview.moc"
