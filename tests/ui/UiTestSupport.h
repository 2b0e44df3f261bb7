#pragma once

#include "AppOptions.h"
#include "MainWindow.h"
#include "QueuePane.h"

#include <QStringList>
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

inline QueuePane* pane(MainWindow* window, const char* target)
{
    return window->findChild<QueuePane*>(QueuePane::objectNameFor(target));
}

template <typename T> T* child(QObject* parent, const char* name)
{
    return parent->findChild<T*>(QString::fromLatin1(name));
}

} // namespace rqc::test
