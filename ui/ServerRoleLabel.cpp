#include "ServerRoleLabel.h"

#include "ConsoleSession.h"

namespace rqc {

ServerRoleLabel::ServerRoleLabel(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("serverRoleLabel"));
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold;"));
    setVisible(false);
}

void ServerRoleLabel::attach(ConsoleSession* session)
{
    m_roleText.clear();
    m_failoverText.clear();
    refresh();
    connect(session, &ConsoleSession::roleChanged, this, &ServerRoleLabel::showRole);
    connect(session, &ConsoleSession::failover, this, &ServerRoleLabel::showFailover);
}

void ServerRoleLabel::showRole(const ServerRole& role)
{
    const QString notice = role.notice();
    m_roleText = notice.isEmpty() ? QString() : tr("Server: %1").arg(notice);
    setToolTip(role.replica ? role.consumeRefusal() : QString());
    refresh();
}

void ServerRoleLabel::showFailover(const QString& from, const QString& to, const QDateTime& at)
{
    m_failoverText = tr("failover: master moved from %1 to %2 at %3")
                         .arg(from, to, at.toString(QStringLiteral("HH:mm:ss")));
    refresh();
}

void ServerRoleLabel::refresh()
{
    QStringList parts;
    if (!m_roleText.isEmpty())
        parts << m_roleText;
    if (!m_failoverText.isEmpty())
        parts << m_failoverText;
    setText(parts.join(QStringLiteral(" · ")));
    setVisible(!parts.isEmpty());
}

} // namespace rqc
