#pragma once

#include "ConnectionSettings.h"
#include "RedisReply.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <vector>

class QObject;

namespace rqc {

// A replica of a master, as CLUSTER SHARDS (or CLUSTER SLOTS, without its health) reports it.
struct ClusterReplica {
    QByteArray id;
    QString host;
    quint16 port = 0;
    // CLUSTER SHARDS's health of the node: "online", "failed" (its link is down) or "loading";
    // empty when not reported (CLUSTER SLOTS).
    QString health;
    QString address() const { return host + QLatin1Char(':') + QString::number(port); }
};

// One master of a Redis Cluster, the slot ranges it serves and its replicas.
struct ClusterNode {
    QByteArray id;
    QString host;
    quint16 port = 0;
    QList<QPair<int, int>> ranges; // inclusive ranges
    QList<ClusterReplica> replicas;
    QString address() const { return host + QLatin1Char(':') + QString::number(port); }
    // "0-5460, 10923-16383"
    QString slotsText() const;
};

// A -MOVED or -ASK reply: the slot and the node that serves it.
struct ClusterRedirect {
    bool ask = false;
    int slot = -1;
    QString host;
    quint16 port = 0;
};

// The slot map of a Redis Cluster: which master serves each of the 16384 slots. Built from
// CLUSTER SHARDS (Redis 7) or CLUSTER SLOTS, and corrected slot by slot by -MOVED replies.
class ClusterMap {
public:
    static constexpr int kSlots = 16384;

    // CRC16-XMODEM, the checksum Redis Cluster hashes keys with.
    static quint16 crc16(const QByteArray& data);
    // The key's slot: CRC16 of the key, or of its hash tag (the part between the first '{' and
    // the next '}', when not empty), mod 16384 — as CLUSTER KEYSLOT computes it.
    static int keySlot(const QByteArray& key);
    // Whether the key has a hash tag (keySlot() hashes only part of it).
    static bool hasHashTag(const QByteArray& key);
    // "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381"; false for any other text.
    static bool parseRedirect(const QByteArray& error, ClusterRedirect* out);
    // What a chart, sparkline or census shows instead of a figure for a key another node serves
    // (address host:port): "not sampled: key on node 127.0.0.1:7001".
    static QString notSampledText(const QString& address);

    // From a CLUSTER SHARDS reply or a CLUSTER SLOTS reply: the masters, each with its replicas.
    // host is used for a node that announces no address of its own.
    static bool fromShards(const RedisReply& reply, const QString& host, ClusterMap* out,
                           QString* error);
    static bool fromSlots(const RedisReply& reply, const QString& host, ClusterMap* out,
                          QString* error);

    bool isEmpty() const { return m_nodes.isEmpty(); }
    const QList<ClusterNode>& masters() const { return m_nodes; }
    // The master serving the slot, or nullptr when no master serves it.
    const ClusterNode* ownerOf(int slot) const;
    // A -MOVED: the slot is now served by host:port (a node not yet known is added).
    void setOwner(int slot, const QString& host, quint16 port);
    // Slots served by some master.
    int coveredSlots() const;

private:
    void rebuildOwners();
    QList<ClusterNode> m_nodes;
    std::vector<qint16> m_owner; // slot -> index in m_nodes, -1 = none
};

// Process-wide routing table shared by every connection of the console (any thread): the slot map
// of each cluster it has talked to, reachable through any of the cluster's nodes' addresses.
namespace ClusterRouting {
// settings pointed at the master serving key's slot when that is known for the cluster settings
// belongs to; settings unchanged otherwise (a standalone server, an unknown slot).
ConnectionSettings forKey(const ConnectionSettings& settings, const QByteArray& key);
ConnectionSettings forSlot(const ConnectionSettings& settings, int slot);
// A whole map learnt through settings (any node of the cluster).
void learn(const ConnectionSettings& via, const ClusterMap& map);
// A -MOVED answered through settings.
void noteMoved(const ConnectionSettings& via, const ClusterRedirect& redirect);
// The map known for the cluster settings belongs to (empty if none).
ClusterMap mapFor(const ConnectionSettings& settings);
// Whether settings point at a node of a cluster this process has learnt a map of (from the
// server monitor's CLUSTER SHARDS, a Test connection or a -MOVED).
bool knows(const ConnectionSettings& settings);
// Forgets everything (tests).
void reset();
// For a connection's owner inside one of its reply callbacks: when reply is -MOVED, notes it
// (through via, the connection's settings), calls reconnect(Redis's text) queued on context's
// thread — after the callback, when the connection may be closed — and returns true.
bool followMovedLater(const ConnectionSettings& via, const RedisReply& reply, QObject* context,
                      std::function<void(const QString&)> reconnect);
} // namespace ClusterRouting

} // namespace rqc
