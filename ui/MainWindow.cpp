#include "MainWindow.h"

#include "ConnectionController.h"
#include "ConnectionList.h"
#include "ConsoleSession.h"
#include "ConsumeGuard.h"
#include "ModeFamily.h"
#include "NewPaneDialog.h"
#include "QueuePane.h"
#include "ServerAuthPrompt.h"
#include "ServerSidebar.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>

namespace rqc {

namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kSplitterKey = QStringLiteral("window/paneSplitter");
const QString kPanesKey = QStringLiteral("panes");
const QString kLimitKey = QStringLiteral("view/messageLimit");
constexpr int kErrorShownMs = 15000;
// The sidebar never gets narrower than this, and a restored layout that left it narrower than
// kSidebarRestoredWidth (a window saved with many panes) is widened back to it.
constexpr int kSidebarMinWidth = 160;
constexpr int kSidebarRestoredWidth = 240;

// Peek shows a list: a sidebar click on a list that a List pane consumes focuses that pane.
ModeFamily familyOf(Mode mode) { return mode == Mode::Peek ? ModeFamily::List : modeFamily(mode); }
bool sameFamily(Mode a, Mode b) { return familyOf(a) == familyOf(b); }
} // namespace

MainWindow::MainWindow(const AppOptions& options, QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("rqconsole"));
    if (options.settingsFile.isEmpty())
        m_settings = std::make_unique<QSettings>();
    else
        m_settings = std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat);
    m_messageLimit =
        qBound(100, m_settings->value(kLimitKey, defaultMessageLimit()).toInt(), 10000000);
    m_guard = new ConsumeGuard(m_settings.get(), this);

    // Panes side by side in a splitter that scrolls sideways once they no longer fit: each keeps
    // its own minimum width, and the window's minimum stays that of one pane, whatever the count.
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("paneSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setHandleWidth(6);
    m_paneArea = new QScrollArea(this);
    m_paneArea->setObjectName(QStringLiteral("paneArea"));
    m_paneArea->setWidgetResizable(true);
    m_paneArea->setFrameShape(QFrame::NoFrame);
    m_paneArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_paneArea->setWidget(m_splitter);
    setCentralWidget(m_paneArea);

    m_connections = new ConnectionController(m_settings.get(), this);
    connect(m_connections, &ConnectionController::switchRequested, this, &MainWindow::switchServer);
    connect(m_connections, &ConnectionController::message, this, &MainWindow::showError);
    QDockWidget* dock = buildDock();

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(300);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] { m_session->refreshNow(); });

    buildActions();
    QAction* sidebarAction = dock->toggleViewAction();
    sidebarAction->setText(tr("Show &sidebar"));
    menuBar()
        ->findChild<QMenu*>(QStringLiteral("viewMenu"))
        ->insertAction(m_refreshAction, sidebarAction);
    buildStatusBar();

    // SIGTERM/SIGINT end in quit() without closing the window: save there too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, &MainWindow::saveSettings);

    m_options = options;
    createSession(options);
    restoreLayout(options);
    // No server named: the saved connection used last, if any (its password from the keychain).
    if (!options.sandbox && !options.urlGiven() && m_connections->reopenLast())
        return; // the controller says what it is doing; switchServer() follows
    if (options.sandbox)
        setConnectionText(tr("Starting a private sandbox server…"));
    else if (options.urlGiven())
        setConnectionText(tr("Connecting to %1…").arg(options.server.displayUrl()));
    else
        setConnectionText(tr("Looking for Redis at %1…").arg(options.server.displayUrl()));
    m_session->start();
}

MainWindow::~MainWindow()
{
    // Consumers stop in parallel, then each pane waits for its own; the server (and a sandbox)
    // goes last so no consumer sees it vanish.
    for (QueuePane* pane : panes())
        pane->stopConsumer();
    for (QueuePane* pane : panes())
        delete pane;
    m_session.reset();
}

