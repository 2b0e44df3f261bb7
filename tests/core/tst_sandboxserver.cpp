// Tests for SandboxServer: start/stop, restart on the same port, clear start-up errors, and that
// the private redis-server never outlives its owner — neither the object nor the process (SIGKILL).
#include "SandboxServer.h"
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpSocket>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <sys/stat.h>
#include <sys/types.h>

using namespace rqc;

namespace {
// True once pid is gone (or a zombie waiting for its reaper, which is just as dead).
bool processGone(qint64 pid)
{
    if (pid <= 0)
        return true;
    if (::kill(pid_t(pid), 0) != 0)
        return errno == ESRCH;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close > 0 && line.mid(close + 2, 1) == "Z";
}

bool accepts(quint16 port)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    return s.waitForConnected(1000);
}
} // namespace

class TestSandboxServer : public QObject {
    Q_OBJECT
private slots:
    void startAndStop()
    {
        SandboxServer server;
        QVERIFY(!server.isRunning());
        QCOMPARE(server.pid(), 0);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY(error.isEmpty());
        QVERIFY(server.isRunning());
        const qint64 pid = server.pid();
        QVERIFY(pid > 0);
        QVERIFY(server.port() > 0);
        QVERIFY(server.port() != 6379);
        QVERIFY(QDir(server.directory()).exists());
        QCOMPARE(server.settings().host, QStringLiteral("127.0.0.1"));
        QCOMPARE(server.settings().port, server.port());
        QVERIFY(server.url().contains(QString::number(server.port())));
        {
            test::SyncClient c(server.settings());
            QVERIFY2(c.isConnected(), qPrintable(c.error()));
            QVERIFY(c.command({"PING"}).isStatus("PONG"));
            // No persistence, loopback only.
            QCOMPARE(c.command({"CONFIG", "GET", "save"}).elements.value(1).str, QByteArray());
            QCOMPARE(c.command({"CONFIG", "GET", "appendonly"}).elements.value(1).str,
                     QByteArray("no"));
            QCOMPARE(c.command({"CONFIG", "GET", "bind"}).elements.value(1).str,
                     QByteArray("127.0.0.1"));
        }
        QVERIFY(server.log().contains(QStringLiteral("eady to accept connections")));
        server.stop();
        QVERIFY(!server.isRunning());
        QVERIFY(processGone(pid));
        QVERIFY(!accepts(server.settings().port));
        server.stop(); // twice is fine
    }

    void restartKeepsThePort()
    {
        SandboxServer server;
        RQ_START_SERVER(server);
        const quint16 port = server.port();
        const qint64 pid = server.pid();
        {
            test::SyncClient c(server.settings());
            c.command({"SET", "k", "v"});
        }
        QString error;
        QVERIFY2(server.restart(&error), qPrintable(error));
        QCOMPARE(server.port(), port);
        QVERIFY(server.pid() != pid);
        QVERIFY(processGone(pid));
        test::SyncClient c(server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QVERIFY(c.command({"GET", "k"}).isNil()); // nothing persisted

        // Restart after an explicit stop works too (a long outage in the reconnect tests).
        server.stop();
        QVERIFY(!accepts(port));
        QVERIFY2(server.restart(&error), qPrintable(error));
        QCOMPARE(server.port(), port);
        QVERIFY(accepts(port));
    }

    void startAgainReplacesTheServer()
    {
        SandboxServer server;
        RQ_START_SERVER(server);
        const qint64 first = server.pid();
        RQ_START_SERVER(server);
        QVERIFY(server.pid() != first);
        QVERIFY(processGone(first));
        QVERIFY(server.isRunning());
    }

    void unixSocketServer()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.unixSocket = true;
        RQ_START_SERVER_WITH(server, opts);
        QVERIFY(QFile::exists(server.socketPath()));
        QVERIFY(server.socketPath().startsWith(server.directory()));
        QCOMPARE(server.settings().transport, ConnectionSettings::Transport::Unix);
        test::SyncClient c(server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QString error;
        QVERIFY2(server.restart(&error), qPrintable(error));
        test::SyncClient again(server.settings());
        QVERIFY2(again.isConnected(), qPrintable(again.error()));
    }

    void aclUserLinesAreSplit()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.extraArgs = {QStringLiteral("--user"), QStringLiteral("carol on >pw ~c:* +@all"),
                          QStringLiteral("--maxclients"), QStringLiteral("100")};
        RQ_START_SERVER_WITH(server, opts);
        test::SyncClient c(server.settings());
        const RedisReply users = c.command({"ACL", "USERS"});
        QCOMPARE(users.elements.size(), 2);
        QCOMPARE(users.elements[0].str, QByteArray("carol"));
        QCOMPARE(c.command({"CONFIG", "GET", "maxclients"}).elements.value(1).str,
                 QByteArray("100"));
    }

    void requirepassInSettings()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.password = "s3cret";
        RQ_START_SERVER_WITH(server, opts);
        QCOMPARE(server.settings().password, QByteArray("s3cret"));
        QVERIFY(!server.url().contains(QStringLiteral("s3cret")));
        test::SyncClient c(server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
    }

