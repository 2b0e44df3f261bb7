#include "ServerHub.h"

#include "ConnectionController.h"
#include "ConnectionStore.h"
#include "ConsoleSession.h"
#include "SandboxServer.h"
#include "ServerAuthPrompt.h"
#include "ServerSidebar.h"
#include "ServerView.h"
#include "SidebarSparklines.h"
#include "UnsavedPanes.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>

namespace rqc {

namespace {
// The saved connections open at quit, in order, and whether an unsaved server was open too.
const QString kOpenKey = QStringLiteral("window/openConnections");
const QString kUnsavedOpenKey = QStringLiteral("window/unsavedServerOpen");
constexpr int kSidebarMinWidth = 160;
} // namespace

ServerHub::ServerHub(QSettings* settings, ConnectionController* connections, QSplitter* trees,
                     QMenu* viewMenu, QMainWindow* window, PaneOpener opener)
    : QObject(window)
    , m_settings(settings)
    , m_connections(connections)
    , m_trees(trees)
    , m_viewMenu(viewMenu)
    , m_window(window)
    , m_opener(std::move(opener))
{
    m_sparklines = new QAction(tr("Depth &sparklines in the sidebar"), this);
    m_sparklines->setObjectName(QStringLiteral("sparklinesAction"));
    m_sparklines->setCheckable(true);
    m_sparklines->setToolTip(tr("Sample the depth of the lists and streams on screen (at most %1 "
                                "per server) once a second and draw it beside them")
                                 .arg(SidebarSparklines::kMaxRows));
    connect(m_sparklines, &QAction::toggled, this, [this](bool on) {
        for (ServerView* server : std::as_const(m_servers))
            server->sidebar()->sparklines()->action()->setChecked(on);
    });
    connect(m_connections, &ConnectionController::openRequested, this, &ServerHub::openSaved);
    connect(m_connections, &ConnectionController::closeRequested, this, [this](const QString& id) {
        for (ServerView* server : std::as_const(m_servers)) {
            if (server->profile().id == id) {
                close(server);
                return;
            }
        }
    });
}

ServerHub::~ServerHub()
{
    qDeleteAll(m_servers);
    m_servers.clear();
}

void ServerHub::addStatusWidgets(QStatusBar* bar)
{
    m_sandboxLabel = new QLabel(m_window);
    m_sandboxLabel->setObjectName(QStringLiteral("sandboxLabel"));
    m_sandboxLabel->setVisible(false);
    m_sandboxLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connectionLabel = new QLabel(m_window);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    m_tlsWarningLabel = new QLabel(m_window);
    m_tlsWarningLabel->setObjectName(QStringLiteral("tlsWarningLabel"));
    m_tlsWarningLabel->setStyleSheet(QStringLiteral("color: #b00000; font-weight: bold;"));
    m_tlsWarningLabel->setVisible(false);
    m_cliLink = new QLabel(
        QStringLiteral("<a href=\"cli\">%1</a>").arg(tr("copy redis-cli command")), m_window);
    m_cliLink->setObjectName(QStringLiteral("sandboxCliLink"));
    m_cliLink->setVisible(false);
    connect(m_cliLink, &QLabel::linkActivated, this, &ServerHub::copyRedisCliLine);
    m_statusBar = bar;
    for (ServerView* server : std::as_const(m_servers))
        bar->addPermanentWidget(server->roleLabel());
    bar->addPermanentWidget(m_tlsWarningLabel);
    bar->addPermanentWidget(m_sandboxLabel);
    bar->addPermanentWidget(m_cliLink);
    bar->addPermanentWidget(m_connectionLabel);
}

ServerView* ServerHub::current() const
{
    return m_servers.isEmpty() ? nullptr : m_servers.constLast();
}

ServerView* ServerHub::serverOf(const QueuePane* pane) const
{
    for (ServerView* server : m_servers) {
        if (server->panes().contains(const_cast<QueuePane*>(pane)))
            return server;
    }
    return nullptr;
}

ServerView* ServerHub::open(const AppOptions& options, const ConnectionProfile& profile)
{
    auto* server = new ServerView(options, profile, m_settings, m_window);
    m_servers << server;
    server->sidebar()->setMinimumWidth(kSidebarMinWidth);
    m_trees->addWidget(server->sidebar());
    server->sidebar()->sparklines()->action()->setChecked(m_sparklines->isChecked());
    if (m_statusBar)
        m_statusBar->insertPermanentWidget(0, server->roleLabel());
    // One "Connect with…" per server, in the View menu (it goes with the server).
    m_viewMenu->addAction(server->authPrompt()->action());
    connect(server, &ServerView::openRequested, this,
            [this](ServerView* s, const ConsumerSpec& spec) { m_opener(spec, s); });
    connect(server, &ServerView::closeRequested, this, &ServerHub::close);
    connect(server, &ServerView::message, this, &ServerHub::message);
    connect(server, &ServerView::statusChanged, this, &ServerHub::updateConnectionText);
    connect(server, &ServerView::noticeChanged, this, &ServerHub::updateNotice);
    connect(server, &ServerView::settingsChanged, this, [this, server] { onSettings(server); });
    updateOpenConnections();
    return server;
}

void ServerHub::openSaved(const ConnectionProfile& profile, const ConnectionSettings& settings)
{
    // Open already: the same settings only show it; new ones (edited) close it and open again.
    for (ServerView* open : std::as_const(m_servers)) {
        if (open->profile().id != profile.id)
            continue;
        if (open->session()->settings() == settings && open->profile() == profile) {
            m_servers.removeAll(open);
            m_servers << open; // the current server now
            emit message(tr("%1 is open already.").arg(profile.title()));
            return;
        }
        close(open);
        break;
    }
    AppOptions options = m_options; // its discovery patterns; no --pane, no sandbox
    options.sandbox = false;
    options.server = settings;
    options.url = settings.displayUrl();
    options.panes.clear();
    ServerView* server = open(options, profile);
    // Its panes as they were when it was closed or the console quit (decided once ready).
    const QString key = ServerView::panesKey(profile.id);
    QStringList saved = m_settings->value(key).toStringList();
    if (profile.id == m_legacyPanesFor && !m_settings->contains(key))
        saved = m_settings->value(unsavedPanesKey()).toStringList();
    m_legacyPanesFor.clear();
    for (const QString& text : std::as_const(saved)) {
        ConsumerSpec spec;
        if (!ConsumerSpec::parse(text, &spec, nullptr))
            continue;
        QueuePane* pane = m_opener(spec, server);
        if (pane && ConsumerSpec::consumes(spec.mode))
            server->decideWhenReady(pane, false);
    }
    server->start();
}

void ServerHub::close(ServerView* server)
{
    if (!m_servers.contains(server))
        return;
    emit closing(server);
    if (!server->profile().id.isEmpty()) // reopened with these panes
        m_settings->setValue(ServerView::panesKey(server->profile().id), server->paneSpecs());
    m_servers.removeAll(server);
    delete server; // stops every consumer at once, as when quitting, then the session
    updateOpenConnections();
    updateConnectionText();
    updateNotice();
    if (ServerView* now = current())
        onSettings(now);
    else
        m_window->setWindowTitle(tr("rqconsole"));
}

void ServerHub::refreshAll()
{
    for (ServerView* server : std::as_const(m_servers))
        server->session()->refreshNow();
}

bool ServerHub::reopenSaved(const AppOptions& options)
{
    m_options = options;
    QStringList reopen = m_settings->value(kOpenKey).toStringList();
    const QString last = m_connections->store()->lastUsed();
    if (!m_settings->contains(kOpenKey) && !last.isEmpty())
        reopen = {m_legacyPanesFor = last}; // a layout from before several servers
    for (const QString& id : std::as_const(reopen))
        m_connections->connectTo(id);
    const bool named = options.sandbox || options.urlGiven();
    return named || reopen.isEmpty() || m_settings->value(kUnsavedOpenKey).toBool();
}

void ServerHub::save()
{
    // Each saved connection's panes under its id; the unsaved server's as before.
    QStringList open;
    bool unsavedOpen = false;
    for (ServerView* server : std::as_const(m_servers)) {
        const QString id = server->profile().id;
        if (!id.isEmpty())
            open << id;
        unsavedOpen = unsavedOpen || id.isEmpty();
        m_settings->setValue(id.isEmpty() ? unsavedPanesKey() : ServerView::panesKey(id),
                             server->paneSpecs());
        if (id.isEmpty()) // kept with that server's identity too (UnsavedPanes)
            UnsavedPanes::remember(m_settings, m_options, server->paneSpecs());
    }
    m_settings->setValue(kOpenKey, open);
    m_settings->setValue(kUnsavedOpenKey, unsavedOpen);
}

void ServerHub::setConnectionText(const QString& text, const QString& tip)
{
    m_connectionLabel->setText(text);
    m_connectionLabel->setToolTip(tip);
}

void ServerHub::updateOpenConnections()
{
    QStringList ids;
    for (ServerView* server : std::as_const(m_servers)) {
        if (!server->profile().id.isEmpty())
            ids << server->profile().id;
    }
    m_connections->setOpenConnections(ids);
}

void ServerHub::updateConnectionText()
{
    // One part per open server, in the order they opened.
    QStringList texts, tips;
    for (ServerView* server : std::as_const(m_servers)) {
        if (!server->statusText().isEmpty())
            texts << server->statusText();
        tips << server->statusTip();
    }
    tips.removeAll(QString());
    setConnectionText(m_servers.isEmpty() ? tr("No server open: File › Connect… opens one")
                                          : texts.join(QStringLiteral("  |  ")),
                      tips.join(QLatin1Char('\n')));
}

void ServerHub::updateNotice()
{
    QStringList notices;
    for (ServerView* server : std::as_const(m_servers)) {
        if (!server->session()->notice().isEmpty())
            notices << server->session()->notice();
    }
    m_sandboxLabel->setText(notices.join(QLatin1Char(' ')));
    m_sandboxLabel->setVisible(!notices.isEmpty());
    QString line;
    for (ServerView* server : std::as_const(m_servers)) {
        if (line.isEmpty())
            line = redisCliLine(server);
    }
    m_cliLink->setToolTip(line.isEmpty() ? QString()
                                         : tr("Reach the sandbox from a terminal:\n%1").arg(line));
    m_cliLink->setVisible(!line.isEmpty());
}

QString ServerHub::redisCliLine(const ServerView* server)
{
    const SandboxServer* sandbox = server->session()->sandbox();
    if (!sandbox || !server->session()->isReady())
        return QString();
    const ConnectionSettings s = sandbox->settings();
    QString line;
    if (!sandbox->passwordFile().isEmpty()) // as redis-cli reads it, without -a's warning
        line = QStringLiteral("REDISCLI_AUTH=\"$(cat '%1')\" ").arg(sandbox->passwordFile());
    line += QStringLiteral("redis-cli");
    if (s.transport == ConnectionSettings::Transport::Unix)
        line += QStringLiteral(" -s '%1'").arg(s.socketPath);
    else
        line += QStringLiteral(" -h %1 -p %2").arg(s.host).arg(s.port);
    if (s.transport == ConnectionSettings::Transport::Tls)
        line += QStringLiteral(" --tls --cacert '%1'").arg(s.caCertFile);
    if (s.db != 0)
        line += QStringLiteral(" -n %1").arg(s.db);
    return line;
}

void ServerHub::copyRedisCliLine()
{
    for (ServerView* server : std::as_const(m_servers)) {
        const QString line = redisCliLine(server);
        if (line.isEmpty())
            continue;
        QGuiApplication::clipboard()->setText(line);
        emit message(tr("Copied: %1").arg(line));
        return;
    }
}

void ServerHub::onSettings(ServerView* server)
{
    updateNotice(); // the redis-cli line needs the sandbox ready
    const ConnectionSettings& settings = server->session()->settings();
    m_window->setWindowTitle(m_servers.size() > 1
                                 ? tr("rqconsole — %1 (and %n more)", "", int(m_servers.size()) - 1)
                                       .arg(settings.displayUrl())
                                 : tr("rqconsole — %1").arg(settings.displayUrl()));
    // Any server whose TLS is not verified is named.
    QStringList unverified;
    for (ServerView* open : std::as_const(m_servers)) {
        const ConnectionSettings& s = open->session()->settings();
        if (open->session()->isReady() && s.transport == ConnectionSettings::Transport::Tls &&
            s.tlsInsecure)
            unverified << s.displayUrl();
    }
    const bool warn = !unverified.isEmpty();
    m_tlsWarningLabel->setText(warn ? tr("⚠ TLS not verified: the server's identity is not checked")
                                    : QString());
    m_tlsWarningLabel->setToolTip(
        warn ? tr("The connection is encrypted, but anyone between you and %1 could pose as "
                  "it (insecure=1, or chosen after a refused certificate). Give the CA with "
                  "cacert=/path/to/ca.pem instead.")
                   .arg(unverified.join(QStringLiteral(", ")))
             : QString());
    m_tlsWarningLabel->setVisible(warn);
}

} // namespace rqc