void MainWindow::createSession(const AppOptions& options)
{
    m_session = std::make_unique<ConsoleSession>(options);
    connect(m_session.get(), &ConsoleSession::ready, this, &MainWindow::onSessionReady);
    connect(m_session.get(), &ConsoleSession::failed, this, [this](const QString& error) {
        setConnectionText(tr("No server"), error);
        showError(error);
    });
    connect(m_session.get(), &ConsoleSession::noticeChanged, this, [this](const QString& text) {
        m_sandboxLabel->setText(text);
        m_sandboxLabel->setVisible(!text.isEmpty());
    });
    connect(m_session.get(), &ConsoleSession::serverConnected, this,
            [this](const QString& version) {
                m_monitorOk = true;
                const QString url = m_session->settings().displayUrl();
                setConnectionText(tr("Connected to %1 · Redis %2").arg(url, version));
                m_sidebar->setServer(url, tr("Redis %1").arg(version));
            });
    connect(m_session.get(), &ConsoleSession::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_session.get(), &ConsoleSession::serverLost, this, [this](const QString& reason) {
        // What the sidebar and the panes show was read before: say so until the next snapshot.
        m_unreachableSinceMs = QDateTime::currentMSecsSinceEpoch();
        m_sidebar->markUnreachable(m_haveSnapshot ? m_lastSnapshot.takenAtMs : 0, reason);
        for (QueuePane* pane : panes())
            pane->setServerUnreachable(m_unreachableSinceMs);
    });
    connect(m_session.get(), &ConsoleSession::errorOccurred, this, [this](const QString& error) {
        m_monitorOk = false;
        setConnectionText(tr("Trouble with %1").arg(m_session->settings().displayUrl()), error);
        showError(tr("Server: %1").arg(error));
    });
    // A refused password or certificate: said once, the dialog offered, everything resumed.
    // One prompt per session (its action replaces the previous session's in the View menu).
    delete m_authPrompt;
    m_authPrompt = new ServerAuthPrompt(m_session.get(), this);
    menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"))->addAction(m_authPrompt->action());
    connect(m_authPrompt, &ServerAuthPrompt::refused, this, [this](const QString& text) {
        m_monitorOk = false;
        setConnectionText(tr("Refused by %1").arg(m_session->settings().displayUrl()), text);
        showError(text);
    });
    connect(m_session.get(), &ConsoleSession::resumed, this,
            [this](const ConnectionSettings& settings) {
                setConnectionText(tr("Connecting to %1…").arg(settings.displayUrl()));
                showInsecureWarning(settings);
                for (QueuePane* pane : panes())
                    pane->resumeConnection(settings, m_session->census());
            });
}

QDockWidget* MainWindow::buildDock()
{
    m_sidebar = new ServerSidebar(this);
    m_sidebar->setMinimumWidth(kSidebarMinWidth);
    connect(m_sidebar, &ServerSidebar::openRequested, this, &MainWindow::openPane);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("sidebarSplitter"));
    split->addWidget(m_connections->createList(split));
    split->addWidget(m_sidebar);
    split->setStretchFactor(1, 3);
    auto* dock = new QDockWidget(tr("Server"), this);
    dock->setObjectName(QStringLiteral("serverDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    dock->setWidget(split);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    return dock;
}

void MainWindow::switchServer(const ConnectionSettings& server)
{
    // Panes that were connected are built again for the new server; the specs survive.
    QList<ConsumerSpec> specs;
    if (m_session->state() != ConsoleSession::State::Idle) {
        for (QueuePane* pane : panes()) {
            specs << pane->spec();
            pane->stopConsumer(); // all at once, as when quitting
        }
        for (QueuePane* pane : panes())
            delete pane; // waits for its own consumers
        m_panes.clear();
        m_undecided.clear();
        m_commandLineConsuming.clear();
    }
    m_session.reset();              // after the panes: no consumer sees its server go
    AppOptions options = m_options; // its discovery patterns; no --pane, no sandbox
    options.sandbox = false;
    options.server = server;
    options.url = server.displayUrl();
    m_lastSnapshot = ServerSnapshot();
    m_haveSnapshot = m_monitorOk = false;
    m_sidebar->applySnapshot(m_lastSnapshot);
    m_sandboxLabel->setVisible(false);
    createSession(options);
    for (const ConsumerSpec& spec : std::as_const(specs)) { // decided once ready, as at start
        if (QueuePane* pane = openPane(spec); ConsumerSpec::consumes(spec.mode))
            m_undecided.append({pane, false});
    }
    for (QueuePane* pane : panes())
        m_connections->tagPane(pane);
    setConnectionText(tr("Connecting to %1…").arg(server.displayUrl()));
    m_session->start();
}

void MainWindow::buildActions()
{
    m_newPaneAction = new QAction(tr("&New pane…"), this);
    m_newPaneAction->setObjectName(QStringLiteral("newPaneAction"));
    m_newPaneAction->setShortcut(QKeySequence::New);
    m_newPaneAction->setToolTip(tr("Open a pane for a queue or channel (it need not exist yet)"));
    connect(m_newPaneAction, &QAction::triggered, this, &MainWindow::newPane);
    m_closePaneAction = new QAction(tr("&Close pane"), this);
    m_closePaneAction->setShortcut(QKeySequence::Close);
    connect(m_closePaneAction, &QAction::triggered, this, [this] {
        if (QueuePane* pane = focusedPane())
            closePane(pane);
    });
    m_recordAction = new QAction(tr("&Record pane…"), this);
    m_recordAction->setObjectName(QStringLiteral("recordPaneAction"));
    m_recordAction->setToolTip(tr("Record every row the focused pane receives to a JSON Lines "
                                  "file"));
    connect(m_recordAction, &QAction::triggered, this, &MainWindow::toggleRecording);
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_refreshAction = new QAction(tr("&Refresh server"), this);
    m_refreshAction->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    connect(m_refreshAction, &QAction::triggered, this, [this] { m_session->refreshNow(); });
    m_limitAction = new QAction(tr("Message &limit per pane…"), this);
    connect(m_limitAction, &QAction::triggered, this, &MainWindow::chooseMessageLimit);
    m_aboutAction = new QAction(tr("&About rqconsole"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::about);
    auto* aboutQt = new QAction(tr("About &Qt"), this);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_connections->connectAction());
    file->addSeparator();
    file->addAction(m_newPaneAction);
    file->addAction(m_closePaneAction);
    file->addAction(m_recordAction);
    // Which pane Record acts on follows the focus: name what it will do when the menu opens.
    connect(file, &QMenu::aboutToShow, this, [this] { updateRecordAction(); });
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_refreshAction);
    view->addAction(m_limitAction);
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
    help->addAction(aboutQt);

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_newPaneAction);
    bar->addAction(m_refreshAction);
    if (QWidget* button = bar->widgetForAction(m_newPaneAction))
        button->setObjectName(QStringLiteral("newPaneButton"));
}

