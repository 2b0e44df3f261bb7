#include "ServerAuthPrompt.h"

#include "AccessDialog.h"
#include "ConsoleSession.h"

#include <QAction>
#include <QWidget>

namespace rqc {

ServerAuthPrompt::ServerAuthPrompt(ConsoleSession* session, QWidget* window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
{
    m_action = new QAction(tr("&Connect with password or certificate…"), this);
    m_action->setObjectName(QStringLiteral("accessAction"));
    m_action->setEnabled(false);
    connect(m_action, &QAction::triggered, this, &ServerAuthPrompt::ask);
    connect(session, &ConsoleSession::accessRefused, this, &ServerAuthPrompt::onRefused);
    connect(session, &ConsoleSession::resumed, this, [this] { m_action->setEnabled(false); });
}

AccessDialog* ServerAuthPrompt::dialog() const { return m_dialog.data(); }

void ServerAuthPrompt::onRefused(AccessRefusal kind, const QString& reason)
{
    const QString url = m_session->settings().displayUrl();
    emit refused(kind == AccessRefusal::Certificate
                     ? tr("%1: the server's TLS certificate is not trusted (%2). Every connection "
                          "to it has stopped.")
                           .arg(url, reason)
                     : tr("%1 refused the credentials (%2). Every connection to it has stopped.")
                           .arg(url, reason));
    m_action->setEnabled(true);
    ask();
}

void ServerAuthPrompt::ask()
{
    if (!m_session->isRefused() || m_dialog)
        return;
    auto* dialog = new AccessDialog(m_session->refusal(), m_session->refusalReason(),
                                    m_session->settings(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_session->resumeWith(dialog->settings()); });
    dialog->open(); // window-modal, without a nested event loop
}

} // namespace rqc
