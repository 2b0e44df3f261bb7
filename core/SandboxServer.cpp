#include "SandboxServer.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace rqc {

namespace {
// redis-server quotes each command-line argument, so "--user" "alice on >pw ~* +@all" would be one
// user name with spaces. ACL rules never contain spaces: split them into separate arguments.
QStringList expandExtraArgs(const QStringList& extra)
{
    QStringList out;
    for (qsizetype i = 0; i < extra.size(); ++i) {
        out << extra[i];
        if (extra[i] == QLatin1String("--user") && i + 1 < extra.size()) {
            out << extra[i + 1].split(QLatin1Char(' '), Qt::SkipEmptyParts);
            ++i;
        }
    }
    return out;
}

// The lines of a failed server's log that say why (its start-up banner and warnings do not).
QString failureSummary(const QString& log)
{
    QStringList keep;
    const QStringList lines = log.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& line : lines) {
        if (line.contains(QLatin1String("WARNING")) || line.contains(QLatin1String("oO0OoO0")) ||
            line.contains(QLatin1String("Redis version=")))
            continue;
        keep << line.trimmed();
    }
    return keep.mid(qMax<qsizetype>(0, keep.size() - 6)).join(QLatin1Char('\n')).right(800);
}
} // namespace

SandboxServer::SandboxServer(QObject* parent)
    : QObject(parent)
{
}

SandboxServer::~SandboxServer() { stop(); }

bool SandboxServer::isInstalled(const QString& program)
{
    return !QStandardPaths::findExecutable(program).isEmpty() ||
           !QStandardPaths::findExecutable(
                program, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")})
                .isEmpty();
}

quint16 SandboxServer::freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QString SandboxServer::socketPath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("redis.sock")) : QString();
}

QString SandboxServer::directory() const { return m_dir ? m_dir->path() : QString(); }

QString SandboxServer::passwordFile() const
{
    return m_options.password.isEmpty() || !m_dir ? QString()
                                                  : m_dir->filePath(QStringLiteral("password"));
}

QString SandboxServer::caCertFile() const
{
    return m_options.tls && m_dir ? m_dir->filePath(QStringLiteral("cert.pem")) : QString();
}

bool SandboxServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 SandboxServer::pid() const { return m_process ? m_process->processId() : 0; }

ConnectionSettings SandboxServer::settings() const
{
    ConnectionSettings s;
    s.host = QStringLiteral("127.0.0.1");
    s.port = m_port;
    s.password = m_options.password;
    if (m_options.unixSocket) {
        s.transport = ConnectionSettings::Transport::Unix;
        s.socketPath = socketPath();
    } else if (m_options.tls) {
        s.transport = ConnectionSettings::Transport::Tls;
        s.caCertFile = caCertFile();
    }
    return s;
}

bool SandboxServer::makeCertificate(QString* error)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   m_dir->filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                   m_dir->filePath(QStringLiteral("cert.pem")), QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
        *error = tr("Could not create a TLS certificate with openssl: %1")
                     .arg(QString::fromLocal8Bit(openssl.readAll()));
        return false;
    }
    return true;
}

bool SandboxServer::start(const Options& options, QString* error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    stop();
    m_options = options;
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/rqconsole-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = tr("Could not create a temporary directory: %1").arg(m_dir->errorString());
        return false;
    }
    // mkdtemp makes it 0700 already; say so explicitly, the socket and the password live here.
    QFile::setPermissions(m_dir->path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (m_options.randomPassword && m_options.password.isEmpty()) {
        quint32 words[8];
        QRandomGenerator::system()->fillRange(words);
        m_options.password = QByteArray(reinterpret_cast<const char*>(words), sizeof words).toHex();
    }
    if (!m_options.password.isEmpty() && !writePasswordConfig(error))
        return false;
    if (!isInstalled(options.program)) {
        *error = tr("%1 is not installed (Debian package redis-server).").arg(options.program);
        return false;
    }
    if (options.tls && !makeCertificate(error))
        return false;
    // A port found free can be taken before redis binds it; try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = options.unixSocket ? 0 : freeLoopbackPort();
        if (launch(error))
            return true;
        if (!m_log.contains(QLatin1String("Address already in use")))
            return false;
    }
    return false;
}

bool SandboxServer::restart(QString* error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    if (!m_dir)
        return start(m_options, error);
    stop();
    return launch(error);
}

