#pragma once

#include "AppOptions.h"
#include "ConnectionProfile.h"
#include "ConsumerSpec.h"
#include "ServerMonitor.h"
#include "ServerRoleLabel.h"
#include "ServerSidebar.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <memory>

class QSettings;
class QWidget;

namespace rqc {

class ConsoleSession;
class ConsumeGuard;
class QueuePane;
class ServerAuthPrompt;

// One server open in the window: its ConsoleSession, its sidebar tree, its auth prompt, its
// consume guard and its panes. Keeps each pane connected to the server, tagged with it (the
// saved connection's label and colour, or host:port), fed with its snapshots and told when the
// server is lost or resumed. The window places the tree and the panes; this class never owns
// them as widgets, but stops and deletes its panes when it goes.
class ServerView : public QObject {
    Q_OBJECT
public:
    // profile: the saved connection (empty id for --url, the default server or the sandbox).
    ServerView(const AppOptions& options, const ConnectionProfile& profile, QSettings* settings,
               QWidget* window);
    ~ServerView() override; // stops its panes' consumers, deletes them, then the session

    ConsoleSession* session() const { return m_session.get(); }
    ServerSidebar* sidebar() const { return m_sidebar; }
    ServerAuthPrompt* authPrompt() const { return m_authPrompt; }
    ServerRoleLabel* roleLabel() const { return m_roleLabel; }
    ConsumeGuard* guard() const { return m_guard; }
    const ConnectionProfile& profile() const { return m_profile; }
    // What every pane of the server shows: "production · orders", or host:port (socket path).
    QString tagText() const;
    QString tagColor() const { return m_profile.color; }
    // The connection's state for the status bar ("Connected to …") and its details.
    QString statusText() const { return m_statusText; }
    QString statusTip() const { return m_statusTip; }
    const ServerSnapshot& lastSnapshot() const { return m_lastSnapshot; }

    void start();
    // Makes pane one of this server's: tagged, connected once the session is ready.
    void addPane(QueuePane* pane);
    // Forgets a pane the window closes (it stops the consumer itself).
    void removePane(QueuePane* pane);
    QList<QueuePane*> panes() const;
    QStringList paneSpecs() const;
    // Where a saved connection's panes are kept between sessions.
    static QString panesKey(const QString& id)
    {
        return QStringLiteral("window/panesOf/%1").arg(id);
    }
    // Restored or first-run panes in a consuming mode: they consume only if the server allows
    // it without a question (sandbox, or confirmed before), decided once the server is known.
    void decideWhenReady(QueuePane* pane, bool firstRun);
    // An explicit --pane choice, approved and remembered as confirmed for the server.
    void approveFromCommandLine(QueuePane* pane, const ConsumerSpec& spec);
    // Every consumer of the server's panes told to stop at once (the panes wait when deleted).
    void stopConsumers();

signals:
    void statusChanged();
    // Something for the status bar.
    void message(const QString& text);
    // The sandbox notice ("started a private sandbox …"), or empty.
    void noticeChanged(const QString& text);
    // The session is ready, or resumed with other settings (window title, TLS warning).
    void settingsChanged();
    // A pane for spec on this server (a click in its tree).
    void openRequested(rqc::ServerView* server, const rqc::ConsumerSpec& spec);
    // "Close this connection" from its tree's context menu.
    void closeRequested(rqc::ServerView* server);

private:
    void onReady();
    QString treeTitle() const;
    void onSnapshot(const ServerSnapshot& snapshot);
    void decideRestoredPanes();
    void setStatus(const QString& text, const QString& tip = QString());

    struct Undecided {
        QPointer<QueuePane> pane;
        bool firstRun = false;
    };

    ConnectionProfile m_profile;
    std::unique_ptr<ConsoleSession> m_session;
    QPointer<ServerSidebar> m_sidebar;
    ServerAuthPrompt* m_authPrompt = nullptr;
    QPointer<ServerRoleLabel> m_roleLabel; // in the window's status bar while open
    ConsumeGuard* m_guard = nullptr;
    QList<QPointer<QueuePane>> m_panes;
    QList<Undecided> m_undecided;
    QList<ConsumerSpec> m_commandLineConsuming; // explicit choices, remembered as confirmed
    QString m_statusText;
    QString m_statusTip;
    ServerSnapshot m_lastSnapshot;
    bool m_haveSnapshot = false;
    qint64 m_unreachableSinceMs = 0; // the monitor lost the server then (epoch ms); 0: reachable
    bool m_monitorOk = false;
};

} // namespace rqc
