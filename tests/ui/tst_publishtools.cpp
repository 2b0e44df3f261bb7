// The entry box's tools (issue 11): Up/Down history per target kept in the settings, snippets,
// sending a file (whole, binary-exact, or by line), replaying a recording, and the message list's
// copy-as-command and export, driven through the real MainWindow against a redis-server.
#include "LoadPanel.h"
#include "MessageModel.h"
#include "QueuePane.h"
#include "RecordingReader.h"
#include "ReplayDialog.h"
#include "RowExport.h"
#include "RowExportActions.h"
#include "SendBox.h"
#include "TestBytes.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::allBytes;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 20000;

} // namespace

class TestPublishTools : public QObject {
    Q_OBJECT
private:
    bool subscribed(const QByteArray& channel)
    {
        return QTest::qWaitFor(
            [&] {
                const RedisReply r = m_f.client->command({"PUBSUB", "NUMSUB", channel});
                return r.elements.size() == 2 && r.elements[1].integer == 1;
            },
            kTimeoutMs);
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void upAndDownRecallThisTargetsMessagesAcrossRestarts()
    {
        const QString ini = m_f.freshSettings();
        {
            auto window = test::windowOn(m_f, {str("pubsub:h1"), str("pubsub:h2")}, ini);
            QVERIFY(window);
            QueuePane* p1 = pane(window.get(), "h1");
            QueuePane* p2 = pane(window.get(), "h2");
            QVERIFY(subscribed("h1") && subscribed("h2"));
            test::typeAndSend(p1, str("first"));
            test::typeAndSend(p1, str("second"));
            test::typeAndSend(p2, str("other pane"));
            QTRY_COMPARE_WITH_TIMEOUT(p1->model()->rowCount(), 2, kTimeoutMs);
        }
        auto window = test::windowOn(m_f, {str("pubsub:h1")}, ini);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "h1");
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->setFocus();
        QTest::keyClicks(edit, str("draft"));
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(edit->toPlainText(), str("second"));
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(edit->toPlainText(), str("first"));
        QTest::keyClick(edit, Qt::Key_Up); // the oldest: stays
        QCOMPARE(edit->toPlainText(), str("first"));
        QTest::keyClick(edit, Qt::Key_Down);
        QCOMPARE(edit->toPlainText(), str("second"));
        QTest::keyClick(edit, Qt::Key_Down);
        QCOMPARE(edit->toPlainText(), str("draft")); // back to what was being typed
    }

