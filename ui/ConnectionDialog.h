#pragma once

#include "ConnectionProfile.h"
#include "ConnectionTester.h"

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace rqc {

class ConnectionStore;
class PasswordVault;
class ConnectionForm;

// File › Connect…: the saved connections on the left, the chosen one's fields (ConnectionForm)
// on the right.
// Pasting a URL into the URL field fills the fields in; Test connection says what it reached
// (or Redis's own error) without blocking the window; Save keeps the profile in the settings
// and its password in the keychain (in memory when there is none, and says so); Connect saves
// and asks the window to switch to it (connectRequested).
class ConnectionDialog : public QDialog {
    Q_OBJECT
public:
    ConnectionDialog(ConnectionStore* store, PasswordVault* vault, QWidget* parent = nullptr);

    // Shows a saved connection (its password comes from the keychain when it answers).
    void selectProfile(const QString& id);
    // The profile the fields describe (the saved id, if it is a saved one).
    ConnectionProfile profile() const;
    QByteArray password() const;
    // A Sentinel profile's Sentinel password (kept in the keychain under sentinelSecretKey()).
    QByteArray sentinelPassword() const;
    // An encrypted client key's passphrase (kept in the keychain under keyPassphraseSecretKey()).
    QByteArray keyPassphrase() const;
    // Fills the fields from a URL or a redis-cli command line; false (and the error shown) when
    // it does not parse. The field then shows the password as bullets.
    bool applyUrl(const QString& url);
    // "From environment": REDIS_URL and REDISCLI_AUTH, as redis-cli reads them.
    void importEnvironment();
    // The last test's result text, where the password is kept, …
    QString testResult() const;

signals:
    void connectRequested(const rqc::ConnectionProfile& profile, const QByteArray& password);

private:
    void buildUi();
    void reloadList();
    void showProfile(const ConnectionProfile& profile);
    void newProfile();
    void deleteProfile();
    // Saves the fields; then (after the keychain answered) calls then.
    void save(std::function<void(const ConnectionProfile&)> then = {});
    void test();
    void onTested(const ConnectionTester::Result& result);
    // The profile's other secrets (ProfileSecrets), from the keychain, into their fields; then
    // done().
    void loadOtherSecrets(const ConnectionProfile& p, std::function<void()> done);
    void showSecretNote(const QString& text, bool warning);

    ConnectionStore* m_store;
    PasswordVault* m_vault;
    ConnectionTester* m_tester = nullptr;
    QString m_id;           // the saved profile shown, empty for a new one
    bool m_filling = false; // reloading the list

    QListWidget* m_list = nullptr;
    ConnectionForm* m_form = nullptr;
    QLabel* m_testResult = nullptr;
    QLabel* m_secretNote = nullptr;
    QPushButton* m_testButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_connectButton = nullptr;
};

} // namespace rqc
