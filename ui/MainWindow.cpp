#include "MainWindow.h"

#include "ConnectionController.h"
#include "ConnectionList.h"
#include "ConsoleSession.h"
#include "ConsumeGuard.h"
#include "GroupCleanupFlow.h"
#include "ModeFamily.h"
#include "NewPaneDialog.h"
#include "QueuePane.h"
#include "ServerAuthPrompt.h"
#include "ServerChartDialog.h"
#include "ServerHub.h"
#include "ServerSidebar.h"
#include "ServerView.h"
#include "UnsavedPanes.h"

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
    connect(m_connections, &ConnectionController::message, this, &MainWindow::showError);
    m_groupCleanup = new GroupCleanupFlow(this);
    connect(m_groupCleanup, &GroupCleanupFlow::message, this, &MainWindow::showError);
    QDockWidget* dock = buildDock();

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(300);

    buildActions();
    QMenu* viewMenu = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"));
    m_hub = new ServerHub(
        m_settings.get(), m_connections, m_trees, viewMenu, this,
        [this](const ConsumerSpec& spec, ServerView* server) { return openPane(spec, server); });
    connect(m_hub, &ServerHub::message, this, &MainWindow::showError);
    // Closing a server (File › Close server, its tree's or the connection list's menu) leaves
    // what its panes created as closing each pane would: the consumer groups are offered for
    // removal once its consumers have stopped.
    connect(m_hub, &ServerHub::closing, this, [this](ServerView* server) {
        if (server->guard()->isSandbox())
            return;
        QList<QueuePane*> closing, staying;
        for (QueuePane* pane : panes())
            (serverOf(pane) == server ? closing : staying) << pane;
        m_groupCleanup->panesClosing(closing, staying);
    });
    connect(m_refreshTimer, &QTimer::timeout, m_hub, &ServerHub::refreshAll);
    QAction* sidebarAction = dock->toggleViewAction();
    sidebarAction->setText(tr("Show &sidebar"));
    viewMenu->insertAction(m_refreshAction, sidebarAction);
    viewMenu->addAction(
        ServerChartDialog::createAction(this, [this]() -> std::optional<ConnectionSettings> {
            ServerView* server = m_hub->current();
            if (server && server->session()->isReady())
                return server->session()->settings();
            return std::nullopt;
        }));
    viewMenu->addAction(m_hub->sparklinesAction());
    statusBar()->addPermanentWidget(m_connections->createWaitLabel(this));
    m_hub->addStatusWidgets(statusBar());

    // SIGTERM/SIGINT end in quit() without closing the window: save there too.
    connect(qApp, &QCoreApplication::aboutToQuit, this, &MainWindow::saveSettings);

    restoreLayout(options);
    // The saved connections open at the last quit (their passwords from the keychain), beside
    // the server named on the command line; the default server only when nothing else opens.
    if (!m_hub->reopenSaved(options))
        return;
    ServerView* server = m_hub->open(options, ConnectionProfile());
    restorePanes(server, options);
    if (options.sandbox)
        m_hub->setConnectionText(tr("Starting a private sandbox server…"));
    else if (options.urlGiven())
        m_hub->setConnectionText(tr("Connecting to %1…").arg(options.server.displayUrl()));
    else
        m_hub->setConnectionText(tr("Looking for Redis at %1…").arg(options.server.displayUrl()));
    server->start();
}

MainWindow::~MainWindow()
{
    // Consumers stop in parallel, then each pane waits for its own; the server (and a sandbox)
    // goes last so no consumer sees it vanish.
    for (QueuePane* pane : panes())
        pane->stopConsumer();
    delete m_hub; // the servers, each deleting its panes (waiting for their consumers)
}

ServerView* MainWindow::currentServer() const { return m_hub->current(); }
QList<ServerView*> MainWindow::servers() const { return m_hub->servers(); }
ServerView* MainWindow::serverOf(const QueuePane* pane) const { return m_hub->serverOf(pane); }
void MainWindow::closeServer(ServerView* server) { m_hub->close(server); }

ConsoleSession* MainWindow::session() const { return currentServer()->session(); }
ServerSidebar* MainWindow::sidebar() const { return currentServer()->sidebar(); }
ConsumeGuard* MainWindow::consumeGuard() const { return currentServer()->guard(); }
ServerAuthPrompt* MainWindow::authPrompt() const { return currentServer()->authPrompt(); }

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
    m_refreshAction->setToolTip(tr("Read the server again, and walk its keyspace again from the "
                                   "start at the first walk's rate"));
    connect(m_refreshAction, &QAction::triggered, this,
            [this] { session()->refreshAndWalkAgain(); });
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

void MainWindow::restoreLayout(const AppOptions&)
{
    if (!restoreGeometry(m_settings->value(kGeometryKey).toByteArray()))
        resize(1280, 800);
    restoreState(m_settings->value(kStateKey).toByteArray());
    // A layout saved from a window crowded with panes may have squeezed the sidebar.
    if (auto* dock = findChild<QDockWidget*>(QStringLiteral("serverDock"));
        dock && dock->width() < kSidebarRestoredWidth && !dock->isFloating())
        resizeDocks({dock}, {kSidebarRestoredWidth}, Qt::Horizontal);
}

