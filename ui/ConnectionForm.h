#pragma once

#include "ConnectionProfile.h"

#include <QCoreApplication>
#include <QList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace rqc {

class SentinelFields;

// The connection dialog's fields: name, URL, kind (with SentinelFields), transport, address,
// credentials, TLS files, timeout, label and colour. A URL (or a redis-cli command line) fills
// the fields in; editing a field rewrites the URL (without the password). It remembers which
// secrets the user typed, so that a keychain answering late does not overwrite them.
//
// No Q_OBJECT (it has no signals): its strings keep the dialog's translation context.
class ConnectionForm : public QWidget {
    Q_DECLARE_TR_FUNCTIONS(rqc::ConnectionDialog)

public:
    explicit ConnectionForm(QWidget* parent = nullptr);

    // Fills the fields from p (secrets only when p carries them); the URL follows.
    void showProfile(const ConnectionProfile& p);
    // Empty fields for a new profile; the name field takes the focus.
    void clear();
    // showProfile(p) for a profile imported with its password (which counts as typed).
    void showImported(const ConnectionProfile& p, const QByteArray& password);
    // Fills the fields from a URL or a redis-cli command line. False when it does not parse
    // (*message: why); else *message is a note for the user, often empty. The URL field then
    // shows the password as bullets.
    bool applyUrl(const QString& url, QString* message);

    // The profile the fields describe (no id: the dialog knows which saved one it is).
    ConnectionProfile profile() const;
    QByteArray password() const;
    QByteArray sentinelPassword() const;
    QByteArray keyPassphrase() const;

    // The secrets are being asked from the keychain: the password field says so, and none of
    // them counts as typed yet.
    void awaitSecrets();
    // The keychain answered for the password (known: whether it had one). False when the user
    // typed a password meanwhile (theirs is kept).
    bool passwordArrived(bool known, const QByteArray& password);
    // The other secrets arrived; those typed meanwhile are kept.
    void otherSecretsArrived(const ConnectionSettings& s);

    QLineEdit* urlEdit() const { return m_url; }
    // "From environment", beside the URL: the dialog answers it.
    QToolButton* importEnvButton() const { return m_importEnv; }

private:
    void buildUi();
    bool sentinelKind() const;
    void updateTransportUi();
    void updateUrlFromFields();
    QString chooseFile(const QString& title, QLineEdit* edit);

    bool m_filling = false;
    bool m_passwordEdited = false;
    bool m_sentinelPasswordEdited = false;
    bool m_keyPassphraseEdited = false;
    // The name the URL filled in, which later URL edits may replace (a name typed by the user
    // stays).
    QString m_autoName;

    QLineEdit* m_name = nullptr;
    QLineEdit* m_url = nullptr;
    QToolButton* m_importEnv = nullptr;
    QComboBox* m_kind = nullptr;
    SentinelFields* m_sentinel = nullptr;
    QLineEdit* m_keyPassphrase = nullptr;
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
    QList<QWidget*> m_tcpFields;
    QList<QWidget*> m_tlsFields;
    QList<QWidget*> m_unixFields;
};

} // namespace rqc
