#include "ClusterDetect.h"

#include "RedisConnection.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>

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

bool probeOnce(RedisConnection* conn, const ConnectionSettings& settings, bool* probed,
               QObject* context, std::function<void(bool)> then)
{
    if (*probed || !undecided(settings))
        return false;
    probe(conn, [conn = QPointer<RedisConnection>(conn), probed, context,
                 then = std::move(then)](bool cluster) mutable {
        *probed = true;
        QMetaObject::invokeMethod(
            context,
            [conn, then = std::move(then), cluster] {
                if (conn && conn->isReady()) // else its next ready goes on, already decided
                    then(cluster);
            },
            Qt::QueuedConnection);
    });
    return true;
}

bool onKeysNode(const RedisConnection* conn, const ConnectionSettings& settings,
                const QByteArray& key)
{
    return ClusterRouting::forKey(settings, key).address() == conn->settings().address();
}

} // namespace ClusterDetect

} // namespace rqc
