#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"

#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <QString>

namespace rqc {

class RedisConnection;

// What a server is for us, from ROLE or INFO (replication, persistence): a master, or a replica
// of which master (and whether it refuses writes), and whether it is still loading its data set.
// Consuming (and publishing) on a replica would fail with READONLY or, on a writable replica,
// diverge from the master: the console refuses it with consumeRefusal().
struct ServerRole {
    Q_DECLARE_TR_FUNCTIONS(rqc::ServerRole)

public:
    bool known = false;
    bool replica = false;
    QString masterHost;
    int masterPort = 0;
    bool masterLinkUp = true;
    bool readOnly = false; // replica-read-only yes
    bool loading = false;

    // ROLE's reply: ["master", offset, replicas] or ["slave", host, port, state, offset]
    // (a Sentinel answers ["sentinel", names]: known, not a replica). An error (NOPERM): unknown.
    static ServerRole fromRoleReply(const RedisReply& reply);
    // INFO text with the replication section (and, for loading, the persistence section).
    static ServerRole fromInfo(const QByteArray& info);

    QString masterAddress() const;
    // One line for the status bar: "replica of H:P · read-only", "loading its data set", or empty
    // for a master that is ready.
    QString notice() const;
    // Why a consuming or publishing pane may not run here (empty when it may).
    QString consumeRefusal() const;
};

// Asks a server once, on a connection of its own (INFO replication, INFO persistence), what it
// is; checked() follows, unless the server cannot be reached (its own connections say so).
class ServerRoleCheck : public QObject {
    Q_OBJECT
public:
    explicit ServerRoleCheck(QObject* parent = nullptr);
    ~ServerRoleCheck() override;
    void check(const ConnectionSettings& settings);

signals:
    void checked(const rqc::ServerRole& role);

private:
    void drop();
    QPointer<RedisConnection> m_conn;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ServerRole)
