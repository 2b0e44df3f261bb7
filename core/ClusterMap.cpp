#include "ClusterMap.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>

#include <memory>

namespace rqc {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("rqc::ClusterMap", text); }

// Field value of a RESP2 flat map (key, value, key, value…).
const RedisReply* field(const RedisReply& map, const char* name)
{
    for (qsizetype i = 0; i + 1 < map.elements.size(); i += 2) {
        if (map.elements[i].str == name)
            return &map.elements[i + 1];
    }
    return nullptr;
}

QString addressOf(const ConnectionSettings& s)
{
    return s.host + QLatin1Char(':') + QString::number(s.port);
}
} // namespace

QString ClusterNode::slotsText() const
{
    QStringList parts;
    for (const auto& r : ranges)
        parts << (r.first == r.second ? QString::number(r.first)
                                      : QStringLiteral("%1-%2").arg(r.first).arg(r.second));
    return parts.join(QLatin1String(", "));
}

quint16 ClusterMap::crc16(const QByteArray& data)
{
    quint16 crc = 0;
    for (const char c : data) {
        crc ^= quint16(quint8(c)) << 8;
        for (int i = 0; i < 8; ++i)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
    }
    return crc;
}

bool ClusterMap::hasHashTag(const QByteArray& key)
{
    const qsizetype open = key.indexOf('{');
    if (open < 0)
        return false;
    const qsizetype close = key.indexOf('}', open + 1);
    return close > open + 1;
}

int ClusterMap::keySlot(const QByteArray& key)
{
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.indexOf('}', open + 1);
        if (close > open + 1)
            return crc16(key.mid(open + 1, close - open - 1)) & (kSlots - 1);
    }
    return crc16(key) & (kSlots - 1);
}

bool ClusterMap::parseRedirect(const QByteArray& error, ClusterRedirect* out)
{
    const bool moved = error.startsWith("MOVED ");
    const bool ask = error.startsWith("ASK ");
    if (!moved && !ask)
        return false;
    const QList<QByteArray> parts = error.split(' ');
    if (parts.size() < 3)
        return false;
    bool ok = false;
    const int slot = parts[1].toInt(&ok);
    if (!ok || slot < 0 || slot >= kSlots)
        return false;
    const QByteArray& addr = parts[2];
    const qsizetype colon = addr.lastIndexOf(':');
    if (colon <= 0)
        return false;
    const quint16 port = quint16(addr.mid(colon + 1).toUInt(&ok));
    if (!ok || port == 0)
        return false;
    QByteArray host = addr.left(colon);
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    out->ask = ask;
    out->slot = slot;
    out->host = QString::fromUtf8(host);
    out->port = port;
    return true;
}

QString ClusterMap::notSampledText(const QString& address)
{
    return tr("not sampled: key on node %1").arg(address);
}

bool ClusterMap::fromShards(const RedisReply& reply, const QString& host, ClusterMap* out,
                            QString* error)
{
    if (!reply.isArray()) {
        *error = reply.isError() ? QString::fromUtf8(reply.str)
                                 : tr("CLUSTER SHARDS gave an unexpected reply.");
        return false;
    }
    ClusterMap map;
    for (const RedisReply& shard : reply.elements) {
        const RedisReply* slotList = field(shard, "slots");
        const RedisReply* nodes = field(shard, "nodes");
        if (!slotList || !nodes || !slotList->isArray() || !nodes->isArray()) {
            *error = tr("CLUSTER SHARDS gave an unexpected reply.");
            return false;
        }
        QList<ClusterNode> shardMasters;
        QList<ClusterReplica> shardReplicas;
        for (const RedisReply& n : nodes->elements) {
            const RedisReply* role = field(n, "role");
            ClusterReplica node; // the fields a master and a replica share
            if (const RedisReply* id = field(n, "id"))
                node.id = id->str;
            const RedisReply* ip = field(n, "ip");
            const RedisReply* endpoint = field(n, "endpoint");
            const QByteArray announced =
                endpoint && !endpoint->str.isEmpty() && endpoint->str != "?" ? endpoint->str
                : ip                                                         ? ip->str
                                                                             : QByteArray();
            node.host = announced.isEmpty() ? host : QString::fromUtf8(announced);
            const RedisReply* port = field(n, "port");
            if (!port)
                port = field(n, "tls-port");
            node.port = port ? quint16(port->integer) : 0;
            if (const RedisReply* health = field(n, "health"))
                node.health = QString::fromUtf8(health->str);
            if (!node.port)
                continue;
            if (role && role->str == "replica") {
                shardReplicas.append(node);
                continue;
            }
            if (!role || role->str != "master")
                continue;
            ClusterNode master{node.id, node.host, node.port, {}, {}};
            for (qsizetype i = 0; i + 1 < slotList->elements.size(); i += 2)
                master.ranges.append(
                    {int(slotList->elements[i].integer), int(slotList->elements[i + 1].integer)});
            shardMasters.append(master);
        }
        for (ClusterNode& master : shardMasters) {
            master.replicas = shardReplicas;
            map.m_nodes.append(master);
        }
    }
    map.rebuildOwners();
    *out = map;
    return true;
}

