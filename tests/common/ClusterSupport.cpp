#include "ClusterSupport.h"

#include "TestSupport.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

namespace rqc::test {

namespace {
// A free loopback port for the cluster bus (Redis 7's cluster-port).
quint16 freeBusPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}
} // namespace

ClusterFixture::ClusterFixture() = default;
ClusterFixture::~ClusterFixture() { stop(); }

bool ClusterFixture::start(int masters, QString* error, int replicasPerMaster)
{
    QString e;
    QStringList addresses;
    m_masters = masters;
    for (int i = 0; i < masters * (1 + replicasPerMaster); ++i) {
        SandboxServer::Options o;
        o.extraArgs = {QStringLiteral("--cluster-enabled"),      QStringLiteral("yes"),
                       QStringLiteral("--cluster-config-file"),  QStringLiteral("nodes.conf"),
                       QStringLiteral("--cluster-port"),         QString::number(freeBusPort()),
                       QStringLiteral("--cluster-node-timeout"), QStringLiteral("5000")};
        o.extraArgs += extraArgs;
        auto server = std::make_unique<SandboxServer>();
        if (!server->start(o, &e)) {
            if (error)
                *error = QStringLiteral("could not start cluster node %1: %2").arg(i).arg(e);
            return false;
        }
        addresses << QStringLiteral("127.0.0.1:%1").arg(server->port());
        m_nodes.push_back(std::move(server));
    }
    const QString cli = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (cli.isEmpty()) {
        if (error)
            *error = QStringLiteral("redis-cli is not installed");
        return false;
    }
    QProcess create;
    create.setProcessChannelMode(QProcess::MergedChannels);
    create.start(cli, QStringList{QStringLiteral("--cluster"), QStringLiteral("create")}
                          << addresses
                          << QStringList{QStringLiteral("--cluster-replicas"),
                                         QString::number(replicasPerMaster),
                                         QStringLiteral("--cluster-yes")});
    if (!create.waitForFinished(scaled(30000)) || create.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("redis-cli --cluster create failed: ") +
                     QString::fromLocal8Bit(create.readAll());
        return false;
    }
    // Every node must agree that the cluster is up (the create returns before gossip settles).
    const bool ok = waitUntil(
        [this] {
            for (int i = 0; i < size(); ++i) {
                const RedisReply r = command(i, {"CLUSTER", "INFO"});
                if (!r.str.contains("cluster_state:ok"))
                    return false;
                if (i >= m_masters &&
                    !command(i, {"INFO", "replication"}).str.contains("master_link_status:up"))
                    return false;
            }
            return true;
        },
        30000);
    if (!ok && error)
        *error = QStringLiteral("the cluster did not reach cluster_state:ok");
    return ok;
}

void ClusterFixture::stop()
{
    for (auto& n : m_nodes)
        n->stop();
    m_nodes.clear();
}

RedisReply ClusterFixture::command(int i, const QList<QByteArray>& argv, int timeoutMs)
{
    SyncClient c(settings(i));
    if (!c.isConnected())
        return RedisReply::error("ERR test client: " + c.error().toUtf8());
    return c.command(argv, timeoutMs);
}

QByteArray ClusterFixture::nodeId(int i) { return command(i, {"CLUSTER", "MYID"}).str; }

int ClusterFixture::ownerOf(int slot)
{
    ClusterMap map;
    QString e;
    if (!ClusterMap::fromShards(command(0, {"CLUSTER", "SHARDS"}), QStringLiteral("127.0.0.1"),
                                &map, &e))
        return -1;
    const ClusterNode* owner = map.ownerOf(slot);
    if (!owner)
        return -1;
    for (int i = 0; i < size(); ++i) {
        if (port(i) == owner->port)
            return i;
    }
    return -1;
}

