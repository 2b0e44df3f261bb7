#include "ConnectionController.h"

#include "ConnectionDialog.h"
#include "ConnectionList.h"
#include "ConnectionStore.h"
#include "KeychainSecretStore.h"
#include "PasswordVault.h"
#include "QueuePane.h"

#include <QAction>
#include <QInputDialog>
#include <QLineEdit>

namespace rqc {

ConnectionController::ConnectionController(QSettings* settings, QWidget* window,
                                           std::unique_ptr<SecretStore> keychain)
    : QObject(window)
    , m_window(window)
{
    m_store = new ConnectionStore(settings, this);
    if (!keychain)
        keychain = std::make_unique<KeychainSecretStore>();
    m_vault = new PasswordVault(std::move(keychain), this);
    m_connectAction = new QAction(tr("C&onnect…"), this);
    m_connectAction->setObjectName(QStringLiteral("connectAction"));
    m_connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_connectAction->setToolTip(tr("Choose, add or edit a saved server and switch to it"));
    connect(m_connectAction, &QAction::triggered, this, &ConnectionController::openDialog);
}

ConnectionController::~ConnectionController() = default;

ConnectionList* ConnectionController::createList(QWidget* parent)
{
    m_list = new ConnectionList(m_store, parent);
    connect(m_list, &ConnectionList::connectRequested, this, &ConnectionController::connectTo);
    return m_list;
}

void ConnectionController::tagPane(QueuePane* pane) const
{
    pane->setServerTag(m_current.id.isEmpty() ? QString() : m_current.tagText(), m_current.color);
}

ConnectionDialog* ConnectionController::dialog() const { return m_dialog; }

void ConnectionController::openDialog()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    auto* dialog = new ConnectionDialog(m_store, m_vault, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_current.id.isEmpty())
        dialog->selectProfile(m_current.id);
    connect(dialog, &ConnectionDialog::connectRequested, this, &ConnectionController::connectWith);
    m_dialog = dialog;
    dialog->open();
}

void ConnectionController::connectTo(const QString& id)
{
    const ConnectionProfile profile = m_store->profile(id);
    if (profile.id.isEmpty())
        return;
    emit message(tr("Opening %1: asking the keychain for its password…").arg(profile.title()));
    m_vault->load(profile.secretKey(), this, [this, profile](const PasswordVault::Result& r) {
        switch (r.status) {
        case SecretStore::Status::Ok:
            connectWith(profile, r.password);
            return;
        case SecretStore::Status::NotFound: // saved without a password
            connectWith(profile, {});
            return;
        case SecretStore::Status::Unavailable:
        case SecretStore::Status::Error:
            askPassword(profile, r.keychainError);
            return;
        }
    });
}

bool ConnectionController::reopenLast()
{
    const QString id = m_store->lastUsed();
    if (id.isEmpty())
        return false;
    connectTo(id);
    return true;
}

void ConnectionController::clearCurrent()
{
    m_current = ConnectionProfile();
    if (m_list)
        m_list->setCurrentConnection(QString());
}

void ConnectionController::askPassword(const ConnectionProfile& profile, const QString& why)
{
    // Non-blocking: the window keeps running while the question is open.
    auto* prompt = new QInputDialog(m_window);
    prompt->setObjectName(QStringLiteral("passwordPrompt"));
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    prompt->setWindowTitle(tr("Password for %1").arg(profile.title()));
    prompt->setLabelText(
        tr("No system keychain is available (%1).\nThe password for %2 is kept in memory only, "
           "until the console quits.\nPassword (empty for none):")
            .arg(why.isEmpty() ? tr("no Secret Service") : why, profile.title()));
    prompt->setTextEchoMode(QLineEdit::Password);
    connect(prompt, &QInputDialog::rejected, this, [this, profile] {
        emit message(tr("Not connected to %1: no password given. File › Connect… chooses a "
                        "server.")
                         .arg(profile.title()));
    });
    connect(prompt, &QInputDialog::textValueSelected, this, [this, profile](const QString& text) {
        const QByteArray password = text.toUtf8();
        m_vault->keepInMemory(profile.secretKey(), password);
        emit message(tr("No system keychain: the password for %1 is kept in memory only.")
                         .arg(profile.title()));
        connectWith(profile, password);
    });
    prompt->open();
}

void ConnectionController::connectWith(const ConnectionProfile& profile, const QByteArray& password)
{
    m_current = profile;
    m_store->setLastUsed(profile.id);
    if (m_list)
        m_list->setCurrentConnection(profile.id);
    emit switchRequested(profile.settings(password));
}

} // namespace rqc
