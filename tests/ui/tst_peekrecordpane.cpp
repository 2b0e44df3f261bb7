// Recording a peek pane (issue 7, section 5) through the real MainWindow, offscreen, against a
// private redis-server that redis-cli pushes to and takes from: --pane peek:…,record=FILE
// records the view as it comes in, then only what entered or left it (peek and gone rows with
// the index, position and section the pane shows, and the depth), nothing while it does not
// change; a recording started on an open peek pane begins with the whole view; a stream's
// browse view records entries by id.
#include "PaneRecorder.h"
#include "PeekModel.h"
#include "PeekView.h"
#include "QueuePane.h"
#include "RecordingReader.h"
#include "RecordingWriter.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace rqc;
using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;

// "peek c@2/0 tail" or "entry 1-1": what a row says, compactly.
QString describe(const RecordedRow& r)
{
    QString text = QString::fromLatin1(r.event) + QLatin1Char(' ');
    if (!r.message.id.isEmpty())
        return text + QString::fromLatin1(r.message.id);
    return text + QStringLiteral("%1@%2/%3 %4")
                      .arg(QString::fromUtf8(r.message.payload))
                      .arg(r.index)
                      .arg(r.position)
                      .arg(QString::fromLatin1(r.section));
}
} // namespace

class TestPeekRecordPane : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<MainWindow> makeWindow(const QString& paneSpec)
    {
        const QString settings =
            m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_settingsCount));
        return test::openMainWindow(
            {str("--url"), m_server.url(), str("--settings"), settings, str("--pane"), paneSpec});
    }

    // Runs redis-cli against the test server (another client, as a user's worker would be);
    // its output, or a null string when it failed.
    QString cli(const QStringList& args)
    {
        QProcess p;
        p.start(m_cli, QStringList{str("-u"), m_server.url()} + args);
        if (!p.waitForFinished(kTimeoutMs) || p.exitCode() != 0) {
            qWarning("redis-cli %s failed: %s", qPrintable(args.join(QLatin1Char(' '))),
                     p.readAllStandardError().constData());
            return QString();
        }
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

    QList<RecordedRow> readBack(const QString& path, RecordingHeader* header)
    {
        RecordingReader reader(path);
        if (!reader.open()) {
            qWarning("%s", qPrintable(reader.error()));
            return {};
        }
        const QList<RecordedRow> rows = reader.readAll();
        *header = reader.header();
        m_problems = reader.problemCount();
        return rows;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli = QStandardPaths::findExecutable(str("redis-cli"));
        QVERIFY2(!m_cli.isEmpty(), "redis-cli is not installed");
        RQ_START_SERVER(m_server);
    }
    void init()
    {
        QCOMPARE(cli({str("FLUSHALL")}), str("OK"));
        // Polled 4 times a second (with notifications a quiet view refreshes every 5 s).
        QCOMPARE(cli({str("CONFIG"), str("SET"), str("notify-keyspace-events"), QString()}),
                 str("OK"));
    }

    void commandLineRecordsWhatEntersAndLeavesTheView()
    {
        QCOMPARE(cli({str("RPUSH"), str("pq"), str("a"), str("b"), str("c")}), str("3"));
        const QString path = m_dir.filePath(str("peek.jsonl"));
        auto window = makeWindow(str("peek:pq,record=") + path);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "pq");
        QVERIFY(p);
        QVERIFY(!p->spec().options.contains(str("record")));
        QVERIFY(p->isRecording());
        PeekView* v = p->peekView();
        PaneRecorder* recorder = p->recorder();
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(recorder->rowsWritten(), quint64(3), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(p, "recordingLabel")->text(),
                                  str("● recording to peek.jsonl — 3 rows"), kTimeoutMs);
        // The pane's numbering, which the rows repeat: c is next (position 0) at index 2.
        QCOMPARE(v->model()->index(2, PeekModel::IndexColumn).data().toLongLong(), 2);
        QVERIFY(v->model()
                    ->index(2, PeekModel::PositionColumn)
                    .data()
                    .toString()
                    .startsWith(str("next")));

        // Unchanged refreshes write nothing.
        QSignalSpy shown(v, &PeekView::snapshotShown);
        QTRY_VERIFY_WITH_TIMEOUT(shown.size() >= 3, kTimeoutMs);
        QCOMPARE(recorder->rowsWritten(), quint64(3));

        // A worker takes the next element; a producer pushes one.
        QCOMPARE(cli({str("RPOP"), str("pq")}), str("c"));
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(recorder->rowsWritten(), quint64(4), kTimeoutMs);
        QCOMPARE(cli({str("LPUSH"), str("pq"), str("d")}), str("3"));
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 3, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(recorder->rowsWritten(), quint64(5), kTimeoutMs);
        // Both ends taken in one command: two rows gone.
        QCOMPARE(cli({str("EVAL"),
                      str("redis.call('RPOP', KEYS[1]); return redis.call('LPOP', "
                          "KEYS[1])"),
                      str("1"), str("pq")}),
                 str("d"));
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(recorder->rowsWritten(), quint64(7), kTimeoutMs);

        window.reset(); // closes the file
        RecordingHeader header;
        const QList<RecordedRow> rows = readBack(path, &header);
        QCOMPARE(m_problems, 0);
        QCOMPARE(header.spec, str("peek:pq"));
        QCOMPARE(header.server, m_server.url());
        QStringList got;
        for (const RecordedRow& r : rows) {
            got << describe(r);
            QCOMPARE(r.mode, str("peek"));
            QCOMPARE(r.target, QByteArray("pq"));
            QCOMPARE(r.message.source, QByteArray("pq"));
            QVERIFY(r.message.receivedMs > 0);
        }
        QCOMPARE(got, QStringList({str("peek a@0/2 tail"), str("peek b@1/1 tail"),
                                   str("peek c@2/0 tail"), str("gone c@2/0 tail"),
                                   str("peek d@0/2 tail"), str("gone d@0/2 tail"),
                                   str("gone b@2/0 tail")}));
        const QList<qint64> depths{3, 3, 3, 2, 3, 1, 1};
        for (int i = 0; i < rows.size(); ++i)
            QCOMPARE(rows.at(i).depth, depths.at(i));
    }

    void recordingAnOpenPeekPaneStartsWithTheView()
    {
        QCOMPARE(cli({str("RPUSH"), str("pq2"), str("x"), str("y")}), str("2"));
        auto window = makeWindow(str("peek:pq2"));
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "pq2");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->peekView()->model()->rowCount(), 2, kTimeoutMs);
        QVERIFY(!p->isRecording());
        const QString path = m_dir.filePath(str("later.jsonl"));
        p->startRecording(path);
        // The view on screen is written at once, not at the next change.
        QTRY_COMPARE_WITH_TIMEOUT(p->recorder()->rowsWritten(), quint64(2), kTimeoutMs);
        p->stopRecording();
        QTRY_VERIFY_WITH_TIMEOUT(!p->recorder()->writer()->isBusy(), kTimeoutMs);
        RecordingHeader header;
        const QList<RecordedRow> rows = readBack(path, &header);
        QCOMPARE(m_problems, 0);
        QCOMPARE(header.spec, str("peek:pq2"));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(describe(rows.at(0)), str("peek x@0/1 tail"));
        QCOMPARE(describe(rows.at(1)), str("peek y@1/0 tail"));
    }

    void streamBrowseRecordsEntriesById()
    {
        QCOMPARE(cli({str("XADD"), str("ps"), str("1-1"), str("message"), str("one")}), str("1-1"));
        QCOMPARE(cli({str("XADD"), str("ps"), str("2-1"), str("message"), str("two")}), str("2-1"));
        const QString path = m_dir.filePath(str("stream.jsonl"));
        auto window = makeWindow(str("peek:ps,record=") + path);
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "ps");
        QVERIFY(p);
        PeekView* v = p->peekView();
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->recorder()->rowsWritten(), quint64(2), kTimeoutMs);
        QCOMPARE(cli({str("XDEL"), str("ps"), str("1-1")}), str("1"));
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 1, kTimeoutMs);
        QCOMPARE(cli({str("XADD"), str("ps"), str("3-1"), str("message"), str("three"), str("n"),
                      str("3")}),
                 str("3-1"));
        QTRY_COMPARE_WITH_TIMEOUT(v->model()->rowCount(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(p->recorder()->rowsWritten(), quint64(4), kTimeoutMs);
        window.reset();

        RecordingHeader header;
        const QList<RecordedRow> rows = readBack(path, &header);
        QCOMPARE(m_problems, 0);
        QStringList got;
        for (const RecordedRow& r : rows)
            got << describe(r);
        QCOMPARE(got, QStringList(
                          {str("entry 2-1"), str("entry 1-1"), str("gone 1-1"), str("entry 3-1")}));
        QCOMPARE(rows.at(0).message.payload, QByteArray("two"));
        QCOMPARE(rows.at(3).message.fields,
                 (QList<QPair<QByteArray, QByteArray>>{{"message", "three"}, {"n", "3"}}));
        QCOMPARE(rows.at(3).depth, qint64(2));
        QCOMPARE(rows.at(3).section, QByteArray("page"));
    }

private:
    QTemporaryDir m_dir;
    SandboxServer m_server;
    QString m_cli;
    int m_settingsCount = 0;
    qint64 m_problems = -1;
};

QTEST_MAIN(TestPeekRecordPane)
#include "tst_peekrecordpane.moc"
