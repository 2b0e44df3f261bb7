#pragma once

#include "AppOptions.h"
#include "ConnectionProfile.h"
#include "ConsumerSpec.h"

#include <QList>
#include <QObject>

#include <functional>

class QAction;
class QLabel;
class QMainWindow;
class QMenu;
class QSettings;
class QSplitter;
class QStatusBar;

namespace rqc {

class ConnectionController;
class QueuePane;
class ServerView;

// The servers open in the window, side by side: opens one beside the others (a saved
// connection, --url, the default server or the sandbox), closes one (its consumers stop as on
// quit), keeps the connection list's bold names, the status bar's connection, sandbox and TLS
// texts, and which connections and panes come back at the next start. Panes themselves are the
// window's (the opener callback builds one for a server).
class ServerHub : public QObject {
    Q_OBJECT
public:
    using PaneOpener = std::function<QueuePane*(const ConsumerSpec&, ServerView*)>;

    ServerHub(QSettings* settings, ConnectionController* connections, QSplitter* trees,
              QMenu* viewMenu, QMainWindow* window, PaneOpener opener);
    ~ServerHub() override; // closes every server (the window stopped the consumers first)

    // The status bar's connection, sandbox and TLS warning labels.
    void addStatusWidgets(QStatusBar* bar);
    // View ▸ Depth sparklines: turns them on or off in every server's sidebar (new ones follow).
    QAction* sparklinesAction() const { return m_sparklines; }
    QList<ServerView*> servers() const { return m_servers; }
    // The server opened last (or shown again last).
    ServerView* current() const;
    ServerView* serverOf(const QueuePane* pane) const;

    ServerView* open(const AppOptions& options, const ConnectionProfile& profile);
    // A saved connection, its password known: opened beside the others with the panes it had
    // (those that consume read only until consuming is confirmed for it). Already open: shown,
    // or closed and opened again when its settings changed.
    void openSaved(const ConnectionProfile& profile, const ConnectionSettings& settings);
    void close(ServerView* server);
    void refreshAll();
    // Start-up: asks for the saved connections open at the last quit (options: the discovery
    // patterns for them). True when the unsaved server (--url, sandbox, default) opens too.
    bool reopenSaved(const AppOptions& options);
    // Which connections are open, and each one's panes.
    void save();
    void setConnectionText(const QString& text, const QString& tip = QString());

    // A command line that reaches server with redis-cli, its password read from the sandbox's
    // 0600 password file (never the password itself); empty when server is no sandbox.
    static QString redisCliLine(const ServerView* server);
    // Copies the sandbox's redis-cli line to the clipboard and says so.
    void copyRedisCliLine();

    // The unsaved server's panes (--url, default, sandbox), as older versions kept them.
    static QString unsavedPanesKey() { return QStringLiteral("panes"); }

signals:
    void message(const QString& text);
    // server is about to close (its panes and consumers still exist): the last moment to note
    // what they leave on the server (MainWindow: consumer groups).
    void closing(rqc::ServerView* server);

private:
    void updateOpenConnections();
    void updateConnectionText();
    void updateNotice();
    void onSettings(ServerView* server);

    QSettings* m_settings;
    ConnectionController* m_connections;
    QSplitter* m_trees;
    QMenu* m_viewMenu;
    QMainWindow* m_window;
    PaneOpener m_opener;
    AppOptions m_options;
    QList<ServerView*> m_servers;
    QString m_legacyPanesFor; // a saved connection reopened with the older "panes" key
    QLabel* m_connectionLabel = nullptr;
    QStatusBar* m_statusBar = nullptr;
    QAction* m_sparklines = nullptr;
    QLabel* m_sandboxLabel = nullptr;
    QLabel* m_tlsWarningLabel = nullptr; // visible while TLS runs unverified (insecure=1)
    QLabel* m_cliLink = nullptr;         // "copy redis-cli command", beside the sandbox notice
};

} // namespace rqc