void MainWindow::buildStatusBar()
{
    m_sandboxLabel = new QLabel(this);
    m_sandboxLabel->setObjectName(QStringLiteral("sandboxLabel"));
    m_sandboxLabel->setVisible(false);
    m_sandboxLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    m_tlsWarningLabel = new QLabel(this);
    m_tlsWarningLabel->setObjectName(QStringLiteral("tlsWarningLabel"));
    m_tlsWarningLabel->setStyleSheet(QStringLiteral("color: #b00000; font-weight: bold;"));
    m_tlsWarningLabel->setVisible(false);
    statusBar()->addPermanentWidget(m_tlsWarningLabel);
    statusBar()->addPermanentWidget(m_sandboxLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);
}

void MainWindow::showInsecureWarning(const ConnectionSettings& settings)
{
    const bool unverified =
        settings.transport == ConnectionSettings::Transport::Tls && settings.tlsInsecure;
    m_tlsWarningLabel->setText(
        unverified ? tr("⚠ TLS not verified: the server's identity is not checked") : QString());
    m_tlsWarningLabel->setToolTip(
        unverified ? tr("The connection is encrypted, but anyone between you and %1 could pose as "
                        "it (insecure=1, or chosen after a refused certificate). Give the CA with "
                        "cacert=/path/to/ca.pem instead.")
                         .arg(settings.displayUrl())
                   : QString());
    m_tlsWarningLabel->setVisible(unverified);
}

void MainWindow::restoreLayout(const AppOptions& options)
{
    if (!restoreGeometry(m_settings->value(kGeometryKey).toByteArray()))
        resize(1280, 800);
    restoreState(m_settings->value(kStateKey).toByteArray());
    // A layout saved from a window crowded with panes may have squeezed the sidebar.
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("serverDock"));
        dock && dock->width() < kSidebarRestoredWidth && !dock->isFloating())
        resizeDocks({dock}, {kSidebarRestoredWidth}, Qt::Horizontal);

    QList<ConsumerSpec> specs = options.panes;
    const QStringList saved = m_settings->value(kPanesKey).toStringList();
    if (specs.isEmpty()) {
        for (const QString& text : saved) {
            ConsumerSpec spec;
            if (ConsumerSpec::parse(text, &spec, nullptr))
                specs << spec;
        }
    }
    if (specs.isEmpty()) { // first run: the classic pair
        for (const char* name : {"queue1", "queue2"}) {
            ConsumerSpec spec;
            spec.mode = Mode::List;
            spec.target = name;
            specs << spec;
        }
    }
    for (const ConsumerSpec& spec : specs) {
        QueuePane* pane = openPane(spec);
        if (!ConsumerSpec::consumes(spec.mode))
            continue;
        if (!options.panes.isEmpty()) { // --pane: an explicit choice, asked nothing
            pane->approveConsuming(spec.target);
            m_commandLineConsuming << spec;
        } else {
            m_undecided.append({pane, saved.isEmpty()});
        }
    }
    const QByteArray splitterState = m_settings->value(kSplitterKey).toByteArray();
    if (options.panes.isEmpty() && saved.size() == m_splitter->count())
        m_splitter->restoreState(splitterState);
    if (!m_panes.isEmpty())
        m_panes.first()->focusEntry();
}

