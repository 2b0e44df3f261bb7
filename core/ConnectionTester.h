#pragma once

#include "ClusterMap.h"
#include "ConnectionSettings.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

namespace rqc {

class RedisConnection;

// "Test connection": connects once with the given settings (handshake included, so a wrong
// password gives Redis's own WRONGPASS), times a PING, and reads INFO server and replication.
// Asynchronous on the calling thread; never blocks it. finished() follows every test().
class ConnectionTester : public QObject {
    Q_OBJECT
public:
    struct Result {
        bool ok = false;
        QString error; // Redis's own error text, or the network's
        QString version;
        QString role; // master, slave (as INFO says)
        QString mode; // standalone, sentinel, cluster (INFO server redis_mode)
        double latencyMs = 0;
        // A Redis Cluster: its masters (CLUSTER SHARDS, or CLUSTER SLOTS before Redis 7).
        int masters = 0;
        ClusterMap cluster;
        // A Sentinel set-up: the master name asked for and the address the Sentinels gave.
        QString sentinelMaster;
        QString resolvedAddress;
        // One sentence for the user, either way.
        QString summary() const;
    };

    explicit ConnectionTester(QObject* parent = nullptr);
    ~ConnectionTester() override;

    // Starts a test; a running one is abandoned (its finished() is not emitted).
    void test(const ConnectionSettings& settings);
    bool isRunning() const { return !m_conn.isNull(); }

    // A field of an INFO reply ("redis_version"), or empty.
    static QString infoField(const QByteArray& info, const QByteArray& name);

signals:
    void finished(const rqc::ConnectionTester::Result& result);

private:
    void done(Result result);
    void readClusterMap(bool shards);

    QPointer<RedisConnection> m_conn;
    QElapsedTimer m_pingTimer;
    Result m_result;
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ConnectionTester::Result)
