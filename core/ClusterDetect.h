#pragma once

#include "ClusterMap.h"
#include "ConnectionSettings.h"

#include <functional>

class QObject;

namespace rqc {

class RedisConnection;

// Finding out that a server given without cluster=1 is a Redis Cluster node, on a connection the
// caller has just opened, so that a pane opened before the server monitor read the slot map still
// routes by slot and names its companion keys with the queue's hash tag.
namespace ClusterDetect {
// Whether settings leave it open: no cluster=1, not a Sentinel set-up, not a Unix socket (cluster
// nodes announce TCP addresses). A map learnt meanwhile is looked up by probe().
bool undecided(const ConnectionSettings& settings);
// Reads the slot map through conn (CLUSTER SHARDS, or CLUSTER SLOTS before Redis 7) and learns it
// (ClusterRouting::learn). done(map, error): error empty on success. conn must be ready.
void readMap(RedisConnection* conn,
             std::function<void(const ClusterMap& map, const QString& error)> done);
// Asks conn's server INFO cluster; on cluster_enabled:1 reads and learns the slot map (readMap).
// done(true) for a cluster node, even when its map could not be read (-MOVED then corrects the
// routing); done(false) for a standalone server, or when INFO is refused (an ACL user without it).
// At once, without a command, when the node's map is already known. conn must be ready; done is
// not called if conn is closed first.
void probe(RedisConnection* conn, std::function<void(bool cluster)> done);
// For the owner of a connection to one key's node, or to the keys of its requests (a peek, the
// queue inspector, the publisher), at the connection's ready: when settings leave it undecided and
// *probed is still false, asks probe() and returns true; once answered, sets *probed and calls
// then(cluster) queued on context's thread, outside the connection's callbacks, so that it may
// close the connection and open it on the key's master; not called when the connection is no
// longer ready by then (its next ready goes on, decided). A connection closed before the answer
// leaves *probed false: its next ready asks again. false: nothing to ask, go on at once.
bool probeOnce(RedisConnection* conn, const ConnectionSettings& settings, bool* probed,
               QObject* context, std::function<void(bool cluster)> then);
// Whether conn is open on the node that serves key's slot as far as the routing table knows
// (ClusterRouting::forKey of settings, the owner's unrouted settings).
bool onKeysNode(const RedisConnection* conn, const ConnectionSettings& settings,
                const QByteArray& key);
} // namespace ClusterDetect

} // namespace rqc
