#include "ServerView.h"

#include "ConsoleSession.h"
#include "ConsumeGuard.h"
#include "QueuePane.h"
#include "ReadingAids.h"
#include "ServerAuthPrompt.h"
#include "ServerRoleLabel.h"
#include "ServerSidebar.h"

#include <QDateTime>
#include <QMenu>
#include <QWidget>

namespace rqc {

ServerView::ServerView(const AppOptions& options, const ConnectionProfile& profile,
                       QSettings* appSettings, QWidget* window)
    : QObject(window)
    , m_profile(profile)
{
    m_session = std::make_unique<ConsoleSession>(options);
    m_guard = new ConsumeGuard(appSettings, window);
    m_sidebar = new ServerSidebar();
    connect(m_sidebar, &ServerSidebar::openRequested, this,
            [this](const ConsumerSpec& spec) { emit openRequested(this, spec); });
    m_sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_sidebar, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu menu(m_sidebar);
        QAction* close = menu.addAction(tr("&Close connection to %1").arg(tagText()));
        close->setObjectName(QStringLiteral("closeConnectionAction"));
        if (menu.exec(m_sidebar->viewport()->mapToGlobal(pos)) == close)
            emit closeRequested(this);
    });

    ConsoleSession* session = m_session.get();
    m_roleLabel = new ServerRoleLabel(window); // replica, read-only, loading, failover
    m_roleLabel->attach(session);
    connect(session, &ConsoleSession::ready, this, &ServerView::onReady);
    connect(session, &ConsoleSession::failed, this, [this](const QString& error) {
        setStatus(tr("No server"), error);
        emit message(error);
    });
    connect(session, &ConsoleSession::noticeChanged, this, &ServerView::noticeChanged);
    connect(session, &ConsoleSession::serverConnected, this, [this](const QString& version) {
        m_monitorOk = true;
        const QString url = m_session->settings().displayUrl();
        setStatus(tr("Connected to %1 · Redis %2").arg(url, version));
        m_sidebar->setServer(treeTitle(), tr("Redis %1").arg(version));
    });
    connect(session, &ConsoleSession::snapshotReady, this, &ServerView::onSnapshot);
    connect(session, &ConsoleSession::serverLost, this, [this](const QString& reason) {
        // What the sidebar and the panes show was read before: say so until the next snapshot.
        m_unreachableSinceMs = QDateTime::currentMSecsSinceEpoch();
        m_sidebar->markUnreachable(m_haveSnapshot ? m_lastSnapshot.takenAtMs : 0, reason);
        for (QueuePane* pane : panes())
            pane->setServerUnreachable(m_unreachableSinceMs);
    });
    connect(session, &ConsoleSession::errorOccurred, this, [this](const QString& error) {
        m_monitorOk = false;
        setStatus(tr("Trouble with %1").arg(m_session->settings().displayUrl()), error);
        emit message(tr("Server: %1").arg(error));
    });
    // A refused password or certificate: said once, the dialog offered, everything resumed.
    m_authPrompt = new ServerAuthPrompt(session, window);
    connect(m_authPrompt, &ServerAuthPrompt::refused, this, [this](const QString& text) {
        m_monitorOk = false;
        setStatus(tr("Refused by %1").arg(m_session->settings().displayUrl()), text);
        emit message(text);
    });
    connect(session, &ConsoleSession::resumed, this, [this](const ConnectionSettings& settings) {
        setStatus(tr("Connecting to %1…").arg(settings.displayUrl()));
        emit settingsChanged();
        for (QueuePane* pane : panes())
            pane->resumeConnection(settings, m_session->census());
    });
}

ServerView::~ServerView()
{
    // Consumers stop in parallel, then each pane waits for its own; the server (and a sandbox)
    // goes last so no consumer sees it vanish.
    stopConsumers();
    for (QueuePane* pane : panes())
        delete pane;
    delete m_authPrompt;
    delete m_roleLabel.data();
    delete m_guard;
    delete m_sidebar.data();
    m_session.reset();
}

QString ServerView::tagText() const
{
    if (!m_profile.id.isEmpty())
        return m_profile.tagText();
    if (!m_session->isReady()) // the sandbox's or the probed server's address is not known yet
        return QString();
    const ConnectionSettings& s = m_session->settings();
    if (s.transport == ConnectionSettings::Transport::Unix)
        return s.socketPath;
    return QStringLiteral("%1:%2").arg(s.host).arg(s.port);
}

QString ServerView::treeTitle() const
{
    const QString url = m_session->settings().displayUrl();
    return m_profile.id.isEmpty() ? url : tr("%1 — %2").arg(m_profile.tagText(), url);
}

void ServerView::start() { m_session->start(); }