bool ClusterMap::fromSlots(const RedisReply& reply, const QString& host, ClusterMap* out,
                           QString* error)
{
    if (!reply.isArray()) {
        *error = reply.isError() ? QString::fromUtf8(reply.str)
                                 : tr("CLUSTER SLOTS gave an unexpected reply.");
        return false;
    }
    ClusterMap map;
    for (const RedisReply& range : reply.elements) {
        if (range.elements.size() < 3 || !range.elements[2].isArray() ||
            range.elements[2].elements.size() < 2) {
            *error = tr("CLUSTER SLOTS gave an unexpected reply.");
            return false;
        }
        const RedisReply& master = range.elements[2];
        QString nodeHost = QString::fromUtf8(master.elements[0].str);
        if (nodeHost.isEmpty() || nodeHost == QLatin1String("?"))
            nodeHost = host;
        const quint16 port = quint16(master.elements[1].integer);
        const QByteArray id = master.elements.size() > 2 ? master.elements[2].str : QByteArray();
        ClusterNode* node = nullptr;
        for (ClusterNode& n : map.m_nodes) {
            if (n.host == nodeHost && n.port == port)
                node = &n;
        }
        if (!node) {
            map.m_nodes.append(ClusterNode{id, nodeHost, port, {}, {}});
            node = &map.m_nodes.last();
            // Its replicas follow the master in each range: host, port, id.
            for (qsizetype i = 3; i < range.elements.size(); ++i) {
                const RedisReply& r = range.elements[i];
                if (!r.isArray() || r.elements.size() < 2)
                    continue;
                ClusterReplica replica;
                replica.host = QString::fromUtf8(r.elements[0].str);
                if (replica.host.isEmpty() || replica.host == QLatin1String("?"))
                    replica.host = host;
                replica.port = quint16(r.elements[1].integer);
                replica.id = r.elements.size() > 2 ? r.elements[2].str : QByteArray();
                node->replicas.append(replica);
            }
        }
        node->ranges.append({int(range.elements[0].integer), int(range.elements[1].integer)});
    }
    map.rebuildOwners();
    *out = map;
    return true;
}

void ClusterMap::rebuildOwners()
{
    m_owner.assign(kSlots, -1);
    for (qsizetype i = 0; i < m_nodes.size(); ++i) {
        for (const auto& r : m_nodes[i].ranges) {
            for (int s = qMax(0, r.first); s <= qMin(kSlots - 1, r.second); ++s)
                m_owner[size_t(s)] = qint16(i);
        }
    }
}

const ClusterNode* ClusterMap::ownerOf(int slot) const
{
    if (slot < 0 || slot >= kSlots || m_owner.empty() || m_owner[size_t(slot)] < 0)
        return nullptr;
    return &m_nodes[m_owner[size_t(slot)]];
}

int ClusterMap::coveredSlots() const
{
    int n = 0;
    for (const qint16 o : m_owner)
        n += o >= 0 ? 1 : 0;
    return n;
}

