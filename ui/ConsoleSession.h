#pragma once

#include "AppOptions.h"
#include "ConnectionSettings.h"
#include "ServerMonitor.h"
#include "ServerRole.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <memory>

namespace rqc {

class CensusService;
class Publisher;
class SandboxServer;
class ServerProbe;
class SentinelWatcher;

// Which server this window talks to, and what keeps it alive: the server from --url, the
// default one if something answers there, or a private sandbox (--sandbox, or nothing at the
// default address). Owns the sandbox, the server's one ServerMonitor, its one Publisher, which
// every pane sends through, and its one CensusService, which every pane's consumers line and the
// consume guard ask. No widgets, no sockets of its own: the probe, the monitor and the
// publisher are core classes.
class ConsoleSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Probing, StartingSandbox, Ready, Failed };
    Q_ENUM(State)

    explicit ConsoleSession(const AppOptions& options, QObject* parent = nullptr);
    ~ConsoleSession() override; // stops the monitor, then the sandbox

    // Decides the server (asynchronously when it has to probe); ready() or failed() follows.
    void start();
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    // The server in use (valid once ready).
    const ConnectionSettings& settings() const { return m_settings; }
    bool usingSandbox() const { return m_sandbox != nullptr; }
    SandboxServer* sandbox() const { return m_sandbox.get(); }
    // What the user should know about the choice ("started a private sandbox…"), or empty.
    QString notice() const { return m_notice; }
    QString serverVersion() const { return m_serverVersion; }
    void refreshNow();
    // View › Refresh: refreshes and walks the keyspace again from the start (bounded by the
    // first walk's budget; see ServerMonitor::restartWalk).
    void refreshAndWalkAgain();
    // The server refused this window's credentials or TLS its certificate (accessRefused()):
    // every connection of the session waits for resumeWith().
    bool isRefused() const { return m_refusal != AccessRefusal::None; }
    AccessRefusal refusal() const { return m_refusal; }
    QString refusalReason() const { return m_refusalReason; }
    // New settings for the server (a password, a CA file, skipping verification), in memory
    // only: the monitor, the publisher and the census connect again with them; resumed() tells
    // the panes to do the same.
    void resumeWith(const ConnectionSettings& settings);
    // The publishing connection shared by every pane of the server (null until ready).
    Publisher* publisher() const { return m_publisher.get(); }
    // The census connection shared by every pane of the server (null until ready; it connects on
    // the first request).
    CensusService* census() const { return m_census.get(); }

    // What the server is (asked at every connect of the monitor): a replica, loading…
    const ServerRole& role() const { return m_role; }

    static int monitorIntervalMs() { return 3000; }

signals:
    void ready(const rqc::ConnectionSettings& settings);
    void failed(const QString& error);
    void noticeChanged(const QString& notice);
    void serverConnected(const QString& serverVersion);
    void snapshotReady(const rqc::ServerSnapshot& snapshot);
    void errorOccurred(const QString& error);
    // The monitor's connection to the server went away (it reconnects with backoff).
    void serverLost(const QString& reason);
    // Once per refusal, however many of the session's connections meet it.
    void accessRefused(rqc::AccessRefusal kind, const QString& reason);
    void resumed(const rqc::ConnectionSettings& settings);
    void roleChanged(const rqc::ServerRole& role);
    // A Sentinel set-up's master moved (+switch-master); every connection follows it.
    void failover(const QString& from, const QString& to, const QDateTime& at);

private:
    void onRefused(AccessRefusal kind, const QString& reason);
    void useServer(const ConnectionSettings& settings);
    void startSandbox(const QString& why);
    void setNotice(const QString& notice);

    AppOptions m_options;
    State m_state = State::Idle;
    ConnectionSettings m_settings;
    QString m_notice;
    QString m_serverVersion;
    AccessRefusal m_refusal = AccessRefusal::None;
    QString m_refusalReason;
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<ServerMonitor> m_monitor;
    std::unique_ptr<Publisher> m_publisher;
    std::unique_ptr<CensusService> m_census;
    QPointer<ServerProbe> m_probe;
    ServerRole m_role;
    ServerRoleCheck* m_roleCheck = nullptr;
    SentinelWatcher* m_sentinelWatcher = nullptr;
};

} // namespace rqc