void ServerView::addPane(QueuePane* pane)
{
    m_panes << pane;
    pane->setServerTag(tagText(), tagColor());
    connect(pane, &QueuePane::consumeRequested, m_guard, &ConsumeGuard::ask);
    // A pane approved for its target may switch between consuming modes: remember each.
    connect(pane, &QueuePane::specChanged, m_guard, [this](QueuePane* p, const ConsumerSpec& now) {
        if (ConsumerSpec::consumes(now.mode) && p->consumeApproved(now.target))
            m_guard->recordConfirmed(now);
    });
    if (m_session->isReady())
        pane->setConnection(m_session->settings(), m_session->publisher(), m_session->census());
    if (m_haveSnapshot)
        pane->applySnapshot(m_lastSnapshot);
    if (m_unreachableSinceMs)
        pane->setServerUnreachable(m_unreachableSinceMs);
}

void ServerView::removePane(QueuePane* pane) { m_panes.removeAll(pane); }

QStringList ServerView::paneSpecs() const
{
    QStringList specs;
    for (QueuePane* pane : panes())
        specs << ReadingAids::savedSpec(pane, pane->spec()).toString(); // with decoder=, order=…
    return specs;
}

QList<QueuePane*> ServerView::panes() const
{
    QList<QueuePane*> result;
    for (const QPointer<QueuePane>& pane : m_panes) {
        if (pane)
            result << pane;
    }
    return result;
}

void ServerView::decideWhenReady(QueuePane* pane, bool firstRun)
{
    m_undecided.append({pane, firstRun});
    if (m_session->isReady() && m_guard->knowsServer())
        decideRestoredPanes();
}

void ServerView::approveFromCommandLine(QueuePane* pane, const ConsumerSpec& spec)
{
    pane->approveConsuming(spec.target);
    m_commandLineConsuming << spec;
}

void ServerView::stopConsumers()
{
    for (QueuePane* pane : panes())
        pane->stopConsumer();
}

void ServerView::onReady()
{
    const QString url = m_session->settings().displayUrl();
    setStatus(tr("Connecting to %1…").arg(url));
    m_sidebar->setServer(treeTitle(), QString());
    m_sidebar->setChartServer(m_session->settings());
    m_guard->setServer(m_session->settings(), m_session->usingSandbox(), m_session->census());
    for (const ConsumerSpec& spec : std::as_const(m_commandLineConsuming))
        m_guard->recordConfirmed(spec);
    decideRestoredPanes();
    for (QueuePane* pane : panes()) {
        pane->setServerTag(tagText(), tagColor()); // host:port is known now
        pane->setConnection(m_session->settings(), m_session->publisher(), m_session->census());
    }
    emit settingsChanged();
}

void ServerView::decideRestoredPanes()
{
    const QList<Undecided> undecided = std::move(m_undecided);
    m_undecided.clear();
    for (const Undecided& u : undecided) {
        QueuePane* pane = u.pane;
        if (!pane || !ConsumerSpec::consumes(pane->spec().mode))
            continue;
        const ConsumerSpec spec = pane->spec();
        if (m_guard->wasConfirmed(spec)) {
            pane->approveConsuming(spec.target);
            continue;
        }
        const ConsumerSpec safe = ConsumeGuard::safeSpec(spec);
        pane->setSpec(safe);
        const QString target = QString::fromUtf8(spec.target);
        pane->showNotice(
            u.firstRun
                ? tr("%1 opened in %2: this server is not the console's sandbox, and consuming "
                     "would take messages from its workers. Choose %3 to consume (you will be "
                     "asked first).")
                      .arg(target, ConsumerSpec::modeLabel(safe.mode),
                           ConsumerSpec::modeLabel(spec.mode))
                : tr("%1 restored in %2 instead of %3: consuming it on this server was not "
                     "confirmed before. Choose %3 to consume (you will be asked first).")
                      .arg(target, ConsumerSpec::modeLabel(safe.mode),
                           ConsumerSpec::modeLabel(spec.mode)));
    }
}

void ServerView::onSnapshot(const ServerSnapshot& snapshot)
{
    if (!m_monitorOk) {
        m_monitorOk = true;
        setStatus(tr("Connected to %1").arg(m_session->settings().displayUrl()));
    }
    m_lastSnapshot = snapshot;
    m_haveSnapshot = true;
    m_unreachableSinceMs = 0;
    m_sidebar->applySnapshot(snapshot);
    for (QueuePane* pane : panes())
        pane->applySnapshot(snapshot);
}

void ServerView::setStatus(const QString& text, const QString& tip)
{
    m_statusText = text;
    m_statusTip = tip;
    emit statusChanged();
}

} // namespace rqc