void MainWindow::saveSettings()
{
    m_settings->setValue(kGeometryKey, saveGeometry());
    m_settings->setValue(kStateKey, saveState());
    m_settings->setValue(kSplitterKey, m_splitter->saveState());
    QStringList specs;
    for (QueuePane* pane : panes())
        specs << pane->spec().toString();
    m_settings->setValue(kPanesKey, specs);
    m_settings->setValue(kLimitKey, m_messageLimit);
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    for (QueuePane* pane : panes())
        pane->stopConsumer();
    event->accept();
}

QList<QueuePane*> MainWindow::panes() const
{
    QList<QueuePane*> result;
    for (const QPointer<QueuePane>& pane : m_panes) {
        if (pane)
            result << pane;
    }
    return result;
}

QueuePane* MainWindow::findPane(const ConsumerSpec& spec) const
{
    for (QueuePane* pane : panes()) {
        if (pane->spec().target == spec.target && sameFamily(pane->spec().mode, spec.mode))
            return pane;
    }
    return nullptr;
}

QueuePane* MainWindow::openPane(const ConsumerSpec& spec)
{
    if (QueuePane* existing = findPane(spec)) {
        showPane(existing);
        existing->focusEntry();
        return existing;
    }
    auto* pane = new QueuePane(spec, m_splitter);
    pane->setCapacity(m_messageLimit);
    pane->setSettingsStore(m_settings.get());
    m_connections->tagPane(pane);
    connect(pane, &QueuePane::closeRequested, this, &MainWindow::closePane);
    connect(pane, &QueuePane::errorReported, this, &MainWindow::showError);
    connect(pane, &QueuePane::sendFinished, this, &MainWindow::scheduleRefresh);
    connect(pane, &QueuePane::specChanged, this, &MainWindow::scheduleRefresh);
    pane->setConsumeGuarded(true);
    connect(pane, &QueuePane::consumeRequested, m_guard, &ConsumeGuard::ask);
    // A pane approved for its target may switch between consuming modes: remember each.
    connect(pane, &QueuePane::specChanged, m_guard, [this](QueuePane* p, const ConsumerSpec& now) {
        if (ConsumerSpec::consumes(now.mode) && p->consumeApproved(now.target))
            m_guard->recordConfirmed(now);
    });
    connect(pane, &QueuePane::recordingChanged, this, &MainWindow::updateRecordAction);
    m_splitter->addWidget(pane);
    m_panes << pane;
    // Share the room evenly among the panes.
    m_splitter->setSizes(QList<int>(m_splitter->count(), 1000));
    if (m_session && m_session->isReady())
        pane->setConnection(m_session->settings(), m_session->publisher(), m_session->census());
    if (m_haveSnapshot)
        pane->applySnapshot(m_lastSnapshot);
    if (m_unreachableSinceMs)
        pane->setServerUnreachable(m_unreachableSinceMs);
    connect(pane, &QueuePane::depthRefreshWanted, this, &MainWindow::scheduleRefresh);
    pane->focusEntry();
    showPane(pane);
    return pane;
}

void MainWindow::showPane(QueuePane* pane)
{
    // Once laid out: a pane just added has no geometry yet.
    QTimer::singleShot(0, pane, [this, pane] {
        m_paneArea->ensureWidgetVisible(pane, 0, 0);
        // A pane wider than the view shows its left edge, where its target and mode are.
        const int left = pane->mapTo(m_splitter, QPoint(0, 0)).x();
        QScrollBar* bar = m_paneArea->horizontalScrollBar();
        if (pane->width() > m_paneArea->viewport()->width() || left < bar->value())
            bar->setValue(left);
    });
}

void MainWindow::closePane(QueuePane* pane)
{
    if (!pane || !m_panes.contains(pane))
        return;
    m_panes.removeAll(pane);
    pane->stopConsumer();
    pane->hide();
    // The stop is prompt (CLIENT UNBLOCK), so the pane's destructor waits only briefly.
    pane->deleteLater();
}

