#pragma once

#include "AppOptions.h"
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "ModalWatch.h"
#include "QueuePane.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QMap>
#include <QPlainTextEdit>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace rqc::test {

// Opens the real MainWindow as `rqconsole <arguments>` would, resized to 1280x800 and shown.
// Returns null (with a warning) when the arguments are refused or the window never appears.
inline std::unique_ptr<MainWindow> openMainWindow(const QStringList& arguments,
                                                  bool waitActive = false)
{
    AppOptions options;
    QString message;
    if (AppOptions::parse(QStringList{QStringLiteral("rqconsole")} + arguments, &options,
                          &message) != AppOptions::Result::Run) {
        qWarning("%s", qPrintable(message));
        return {};
    }
    auto window = std::make_unique<MainWindow>(options);
    // A modal nobody answers fails the test after a minute instead of hanging it to ctest's
    // timeout (ui.tst_readingorder once hung 300 s without a word of why).
    rejectForgottenModals(window.get());
    window->resize(1280, 800);
    window->show();
    if (waitActive) {
        window->activateWindow();
        if (!QTest::qWaitForWindowActive(window.get()))
            return {};
    } else if (!QTest::qWaitForWindowExposed(window.get())) {
        return {};
    }
    return window;
}

// What the window tests share: a private redis-server, a client of the test's own on it, and a
// temporary directory for the windows' settings files. Started by RQ_START_WINDOW_FIXTURE in
// initTestCase().
struct WindowFixture {
    SandboxServer server;
    std::unique_ptr<SyncClient> client;
    QTemporaryDir dir;
    int settingsFiles = 0;

    // A settings file no window has used yet.
    QString freshSettings()
    {
        return dir.filePath(QStringLiteral("settings-%1.ini").arg(++settingsFiles));
    }
};

// The real window on the fixture's server: `--url <server> --settings <file>` (a fresh file
// when settingsFile is empty), `--pane <spec>` for each of panes, then the extra arguments.
inline std::unique_ptr<MainWindow> windowOn(WindowFixture& f, const QStringList& panes,
                                            QString settingsFile = {},
                                            const QStringList& extra = {}, bool waitActive = false)
{
    if (settingsFile.isEmpty())
        settingsFile = f.freshSettings();
    QStringList args{QStringLiteral("--url"), f.server.url(), QStringLiteral("--settings"),
                     settingsFile};
    for (const QString& p : panes)
        args << QStringLiteral("--pane") << p;
    return openMainWindow(args + extra, waitActive);
}

// The payload of the pane's shown row (filtered, in the order shown), or empty.
inline QByteArray shownPayload(QueuePane* p, int proxyRow)
{
    const QModelIndex source = p->proxy()->mapToSource(p->proxy()->index(proxyRow, 0));
    return source.isValid() ? p->model()->messageAt(source.row()).payload : QByteArray();
}

// Every row the pane shows, top to bottom.
inline QList<QByteArray> shownPayloads(QueuePane* p)
{
    QList<QByteArray> rows;
    for (int r = 0; r < p->proxy()->rowCount(); ++r)
        rows << shownPayload(p, r);
    return rows;
}

// Pane specs "mode:prefix1", "mode:prefix2"…, n of them.
inline QStringList paneSpecs(const QString& mode, const QString& prefix, int n)
{
    QStringList specs;
    for (int i = 1; i <= n; ++i)
        specs << QStringLiteral("%1:%2%3").arg(mode, prefix).arg(i);
    return specs;
}

// The server's connections from this process's kind, by role: {"publisher": 1, "list": 4…}
// (names are rqconsole:<role>[:<name>]; the test's own client is left out).
inline QMap<QString, int> connectionsByRole(SyncClient& client)
{
    QMap<QString, int> roles;
    const QByteArray list = client.command({"CLIENT", "LIST"}).str;
    for (const QByteArray& line : list.split('\n')) {
        const qsizetype at = line.indexOf(" name=rqconsole:");
        if (at < 0)
            continue;
        const QByteArray name = line.mid(at + 16, line.indexOf(' ', at + 1) - at - 16);
        const qsizetype colon = name.indexOf(':');
        const QByteArray role = colon < 0 ? name : name.left(colon);
        if (role != "test") // the test's own client
            ++roles[QString::fromUtf8(role)];
    }
    return roles;
}

// This process's threads whose name starts with prefix (Linux: /proc/self/task/*/comm).
inline int threadsNamed(const QByteArray& prefix)
{
    int n = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().startsWith(prefix))
            ++n;
    }
    return n;
}

inline QueuePane* pane(MainWindow* window, const char* target)
{
    return window->findChild<QueuePane*>(QueuePane::objectNameFor(target));
}

template <typename T> T* child(QObject* parent, const char* name)
{
    return parent->findChild<T*>(QString::fromLatin1(name));
}

// Types text into the pane's message box (replacing what is there) and sends it (Ctrl+Return).
inline void typeAndSend(QueuePane* p, const QString& text)
{
    auto* edit = child<QPlainTextEdit>(p, "messageEdit");
    edit->selectAll();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
}

} // namespace rqc::test

// Starts the fixture's server and client in initTestCase(), or fails the test saying why.
#define RQ_START_WINDOW_FIXTURE(f)                                                                 \
    do {                                                                                           \
        QVERIFY((f).dir.isValid());                                                                \
        RQ_START_SERVER((f).server);                                                               \
        (f).client = std::make_unique<rqc::test::SyncClient>((f).server.settings());               \
        QVERIFY2((f).client->isConnected(), qPrintable((f).client->error()));                      \
    } while (0)
