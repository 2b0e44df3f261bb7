#pragma once

#include "ConnectionProfile.h"
#include "SecretStore.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QSettings;
class QWidget;

namespace rqc {

class ConnectionDialog;
class ConnectionList;
class ConnectionStore;
class PasswordVault;
class QueuePane;

// The window's saved connections: the store (QSettings, no secrets), the passwords (keychain,
// or memory when there is none), the sidebar list, File › Connect…, and reopening the last one
// at start-up. Connecting fetches the password (asking for it when no keychain can) and then
// emits switchRequested(); the window does the switching. Keeps MainWindow to panes and layout.
class ConnectionController : public QObject {
    Q_OBJECT
public:
    // window: the parent for dialogs. keychain: null for the system keychain (tests may pass
    // their own).
    ConnectionController(QSettings* settings, QWidget* window,
                         std::unique_ptr<SecretStore> keychain = {});
    ~ConnectionController() override;

    ConnectionStore* store() const { return m_store; }
    PasswordVault* vault() const { return m_vault; }
    // The sidebar's list of saved connections (created once, owned by its parent widget).
    ConnectionList* createList(QWidget* parent);
    // The saved connection in use, or an empty profile (--url, default server, sandbox).
    const ConnectionProfile& current() const { return m_current; }
    // Shows the current connection's label and colour in the pane's header.
    void tagPane(QueuePane* pane) const;

    // File › Connect… (Ctrl+Shift+O): opens the dialog.
    QAction* connectAction() const { return m_connectAction; }
    // File › Connect…; the open dialog (null when none).
    void openDialog();
    ConnectionDialog* dialog() const;
    // Connects to a saved connection: its password from the keychain, else asked.
    void connectTo(const QString& id);
    // Reopens the connection used last; false when there is none.
    bool reopenLast();
    // The server the window now uses is no saved connection (--url, sandbox).
    void clearCurrent();

signals:
    // The window should switch to this server (stopping the current consumers first).
    void switchRequested(const rqc::ConnectionSettings& settings);
    // Something the user should see in the status bar.
    void message(const QString& text);

private:
    void connectWith(const ConnectionProfile& profile, const QByteArray& password);
    void askPassword(const ConnectionProfile& profile, const QString& why);

    QWidget* m_window;
    ConnectionStore* m_store = nullptr;
    PasswordVault* m_vault = nullptr;
    ConnectionList* m_list = nullptr;
    QAction* m_connectAction = nullptr;
    QPointer<ConnectionDialog> m_dialog;
    ConnectionProfile m_current;
};

} // namespace rqc