RedisReply ClusterFixture::keyCommand(const QList<QByteArray>& argv, int keyIndex, bool* asked)
{
    if (asked)
        *asked = false;
    int target = ownerOfKey(argv.value(keyIndex));
    if (target < 0)
        target = 0;
    for (int hop = 0; hop < 5; ++hop) {
        SyncClient c(settings(target));
        RedisReply r = c.command(argv);
        ClusterRedirect redirect;
        if (!r.isError() || !ClusterMap::parseRedirect(r.str, &redirect))
            return r;
        for (int i = 0; i < size(); ++i) {
            if (port(i) == redirect.port)
                target = i;
        }
        if (redirect.ask) {
            if (asked)
                *asked = true;
            SyncClient a(settings(target));
            const QList<RedisReply> replies = a.pipeline({{"ASKING"}, argv});
            return replies.value(1);
        }
    }
    return RedisReply::error("ERR test client: too many redirects");
}

QByteArray ClusterFixture::keyOnNode(const QByteArray& prefix, int owner, int avoidSlot)
{
    ClusterMap map;
    QString e;
    ClusterMap::fromShards(command(0, {"CLUSTER", "SHARDS"}), QStringLiteral("127.0.0.1"), &map,
                           &e);
    for (int n = 0; n < 100000; ++n) {
        const QByteArray key = prefix + QByteArray::number(n);
        const int slot = ClusterMap::keySlot(key);
        const ClusterNode* o = map.ownerOf(slot);
        if (o && o->port == port(owner) && slot != avoidSlot)
            return key;
    }
    return {};
}

namespace {
bool checked(const RedisReply& r, const char* what, QString* error)
{
    if (r.isError()) {
        *error = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(r.str));
        return false;
    }
    return true;
}
} // namespace

QList<QByteArray> numbered(const QByteArray& prefix, int from, int count)
{
    QList<QByteArray> out;
    for (int i = from; i < from + count; ++i)
        out << prefix + QByteArray::number(i);
    return out;
}

RedisReply ClusterFixture::push(const QByteArray& key, const QList<QByteArray>& values)
{
    RedisReply r;
    for (qsizetype i = 0; i < values.size(); i += 1000) {
        QList<QByteArray> argv{"LPUSH", key};
        argv += values.mid(i, 1000);
        r = keyCommand(argv);
        if (!r.isInteger())
            break;
    }
    return r;
}

bool ClusterFixture::beginMigration(int slot, int from, int to, QString* error)
{
    const QByteArray s = QByteArray::number(slot);
    return checked(command(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", nodeId(from)}),
                   "SETSLOT IMPORTING", error) &&
           checked(command(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", nodeId(to)}),
                   "SETSLOT MIGRATING", error);
}

bool ClusterFixture::endMigration(int slot, int from, int to, QString* error)
{
    const QByteArray s = QByteArray::number(slot);
    const QByteArray toId = nodeId(to);
    // The target first, then the source, then the other masters (as redis-cli does).
    QList<int> order{to, from};
    for (int i = 0; i < masters(); ++i) {
        if (!order.contains(i))
            order << i;
    }
    for (int i : order) {
        if (!checked(command(i, {"CLUSTER", "SETSLOT", s, "NODE", toId}), "SETSLOT NODE", error))
            return false;
    }
    return true;
}

bool ClusterFixture::migrateSlot(int slot, int from, int to, QString* error,
                                 const std::function<void()>& midway, int batch)
{
    const QByteArray s = QByteArray::number(slot);
    const auto check = [error](const RedisReply& r, const char* what) {
        return checked(r, what, error);
    };
    if (!beginMigration(slot, from, to, error))
        return false;
    bool first = true;
    SyncClient source(settings(from));
    for (;;) {
        const RedisReply keys =
            source.command({"CLUSTER", "GETKEYSINSLOT", s, QByteArray::number(batch)});
        if (!check(keys, "GETKEYSINSLOT"))
            return false;
        if (keys.elements.isEmpty())
            break;
        QList<QByteArray> argv{"MIGRATE", "127.0.0.1", QByteArray::number(port(to)), "", "0",
                               "10000",   "KEYS"};
        for (const RedisReply& k : keys.elements)
            argv << k.str;
        if (!check(source.command(argv, 30000), "MIGRATE"))
            return false;
        if (first && midway) {
            first = false;
            midway();
        }
    }
    if (first && midway)
        midway();
    return endMigration(slot, from, to, error);
}

} // namespace rqc::test
