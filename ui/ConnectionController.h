#pragma once

#include "ConnectionProfile.h"
#include "SecretStore.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QAction;
class QLabel;
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
// emits openRequested(); the window opens that server beside the others (ServerView).
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
    // The status bar's "asking the keychain for its password… type it instead" (created once):
    // shown while a keychain lookup is under way (D-Bus may take 25 s to give up), until it
    // answers or the user chooses to type the password.
    QLabel* createWaitLabel(QWidget* parent);
    QLabel* waitLabel() const { return m_waitLabel; }
    // Stops waiting for the keychain: asks for the passwords instead (memory only).
    void typeInstead();
    // The saved connections open in the window (bold in the list).
    void setOpenConnections(const QStringList& ids);
    QStringList openConnections() const { return m_open; }

    // File › Connect… (Ctrl+Shift+O): opens the dialog.
    QAction* connectAction() const { return m_connectAction; }
    // File › Connect…; the open dialog (null when none).
    void openDialog();
    ConnectionDialog* dialog() const;
    // Connects to a saved connection: its password from the keychain, else asked.
    void connectTo(const QString& id);

signals:
    // The window should open this server beside the others (closing it first if it is open).
    void openRequested(const rqc::ConnectionProfile& profile,
                       const rqc::ConnectionSettings& settings);
    // The user asked to close a saved connection that is open (the list's context menu).
    void closeRequested(const QString& id);
    // Something the user should see in the status bar.
    void message(const QString& text);

private:
    void connectWith(const ConnectionProfile& profile, const QByteArray& password);
    void askPassword(const ConnectionProfile& profile, const QString& why, bool keychainSlow);
    void updateWaitLabel();

    QWidget* m_window;
    ConnectionStore* m_store = nullptr;
    PasswordVault* m_vault = nullptr;
    ConnectionList* m_list = nullptr;
    QAction* m_connectAction = nullptr;
    QPointer<ConnectionDialog> m_dialog;
    QStringList m_open;
    QLabel* m_waitLabel = nullptr;
    QList<ConnectionProfile> m_waiting; // keychain lookups under way
};

} // namespace rqc
