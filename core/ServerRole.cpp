#include "ServerRole.h"

#include "RedisConnection.h"

#include <QList>

namespace rqc {

ServerRole ServerRole::fromRoleReply(const RedisReply& reply)
{
    ServerRole role;
    if (!reply.isArray() || reply.elements.isEmpty())
        return role;
    role.known = true;
    const QByteArray kind = reply.elements[0].str;
    if (kind != "slave" && kind != "replica")
        return role;
    role.replica = true;
    if (reply.elements.size() > 2) {
        role.masterHost = QString::fromUtf8(reply.elements[1].str);
        const RedisReply& port = reply.elements[2];
        role.masterPort = port.isInteger() ? int(port.integer) : port.str.toInt();
    }
    if (reply.elements.size() > 3)
        role.masterLinkUp = reply.elements[3].str == "connected";
    // ROLE does not say whether the replica refuses writes; the replica default is yes.
    role.readOnly = true;
    return role;
}

ServerRole ServerRole::fromInfo(const QByteArray& info)
{
    ServerRole role;
    bool readOnlySeen = false;
    for (const QByteArray& raw : info.split('\n')) {
        const QByteArray line = raw.trimmed();
        const qsizetype colon = line.indexOf(':');
        if (line.startsWith('#') || colon <= 0)
            continue;
        const QByteArray key = line.left(colon);
        const QByteArray value = line.mid(colon + 1);
        if (key == "role") {
            role.known = true;
            role.replica = value == "slave" || value == "replica";
        } else if (key == "master_host") {
            role.masterHost = QString::fromUtf8(value);
        } else if (key == "master_port") {
            role.masterPort = value.toInt();
        } else if (key == "master_link_status") {
            role.masterLinkUp = value == "up";
        } else if (key == "slave_read_only" || key == "replica_read_only") {
            role.readOnly = value == "1";
            readOnlySeen = true;
        } else if (key == "loading") {
            role.loading = value == "1";
        }
    }
    if (role.replica && !readOnlySeen)
        role.readOnly = true;
    return role;
}

QString ServerRole::masterAddress() const
{
    const QString host =
        masterHost.contains(QLatin1Char(':')) && !masterHost.startsWith(QLatin1Char('['))
            ? QStringLiteral("[%1]").arg(masterHost)
            : masterHost;
    return QStringLiteral("%1:%2").arg(host).arg(masterPort);
}

QString ServerRole::notice() const
{
    QStringList parts;
    if (replica) {
        parts << (readOnly
                      ? tr("replica of %1 · read-only").arg(masterAddress())
                      : tr("replica of %1 · writable (replica-read-only no)").arg(masterAddress()));
        if (!masterLinkUp)
            parts << tr("link to its master is down");
    }
    if (loading)
        parts << tr("loading its data set");
    return parts.join(QStringLiteral(" · "));
}

QString ServerRole::consumeRefusal() const
{
    if (!replica)
        return QString();
    return tr("This server is a replica of %1; consuming here would fail or diverge — connect to "
              "the master.")
        .arg(masterAddress());
}

ServerRoleCheck::ServerRoleCheck(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<rqc::ServerRole>();
}

ServerRoleCheck::~ServerRoleCheck() { drop(); }

void ServerRoleCheck::drop()
{
    if (!m_conn)
        return;
    RedisConnection* conn = m_conn;
    m_conn = nullptr;
    conn->disconnect(this);
    conn->close();
    conn->deleteLater();
}

void ServerRoleCheck::check(const ConnectionSettings& settings)
{
    drop();
    auto* conn = new RedisConnection(settings, QStringLiteral("role"), QString(), this);
    m_conn = conn;
    connect(conn, &RedisConnection::failed, this, &ServerRoleCheck::drop);
    connect(conn, &RedisConnection::disconnected, this, &ServerRoleCheck::drop);
    connect(conn, &RedisConnection::ready, this, [this, conn] {
        conn->send({"INFO", "replication"}, [this, conn](const RedisReply& replication) {
            conn->send({"INFO", "persistence"}, [this, replication](const RedisReply& persistence) {
                QByteArray text = replication.isError() ? QByteArray() : replication.str;
                if (!persistence.isError())
                    text += '\n' + persistence.str;
                const ServerRole role = ServerRole::fromInfo(text);
                drop();
                emit checked(role);
            });
        });
    });
    conn->open();
}

} // namespace rqc
