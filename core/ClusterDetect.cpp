#include "ClusterDetect.h"

#include "RedisConnection.h"

namespace rqc {

namespace ClusterDetect {

bool undecided(const ConnectionSettings& settings)
{
    return !settings.cluster && !settings.isSentinel() &&
           settings.transport != ConnectionSettings::Transport::Unix;
}

namespace {
void readMapWith(RedisConnection* conn, bool shards,
                 std::function<void(const ClusterMap&, const QString&)> done)
{
    const ConnectionSettings via = conn->settings();
    conn->send({"CLUSTER", shards ? QByteArray("SHARDS") : QByteArray("SLOTS")},
               [conn, shards, via, done = std::move(done)](const RedisReply& r) mutable {
                   ClusterMap map;
                   QString error;
                   const bool ok = shards ? ClusterMap::fromShards(r, via.host, &map, &error)
                                          : ClusterMap::fromSlots(r, via.host, &map, &error);
                   if (!ok && shards) { // CLUSTER SHARDS is Redis 7: ask an older node for SLOTS
                       readMapWith(conn, false, std::move(done));
                       return;
                   }
                   if (ok)
                       ClusterRouting::learn(via, map);
                   done(map, ok ? QString() : error);
               });
}
} // namespace

void readMap(RedisConnection* conn, std::function<void(const ClusterMap&, const QString&)> done)
{
    readMapWith(conn, true, std::move(done));
}

void probe(RedisConnection* conn, std::function<void(bool)> done)
{
    if (ClusterRouting::knows(conn->settings())) {
        done(true);
        return;
    }
    conn->send({"INFO", "cluster"}, [conn, done = std::move(done)](const RedisReply& r) mutable {
        if (r.isError() || !r.str.contains("cluster_enabled:1")) {
            done(false);
            return;
        }
        readMap(conn, [done = std::move(done)](const ClusterMap&, const QString&) { done(true); });
    });
}

} // namespace ClusterDetect

} // namespace rqc
