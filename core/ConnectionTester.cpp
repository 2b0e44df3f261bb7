#include "ConnectionTester.h"

#include "ClusterMap.h"
#include "RedisConnection.h"

#include <QCoreApplication>

namespace rqc {

QString ConnectionTester::Result::summary() const
{
    if (!ok)
        return QCoreApplication::translate("rqc::ConnectionTester", "Failed: %1").arg(error);
    const QString shownMode =
        masters == 1
            ? QCoreApplication::translate("rqc::ConnectionTester", "%1, 1 master").arg(mode)
        : masters > 1 ? QCoreApplication::translate("rqc::ConnectionTester", "%1, %2 masters")
                            .arg(mode)
                            .arg(masters)
                      : mode;
    const QString reached =
        QCoreApplication::translate("rqc::ConnectionTester",
                                    "Reached Redis %1 · role %2 · mode %3 · latency %4 ms")
            .arg(version, role, shownMode, QString::number(latencyMs, 'f', latencyMs < 10 ? 2 : 0));
    if (sentinelMaster.isEmpty())
        return reached;
    return QCoreApplication::translate("rqc::ConnectionTester",
                                       "The Sentinels resolved master %1 to %2. %3")
        .arg(sentinelMaster, resolvedAddress, reached);
}

ConnectionTester::ConnectionTester(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<rqc::ConnectionTester::Result>();
}

ConnectionTester::~ConnectionTester() { delete m_conn; }

QString ConnectionTester::infoField(const QByteArray& info, const QByteArray& name)
{
    for (const QByteArray& line : info.split('\n')) {
        if (line.startsWith(name + ':'))
            return QString::fromUtf8(line.mid(name.size() + 1).trimmed());
    }
    return {};
}

void ConnectionTester::test(const ConnectionSettings& settings)
{
    delete m_conn;
    m_result = Result();
    m_conn = new RedisConnection(settings, QStringLiteral("test"), QString(), this);
    RedisConnection* conn = m_conn;
    connect(conn, &RedisConnection::failed, this, [this](const QString& error) {
        Result r;
        r.error = error;
        done(r);
    });
    connect(conn, &RedisConnection::disconnected, this, [this](const QString& reason) {
        Result r;
        r.error = reason;
        done(r);
    });
    connect(conn, &RedisConnection::ready, this, [this, conn] {
        if (conn->settings().isSentinel()) {
            m_result.sentinelMaster = conn->settings().masterName;
            m_result.resolvedAddress = conn->settings().address();
        }
        m_pingTimer.start();
        conn->send({"PING"}, [this](const RedisReply& r) {
            m_result.latencyMs = double(m_pingTimer.nsecsElapsed()) / 1e6;
            if (r.isError())
                m_result.error = QString::fromUtf8(r.str);
        });
        conn->send({"INFO", "server"}, [this](const RedisReply& r) {
            if (r.isError()) {
                m_result.error = QString::fromUtf8(r.str);
                return;
            }
            m_result.version = infoField(r.str, "redis_version");
            m_result.mode = infoField(r.str, "redis_mode");
            if (m_result.mode.isEmpty())
                m_result.mode = QStringLiteral("standalone");
        });
        conn->send({"INFO", "replication"}, [this](const RedisReply& r) {
            if (r.isError() && m_result.error.isEmpty())
                m_result.error = QString::fromUtf8(r.str);
            else if (!r.isError())
                m_result.role = infoField(r.str, "role");
            if (m_result.mode == QLatin1String("cluster") && m_result.error.isEmpty()) {
                readClusterMap(true);
                return;
            }
            Result result = m_result;
            result.ok = result.error.isEmpty();
            done(result);
        });
    });
    conn->open();
}

void ConnectionTester::readClusterMap(bool shards)
{
    RedisConnection* conn = m_conn;
    const ConnectionSettings settings = conn->settings();
    conn->send({"CLUSTER", shards ? QByteArray("SHARDS") : QByteArray("SLOTS")},
               [this, shards, settings](const RedisReply& r) {
                   ClusterMap map;
                   QString error;
                   const bool ok = shards ? ClusterMap::fromShards(r, settings.host, &map, &error)
                                          : ClusterMap::fromSlots(r, settings.host, &map, &error);
                   if (!ok && shards) { // CLUSTER SHARDS is Redis 7: ask an older node for SLOTS
                       readClusterMap(false);
                       return;
                   }
                   Result result = m_result;
                   if (ok) {
                       result.masters = int(map.masters().size());
                       result.cluster = map;
                       ClusterRouting::learn(settings, map);
                   } else {
                       result.error = error;
                   }
                   result.ok = result.error.isEmpty();
                   done(result);
               });
}

void ConnectionTester::done(Result result)
{
    if (!m_conn)
        return;
    m_conn->close();
    m_conn->deleteLater();
    m_conn = nullptr;
    emit finished(result);
}

} // namespace rqc
