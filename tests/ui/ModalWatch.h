#pragma once

#include "TestSupport.h"

#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

namespace rqc::test {

// A modal dialog nobody answers blocks a test until ctest's timeout kills it, saying nothing of
// why. While owner lives, one that stays the active modal widget for limitMs (scaled) is
// rejected with a warning naming it: the test fails where it waited instead of hanging.
inline void rejectForgottenModals(QObject* owner, int limitMs = 60000)
{
    auto* timer = new QTimer(owner);
    auto seen = std::make_shared<QPointer<QWidget>>();
    auto since = std::make_shared<QElapsedTimer>();
    QObject::connect(timer, &QTimer::timeout, owner, [seen, since, limitMs] {
        QWidget* modal = QApplication::activeModalWidget();
        if (modal != seen->data()) {
            *seen = modal;
            since->start();
            return;
        }
        if (!modal || since->elapsed() < scaled(limitMs))
            return;
        qWarning("A modal %s (%s, \"%s\") was left open for %lld ms: rejected",
                 modal->metaObject()->className(), qPrintable(modal->objectName()),
                 qPrintable(modal->windowTitle()), qint64(since->elapsed()));
        if (auto* dialog = qobject_cast<QDialog*>(modal))
            dialog->reject();
        else
            modal->close();
        *seen = nullptr;
    });
    timer->start(200);
}

} // namespace rqc::test
