#pragma once

#include "ConnectionSettings.h"
#include "SandboxServer.h"

#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace rqc::test {

// A Sentinel set-up on loopback for tests: one master, one --replicaof replica and three
// Sentinels (quorum 2, down-after 1000 ms, failover-timeout 5000 ms), each on a free port, in
// temp dirs, killed with the test.
class SentinelTopology {
public:
    static constexpr const char* kMaster = "rqmaster";

    SentinelTopology();
    ~SentinelTopology();

    // Before start(): the Sentinels' own requirepass (and sentinel-pass among themselves).
    void setSentinelPassword(const QByteArray& password) { m_sentinelPassword = password; }
    // Plain settings for Sentinel i (its password included).
    ConnectionSettings sentinelSettings(int i) const;

    // Starts everything and waits until every Sentinel knows the master, its replica and the
    // other Sentinels. False with *error on failure.
    bool start(QString* error);

    // redis+sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3/rqmaster
    QString url() const;
    ConnectionSettings settings() const;
    // The original master and replica (a failover swaps their roles).
    SandboxServer& first() { return m_master; }
    SandboxServer& second() { return m_replica; }
    quint16 sentinelPort(int i) const { return m_sentinelPorts.value(i); }
    // What the Sentinels name as the master now (host:port), asking the first that answers.
    QString masterAddress() const;
    // Plain settings for the server at host:port.
    ConnectionSettings serverAt(const QString& address) const;
    // The master now refuses writes once it has no replica (min-replicas-to-write 1), the
    // replica not: after a failover the old master takes nothing more that the new one would not
    // have (its replica left it when promoted).
    void guardCurrentMaster();
    // SENTINEL FAILOVER on a Sentinel; true once that Sentinel answered OK.
    bool forceFailover(QString* error);
    // Waits until every Sentinel names a master other than `from`, and that server says ROLE
    // master, and `from` says it is a replica of it. False on timeout.
    bool waitForSwitch(const QString& from, int timeoutMs, QString* error);

private:
    bool startSentinel(int i, QString* error);

    SandboxServer m_master;
    SandboxServer m_replica;
    QTemporaryDir m_dir;
    QList<quint16> m_sentinelPorts;
    QList<QProcess*> m_sentinels;
    QByteArray m_sentinelPassword;
};

} // namespace rqc::test
