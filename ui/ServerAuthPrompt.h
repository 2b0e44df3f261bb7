#pragma once

#include "AccessRefusal.h"

#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace rqc {

class AccessDialog;
class ConsoleSession;

// One clear failure per server: when the session's connections are refused (credentials, or the
// TLS certificate), says so once (refused()) and opens the AccessDialog over the window; on
// Connect the session and its panes resume with the new settings, kept in memory only. Cancel
// leaves everything stopped; action() ("Connect with…") opens the dialog again.
class ServerAuthPrompt : public QObject {
    Q_OBJECT
public:
    ServerAuthPrompt(ConsoleSession* session, QWidget* window);

    QAction* action() const { return m_action; }
    // The dialog on screen, or null.
    AccessDialog* dialog() const;
    // Opens the dialog for the session's current refusal (nothing when there is none).
    void ask();

signals:
    // The refusal, in one sentence for the status bar (once per refusal).
    void refused(const QString& text);

private:
    void onRefused(AccessRefusal kind, const QString& reason);

    ConsoleSession* m_session;
    QWidget* m_window;
    QAction* m_action = nullptr;
    QPointer<AccessDialog> m_dialog;
};

} // namespace rqc
