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
class QueuePane;
class ServerAuthPrompt;
class ServerSidebar;
class ServerView;

// The console window: the server sidebar on the left, queue panes side by side in the middle
// (scrolling sideways when they do not all fit), the server, connection state, sandbox notice
// and errors in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const AppOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override; // stops the panes' consumers, then the server session (and sandbox)

    // The server the window works on (its session, tree, guard and auth prompt).
    ServerView* currentServer() const { return m_server; }
    ConsoleSession* session() const;
    ServerSidebar* sidebar() const;
    QList<QueuePane*> panes() const;
    // The pane consuming target in a mode of the same family (list, or pub/sub and pattern).
    QueuePane* findPane(const ConsumerSpec& spec) const;
    // Opens a pane for spec, or focuses the one that already shows it.
    QueuePane* openPane(const ConsumerSpec& spec);
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
    // Switches the console to another server: stops every consumer (the prompt, lossless stop
    // of quitting), ends the session, starts one for server, and reopens the panes there — those
    // that consume read only until consuming is confirmed for the new server.
    void switchServer(const ConnectionSettings& server);
    // Asks for a password or a TLS choice when the server refuses this window's connections.
    ServerAuthPrompt* authPrompt() const;

    static int defaultMessageLimit() { return 100000; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    QDockWidget* buildDock();
    ServerView* createServer(const AppOptions& options);
    void buildStatusBar();
    void restoreLayout(const AppOptions& options);
    void onServerSettings(ServerView* server);
    void setConnectionText(const QString& text, const QString& tip = QString());
    void showInsecureWarning(const ConnectionSettings& settings);
    void showError(const QString& message);
    void scheduleRefresh();
    void chooseMessageLimit();
    void about();
    QByteArray suggestTarget() const;
    QueuePane* focusedPane() const;
    // File › Record pane… / Stop recording, for the focused pane.
    void toggleRecording();
    // Names what Record does for the focused pane (else hint, else the only pane).
    void updateRecordAction(const QueuePane* hint = nullptr);

    std::unique_ptr<QSettings> m_settings;
    AppOptions m_options; // as started; switchServer() keeps its discovery patterns
    ConnectionController* m_connections = nullptr;
    ServerView* m_server = nullptr;
    QSplitter* m_trees = nullptr; // one ServerSidebar per open server
    QScrollArea* m_paneArea = nullptr;
    QSplitter* m_splitter = nullptr;
    QList<QPointer<QueuePane>> m_panes;
    QLabel* m_connectionLabel = nullptr;
    QLabel* m_sandboxLabel = nullptr;
    QLabel* m_tlsWarningLabel = nullptr; // visible while TLS runs unverified (insecure=1)
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
