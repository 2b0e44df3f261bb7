#include "SentinelTopology.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace rqc::test {

SentinelTopology::SentinelTopology() = default;

SentinelTopology::~SentinelTopology()
{
    for (QProcess* p : m_sentinels) {
        p->kill();
        p->waitForFinished(3000);
        delete p;
    }
}

bool SentinelTopology::start(QString* error)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temp dir");
        return false;
    }
    SandboxServer::Options mo;
    if (!startServer(m_master, mo, error))
        return false;
    SandboxServer::Options ro;
    ro.extraArgs = {QStringLiteral("--replicaof"),
                    QStringLiteral("127.0.0.1 %1").arg(m_master.port())};
    if (!startServer(m_replica, ro, error))
        return false;
    {
        SyncClient master(m_master.settings());
        // The replica must be in sync before the Sentinels look (and before any write).
        if (!waitUntil(
                [&] {
                    const RedisReply r = master.command({"WAIT", "1", "100"});
                    return r.isInteger() && r.integer == 1;
                },
                10000)) {
            *error = QStringLiteral("the replica did not sync");
            return false;
        }
    }
    for (int i = 0; i < 3; ++i) {
        if (!startSentinel(i, error))
            return false;
    }
    // Every Sentinel knows the replica and the two other Sentinels.
    for (int i = 0; i < 3; ++i) {
        const ConnectionSettings s = sentinelSettings(i);
        SyncClient c(s);
        const bool ok = waitUntil(
            [&] {
                const RedisReply m = c.command({"SENTINEL", "MASTER", kMaster});
                if (!m.isArray())
                    return false;
                qint64 replicas = -1, others = -1;
                for (qsizetype k = 0; k + 1 < m.elements.size(); k += 2) {
                    if (m.elements[k].str == "num-slaves")
                        replicas = m.elements[k + 1].str.toLongLong();
                    if (m.elements[k].str == "num-other-sentinels")
                        others = m.elements[k + 1].str.toLongLong();
                }
                return replicas == 1 && others == 2;
            },
            20000);
        if (!ok) {
            *error = QStringLiteral("Sentinel %1 did not see the whole set-up").arg(i);
            return false;
        }
    }
    return true;
}

bool SentinelTopology::startSentinel(int i, QString* error)
{
    const quint16 port = SandboxServer::freeLoopbackPort();
    const QString conf = m_dir.filePath(QStringLiteral("sentinel%1.conf").arg(i));
    QFile f(conf);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = f.errorString();
        return false;
    }
    const QByteArray text = QStringLiteral("port %1\nbind 127.0.0.1\ndir %2\nlogfile \"\"\n"
                                           "daemonize no\n"
                                           "sentinel monitor %3 127.0.0.1 %4 2\n"
                                           "sentinel down-after-milliseconds %3 1000\n"
                                           "sentinel failover-timeout %3 5000\n")
                                .arg(port)
                                .arg(m_dir.path(), QLatin1String(kMaster))
                                .arg(m_master.port())
                                .toUtf8() +
                            (m_sentinelPassword.isEmpty()
                                 ? QByteArray()
                                 : "requirepass " + m_sentinelPassword +
                                       "\nsentinel sentinel-pass " + m_sentinelPassword + '\n');
    f.write(text);
    f.close();
    auto* p = new QProcess;
    p->setProcessChannelMode(QProcess::MergedChannels);
    const pid_t parent = ::getpid();
    p->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
    });
    QString program = QStandardPaths::findExecutable(QStringLiteral("redis-sentinel"));
    QStringList args{conf};
    if (program.isEmpty()) { // the same binary, as Sentinel
        program = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        args << QStringLiteral("--sentinel");
    }
    p->start(program, args);
    m_sentinels.append(p);
    m_sentinelPorts.append(port);
    ConnectionSettings s;
    s.port = port;
    s.password = m_sentinelPassword;
    const bool up = waitUntil(
        [&] {
            SyncClient c(s);
            return c.isConnected() && c.command({"PING"}, 1000).str == "PONG";
        },
        10000);
    if (!up)
        *error = QStringLiteral("Sentinel %1 did not start: %2")
                     .arg(i)
                     .arg(QString::fromUtf8(p->readAll()));
    return up;
}

QString SentinelTopology::url() const
{
    QStringList hosts;
    for (quint16 p : m_sentinelPorts)
        hosts << QStringLiteral("127.0.0.1:%1").arg(p);
    return QStringLiteral("redis+sentinel://%1/%2")
        .arg(hosts.join(QLatin1Char(',')), QLatin1String(kMaster));
}

ConnectionSettings SentinelTopology::settings() const
{
    ConnectionSettings s = ConnectionSettings::fromUrl(url());
    s.sentinelPassword = m_sentinelPassword;
    return s;
}

ConnectionSettings SentinelTopology::sentinelSettings(int i) const
{
    ConnectionSettings s;
    s.port = m_sentinelPorts.value(i);
    s.password = m_sentinelPassword;
    return s;
}

QString SentinelTopology::masterAddress() const
{
    for (quint16 port : m_sentinelPorts) {
        ConnectionSettings s;
        s.port = port;
        s.password = m_sentinelPassword;
        SyncClient c(s);
        const RedisReply r = c.command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kMaster}, 2000);
        if (r.isArray() && r.elements.size() == 2)
            return QString::fromUtf8(r.elements[0].str + ':' + r.elements[1].str);
    }
    return QString();
}

ConnectionSettings SentinelTopology::serverAt(const QString& address) const
{
    ConnectionSettings s;
    s.host = address.section(QLatin1Char(':'), 0, 0);
    s.port = quint16(address.section(QLatin1Char(':'), 1).toUInt());
    return s;
}

void SentinelTopology::guardCurrentMaster()
{
    const QString now = masterAddress();
    for (SandboxServer* server : {&m_master, &m_replica}) {
        SyncClient c(server->settings());
        const bool isMaster = now.endsWith(QLatin1Char(':') + QString::number(server->port()));
        c.command({"CONFIG", "SET", "min-replicas-to-write", isMaster ? "1" : "0"});
        c.command({"CONFIG", "SET", "min-replicas-max-lag", "10"});
    }
}

bool SentinelTopology::forceFailover(QString* error)
{
    SyncClient c(sentinelSettings(0));
    const RedisReply r = c.command({"SENTINEL", "FAILOVER", kMaster});
    if (r.isStatus("OK"))
        return true;
    *error = QString::fromUtf8(r.isError() ? r.str : r.toDebugString());
    return false;
}

bool SentinelTopology::waitForSwitch(const QString& from, int timeoutMs, QString* error)
{
    QString now;
    const bool ok = waitUntil(
        [&] {
            for (quint16 port : m_sentinelPorts) {
                ConnectionSettings s;
                s.port = port;
                s.password = m_sentinelPassword;
                SyncClient c(s);
                const RedisReply r =
                    c.command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", kMaster}, 2000);
                if (!r.isArray() || r.elements.size() != 2)
                    return false;
                now = QString::fromUtf8(r.elements[0].str + ':' + r.elements[1].str);
                if (now == from)
                    return false;
            }
            SyncClient newMaster(serverAt(now));
            if (newMaster.command({"ROLE"}).elements.value(0).str != "master")
                return false;
            SyncClient old(serverAt(from));
            const RedisReply role = old.command({"ROLE"});
            return role.elements.value(0).str == "slave" &&
                   role.elements.value(3).str == "connected";
        },
        timeoutMs);
    if (!ok)
        *error = QStringLiteral("no switch away from %1 (Sentinels say %2)").arg(from, now);
    return ok;
}

} // namespace rqc::test