void MainWindow::restorePanes(ServerView* server, const AppOptions& options)
{
    QList<ConsumerSpec> specs = options.panes;
    QString skipped; // panes of another unsaved server, not reopened here
    const QStringList saved = UnsavedPanes::restorable(m_settings.get(), options, &skipped);
    if (specs.isEmpty()) {
        for (const QString& text : saved) {
            ConsumerSpec spec;
            if (ConsumerSpec::parse(text, &spec, nullptr))
                specs << spec;
        }
    }
    if (specs.isEmpty() && skipped.isEmpty()) { // first run: the classic pair
        for (const char* name : {"queue1", "queue2"}) {
            ConsumerSpec spec;
            spec.mode = Mode::List;
            spec.target = name;
            specs << spec;
        }
    }
    for (const ConsumerSpec& spec : specs) {
        QueuePane* pane = openPane(spec, server);
        if (!ConsumerSpec::consumes(spec.mode))
            continue;
        if (!options.panes.isEmpty()) // --pane: an explicit choice, asked nothing
            server->approveFromCommandLine(pane, spec);
        else
            server->decideWhenReady(pane, saved.isEmpty());
    }
    const QByteArray splitterState = m_settings->value(kSplitterKey).toByteArray();
    if (options.panes.isEmpty() && saved.size() == m_splitter->count())
        m_splitter->restoreState(splitterState);
    if (!m_panes.isEmpty())
        m_panes.first()->focusEntry();
    if (options.panes.isEmpty() && !skipped.isEmpty())
        showError(skipped);
}

void MainWindow::saveSettings()
{
    m_settings->setValue(kGeometryKey, saveGeometry());
    m_settings->setValue(kStateKey, saveState());
    m_settings->setValue(kSplitterKey, m_splitter->saveState());
    m_hub->save();
    m_settings->setValue(kLimitKey, m_messageLimit);
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();            // the layout as the user left it, before anything stops
    QList<QueuePane*> leaving; // a private sandbox goes away with the console: nothing to clean
    for (QueuePane* pane : panes()) {
        if (ServerView* server = serverOf(pane); server && !server->guard()->isSandbox())
            leaving << pane;
    }
    if (m_groupCleanup->holdQuit(leaving, [this] { close(); })) {
        event->ignore(); // closes again once the consumer groups it left are settled
        return;
    }
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

QueuePane* MainWindow::findPane(const ConsumerSpec& spec, ServerView* server) const
{
    if (!server)
        server = currentServer();
    for (QueuePane* pane : server ? server->panes() : QList<QueuePane*>()) {
        if (pane->spec().target == spec.target && sameFamily(pane->spec().mode, spec.mode))
            return pane;
    }
    return nullptr;
}

QueuePane* MainWindow::openPane(const ConsumerSpec& spec, ServerView* server)
{
    if (!server)
        server = currentServer();
    if (!server) {
        showError(tr("No server is open: File › Connect… opens one."));
        return nullptr;
    }
    if (QueuePane* existing = findPane(spec, server)) {
        showPane(existing);
        existing->focusEntry();
        return existing;
    }
    auto* pane = new QueuePane(spec, m_splitter);
    pane->setCapacity(m_messageLimit);
    pane->setSettingsStore(m_settings.get());
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
    server->addPane(pane);
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
    ServerView* server = serverOf(pane);
    if (server)
        server->removePane(pane);
    pane->stopConsumer();
    if (server && !server->guard()->isSandbox())
        m_groupCleanup->panesClosing({pane}, panes());
    pane->hide();
    // The stop is prompt (CLIENT UNBLOCK), so the pane's destructor waits only briefly.
    pane->deleteLater();
}

void MainWindow::newPane()
{
    // The server of the focused pane, else the current one; asked for when several are open.
    ServerView* server = focusedPane() ? serverOf(focusedPane()) : currentServer();
    if (!server)
        server = currentServer();
    if (!server) {
        showError(tr("No server is open: File › Connect… opens one."));
        return;
    }
    ConsumerSpec suggestion;
    suggestion.mode = Mode::List;
    suggestion.target = suggestTarget(server);
    NewPaneDialog dialog(suggestion, this);
    QStringList names;
    for (ServerView* open : servers())
        names << open->tagText();
    dialog.setServers(names, int(servers().indexOf(server)));
    if (dialog.exec() != QDialog::Accepted)
        return;
    server = servers().value(dialog.serverIndex(), server);
    // A consuming pane opens reading only, and consumes once that is confirmed.
    const ConsumerSpec spec = dialog.spec();
    const qsizetype before = panes().size();
    QueuePane* pane = openPane(ConsumeGuard::safeSpec(spec), server);
    if (pane && panes().size() > before && !(pane->spec() == spec))
        pane->requestSpec(spec);
}

QByteArray MainWindow::suggestTarget(ServerView* server) const
{
    // The next queueN that no pane shows and the server does not have yet.
    for (int n = 1;; ++n) {
        const QByteArray name = "queue" + QByteArray::number(n);
        bool taken = false;
        for (QueuePane* pane : server->panes())
            taken = taken || pane->spec().target == name;
        for (const ServerSnapshot::Key& key : server->lastSnapshot().lists)
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
