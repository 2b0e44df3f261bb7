#pragma once

#include "PeekReader.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

class QWidget;

namespace rqc {

// What a peek pane asks before it changes the server: the confirmation of an element action
// (and, to move an element, the list to move it to) and of turning keyspace notifications on.
// Each question is a modal box, object name "peekConfirm" for tests.
//
// Its strings keep PeekView's translation context (PeekView asked them itself before).
class PeekActionPrompt {
    Q_DECLARE_TR_FUNCTIONS(rqc::PeekView)

public:
    // Asks before `action` on the element described by `element` (entry `id` for XDEL) of
    // `target`; true when the user confirmed. *destination: the list MoveTo and DeadLetter
    // push to.
    static bool confirmAction(QWidget* parent, PeekAction action, const QByteArray& target,
                              const QString& element, const QByteArray& id,
                              QByteArray* destination);
    static bool confirmNotifications(QWidget* parent);
};

} // namespace rqc
