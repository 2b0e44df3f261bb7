#pragma once

#include "ServerRole.h"

#include <QDateTime>
#include <QLabel>

namespace rqc {

class ConsoleSession;

// The status bar's word on what the server is, beside the connection: "replica of H:P ·
// read-only", "loading its data set", and, for a Sentinel set-up, the last failover ("failover:
// master moved from A to B at HH:MM:SS"). Hidden while there is nothing to say.
class ServerRoleLabel : public QLabel {
    Q_OBJECT
public:
    explicit ServerRoleLabel(QWidget* parent = nullptr);
    // Follows the session's role and failovers (a new session: call again).
    void attach(ConsoleSession* session);

private:
    void showRole(const ServerRole& role);
    void showFailover(const QString& from, const QString& to, const QDateTime& at);
    void refresh();

    QString m_roleText;
    QString m_failoverText;
};

} // namespace rqc