    void passwordNeverOnTheCommandLine()
    {
        // /proc/<pid>/cmdline is readable by every local user.
        SandboxServer server;
        SandboxServer::Options opts;
        opts.password = "pw with \"quotes\" and spaces";
        RQ_START_SERVER_WITH(server, opts);
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(server.pid()));
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        const QByteArray args = cmdline.readAll();
        QVERIFY(args.contains("redis-server") || args.contains("127.0.0.1"));
        QVERIFY2(!args.contains("quotes"), args.constData());
        test::SyncClient c(server.settings());
        QVERIFY2(c.isConnected(), qPrintable(c.error()));
        QCOMPARE(c.command({"PING"}).str, QByteArray("PONG"));
    }

    void randomPasswordRefusesOtherClients()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.randomPassword = true;
        RQ_START_SERVER_WITH(server, opts);
        QVERIFY(server.settings().password.size() >= 32);
        QVERIFY(!server.url().contains(QString::fromLatin1(server.settings().password)));
        test::SyncClient own(server.settings());
        QVERIFY2(own.isConnected(), qPrintable(own.error()));
        QCOMPARE(own.command({"PING"}).str, QByteArray("PONG"));
        // Another client on the same port, without the password, gets nothing.
        ConnectionSettings other = server.settings();
        other.password.clear();
        test::SyncClient stranger(other);
        QVERIFY(!stranger.isConnected());
        QVERIFY2(stranger.error().startsWith(QLatin1String("NOAUTH")),
                 qPrintable(stranger.error()));
        // A second sandbox gets another password.
        SandboxServer second;
        RQ_START_SERVER_WITH(second, opts);
        QVERIFY(second.settings().password != server.settings().password);
        QVERIFY(server.restart());
        test::SyncClient afterRestart(server.settings());
        QCOMPARE(afterRestart.command({"PING"}).str, QByteArray("PONG"));
    }

    void directoryAndSocketAreOwnerOnly()
    {
        SandboxServer server;
        SandboxServer::Options opts;
        opts.unixSocket = true;
        RQ_START_SERVER_WITH(server, opts);
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(server.directory()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0700));
        QCOMPARE(::stat(QFile::encodeName(server.socketPath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0077, mode_t(0));
    }

    void clearErrors()
    {
        SandboxServer server;
        QString error;
        SandboxServer::Options missing;
        missing.program = QStringLiteral("rqconsole-no-such-redis-server");
        QVERIFY(!server.start(missing, &error));
        QVERIFY2(error.contains(QStringLiteral("not installed")), qPrintable(error));
        QVERIFY(!server.isRunning());
        QCOMPARE(server.pid(), 0);

        SandboxServer::Options bad;
        bad.extraArgs = {QStringLiteral("--no-such-directive"), QStringLiteral("1")};
        QElapsedTimer t;
        t.start();
        error.clear();
        QVERIFY(!server.start(bad, &error));
        QVERIFY2(t.elapsed() < rqc::test::scaled(8000), qPrintable(QString::number(t.elapsed())));
        QVERIFY2(error.contains(QStringLiteral("Bad directive")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("no-such-directive")), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("overcommit")), qPrintable(error));
        QVERIFY(!server.isRunning());
        QCOMPARE(server.pid(), 0);

        // A null error pointer is fine, and the object is usable afterwards.
        QVERIFY(!server.start(bad, nullptr));
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY(server.isRunning());
    }

    void diesWithItsOwner()
    {
        qint64 pid = 0;
        quint16 port = 0;
        QString dir;
        {
            SandboxServer server;
            RQ_START_SERVER(server);
            pid = server.pid();
            port = server.port();
            dir = server.directory();
            QVERIFY(!processGone(pid));
        }
        QVERIFY(processGone(pid));
        QVERIFY(!accepts(port));
        QVERIFY(!QDir(dir).exists()); // the temporary directory is removed too
    }

    void diesWhenTheOwningProcessIsKilled()
    {
        QProcess child;
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QStringLiteral(RQ_SANDBOX_CHILD), {});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        qint64 pid = 0;
        quint16 port = 0;
        QString dir;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains("DIR ") || !out.endsWith('\n')) {
            if (t.elapsed() > 20000 || child.state() != QProcess::Running)
                break;
            child.waitForReadyRead(500);
            out += child.readAll();
        }
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("PID "))
                pid = line.mid(4).trimmed().toLongLong();
            else if (line.startsWith("PORT "))
                port = quint16(line.mid(5).trimmed().toUInt());
            else if (line.startsWith("DIR "))
                dir = QString::fromLocal8Bit(line.mid(4).trimmed());
        }
        QVERIFY2(pid > 0 && port > 0, out.constData());
        QVERIFY(!processGone(pid));
        QVERIFY(accepts(port));

        // SIGKILL: no destructor runs; only the kernel's parent-death signal can end the server.
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        QTRY_VERIFY_WITH_TIMEOUT(processGone(pid), 5000);
        // The group leader turns zombie before the last thread has released the sockets.
        QTRY_VERIFY_WITH_TIMEOUT(!accepts(port), 5000);
        // The killed process could not remove its temporary directory; tidy up after it.
        if (!dir.isEmpty() && dir.startsWith(QDir::tempPath()))
            QDir(dir).removeRecursively();
    }
};

QTEST_GUILESS_MAIN(TestSandboxServer)
#include "tst_sandboxserver.moc"
