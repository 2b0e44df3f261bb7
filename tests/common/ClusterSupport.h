#pragma once

#include "ClusterMap.h"
#include "RedisReply.h"
#include "SandboxServer.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace rqc::test {

// A three-master Redis Cluster on loopback for one test executable: three redis-servers with
// --cluster-enabled on free ports (and free bus ports), each in its own temporary directory,
// joined by `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`. start() waits for
// cluster_state:ok on every node; the destructor stops them.
class ClusterFixture {
public:
    ClusterFixture();
    ~ClusterFixture();

    // replicasPerMaster > 0: as many more servers per master, made replicas by redis-cli
    // (--cluster-replicas); nodes 0…masters-1 are the masters, the rest their replicas. start()
    // then also waits until every replica's link to its master is up.
    bool start(int masters = 3, QString* error = nullptr, int replicasPerMaster = 0);
    void stop();
    // Before start(): more redis-server arguments for every node (e.g. --enable-debug-command).
    QStringList extraArgs;

    int size() const { return int(m_nodes.size()); }
    int masters() const { return m_masters; }
    SandboxServer& node(int i) { return *m_nodes[size_t(i)]; }
    ConnectionSettings settings(int i) const { return m_nodes[size_t(i)]->settings(); }
    quint16 port(int i) const { return m_nodes[size_t(i)]->port(); }
    QByteArray nodeId(int i);
    // Which node (index) serves the slot now, asked of node 0 (CLUSTER SHARDS); -1 if none.
    int ownerOf(int slot);
    int ownerOfKey(const QByteArray& key) { return ownerOf(ClusterMap::keySlot(key)); }
    // A command on node i.
    RedisReply command(int i, const QList<QByteArray>& argv, int timeoutMs = 10000);
    // A command on the node that serves argv[keyIndex] (following MOVED/ASK, as redis-cli -c).
    RedisReply keyCommand(const QList<QByteArray>& argv, int keyIndex = 1, bool* asked = nullptr);
    // A key name (prefix + number) whose slot node `owner` serves, different from `avoidSlot`.
    QByteArray keyOnNode(const QByteArray& prefix, int owner, int avoidSlot = -1);

    // LPUSHes values to key on the node that serves it, 1000 at a time: the first reply that is
    // not an integer (an error), or the last one.
    RedisReply push(const QByteArray& key, const QList<QByteArray>& values);

    // The two halves of a slot migration: SETSLOT IMPORTING on the target and MIGRATING on the
    // source (no key moved: keys absent from the source are then answered -ASK), and SETSLOT
    // NODE on every master (the target, the source, the rest). false with *error on a refusal.
    bool beginMigration(int slot, int from, int to, QString* error);
    bool endMigration(int slot, int from, int to, QString* error);

    // Moves a slot with its keys from one master to another, as redis-cli --cluster reshard does:
    // SETSLOT IMPORTING on the target, MIGRATING on the source, MIGRATE of the keys in batches of
    // `batch` (midway() is called after the first batch, while the slot is half moved), then
    // SETSLOT NODE on every master. false with *error on any failure.
    bool migrateSlot(int slot, int from, int to, QString* error,
                     const std::function<void()>& midway = {}, int batch = 10);

private:
    std::vector<std::unique_ptr<SandboxServer>> m_nodes;
    int m_masters = 0;
};

// prefix0, prefix1… : count names from `from` on.
QList<QByteArray> numbered(const QByteArray& prefix, int from, int count);

} // namespace rqc::test

// Starts the cluster or skips the test with the reason (a machine without redis-cli).
#define RQ_START_CLUSTER(fixture)                                                                  \
    do {                                                                                           \
        QString rqClusterError;                                                                    \
        if (!(fixture).start(3, &rqClusterError))                                                  \
            QFAIL(qPrintable(rqClusterError));                                                     \
    } while (0)

// LPUSHes values to key on its node (ClusterFixture::push), failing the test on an error reply.
#define RQ_CLUSTER_PUSH(fixture, key, values)                                                      \
    do {                                                                                           \
        const rqc::RedisReply rqPushed = (fixture).push(key, values);                              \
        QVERIFY2(rqPushed.isInteger(), rqPushed.toDebugString().constData());                      \
    } while (0)
