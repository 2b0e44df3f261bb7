#pragma once

#include "AppOptions.h"
#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QList>
#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QScrollArea;
class QSettings;
class QSplitter;
class QTimer;

namespace rqc {

class ConnectionController;
class ConsoleSession;
class ConsumeGuard;
class GroupCleanupFlow;
class ServerRoleLabel;
class QueuePane;
class ServerAuthPrompt;
class ServerSidebar;
class ServerHub;
class ServerView;

// The console window: the connection list and one tree per open server on the left, queue panes
// side by side in the middle (scrolling sideways when they do not all fit; each names its
// server), the servers' connection state, sandbox notice and errors in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const AppOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override; // stops the panes' consumers, then the server session (and sandbox)

    // The servers open in the window, in the order they opened; the current one is the last
    // opened (session(), sidebar(), consumeGuard() and authPrompt() are its).
    QList<ServerView*> servers() const;
    ServerView* currentServer() const;
    ServerView* serverOf(const QueuePane* pane) const;
    // The open servers, the status bar's connection texts, what reopens at the next start.
    ServerHub* hub() const { return m_hub; }
    // Closes a server: its consumers stop as when quitting (all at once, lossless), its panes
    // and tree go; a saved connection keeps its panes for when it is opened again.
    void closeServer(ServerView* server);
    ConsoleSession* session() const;
    ServerSidebar* sidebar() const;
    QList<QueuePane*> panes() const;
    // The pane of server (null: the current one) consuming target in a mode of the same
    // family (list, or pub/sub and pattern).
    QueuePane* findPane(const ConsumerSpec& spec, ServerView* server = nullptr) const;
    // Opens a pane for spec on server (null: the current one), or focuses the one that already
    // shows it there.
    QueuePane* openPane(const ConsumerSpec& spec, ServerView* server = nullptr);
    void closePane(QueuePane* pane);
    // Scrolls the pane area so that pane is in view.
    void showPane(QueuePane* pane);
    // Asks for a mode and target and opens that pane.
    void newPane();
    // Geometry, dock/toolbar state, splitter sizes and the open panes.
    void saveSettings();
    QSettings* settings() const { return m_settings.get(); }
    ConsumeGuard* consumeGuard() const;
    ConnectionController* connections() const { return m_connections; }
    // Offers to remove the consumer groups the console created, when a pane closes or at quit.
    GroupCleanupFlow* groupCleanup() const { return m_groupCleanup; }
    // Asks for a password or a TLS choice when the server refuses this window's connections.
    ServerAuthPrompt* authPrompt() const;

    static int defaultMessageLimit() { return 100000; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    QDockWidget* buildDock();
    void restoreLayout(const AppOptions& options);
    void restorePanes(ServerView* server, const AppOptions& options);
    void showError(const QString& message);
    void scheduleRefresh();
    void chooseMessageLimit();
    void about();
    QByteArray suggestTarget(ServerView* server) const;
    QueuePane* focusedPane() const;
    // File › Record pane… / Stop recording, for the focused pane.
    void toggleRecording();
    // Names what Record does for the focused pane (else hint, else the only pane).
    void updateRecordAction(const QueuePane* hint = nullptr);

    std::unique_ptr<QSettings> m_settings;
    ConnectionController* m_connections = nullptr;
    ServerHub* m_hub = nullptr;
    GroupCleanupFlow* m_groupCleanup = nullptr;
    QSplitter* m_trees = nullptr; // one ServerSidebar per open server
    QScrollArea* m_paneArea = nullptr;
    QSplitter* m_splitter = nullptr;
    QList<QPointer<QueuePane>> m_panes;
    QTimer* m_refreshTimer = nullptr;
    QAction* m_newPaneAction = nullptr;
    QAction* m_closePaneAction = nullptr;
    QAction* m_recordAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_limitAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    int m_messageLimit = defaultMessageLimit();
};

} // namespace rqc
