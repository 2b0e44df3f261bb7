// Recording a pane (issue 7, section 5) through the real MainWindow, offscreen, against a
// private redis-server: --pane …,record=FILE, File › Record pane… with its file dialog answered,
// every row exactly once and in order (also paused, also rows the view's ring buffer drops),
// and write errors shown in the pane.
#include "Consumer.h"
#include "MessageModel.h"
#include "PaneRecorder.h"
#include "QueuePane.h"
#include "RecordingReader.h"
#include "RecordingWriter.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QPointer>
#include <QSettings>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;

QString labelFor(const QString& file, quint64 rows)
{
    return QStringLiteral("● recording to %1 — %2 rows").arg(file).arg(rows);
}
} // namespace

class TestRecordPane : public QObject {
    Q_OBJECT
private:
    // Every window of this test shares one settings file.
    std::unique_ptr<MainWindow> makeWindow(const QStringList& panes, bool waitActive = false)
    {
        return test::windowOn(m_f, panes, settingsFile(), {}, waitActive);
    }
    QString settingsFile() const { return m_f.dir.filePath(str("settings.ini")); }

    // LPUSHes prefix+first … prefix+last, one command each, so BRPOP takes them in this order.
    bool push(const QByteArray& key, int first, int last)
    {
        QList<QList<QByteArray>> commands;
        for (int i = first; i <= last; ++i)
            commands << QList<QByteArray>{"LPUSH", key, "m" + QByteArray::number(i)};
        const QList<RedisReply> replies = m_f.client->pipeline(commands);
        return replies.size() == commands.size();
    }

    // Reads a finished recording; fails the calling test through the returned problems.
    static QList<RecordedRow> readBack(const QString& path, RecordingHeader* header,
                                       qint64* problems)
    {
        RecordingReader reader(path);
        if (!reader.open()) {
            qWarning("%s", qPrintable(reader.error()));
            *problems = -1;
            return {};
        }
        const QList<RecordedRow> rows = reader.readAll();
        *header = reader.header();
        *problems = reader.problemCount();
        return rows;
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void commandLineRecordsEveryRowOnceInOrderAlsoWhilePaused()
    {
        const QString path = m_f.dir.filePath(str("cli.jsonl"));
        auto window = makeWindow({str("list:rec1,record=") + path});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "rec1");
        QVERIFY(p);
        // record= is the pane's recording, not a consumer option.
        QVERIFY(!p->spec().options.contains(str("record")));
        QVERIFY(p->isRecording());
        auto* label = child<QLabel>(p, "recordingLabel");
        QVERIFY(label);
        QVERIFY(label->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QCOMPARE(label->text(), labelFor(str("cli.jsonl"), 0));

        // A small view, so its ring buffer (and the paused hold-back) drops rows from the view.
        p->setCapacity(100);
        QVERIFY(push("rec1", 1, 300));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(300), kTimeoutMs);
        child<QAbstractButton>(p, "pauseButton")->click();
        QVERIFY(push("rec1", 301, 700));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(700), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(label->text(), labelFor(str("cli.jsonl"), 700), kTimeoutMs);
        QVERIFY(p->model()->rowCount() <= 100); // the view dropped most of them
        child<QAbstractButton>(p, "pauseButton")->click();
        QVERIFY(push("rec1", 701, 710));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(710), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(label->text(), labelFor(str("cli.jsonl"), 710), kTimeoutMs);

        window->close(); // saves the layout
        window.reset();  // the pane's recorder flushes and closes the file

        RecordingHeader header;
        qint64 problems = 0;
        const QList<RecordedRow> rows = readBack(path, &header, &problems);
        QCOMPARE(problems, 0);
        QCOMPARE(header.server, m_f.server.url());
        QCOMPARE(header.spec, str("list:rec1"));
        QCOMPARE(rows.size(), 710);
        for (int i = 0; i < rows.size(); ++i) {
            const RecordedRow& row = rows.at(i);
            QCOMPARE(row.message.payload, "m" + QByteArray::number(i + 1));
            QCOMPARE(row.mode, str("list"));
            QCOMPARE(row.target, QByteArray("rec1"));
            QCOMPARE(row.event, QByteArray("message"));
            QCOMPARE(row.message.source, QByteArray("rec1"));
            QVERIFY(row.message.receivedMs > 0);
            if (i > 0)
                QVERIFY(row.message.seq > rows.at(i - 1).message.seq);
        }
        // A saved layout does not resume (and overwrite) the recording by itself.
        QSettings settings(settingsFile(), QSettings::IniFormat);
        const QStringList saved = settings.value(str("panes")).toStringList();
        QCOMPARE(saved, QStringList{str("list:rec1")});
    }

