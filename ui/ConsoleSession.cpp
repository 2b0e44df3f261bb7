#include "ConsoleSession.h"

#include "CensusService.h"
#include "Publisher.h"
#include "SandboxServer.h"
#include "SentinelWatcher.h"
#include "ServerProbe.h"

namespace rqc {

ConsoleSession::ConsoleSession(const AppOptions& options, QObject* parent)
    : QObject(parent)
    , m_options(options)
    , m_settings(options.server)
{
    qRegisterMetaType<rqc::ServerSnapshot>();
    qRegisterMetaType<rqc::ConnectionSettings>();
}

ConsoleSession::~ConsoleSession()
{
    // The monitor's, the publisher's and the census's connections first, so they do not see the
    // sandbox die and try to reconnect.
    m_census.reset();
    m_publisher.reset();
    m_monitor.reset();
    m_sandbox.reset();
}

void ConsoleSession::start()
{
    if (m_state != State::Idle)
        return;
    if (m_options.sandbox) {
        startSandbox(tr("Started a private sandbox server at %1 (--sandbox); it ends with the "
                        "console."));
        return;
    }
    if (m_options.urlGiven()) {
        useServer(m_options.server);
        return;
    }
    // No --url: the default server if anything answers there, otherwise a sandbox.
    m_state = State::Probing;
    m_probe = new ServerProbe(this);
    connect(m_probe, &ServerProbe::finished, this, [this](bool answered, const QString&) {
        m_probe->deleteLater();
        if (answered)
            useServer(m_options.server);
        else
            startSandbox(tr("No Redis at %1:%2 — started a private sandbox server at %3; it "
                            "ends with the console.")
                             .arg(m_options.server.host)
                             .arg(m_options.server.port)
                             .arg(QStringLiteral("%1")));
    });
    m_probe->probe(m_options.server, 1000);
}

void ConsoleSession::startSandbox(const QString& why)
{
    m_state = State::StartingSandbox;
    QString error;
    if (!SandboxServer::isInstalled()) {
        error = tr("No Redis server to use: nothing answers at %1, and redis-server is not "
                   "installed for a private sandbox.")
                    .arg(m_options.server.displayUrl());
    } else {
        m_sandbox = std::make_unique<SandboxServer>();
        // Only this console gets in: a random password that only its settings hold.
        SandboxServer::Options sandboxOptions;
        sandboxOptions.randomPassword = true;
        // Blocks for the few tens of milliseconds redis-server needs to start, once.
        if (!m_sandbox->start(sandboxOptions, &error)) {
            error = tr("Could not start a private sandbox server: %1").arg(error);
            m_sandbox.reset();
        }
    }
    if (!m_sandbox) {
        m_state = State::Failed;
        emit failed(error);
        return;
    }
    setNotice(why.arg(m_sandbox->url()));
    useServer(m_sandbox->settings());
}

void ConsoleSession::useServer(const ConnectionSettings& settings)
{
    m_settings = settings;
    m_state = State::Ready;
    m_roleCheck = new ServerRoleCheck(this);
    connect(m_roleCheck, &ServerRoleCheck::checked, this, [this](const ServerRole& role) {
        m_role = role;
        emit roleChanged(role);
    });
    if (settings.isSentinel()) {
        m_sentinelWatcher = new SentinelWatcher(settings, this);
        connect(m_sentinelWatcher, &SentinelWatcher::masterSwitched, this,
                [this](const QString&, const QString& from, const QString& to,
                       const QDateTime& at) { emit failover(from, to, at); });
        m_sentinelWatcher->start();
    }
    m_monitor = std::make_unique<ServerMonitor>(settings, monitorIntervalMs());
    m_monitor->setPatterns(m_options.discoverPatterns);
    connect(m_monitor.get(), &ServerMonitor::snapshotReady, this, &ConsoleSession::snapshotReady);
    connect(m_monitor.get(), &ServerMonitor::errorOccurred, this, &ConsoleSession::errorOccurred);
    connect(m_monitor.get(), &ServerMonitor::connectionLost, this, &ConsoleSession::serverLost);
    connect(m_monitor.get(), &ServerMonitor::connected, this, [this](const QString& version) {
        m_serverVersion = version;
        emit serverConnected(version);
        m_roleCheck->check(m_settings); // again at each connect: a failover may have moved it
    });
    connect(m_monitor.get(), &ServerMonitor::accessRefused, this, &ConsoleSession::onRefused);
    m_monitor->start();
    m_publisher = std::make_unique<Publisher>(settings);
    connect(m_publisher.get(), &Publisher::accessRefused, this, &ConsoleSession::onRefused);
    m_publisher->start();
    // The monitor walks the keyspace within its budget; the census only re-reads what it found.
    m_census = std::make_unique<CensusService>(settings, false);
    connect(m_census.get(), &CensusService::accessRefused, this, &ConsoleSession::onRefused);
    emit ready(m_settings);
}

void ConsoleSession::onRefused(AccessRefusal kind, const QString& reason)
{
    // Each connection stops on its own at its first refusal; the window hears of it once.
    if (m_refusal != AccessRefusal::None || kind == AccessRefusal::None)
        return;
    m_refusal = kind;
    m_refusalReason = reason;
    emit accessRefused(kind, reason);
}

void ConsoleSession::resumeWith(const ConnectionSettings& settings)
{
    if (m_state != State::Ready)
        return;
    m_settings = settings;
    m_refusal = AccessRefusal::None;
    m_refusalReason.clear();
    if (m_monitor)
        m_monitor->resume(settings);
    if (m_publisher)
        m_publisher->resume(settings);
    if (m_census)
        m_census->resume(settings);
    emit resumed(settings);
}

void ConsoleSession::refreshNow()
{
    if (m_monitor)
        m_monitor->refreshNow();
}

void ConsoleSession::refreshAndWalkAgain()
{
    if (m_monitor)
        m_monitor->restartWalk();
}

void ConsoleSession::setNotice(const QString& notice)
{
    m_notice = notice;
    emit noticeChanged(notice);
}

} // namespace rqc
