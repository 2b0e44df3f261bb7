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
#include "ServerView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
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
    connect(m_refreshTimer, &QTimer::timeout, this, [this] { session()->refreshNow(); });

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
    m_server = createServer(options);
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
    m_server->start();
}

MainWindow::~MainWindow()
{
    // Consumers stop in parallel, then each pane waits for its own; the server (and a sandbox)
    // goes last so no consumer sees it vanish.
    for (QueuePane* pane : panes())
        pane->stopConsumer();
    delete m_server;
}

ConsoleSession* MainWindow::session() const { return m_server->session(); }
ServerSidebar* MainWindow::sidebar() const { return m_server->sidebar(); }
ConsumeGuard* MainWindow::consumeGuard() const { return m_server->guard(); }
ServerAuthPrompt* MainWindow::authPrompt() const { return m_server->authPrompt(); }

ServerView* MainWindow::createServer(const AppOptions& options)
{
    auto* server = new ServerView(options, m_connections->current(), m_settings.get(), this);
    server->sidebar()->setMinimumWidth(kSidebarMinWidth);
    m_trees->addWidget(server->sidebar());
    // One "Connect with…" per server, in the View menu (it goes with the server).
    menuBar()
        ->findChild<QMenu*>(QStringLiteral("viewMenu"))
        ->addAction(server->authPrompt()->action());
    connect(server, &ServerView::openRequested, this,
            [this](ServerView*, const ConsumerSpec& spec) { openPane(spec); });
    connect(server, &ServerView::message, this, &MainWindow::showError);
    connect(server, &ServerView::statusChanged, this,
            [this, server] { setConnectionText(server->statusText(), server->statusTip()); });
    connect(server, &ServerView::noticeChanged, this, [this](const QString& text) {
        m_sandboxLabel->setText(text);
        m_sandboxLabel->setVisible(!text.isEmpty());
    });
    connect(server, &ServerView::settingsChanged, this,
            [this, server] { onServerSettings(server); });
    return server;
}

QDockWidget* MainWindow::buildDock()
{
    m_trees = new QSplitter(Qt::Vertical, this);
    m_trees->setObjectName(QStringLiteral("serverTrees"));
    m_trees->setChildrenCollapsible(false);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("sidebarSplitter"));
    split->addWidget(m_connections->createList(split));
    split->addWidget(m_trees);
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
    // Panes are built again for the new server; the specs survive. Panes of a server that was
    // never started (the default one, replaced at start-up) are still undecided.
    const bool started = m_server->session()->state() != ConsoleSession::State::Idle;
    const bool firstRun = !started && !m_settings->contains(kPanesKey);
    QList<ConsumerSpec> specs;
    for (QueuePane* pane : panes())
        specs << pane->spec();
    m_panes.clear();
    delete m_server; // stops every consumer at once, as when quitting, then the session
    AppOptions options = m_options; // its discovery patterns; no --pane, no sandbox
    options.sandbox = false;
    options.server = server;
    options.url = server.displayUrl();
    m_sandboxLabel->setVisible(false);
    m_server = createServer(options);
    for (const ConsumerSpec& spec : std::as_const(specs)) { // decided once ready, as at start
        if (QueuePane* pane = openPane(spec); ConsumerSpec::consumes(spec.mode))
            m_server->decideWhenReady(pane, firstRun);
    }
    setConnectionText(tr("Connecting to %1…").arg(server.displayUrl()));
    m_server->start();
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
    connect(m_refreshAction, &QAction::triggered, this, [this] { session()->refreshNow(); });
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
        if (!options.panes.isEmpty()) // --pane: an explicit choice, asked nothing
            m_server->approveFromCommandLine(pane, spec);
        else
            m_server->decideWhenReady(pane, saved.isEmpty());
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
    connect(pane, &QueuePane::closeRequested, this, &MainWindow::closePane);
    connect(pane, &QueuePane::errorReported, this, &MainWindow::showError);
    connect(pane, &QueuePane::sendFinished, this, &MainWindow::scheduleRefresh);
    connect(pane, &QueuePane::specChanged, this, &MainWindow::scheduleRefresh);
    pane->setConsumeGuarded(true);
    connect(pane, &QueuePane::recordingChanged, this, &MainWindow::updateRecordAction);
    m_splitter->addWidget(pane);
    m_panes << pane;
    // Share the room evenly among the panes.
    m_splitter->setSizes(QList<int>(m_splitter->count(), 1000));
    m_server->addPane(pane);
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
    m_server->removePane(pane);
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
        for (const ServerSnapshot::Key& key : m_server->lastSnapshot().lists)
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

void MainWindow::onServerSettings(ServerView* server)
{
    setWindowTitle(tr("rqconsole — %1").arg(server->session()->settings().displayUrl()));
    showInsecureWarning(server->session()->settings());
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