    void recordPaneMenuRecordsTheFocusedPane()
    {
        const QString path = m_f.dir.filePath(str("menu.jsonl"));
        auto window = makeWindow({str("list:recA"), str("list:recB")}, true);
        QVERIFY(window);
        QueuePane* a = pane(window.get(), "recA");
        QueuePane* b = pane(window.get(), "recB");
        QVERIFY(a && b);
        QTRY_COMPARE_WITH_TIMEOUT(a->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(b->consumerState(), ConsumerState::Listening, kTimeoutMs);
        b->focusEntry();
        QTRY_VERIFY(b->isAncestorOf(QApplication::focusWidget()));

        auto* action = window->findChild<QAction*>(str("recordPaneAction"));
        QVERIFY(action);
        QCOMPARE(action->text(), str("&Record pane…"));
        bool answered = false;
        QTimer::singleShot(0, this, [&answered, path] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog || dialog->objectName() != str("recordFileDialog"))
                return;
            QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
            dialog->selectFile(path);
            answered = true;
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog's own accept() checks the name
        });
        action->trigger();
        QVERIFY(answered);
        QVERIFY(b->isRecording());
        QVERIFY(!a->isRecording());
        QCOMPARE(action->text(), str("Stop &recording"));
        QVERIFY(child<QLabel>(b, "recordingLabel")->isVisible());
        QVERIFY(!child<QLabel>(a, "recordingLabel")->isVisible());