    void snippetsAreKeptInTheSettings()
    {
        const QString ini = m_f.freshSettings();
        auto window = test::windowOn(m_f, {str("pubsub:snip")}, ini);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "snip");
        auto* box = child<SendBox>(p, "sendBox");
        QVERIFY(box && box->history());
        box->history()->setSnippet(str("order"), str("{\"id\": \"{{uuid}}\"}"));
        window.reset();
        QSettings settings(ini, QSettings::IniFormat);
        SendHistory reread(&settings);
        QCOMPARE(reread.snippetNames(), QStringList{str("order")});
        QCOMPARE(reread.snippet(str("order")), str("{\"id\": \"{{uuid}}\"}"));
    }

    void aFileGoesOutByteForByteOrByLine()
    {
        auto window = test::windowOn(m_f, {str("pubsub:file")}, m_f.freshSettings());
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "file");
        QVERIFY(subscribed("file"));
        auto* box = child<SendBox>(p, "sendBox");
        const QString bin = m_f.dir.filePath(QStringLiteral("all.bin"));
        QFile f(bin);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(allBytes());
        f.close();
        QVERIFY(box->sendFile(bin, PayloadFile::Split::Whole));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(0).payload, allBytes());
        const QString text = m_f.dir.filePath(QStringLiteral("lines.txt"));
        QFile t(text);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("alpha\r\nbeta\n\ngamma");
        t.close();
        // Once the first run is over (a second waits for it).
        QTRY_VERIFY(!child<LoadPanel>(p, "loadPanel")->isRunning());
        QVERIFY2(box->sendFile(text, PayloadFile::Split::Lines), qPrintable(p->errorText()));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 5, kTimeoutMs);
        QCOMPARE(p->model()->messageAt(1).payload, QByteArray("alpha"));
        QCOMPARE(p->model()->messageAt(2).payload, QByteArray("beta"));
        QCOMPARE(p->model()->messageAt(3).payload, QByteArray(""));
        QCOMPARE(p->model()->messageAt(4).payload, QByteArray("gamma"));
        QVERIFY(
            !box->sendFile(m_f.dir.filePath(QStringLiteral("missing")), PayloadFile::Split::Whole));
        QTRY_VERIFY(p->errorText().contains(str("Cannot read")));
    }

    void aRecordingIsReplayedInOrderByteForByte()
    {
        // A recording with every byte value, as a pane's export writes it.
        QList<Message> rows;
        for (int i = 0; i < 300; ++i) {
            Message m;
            m.source = "orig";
            m.receivedMs = 1764600000000 + i;
            m.payload = i == 7 ? allBytes() : "r" + QByteArray::number(i);
            rows << m;
        }
        const QString path = m_f.dir.filePath(QStringLiteral("replay.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(RowExport::jsonLines(rows, "pubsub", "orig", false, QString(), QString()));
        f.close();
        auto window = test::windowOn(m_f, {str("pubsub:replayed")}, m_f.freshSettings());
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "replayed");
        QVERIFY(subscribed("replayed"));
        auto* dialog = new ReplayDialog(child<SendBox>(p, "sendBox"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        dialog->setPath(path);
        // The pane's own command and target by default; ×10 the recorded timing (0.3 s).
        QCOMPARE(child<QLineEdit>(dialog, "replayTargetEdit")->text(), str("replayed"));
        auto* timing = child<QComboBox>(dialog, "replayTimingCombo");
        timing->setCurrentIndex(1);
        QTest::mouseClick(child<QAbstractButton>(dialog, "replayStartButton"), Qt::LeftButton);
        QVERIFY2(dialog->isRunning(), qPrintable(dialog->statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 300, kTimeoutMs);
        for (int i = 0; i < 300; ++i)
            QCOMPARE(p->model()->messageAt(i).payload, rows[i].payload);
        QTRY_VERIFY(dialog->statusText().contains(str("done: replayed 300 of 300")));
        dialog->close();
    }

    void rowsCopyAsCommandsAndExport()
    {
        auto window = test::windowOn(m_f, {str("pubsub:exp")}, m_f.freshSettings());
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "exp");
        QVERIFY(subscribed("exp"));
        QCOMPARE(m_f.client->command({"PUBLISH", "exp", allBytes()}).integer, qint64(1));
        QCOMPARE(m_f.client->command({"PUBLISH", "exp", "two, \"quoted\""}).integer, qint64(1));
        QTRY_COMPARE_WITH_TIMEOUT(p->model()->rowCount(), 2, kTimeoutMs);
        auto* view = child<QTableView>(p, "messageView");
        auto* actions = view->findChild<RowExportActions*>();
        QVERIFY(actions);
        view->selectRow(0);
        QCOMPARE(actions->selectedMessages().size(), 1);
        view->findChild<QAction*>(str("copyCliAction"))->trigger();
        const QByteArray cli = QApplication::clipboard()->text().toLatin1();
        QCOMPARE(cli, RowExport::redisCliLine({"PUBLISH", "exp", allBytes()}));
        view->findChild<QAction*>(str("copyPyAction"))->trigger();
        QVERIFY(QApplication::clipboard()->text().startsWith(str("r.publish(b'exp', b'\\x00")));
        // The whole pane as a recording, read back exactly; the selection as CSV.
        const QString jsonl = m_f.dir.filePath(QStringLiteral("pane.jsonl"));
        QString error;
        QVERIFY2(actions->exportTo(jsonl, false, &error), qPrintable(error));
        RecordingReader reader(jsonl);
        QVERIFY2(reader.open(), qPrintable(reader.error()));
        QCOMPARE(reader.header().spec, str("pubsub:exp"));
        const QList<RecordedRow> back = reader.readAll();
        QCOMPARE(back.size(), 2);
        QCOMPARE(back[0].message.payload, allBytes());
        QCOMPARE(back[1].message.payload, QByteArray("two, \"quoted\""));
        view->selectRow(1);
        const QString csv = m_f.dir.filePath(QStringLiteral("sel.csv"));
        QVERIFY2(actions->exportTo(csv, true, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QVERIFY(data.startsWith(RowExport::csvHeader()));
        QVERIFY2(data.contains(",exp,,,1,text,\"two, \"\"quoted\"\"\",\r\n"), data.constData());
        QCOMPARE(data.count('\n'), 2); // the header and the one selected row
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestPublishTools)
#include "tst_publishtools.moc"
