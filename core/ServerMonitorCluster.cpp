#include "ServerMonitor.h"

#include "RedisConnection.h"

#include <QMap>
#include <QSet>

#include <algorithm>

// Discovery on a Redis Cluster. The worker of the node the console was given reads the masters
// (CLUSTER SHARDS, or CLUSTER SLOTS before Redis 7) and its own id (CLUSTER MYID) at every
// refresh; ServerMonitor then runs one node-only monitor per other master — each with its own
// connection, thread and ScanBudget, so every master's share of time stays what one standalone
// server's is — and merges their snapshots with its own into the one it emits.

namespace rqc {

void ServerMonitorWorker::readClusterTopology(bool shards)
{
    if (!m_conn || !m_conn->isReady())
        return;
    QByteArray encoded;
    appendCommand(encoded, {"CLUSTER", "MYID"});
    appendCommand(encoded, {"CLUSTER", shards ? QByteArray("SHARDS") : QByteArray("SLOTS")});
    m_conn->sendEncoded(encoded, 2, [this, shards](QList<RedisReply>& r) {
        if (r.size() < 2)
            return;
        if (!r[0].isError())
            m_clusterSelfId = r[0].str;
        ClusterMap map;
        QString error;
        const bool ok = shards ? ClusterMap::fromShards(r[1], m_settings.host, &map, &error)
                               : ClusterMap::fromSlots(r[1], m_settings.host, &map, &error);
        if (!ok) {
            if (shards) { // CLUSTER SHARDS is Redis 7: ask an older node for SLOTS
                readClusterTopology(false);
                return;
            }
            noteError(RedisReply::error(error.toUtf8()), "CLUSTER SLOTS");
            return;
        }
        ClusterRouting::learn(m_settings, map);
        m_clusterMasters = map.masters();
        std::sort(m_clusterMasters.begin(), m_clusterMasters.end(),
                  [](const ClusterNode& a, const ClusterNode& b) {
                      return std::make_pair(a.host, a.port) < std::make_pair(b.host, b.port);
                  });
    });
}

// ---------------------------------------------------------------------------------------------

QString ServerMonitor::nodeKey(const ClusterNode& node) { return node.address(); }

ConnectionSettings ServerMonitor::forNode(const ConnectionSettings& settings,
                                          const QString& address)
{
    ConnectionSettings node = settings;
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    node.host = address.left(colon);
    node.port = address.mid(colon + 1).toUShort();
    if (node.transport == ConnectionSettings::Transport::Unix)
        node.transport = ConnectionSettings::Transport::Tcp; // the masters announce TCP addresses
    return node;
}

void ServerMonitor::onOwnSnapshot(const ServerSnapshot& snapshot)
{
    m_own = snapshot;
    if (m_fanOut && !snapshot.clusterMasters.isEmpty())
        reconcileNodes(snapshot);
    if (m_nodes.empty() && snapshot.clusterMasters.isEmpty()) {
        emit snapshotReady(snapshot); // a standalone server, or one master's own monitor
        return;
    }
    emitMerged();
}

void ServerMonitor::reconcileNodes(const ServerSnapshot& own)
{
    QSet<QString> wanted;
    for (const ClusterNode& n : own.clusterMasters) {
        const bool self = own.clusterSelfId.isEmpty()
                              ? (n.port == m_settings.port && n.host == m_settings.host)
                              : n.id == own.clusterSelfId;
        if (!self)
            wanted.insert(nodeKey(n));
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {
        if (wanted.contains(it->first)) {
            wanted.remove(it->first);
            ++it;
            continue;
        }
        // No longer a master (failed over, removed): its keys are read where they are now.
        m_nodeSnapshots.remove(it->first);
        m_nodeErrors.remove(it->first);
        it->second->stop();
        it = m_nodes.erase(it);
    }
    QStringList added(wanted.cbegin(), wanted.cend());
    added.sort();
    for (const QString& key : added) {
        auto child = std::make_unique<ServerMonitor>(forNode(m_settings, key), m_intervalMs);
        child->m_fanOut = false;
        child->m_keyLimit = m_keyLimit;
        child->m_budget = m_budget;
        child->m_patterns = m_patterns;
        ServerMonitor* node = child.get();
        connect(node, &ServerMonitor::snapshotReady, this,
                [this, key](const ServerSnapshot& snapshot) {
                    m_nodeSnapshots.insert(key, snapshot);
                    m_nodeErrors.remove(key);
                    emitMerged();
                });
        connect(node, &ServerMonitor::errorOccurred, this, [this, key](const QString& error) {
            m_nodeErrors.insert(key, error);
            emit errorOccurred(tr("%1: %2").arg(key, error));
        });
        connect(node, &ServerMonitor::connectionLost, this, [this, key](const QString& reason) {
            m_nodeErrors.insert(key, reason);
            emitMerged();
        });
        connect(node, &ServerMonitor::accessRefused, this, &ServerMonitor::accessRefused);
        node->start();
        m_nodes.emplace_back(key, std::move(child));
    }
}

void ServerMonitor::emitMerged()
{
    ServerSnapshot merged = m_own;
    QList<QPair<QString, const ServerSnapshot*>> parts{{QString(), &m_own}};
    for (const auto& node : m_nodes) {
        const auto it = m_nodeSnapshots.constFind(node.first);
        if (it != m_nodeSnapshots.constEnd())
            parts.append({node.first, &*it});
    }
    const bool everyNodeRead = parts.size() == qsizetype(m_nodes.size()) + 1;
    QMap<QByteArray, qint64> lists, streams, channels;
    DiscoveryState& d = merged.discovery;
    d.complete = everyNodeRead;
    qint64 dbSize = 0;
    double walked = 0;
    bool sized = false;
    d.scanCalls = 0;
    d.lastCallMs = 0;
    // The walk is the whole cluster's: walking again while any master is, and its age that of
    // the oldest master's last walk (keys created on that master since may be missing), known
    // only once every master has finished one.
    d.rewalking = false;
    d.lastPassMs = 0;
    bool everyPassEnded = everyNodeRead;
    qint64 oldestPassEnded = 0;
    for (const auto& part : std::as_const(parts)) {
        const DiscoveryState& pd = part.second->discovery;
        d.rewalking = d.rewalking || pd.rewalking;
        d.lastPassMs = qMax(d.lastPassMs, pd.lastPassMs);
        everyPassEnded = everyPassEnded && pd.lastPassEndedMs > 0;
        if (pd.lastPassEndedMs > 0)
            oldestPassEnded = oldestPassEnded > 0 ? qMin(oldestPassEnded, pd.lastPassEndedMs)
                                                  : pd.lastPassEndedMs;
    }
    d.lastPassEndedMs = everyPassEnded ? oldestPassEnded : 0;
    merged.patternSubscriptions = 0;
    merged.errors.clear();
    for (const auto& [prefix, part] : std::as_const(parts)) {
        // A key in a slot being migrated may be seen on both nodes for a moment: listed once.
        for (const ServerSnapshot::Key& k : part->lists)
            lists.insert(k.name, qMax(k.length, lists.value(k.name)));
        for (const ServerSnapshot::Key& k : part->streams)
            streams.insert(k.name, qMax(k.length, streams.value(k.name)));
        // Classic pub/sub: each node counts the subscribers connected to it.
        for (const ServerSnapshot::Channel& c : part->channels)
            channels[c.name] += c.subscribers;
        const DiscoveryState& pd = part->discovery;
        d.complete = d.complete && pd.complete;
        d.passes = qMin(d.passes, pd.passes);
        d.notifications = d.notifications && pd.notifications;
        d.scanCalls += pd.scanCalls;
        d.lastCallMs = qMax(d.lastCallMs, pd.lastCallMs);
        if (pd.dbSize >= 0) {
            sized = true;
            dbSize += pd.dbSize;
            walked += pd.progress * double(pd.dbSize);
        }
        merged.listsTruncated = merged.listsTruncated || part->listsTruncated;
        merged.streamsTruncated = merged.streamsTruncated || part->streamsTruncated;
        merged.channelsTruncated = merged.channelsTruncated || part->channelsTruncated;
        merged.patternSubscriptions += part->patternSubscriptions;
        for (const QString& e : part->errors)
            merged.errors << (prefix.isEmpty() ? e : tr("%1: %2").arg(prefix, e));
    }
    d.dbSize = sized ? dbSize : -1;
    d.progress = dbSize > 0 ? walked / double(dbSize) : 0;
    merged.truncated = merged.listsTruncated || merged.streamsTruncated || merged.channelsTruncated;
    const auto keys = [](const QMap<QByteArray, qint64>& map) {
        QList<ServerSnapshot::Key> out;
        out.reserve(map.size());
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            out.append({it.key(), it.value()});
        return out;
    };
    merged.lists = keys(lists);
    merged.streams = keys(streams);
    merged.channels.clear();
    for (auto it = channels.cbegin(); it != channels.cend(); ++it)
        merged.channels.append({it.key(), it.value()});
    merged.clusterNodesRead = int(parts.size());
    merged.clusterNodeErrors.clear();
    for (auto it = m_nodeErrors.cbegin(); it != m_nodeErrors.cend(); ++it)
        merged.clusterNodeErrors << tr("%1: %2").arg(it.key(), it.value());
    merged.clusterNodeErrors.sort();
    emit snapshotReady(merged);
}

void ServerMonitor::stopNodes()
{
    for (auto& node : m_nodes)
        node.second->stop();
    m_nodes.clear();
    m_nodeSnapshots.clear();
    m_nodeErrors.clear();
}

} // namespace rqc