void ClusterMap::setOwner(int slot, const QString& host, quint16 port)
{
    if (slot < 0 || slot >= kSlots)
        return;
    if (m_owner.empty())
        m_owner.assign(kSlots, -1);
    qsizetype index = -1;
    for (qsizetype i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].host == host && m_nodes[i].port == port)
            index = i;
    }
    if (index < 0) {
        m_nodes.append(ClusterNode{{}, host, port, {}, {}});
        index = m_nodes.size() - 1;
    }
    // Take the slot out of its old owner's ranges and give it to the new one.
    for (ClusterNode& n : m_nodes) {
        QList<QPair<int, int>> kept;
        for (const auto& r : n.ranges) {
            if (slot < r.first || slot > r.second) {
                kept.append(r);
                continue;
            }
            if (r.first < slot)
                kept.append({r.first, slot - 1});
            if (slot < r.second)
                kept.append({slot + 1, r.second});
        }
        n.ranges = kept;
    }
    m_nodes[index].ranges.append({slot, slot});
    m_owner[size_t(slot)] = qint16(index);
}

namespace ClusterRouting {
namespace {
struct Registry {
    QMutex mutex;
    // Every known node address -> the map of its cluster (shared by all its nodes).
    QHash<QString, std::shared_ptr<ClusterMap>> byAddress;
};
Registry& registry()
{
    static Registry r;
    return r;
}
void indexLocked(Registry& r, const std::shared_ptr<ClusterMap>& map)
{
    for (const ClusterNode& n : map->masters())
        r.byAddress.insert(n.address(), map);
}
} // namespace

ConnectionSettings forSlot(const ConnectionSettings& settings, int slot)
{
    if (settings.transport == ConnectionSettings::Transport::Unix)
        return settings;
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    const auto map = r.byAddress.value(addressOf(settings));
    if (!map)
        return settings;
    const ClusterNode* owner = map->ownerOf(slot);
    if (!owner)
        return settings;
    ConnectionSettings routed = settings;
    routed.host = owner->host;
    routed.port = owner->port;
    return routed;
}

ConnectionSettings forKey(const ConnectionSettings& settings, const QByteArray& key)
{
    return forSlot(settings, ClusterMap::keySlot(key));
}

void learn(const ConnectionSettings& via, const ClusterMap& map)
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    auto shared = std::make_shared<ClusterMap>(map);
    // Every node the old map of this cluster knew now points at the new one.
    if (const auto old = r.byAddress.value(addressOf(via))) {
        for (auto it = r.byAddress.begin(); it != r.byAddress.end(); ++it) {
            if (it.value() == old)
                it.value() = shared;
        }
    }
    r.byAddress.insert(addressOf(via), shared);
    indexLocked(r, shared);
}

void noteMoved(const ConnectionSettings& via, const ClusterRedirect& redirect)
{
    if (redirect.ask)
        return; // ASK is for one command: the map stays as it is
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    auto map = r.byAddress.value(addressOf(via));
    if (!map) {
        map = std::make_shared<ClusterMap>();
        r.byAddress.insert(addressOf(via), map);
    }
    map->setOwner(redirect.slot, redirect.host, redirect.port);
    indexLocked(r, map);
}

ClusterMap mapFor(const ConnectionSettings& settings)
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    const auto map = r.byAddress.value(addressOf(settings));
    return map ? *map : ClusterMap();
}

bool knows(const ConnectionSettings& settings)
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    return r.byAddress.contains(addressOf(settings));
}

bool followMovedLater(const ConnectionSettings& via, const RedisReply& reply, QObject* context,
                      std::function<void(const QString&)> reconnect)
{
    ClusterRedirect redirect;
    if (!reply.isError() || !ClusterMap::parseRedirect(reply.str, &redirect) || redirect.ask)
        return false;
    noteMoved(via, redirect);
    QMetaObject::invokeMethod(
        context,
        [reconnect = std::move(reconnect), text = QString::fromUtf8(reply.str)] {
            reconnect(text);
        },
        Qt::QueuedConnection);
    return true;
}

void reset()
{
    Registry& r = registry();
    QMutexLocker lock(&r.mutex);
    r.byAddress.clear();
}
} // namespace ClusterRouting

} // namespace rqc