void MainWindow::newPane()
{
    ConsumerSpec suggestion;
    suggestion.mode = Mode::List;
    suggestion.target = suggestTarget();
    NewPaneDialog dialog(suggestion, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    // A consuming pane opens reading only, and consumes once that is confirmed.
    const ConsumerSpec spec = dialog.spec();
    const qsizetype before = panes().size();
    QueuePane* pane = openPane(ConsumeGuard::safeSpec(spec));
    if (panes().size() > before && !(pane->spec() == spec))
        pane->requestSpec(spec);
}

QByteArray MainWindow::suggestTarget() const
{
    // The next queueN that no pane shows and the server does not have yet.
    for (int n = 1;; ++n) {
        const QByteArray name = "queue" + QByteArray::number(n);
        bool taken = false;
        for (QueuePane* pane : panes())
            taken = taken || pane->spec().target == name;
        for (const ServerSnapshot::Key& key : m_lastSnapshot.lists)
            taken = taken || key.name == name;
        if (!taken)
            return name;
    }
}

QueuePane* MainWindow::focusedPane() const
{
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget()) {
        if (auto* pane = qobject_cast<QueuePane*>(w))
            return pane;
    }
    return nullptr;
}

void MainWindow::toggleRecording()
{
    QPointer<QueuePane> pane = focusedPane();
    if (!pane && panes().size() == 1)
        pane = panes().first();
    if (!pane) {
        showError(tr("Click into a pane first: Record pane… records the pane that has the focus."));
        return;
    }
    if (pane->isRecording()) {
        pane->stopRecording();
        return;
    }
    const QString target = QString::fromUtf8(pane->spec().target);
    QFileDialog dialog(this, tr("Record %1 to").arg(target), QDir::homePath());
    dialog.setObjectName(QStringLiteral("recordFileDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setNameFilters({tr("JSON Lines (*.jsonl)"), tr("All files (*)")});
    dialog.setDefaultSuffix(QStringLiteral("jsonl"));
    dialog.selectFile(target + QStringLiteral(".jsonl"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty() || !pane)
        return;
    pane->startRecording(dialog.selectedFiles().constFirst());
}

void MainWindow::updateRecordAction(const QueuePane* hint)
{
    const QueuePane* pane = focusedPane();
    if (!pane)
        pane = hint;
    if (!pane && panes().size() == 1)
        pane = panes().first();
    m_recordAction->setText(pane && pane->isRecording() ? tr("Stop &recording")
                                                        : tr("&Record pane…"));
}

void MainWindow::onSessionReady()
{
    const QString url = m_session->settings().displayUrl();
    setWindowTitle(tr("rqconsole — %1").arg(url));
    setConnectionText(tr("Connecting to %1…").arg(url));
    showInsecureWarning(m_session->settings());
    m_sidebar->setServer(url, QString());
    m_guard->setServer(m_session->settings(), m_session->usingSandbox(), m_session->census());
    for (const ConsumerSpec& spec : std::as_const(m_commandLineConsuming))
        m_guard->recordConfirmed(spec);
    decideRestoredPanes();
    for (QueuePane* pane : panes())
        pane->setConnection(m_session->settings(), m_session->publisher(), m_session->census());
}

void MainWindow::decideRestoredPanes()
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

void MainWindow::onSnapshot(const ServerSnapshot& snapshot)
{
    if (!m_monitorOk) {
        m_monitorOk = true;
        setConnectionText(tr("Connected to %1").arg(m_session->settings().displayUrl()));
    }
    m_lastSnapshot = snapshot;
    m_haveSnapshot = true;
    m_unreachableSinceMs = 0;
    m_sidebar->applySnapshot(snapshot);
    for (QueuePane* pane : panes())
        pane->applySnapshot(snapshot);
}

void MainWindow::setConnectionText(const QString& text, const QString& tip)
{
    m_connectionLabel->setText(text);
    m_connectionLabel->setToolTip(tip);
}

void MainWindow::showError(const QString& message)
{
    statusBar()->showMessage(message, kErrorShownMs);
}

void MainWindow::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void MainWindow::chooseMessageLimit()
{
    bool ok = false;
    const int limit = QInputDialog::getInt(
        this, tr("Message limit"),
        tr("Messages kept in each pane's view (older ones are dropped from the view, the "
           "totals stay true):"),
        m_messageLimit, 100, 10000000, 1000, &ok);
    if (!ok)
        return;
    m_messageLimit = limit;
    for (QueuePane* pane : panes())
        pane->setCapacity(limit);
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About rqconsole"),
        tr("<h3>rqconsole %1</h3><p>A desktop console for Redis message queues: publish test "
           "messages and watch them consumed live, with each mode's delivery guarantee stated "
           "plainly.</p><p>Built with Qt %2 and hiredis.</p>")
            .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace rqc
