#pragma once

#include "ConnectionSettings.h"

#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace rqc {

// A private redis-server: a free loopback port (or a Unix socket) in a temporary directory (mode
// 0700; the socket 0700 too), no persistence. A password, given or random, goes to the server in
// a configuration file in that directory, never on its command line (which every local user can
// read in /proc). It never outlives its owner: the destructor stops it, and the child is told by
// the kernel to die with the process that started it (a crash of the console ends it too).
class SandboxServer : public QObject {
    Q_OBJECT
public:
    struct Options {
        bool unixSocket = false; // listen on a Unix socket in the temp dir, no TCP
        bool tls = false;        // TLS only, with a generated self-signed certificate
        QByteArray password;     // requirepass (never on the command line: see launch())
        // A fresh random password (unless password is given): only who holds settings() gets in.
        bool randomPassword = false;
        QStringList extraArgs; // e.g. {"--user", "alice on >pw ~* &* +@all"}
        QString program = QStringLiteral("redis-server");
        int startTimeoutMs = 10000;
    };

    explicit SandboxServer(QObject* parent = nullptr);
    ~SandboxServer() override;

    // Starts the server and waits until it accepts connections. Blocking (tens of ms).
    bool start(const Options& options, QString* error = nullptr);
    bool start(QString* error = nullptr) { return start(Options(), error); }
    // Stops it (SIGTERM, then SIGKILL after a grace period).
    void stop();
    // Stops and starts again on the same port/socket (for reconnect tests).
    bool restart(QString* error = nullptr);
    bool isRunning() const;
    qint64 pid() const;

    // Settings for a client of this server (password and CA file filled in).
    ConnectionSettings settings() const;
    QString url() const { return settings().displayUrl(); }
    quint16 port() const { return m_port; }
    QString socketPath() const;
    QString directory() const;
    QString caCertFile() const;
    // The password alone in a file only its owner reads (0600), or empty when there is none.
    QString passwordFile() const;
    // The server's log so far (its stdout), for error messages.
    QString log() const { return m_log; }

    static bool isInstalled(const QString& program = QStringLiteral("redis-server"));
    static quint16 freeLoopbackPort();

private:
    bool launch(QString* error);
    bool makeCertificate(QString* error);
    bool writePasswordConfig(QString* error);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess* m_process = nullptr;
    quint16 m_port = 0;
    QString m_log;
};

} // namespace rqc
