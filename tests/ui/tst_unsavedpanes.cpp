// The panes of an unsaved server (--url, the sandbox) stay with that server: a start on another
// server does not reopen them, and the status bar says so once; a start with the same URL again
// gets them back. The real MainWindow, against two redis-servers and a sandbox on loopback.
#include "ConsoleSession.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;
using namespace rqc::test;

namespace {
QStringList targets(MainWindow* window)
{
    QStringList out;
    for (QueuePane* p : window->panes())
        out << QString::fromUtf8(p->spec().target);
    out.sort();
    return out;
}
} // namespace

class TestUnsavedPanes : public QObject {
    Q_OBJECT
private:
    QStringList args(const QStringList& server) const
    {
        return server + QStringList{QStringLiteral("--settings"), m_settingsFile};
    }
    QStringList urlOf(const SandboxServer& s) const
    {
        return {QStringLiteral("--url"), QStringLiteral("redis://127.0.0.1:%1").arg(s.port())};
    }
    std::unique_ptr<MainWindow> start(const QStringList& server)
    {
        auto window = openMainWindow(args(server));
        if (window && !QTest::qWaitFor([&] { return window->session()->isReady(); }, scaled(20000)))
            return {};
        return window;
    }

private slots:
    void initTestCase()
    {
        RQ_START_SERVER(m_a);
        RQ_START_SERVER(m_b);
        QVERIFY(m_dir.isValid());
        m_settingsFile = m_dir.filePath(QStringLiteral("rqconsole.ini"));
    }

    void panesStayWithTheirServer()
    {
        {
            // Server A, started with --url: its own panes.
            auto window = start(urlOf(m_a));
            QVERIFY(window);
            for (QueuePane* p : window->panes())
                window->closePane(p);
            QVERIFY(window->openPane(makeSpec(Mode::Peek, "a-only")));
            QCOMPARE(targets(window.get()), QStringList{QStringLiteral("a-only")});
            window->close();
        }
        {
            // A sandbox: A's panes are not reopened there, and the status bar says so.
            auto window = start({QStringLiteral("--sandbox")});
            QVERIFY(window);
            QVERIFY2(!targets(window.get()).contains(QStringLiteral("a-only")),
                     qPrintable(targets(window.get()).join(QLatin1Char(','))));
            const QString said = window->statusBar()->currentMessage();
            QVERIFY2(said.contains(QStringLiteral("1 pane of redis://127.0.0.1:%1/0 not reopened")
                                       .arg(m_a.port())),
                     qPrintable(said));
            QVERIFY(window->openPane(makeSpec(Mode::Peek, "sandbox-only")));
            window->close();
        }
        {
            // Server B: neither A's nor the sandbox's.
            auto window = start(urlOf(m_b));
            QVERIFY(window);
            QCOMPARE(targets(window.get()), QStringList());
            QVERIFY(window->statusBar()->currentMessage().contains(
                QLatin1String("1 pane of the sandbox not reopened")));
            QVERIFY(window->openPane(makeSpec(Mode::Peek, "b-only")));
            window->close();
        }
        {
            // A again: its panes are back (B's, the last ones, are not: said).
            auto window = start(urlOf(m_a));
            QVERIFY(window);
            QCOMPARE(targets(window.get()), QStringList{QStringLiteral("a-only")});
            const QString said = window->statusBar()->currentMessage();
            QVERIFY2(said.contains(QStringLiteral("1 pane of redis://127.0.0.1:%1/0 not reopened")
                                       .arg(m_b.port())),
                     qPrintable(said));
            window->close();
        }
        {
            // B again: its own.
            auto window = start(urlOf(m_b));
            QVERIFY(window);
            QCOMPARE(targets(window.get()), QStringList{QStringLiteral("b-only")});
            window->close();
        }
        {
            // And B once more, right after B: the same server, nothing said.
            auto window = start(urlOf(m_b));
            QVERIFY(window);
            QCOMPARE(targets(window.get()), QStringList{QStringLiteral("b-only")});
            QVERIFY(!window->statusBar()->currentMessage().contains(QLatin1String("not reopened")));
            window->close();
        }
    }

private:
    SandboxServer m_a;
    SandboxServer m_b;
    QTemporaryDir m_dir;
    QString m_settingsFile;
};

QTEST_MAIN(TestUnsavedPanes)
#include "tst_unsavedpanes.moc"
