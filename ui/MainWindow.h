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
class ServerRoleLabel;
class QueuePane;
class ServerAuthPrompt;
class ServerSidebar;

// The console window: the server sidebar on the left, queue panes side by side in the middle
// (scrolling sideways when they do not all fit), the server, connection state, sandbox notice
// and errors in the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const AppOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override; // stops the panes' consumers, then the server session (and sandbox)

    ConsoleSession* session() const { return m_session.get(); }
    ServerSidebar* sidebar() const { return m_sidebar; }
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
    ConsumeGuard* consumeGuard() const { return m_guard; }
    ConnectionController* connections() const { return m_connections; }
    // Switches the console to another server: stops every consumer (the prompt, lossless stop
    // of quitting), ends the session, starts one for server, and reopens the panes there — those
    // that consume read only until consuming is confirmed for the new server.
    void switchServer(const ConnectionSettings& server);
    // Asks for a password or a TLS choice when the server refuses this window's connections.
    ServerAuthPrompt* authPrompt() const { return m_authPrompt; }

    static int defaultMessageLimit() { return 100000; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    QDockWidget* buildDock();
    void createSession(const AppOptions& options);
    void buildStatusBar();
    void restoreLayout(const AppOptions& options);
    void onSessionReady();
    void onSnapshot(const ServerSnapshot& snapshot);
    void setConnectionText(const QString& text, const QString& tip = QString());
    void showInsecureWarning(const ConnectionSettings& settings);
    void showError(const QString& message);
    void scheduleRefresh();
    void chooseMessageLimit();
    void about();
    QByteArray suggestTarget() const;
    QueuePane* focusedPane() const;
    void decideRestoredPanes();

    // Restored or first-run panes in a consuming mode: they consume only if the server allows
    // it without a question (sandbox, or confirmed before), decided once the server is known.
    struct Undecided {
        QPointer<QueuePane> pane;
        bool firstRun = false;
    };
    // File › Record pane… / Stop recording, for the focused pane.
    void toggleRecording();
    // Names what Record does for the focused pane (else hint, else the only pane).
    void updateRecordAction(const QueuePane* hint = nullptr);

    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<ConsoleSession> m_session;
    AppOptions m_options; // as started; switchServer() keeps its discovery patterns
    ConnectionController* m_connections = nullptr;
    ServerSidebar* m_sidebar = nullptr;
    QScrollArea* m_paneArea = nullptr;
    QSplitter* m_splitter = nullptr;
    QList<QPointer<QueuePane>> m_panes;
    ConsumeGuard* m_guard = nullptr;
    QList<Undecided> m_undecided;
    QList<ConsumerSpec> m_commandLineConsuming; // explicit choices, remembered as confirmed
    QLabel* m_connectionLabel = nullptr;
    QLabel* m_sandboxLabel = nullptr;
    ServerRoleLabel* m_roleLabel = nullptr; // replica, loading, failover
    QLabel* m_tlsWarningLabel = nullptr;    // visible while TLS runs unverified (insecure=1)
    ServerAuthPrompt* m_authPrompt = nullptr;
    QTimer* m_refreshTimer = nullptr;
    QAction* m_newPaneAction = nullptr;
    QAction* m_closePaneAction = nullptr;
    QAction* m_recordAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_limitAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    ServerSnapshot m_lastSnapshot;
    bool m_haveSnapshot = false;
    qint64 m_unreachableSinceMs = 0; // the monitor lost the server then (epoch ms); 0: reachable
    bool m_monitorOk = false;
    int m_messageLimit = defaultMessageLimit();
};

} // namespace rqc
