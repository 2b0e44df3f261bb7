#pragma once

#include "ConnectionProfile.h"
#include "ConnectionTester.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace rqc {

class ConnectionStore;
class PasswordVault;
class SentinelFields;

// File › Connect…: the saved connections on the left, the chosen one's fields on the right.
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
    void updateTransportUi();
    bool sentinelKind() const;
    // The profile's other secrets (ProfileSecrets), from the keychain, into their fields; then
    // done().
    void loadOtherSecrets(const ConnectionProfile& p, std::function<void()> done);
    void updateUrlFromFields();
    QString chooseFile(const QString& title, QLineEdit* edit);
    void showSecretNote(const QString& text, bool warning);

    ConnectionStore* m_store;
    PasswordVault* m_vault;
    ConnectionTester* m_tester = nullptr;
    QString m_id; // the saved profile shown, empty for a new one
    bool m_filling = false;
    bool m_passwordEdited = false;
    // The name the URL filled in, which later URL edits may replace (a name typed by the user
    // stays).
    QString m_autoName;

    QListWidget* m_list = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_url = nullptr;
    QComboBox* m_kind = nullptr;
    SentinelFields* m_sentinel = nullptr;
    bool m_sentinelPasswordEdited = false;
    QLineEdit* m_keyPassphrase = nullptr;
    bool m_keyPassphraseEdited = false;
    QComboBox* m_transport = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_socket = nullptr;
    QSpinBox* m_db = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_caFile = nullptr;
    QLineEdit* m_certFile = nullptr;
    QLineEdit* m_keyFile = nullptr;
    QCheckBox* m_insecure = nullptr;
    QLabel* m_insecureWarning = nullptr;
    QSpinBox* m_timeout = nullptr;
    QLineEdit* m_label = nullptr;
    QComboBox* m_color = nullptr;
    QLabel* m_testResult = nullptr;
    QLabel* m_secretNote = nullptr;
    QPushButton* m_testButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_connectButton = nullptr;
    QList<QWidget*> m_tcpFields;
    QList<QWidget*> m_tlsFields;
    QList<QWidget*> m_unixFields;
};

} // namespace rqc