bool SandboxServer::writePasswordConfig(QString* error)
{
    // Every byte as \xHH inside double quotes: redis-server's config parser takes any password.
    QByteArray line = "requirepass \"";
    for (const char c : std::as_const(m_options.password))
        line += "\\x" + QByteArray(1, c).toHex();
    line += "\"\n";
    QFile conf(m_dir->filePath(QStringLiteral("sandbox.conf")));
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        !conf.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        conf.write(line) != line.size()) {
        *error = tr("Could not write the sandbox's configuration: %1").arg(conf.errorString());
        return false;
    }
    // The password alone too (0600, in the 0700 directory), for redis-cli: "$(cat FILE)".
    QFile plain(m_dir->filePath(QStringLiteral("password")));
    if (!plain.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        !plain.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        plain.write(m_options.password) != m_options.password.size()) {
        *error = tr("Could not write the sandbox's password file: %1").arg(plain.errorString());
        return false;
    }
    return true;
}

bool SandboxServer::launch(QString* error)
{
    QStringList args;
    // The configuration file comes first (redis-server's rule); it holds the password, if any.
    if (!m_options.password.isEmpty())
        args << m_dir->filePath(QStringLiteral("sandbox.conf"));
    args << QStringList{QStringLiteral("--bind"),
                        QStringLiteral("127.0.0.1"),
                        QStringLiteral("--dir"),
                        m_dir->path(),
                        QStringLiteral("--save"),
                        QString(),
                        QStringLiteral("--appendonly"),
                        QStringLiteral("no"),
                        QStringLiteral("--daemonize"),
                        QStringLiteral("no"),
                        QStringLiteral("--logfile"),
                        QString(),
                        QStringLiteral("--protected-mode"),
                        QStringLiteral("yes")};
    if (m_options.unixSocket) {
        args << QStringLiteral("--port") << QStringLiteral("0") << QStringLiteral("--unixsocket")
             << socketPath() << QStringLiteral("--unixsocketperm") << QStringLiteral("700");
    } else if (m_options.tls) {
        args << QStringLiteral("--port") << QStringLiteral("0") << QStringLiteral("--tls-port")
             << QString::number(m_port) << QStringLiteral("--tls-cert-file")
             << m_dir->filePath(QStringLiteral("cert.pem")) << QStringLiteral("--tls-key-file")
             << m_dir->filePath(QStringLiteral("key.pem")) << QStringLiteral("--tls-ca-cert-file")
             << m_dir->filePath(QStringLiteral("cert.pem")) << QStringLiteral("--tls-auth-clients")
             << QStringLiteral("no");
    } else {
        args << QStringLiteral("--port") << QString::number(m_port);
    }
    args << expandExtraArgs(m_options.extraArgs);

    m_log.clear();
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // The kernel kills the server when the thread that started it dies (a console crash included).
    // If the parent died before prctl ran, the signal will never come: give up at once.
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(127);
    });
    QString program = QStandardPaths::findExecutable(m_options.program);
    if (program.isEmpty())
        program = QStandardPaths::findExecutable(
            m_options.program, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
    m_process->start(program, args);
    if (!m_process->waitForStarted(5000)) {
        *error = tr("Could not start %1: %2").arg(m_options.program, m_process->errorString());
        delete m_process;
        m_process = nullptr;
        return false;
    }
    QDeadlineTimer deadline(m_options.startTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->waitForReadyRead(int(qMin<qint64>(deadline.remainingTime(), 200))))
            m_log += QString::fromLocal8Bit(m_process->readAll());
        // "Ready to accept connections" (TCP) or "…ready to accept connections at <path>" (Unix).
        if (m_log.contains(QLatin1String("eady to accept connections"))) {
            connect(m_process, &QProcess::readyRead, this,
                    [this] { m_log += QString::fromLocal8Bit(m_process->readAll()); });
            return true;
        }
        if (m_process->state() != QProcess::Running)
            break;
    }
    m_log += QString::fromLocal8Bit(m_process->readAll());
    *error = deadline.hasExpired()
                 ? tr("redis-server did not become ready within %1 ms: %2")
                       .arg(m_options.startTimeoutMs)
                       .arg(failureSummary(m_log))
                 : tr("redis-server exited at start-up: %1").arg(failureSummary(m_log));
    m_process->kill();
    m_process->waitForFinished(2000);
    delete m_process;
    m_process = nullptr;
    return false;
}

void SandboxServer::stop()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(3000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
    delete m_process;
    m_process = nullptr;
}

} // namespace rqc