        QVERIFY(push("recA", 1, 3));
        QVERIFY(push("recB", 1, 5));
        QTRY_COMPARE_WITH_TIMEOUT(b->receivedTotal(), quint64(5), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(a->receivedTotal(), quint64(3), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(b, "recordingLabel")->text(),
                                  labelFor(str("menu.jsonl"), 5), kTimeoutMs);

        window->activateWindow(); // the offscreen platform does not give it back after the dialog
        b->focusEntry();
        QTRY_VERIFY(b->isAncestorOf(QApplication::focusWidget()));
        action->trigger(); // Stop recording
        QVERIFY(!b->isRecording());
        QCOMPARE(action->text(), str("&Record pane…"));
        QVERIFY(!child<QLabel>(b, "recordingLabel")->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!b->recorder()->writer()->isBusy(), kTimeoutMs);
        // Rows after the stop are not recorded.
        QVERIFY(push("recB", 6, 6));
        QTRY_COMPARE_WITH_TIMEOUT(b->receivedTotal(), quint64(6), kTimeoutMs);

        RecordingHeader header;
        qint64 problems = 0;
        const QList<RecordedRow> rows = readBack(path, &header, &problems);
        QCOMPARE(problems, 0);
        QCOMPARE(header.spec, str("list:recB"));
        QCOMPARE(rows.size(), 5);
        for (int i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows.at(i).message.payload, "m" + QByteArray::number(i + 1));
            QCOMPARE(rows.at(i).target, QByteArray("recB"));
        }
    }

    void recordOptionNeverRestartsTheConsumer()
    {
        auto window = makeWindow({str("list:recSpec")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "recSpec");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        const QPointer<Consumer> consumer = p->findChild<Consumer*>();
        QVERIFY(consumer);

        // record= through setSpec (as a saved or typed spec would) starts recording only.
        const QString path = m_f.dir.filePath(str("spec.jsonl"));
        ConsumerSpec spec = p->spec();
        spec.options.insert(str("record"), path);
        p->setSpec(spec);
        QVERIFY(p->isRecording());
        QCOMPARE(p->spec().toString(), str("list:recSpec"));
        QCOMPARE(p->findChild<Consumer*>(), consumer.data());
        QCOMPARE(p->consumerState(), ConsumerState::Listening);
        QVERIFY(push("recSpec", 1, 2));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(2), kTimeoutMs);

        // Switching the target restarts the consumer but keeps the recording; rows say which.
        ConsumerSpec other = p->spec();
        other.target = "recSpec2";
        p->setSpec(other);
        QVERIFY(p->isRecording());
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QVERIFY(push("recSpec2", 3, 3));
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(3), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->recorder()->rowsWritten(), quint64(3), kTimeoutMs);
        p->stopRecording();
        QTRY_VERIFY_WITH_TIMEOUT(!p->recorder()->writer()->isBusy(), kTimeoutMs);

        RecordingHeader header;
        qint64 problems = 0;
        const QList<RecordedRow> rows = readBack(path, &header, &problems);
        QCOMPARE(problems, 0);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).target, QByteArray("recSpec"));
        QCOMPARE(rows.at(2).target, QByteArray("recSpec2"));
        QCOMPARE(rows.at(2).message.payload, QByteArray("m3"));
    }

    void patternPaneRecordsBytesExactly()
    {
        const QString path = m_f.dir.filePath(str("pattern.jsonl"));
        auto window = makeWindow({str("pattern:recnews.*,record=") + path});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "recnews.*");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        const QList<QByteArray> payloads = {QStringLiteral("你好，世界").toUtf8(),
                                            QByteArray("\0\xff\xfe bin", 7), QByteArray("caf\xe9"),
                                            QByteArray("\"q\"\n")};
        for (const QByteArray& payload : payloads)
            QCOMPARE(m_f.client->command({"PUBLISH", "recnews.a", payload}).integer, 1);
        QTRY_COMPARE_WITH_TIMEOUT(p->receivedTotal(), quint64(payloads.size()), kTimeoutMs);
        window.reset();

        RecordingHeader header;
        qint64 problems = 0;
        const QList<RecordedRow> rows = readBack(path, &header, &problems);
        QCOMPARE(problems, 0);
        QCOMPARE(rows.size(), payloads.size());
        for (int i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows.at(i).message.payload, payloads.at(i));
            QCOMPARE(rows.at(i).mode, str("pattern"));
            QCOMPARE(rows.at(i).message.source, QByteArray("recnews.a"));
            QCOMPARE(rows.at(i).message.pattern, QByteArray("recnews.*"));
        }
        // Text stays readable in the file; the rest is base64.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray raw = f.readAll();
        QVERIFY(raw.contains(",\"payload\":\"你好，世界\"}"));
        QVERIFY(raw.contains(",\"payload_b64\":\"AP/+IGJpbg==\"}"));
    }

    void writeErrorIsShownInThePane()
    {
        // Root ignores permission bits: a path under a regular file cannot be created by anyone.
        const QString plain = m_f.dir.filePath(str("not-a-directory"));
        QFile f(plain);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const QString path = plain + str("/rec.jsonl");
        auto window = makeWindow({str("list:recErr,record=") + path});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "recErr");
        QVERIFY(p);
        auto* errorLabel = child<QLabel>(p, "errorLabel");
        QTRY_VERIFY_WITH_TIMEOUT(errorLabel->isVisible(), kTimeoutMs);
        QVERIFY2(p->errorText().startsWith(str("Cannot record to %1: ").arg(path)),
                 qPrintable(p->errorText()));
        QVERIFY(!p->isRecording());
        QVERIFY(!child<QLabel>(p, "recordingLabel")->isVisible());
        // The consumer is not affected.
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
    }

    void diskFullMidRecordingIsShownInThePane()
    {
        if (!QFile::exists(str("/dev/full")))
            QSKIP("no /dev/full on this system");
        auto window = makeWindow({str("list:recFull")}, true);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "recFull");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        p->startRecording(str("/dev/full"));
        QTRY_VERIFY_WITH_TIMEOUT(!p->isRecording(), kTimeoutMs);
        QVERIFY2(p->errorText().contains(str("No space left on device")),
                 qPrintable(p->errorText()));
        QVERIFY(child<QLabel>(p, "errorLabel")->isVisible());
    }

    void cleanupTestCase() { m_f.client.reset(); }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestRecordPane)
#include "tst_recordpane.moc"
