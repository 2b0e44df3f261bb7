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

bool ClusterFixture::start(int masters, QString* error)
{
    QString e;
    QStringList addresses;
    for (int i = 0; i < masters; ++i) {
        SandboxServer::Options o;
        o.extraArgs = {QStringLiteral("--cluster-enabled"),      QStringLiteral("yes"),
                       QStringLiteral("--cluster-config-file"),  QStringLiteral("nodes.conf"),
                       QStringLiteral("--cluster-port"),         QString::number(freeBusPort()),
                       QStringLiteral("--cluster-node-timeout"), QStringLiteral("5000")};
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
                          << QStringList{QStringLiteral("--cluster-replicas"), QStringLiteral("0"),
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

bool ClusterFixture::migrateSlot(int slot, int from, int to, QString* error,
                                 const std::function<void()>& midway, int batch)
{
    const QByteArray s = QByteArray::number(slot);
    const QByteArray fromId = nodeId(from);
    const QByteArray toId = nodeId(to);
    auto check = [error](const RedisReply& r, const char* what) {
        if (r.isError()) {
            *error = QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromUtf8(r.str));
            return false;
        }
        return true;
    };
    if (!check(command(to, {"CLUSTER", "SETSLOT", s, "IMPORTING", fromId}), "SETSLOT IMPORTING") ||
        !check(command(from, {"CLUSTER", "SETSLOT", s, "MIGRATING", toId}), "SETSLOT MIGRATING"))
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
    // The target first, then the source, then the rest (as redis-cli does).
    QList<int> order{to, from};
    for (int i = 0; i < size(); ++i) {
        if (!order.contains(i))
            order << i;
    }
    for (int i : order) {
        if (!check(command(i, {"CLUSTER", "SETSLOT", s, "NODE", toId}), "SETSLOT NODE"))
            return false;
    }
    return true;
}

} // namespace rqc::test
