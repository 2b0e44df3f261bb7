#pragma once

// What the tests of a console without a keychain share: a settings file holding one saved
// connection, the prompts the console opens for what it cannot read, the check that no secret
// reached the settings file, and a main() whose session bus has nobody listening.

#include "ConnectionProfile.h"
#include "ConnectionStore.h"
#include "MainWindow.h"

#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QSettings>
#include <QTest>

#include <memory>

namespace rqc::test {

// Writes into `file` one saved connection, `url` under `name`, as the last used (the console
// reconnects to it at start). Returns false, with the reason in *error, for a URL it refuses.
inline bool saveLastUsed(const QString& file, const QString& url, const QString& name,
                         ConnectionProfile* saved = nullptr, QString* error = nullptr)
{
    QSettings settings(file, QSettings::IniFormat);
    ConnectionStore store(&settings);
    ConnectionProfile p;
    if (!ConnectionProfile::fromUrl(url, &p, nullptr, error))
        return false;
    p.name = name;
    p = store.save(p);
    store.setLastUsed(p.id);
    if (saved)
        *saved = p;
    return true;
}

// The window's prompt called objectName once it is on screen, or null after timeoutMs.
inline QInputDialog* promptShown(MainWindow* window, const QString& objectName, int timeoutMs)
{
    QInputDialog* prompt = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            prompt = window->findChild<QInputDialog*>(objectName);
            return prompt && prompt->isVisible();
        },
        timeoutMs);
    return shown ? prompt : nullptr;
}

// Closes and deletes the window (it saves its settings), then tells whether the settings file
// holds secret anywhere; false too when the file cannot be read.
inline bool settingsHoldAfterClose(std::unique_ptr<MainWindow>& window, const QString& file,
                                   const QByteArray& secret, bool* readable)
{
    window->close();
    window.reset();
    QFile f(file);
    *readable = f.open(QIODevice::ReadOnly);
    return *readable && f.readAll().contains(secret);
}

} // namespace rqc::test

// main() of a test run where there is no keychain: a session bus address where nothing listens,
// whatever the machine has.
#define RQ_NO_KEYCHAIN_TEST_MAIN(TestClass)                                                        \
    int main(int argc, char** argv)                                                                \
    {                                                                                              \
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rqconsole-no-bus");            \
        QApplication app(argc, argv);                                                              \
        TestClass test;                                                                            \
        return QTest::qExec(&test, argc, argv);                                                    \
    }
