// What the window says when sending or connecting fails (issue 9, defects 3, 4 and 7), driven
// through the real MainWindow against a redis-server with requirepass (and one with TLS).
#include "AccessDialog.h"
#include "ConsoleSession.h"
#include "QueuePane.h"
#include "ServerAuthPrompt.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 10000;
constexpr char kPassword[] = "s3cret";
} // namespace

class TestSendFailures : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<MainWindow> makeWindow(const QString& url, const QStringList& extra)
    {
        const QString settings = m_dir.filePath(QStringLiteral("s-%1.ini").arg(++m_windows));
        return test::openMainWindow(QStringList{str("--url"), url, str("--settings"), settings} +
                                    extra);
    }
    QString url(bool withPassword) const
    {
        const QString auth = withPassword ? str(":") + str(kPassword) + str("@") : QString();
        return str("redis://") + auth + str("127.0.0.1:") + QString::number(m_server.port());
    }

    static void typeAndSend(QueuePane* p, const QString& text)
    {
        auto* edit = child<QPlainTextEdit>(p, "messageEdit");
        edit->selectAll();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    }

    qint64 connectionsReceived()
    {
        const QByteArray info = m_client->command({"INFO", "stats"}).str;
        for (const QByteArray& line : info.split('\n')) {
            if (line.startsWith("total_connections_received:"))
                return line.mid(27).trimmed().toLongLong();
        }
        return -1;
    }

    int connectionsNamed(const QByteArray& prefix)
    {
        int n = 0;
        for (const QByteArray& line : m_client->command({"CLIENT", "LIST"}).str.split('\n'))
            n += line.contains(" name=" + prefix) ? 1 : 0;
        return n;
    }

    qint64 publisherId()
    {
        for (const QByteArray& line : m_client->command({"CLIENT", "LIST"}).str.split('\n')) {
            if (line.contains(" name=rqconsole:publisher "))
                return line.mid(3, line.indexOf(' ') - 3).toLongLong(); // "id=N …"
        }
        return -1;
    }

    static AccessDialog* activeAccessDialog()
    {
        return qobject_cast<AccessDialog*>(QApplication::activeModalWidget());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        SandboxServer::Options opts;
        opts.password = kPassword;
        RQ_START_SERVER_WITH(m_server, opts);
        m_client = std::make_unique<test::SyncClient>(m_server.settings());
        QVERIFY2(m_client->isConnected(), qPrintable(m_client->error()));
    }

    void init() { m_client->command({"FLUSHALL"}); }

    // Defect 3: with no password, Ctrl+Enter says why in the pane (Redis's NOAUTH), and the
    // status line makes up no depth. The password dialog the window offers is declined first.
    void sendWithoutPasswordSaysWhy()
    {
        QTimer decline;
        connect(&decline, &QTimer::timeout, this, [] {
            if (auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget()))
                dialog->reject();
        });
        decline.start(20);
        auto window = makeWindow(url(false), {str("--pane"), str("list:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QVERIFY(p);
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Failed, kTimeoutMs);
        QTest::qWait(300); // the publisher's own first attempt has failed too by now
        // Saying why takes no new knock at the server: the refusal is known.
        const qint64 before = connectionsReceived();
        typeAndSend(p, str("hello"));
        auto* error = child<QLabel>(p, "errorLabel");
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().startsWith(str("Sending failed")), kTimeoutMs);
        QVERIFY2(p->errorText().contains(str("NOAUTH")), qPrintable(p->errorText()));
        QVERIFY(error->isVisible());
        QVERIFY2(!p->statusText().contains(str("depth 0")), qPrintable(p->statusText()));
        QCOMPARE(p->sentTotal(), quint64(0));
        // A second try says it again (the first banner was not a one-off).
        emit error->linkActivated(str("#dismiss")); // the user dismisses it
        QVERIFY(p->errorText().isEmpty());
        typeAndSend(p, str("again"));
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().startsWith(str("Sending failed")), kTimeoutMs);
        QVERIFY2(p->errorText().contains(str("NOAUTH")), qPrintable(p->errorText()));
        QCOMPARE(m_client->command({"EXISTS", "jobs"}).integer, qint64(0));
        QCOMPARE(connectionsReceived(), before);
    }

    // Defect 4: a send that fails (OOM here) shows its banner until a later send goes through;
    // the idle publishing connection killed meanwhile comes back without a word.
    void sendBannerClearsOnceASendSucceeds()
    {
        auto window = makeWindow(url(true), {str("--pane"), str("list:jobs")});
        QVERIFY(window);
        QueuePane* p = pane(window.get(), "jobs");
        QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(connectionsNamed("rqconsole:publisher"), 1, kTimeoutMs);

        QVERIFY(m_client->command({"CONFIG", "SET", "maxmemory", "1"}).isStatus("OK"));
        typeAndSend(p, str("too much"));
        QTRY_VERIFY_WITH_TIMEOUT(p->errorText().contains(str("OOM")), kTimeoutMs);
        QVERIFY(child<QLabel>(p, "errorLabel")->isVisible());
        QVERIFY(m_client->command({"CONFIG", "SET", "maxmemory", "0"}).isStatus("OK"));

        // Idle, killed: quiet.
        const qint64 killed = publisherId();
        QVERIFY(killed > 0);
        QCOMPARE(m_client->command({"CLIENT", "KILL", "ID", QByteArray::number(killed)}).integer,
                 qint64(1));
        QTRY_VERIFY_WITH_TIMEOUT(publisherId() > killed, kTimeoutMs);
        QTest::qWait(200);
        QVERIFY2(p->errorText().contains(str("OOM")), qPrintable(p->errorText()));

        typeAndSend(p, str("fits now"));
        QTRY_COMPARE_WITH_TIMEOUT(p->sentTotal(), quint64(1), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(p->errorText().isEmpty(), qPrintable(p->errorText()), kTimeoutMs);
        QVERIFY(!child<QLabel>(p, "errorLabel")->isVisible());
    }

    // Defect 7: a refused password stops every connection of the window once (no reconnect
    // loop), the window says so once and offers the password; on Connect everything resumes.
    void refusedPasswordPromptsOnceThenEverythingResumes()
    {
        auto window = makeWindow(url(false), {str("--pane"), str("list:jobs"), str("--pane"),
                                              str("pubsub:news"), str("--pane"), str("list:more"),
                                              str("--pane"), str("peek:waiting")});
        QVERIFY(window);
        QTRY_VERIFY_WITH_TIMEOUT(activeAccessDialog(), kTimeoutMs);
        AccessDialog* dialog = activeAccessDialog();
        QCOMPARE(dialog->kind(), AccessRefusal::Credentials);
        auto* password = child<QLineEdit>(dialog, "accessPasswordEdit");
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QVERIFY(window->statusBar()->currentMessage().contains(str("NOAUTH")));
        QVERIFY(window->session()->isRefused());

        // Nothing knocks again while the dialog waits: the connection count stays put.
        const qint64 before = connectionsReceived();
        QTest::qWait(3000);
        QCOMPARE(connectionsReceived(), before);
        QCOMPARE(window->findChildren<AccessDialog*>().size(), 1); // asked once

        QTest::keyClicks(password, str(kPassword));
        child<QDialogButtonBox>(dialog, "accessButtons")->button(QDialogButtonBox::Ok)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!window->session()->isRefused(), kTimeoutMs);

        // The consumers, the publisher, the monitor and the census are all back.
        QueuePane* jobs = pane(window.get(), "jobs");
        QueuePane* news = pane(window.get(), "news");
        QTRY_COMPARE_WITH_TIMEOUT(jobs->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(news->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(pane(window.get(), "more")->consumerState(),
                                  ConsumerState::Listening, kTimeoutMs);
        typeAndSend(jobs, str("with the password"));
        QTRY_COMPARE_WITH_TIMEOUT(jobs->receivedTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(jobs->sentTotal(), quint64(1), kTimeoutMs);
        QVERIFY2(jobs->errorText().isEmpty(), qPrintable(jobs->errorText()));
        QTRY_VERIFY_WITH_TIMEOUT(
            window->findChild<QLabel*>(str("connectionLabel"))->text().startsWith(str("Connected")),
            kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(connectionsNamed("rqconsole:admin") == 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(connectionsNamed("rqconsole:inspect:census") == 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(connectionsNamed("rqconsole:peek") >= 1, kTimeoutMs);
        // Kept in memory only: the settings file never holds the password.
        window->saveSettings();
        QFile file(window->settings()->fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(kPassword));
    }

    // Defect 7, TLS: an untrusted certificate is said once and stops; the dialog offers a CA
    // file or skipping verification, and skipping leaves a visible warning.
    void untrustedCertificateOffersTheChoices()
    {
        SandboxServer tls;
        SandboxServer::Options opts;
        opts.tls = true;
        RQ_START_SERVER_WITH(tls, opts);
        const QString tlsUrl = QStringLiteral("rediss://127.0.0.1:%1").arg(tls.port());
        for (const bool skip : {false, true}) {
            auto window = makeWindow(tlsUrl, {str("--pane"), str("list:jobs")});
            QVERIFY(window);
            QTRY_VERIFY_WITH_TIMEOUT(activeAccessDialog(), kTimeoutMs);
            AccessDialog* dialog = activeAccessDialog();
            QCOMPARE(dialog->kind(), AccessRefusal::Certificate);
            QVERIFY(!window->findChild<QLabel*>(str("tlsWarningLabel"))->isVisible());
            if (!skip) { // stopped, all of them (publisher, monitor, consumer…): no more
                // refused handshakes in the server's log (Redis counts only finished ones)
                const auto refused = [&tls] {
                    return tls.log().count(QLatin1String("Error accepting a client connection"));
                };
                QTest::qWait(300);
                const qsizetype before = refused();
                QVERIFY(before >= 2);
                QTest::qWait(2500);
                QCOMPARE(refused(), before);
            }
            auto* warning = child<QLabel>(dialog, "accessInsecureWarning");
            QVERIFY(!warning->isVisible());
            if (skip) {
                child<QCheckBox>(dialog, "accessInsecureCheck")->setChecked(true);
                QVERIFY(warning->isVisible());
            } else {
                child<QLineEdit>(dialog, "accessCaFileEdit")->setText(tls.caCertFile());
            }
            child<QDialogButtonBox>(dialog, "accessButtons")->button(QDialogButtonBox::Ok)->click();
            QueuePane* p = pane(window.get(), "jobs");
            QTRY_VERIFY2_WITH_TIMEOUT(p->consumerState() == ConsumerState::Listening,
                                      qPrintable(p->errorText()), kTimeoutMs);
            QTRY_VERIFY_WITH_TIMEOUT(window->findChild<QLabel*>(str("connectionLabel"))
                                         ->text()
                                         .startsWith(str("Connected")),
                                     kTimeoutMs);
            QCOMPARE(window->findChild<QLabel*>(str("tlsWarningLabel"))->isVisible(), skip);
            typeAndSend(p, str("over tls"));
            QTRY_COMPARE_WITH_TIMEOUT(p->sentTotal(), quint64(1), kTimeoutMs);
        }
    }

private:
    QTemporaryDir m_dir;
    int m_windows = 0;
    SandboxServer m_server;
    std::unique_ptr<test::SyncClient> m_client;
};

QTEST_MAIN(TestSendFailures)
#include "tst_sendfailures.moc"
