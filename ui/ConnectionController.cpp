#include "ConnectionController.h"

#include "ConnectionDialog.h"
#include "ConnectionList.h"
#include "ConnectionStore.h"
#include "KeychainSecretStore.h"
#include "PasswordVault.h"
#include "ProfileSecrets.h"
#include "SecretPrompt.h"

#include <QAction>
#include <QInputDialog>
#include <QLabel>
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
    m_connectAction->setToolTip(
        tr("Choose, add or edit a saved server and open it beside the ones already open"));
    connect(m_connectAction, &QAction::triggered, this, &ConnectionController::openDialog);
}

ConnectionController::~ConnectionController() = default;

ConnectionList* ConnectionController::createList(QWidget* parent)
{
    m_list = new ConnectionList(m_store, parent);
    connect(m_list, &ConnectionList::connectRequested, this, &ConnectionController::connectTo);
    connect(m_list, &ConnectionList::closeRequested, this, &ConnectionController::closeRequested);
    m_list->setOpenConnections(m_open);
    return m_list;
}

void ConnectionController::setOpenConnections(const QStringList& ids)
{
    m_open = ids;
    if (m_list)
        m_list->setOpenConnections(ids);
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
    if (!m_open.isEmpty())
        dialog->selectProfile(m_open.constLast());
    connect(dialog, &ConnectionDialog::connectRequested, this, &ConnectionController::connectWith);
    m_dialog = dialog;
    dialog->open();
}

void ConnectionController::connectTo(const QString& id)
{
    const ConnectionProfile profile = m_store->profile(id);
    if (profile.id.isEmpty())
        return;
    for (const ConnectionProfile& waiting : std::as_const(m_waiting)) {
        if (waiting.id == id)
            return; // asked already
    }
    m_waiting << profile;
    updateWaitLabel();
    m_vault->load(profile.secretKey(), this, [this, profile](const PasswordVault::Result& r) {
        bool waited = false; // false: the user typed it instead meanwhile
        for (qsizetype i = 0; i < m_waiting.size(); ++i) {
            if (m_waiting.at(i).id == profile.id) {
                m_waiting.removeAt(i);
                waited = true;
                break;
            }
        }
        updateWaitLabel();
        if (!waited)
            return;
        // The Sentinel password and the key passphrase, if the profile has them, come from the
        // keychain too (none found: none used).
        const QByteArray password = r.status == SecretStore::Status::Ok ? r.password : QByteArray();
        switch (r.status) {
        case SecretStore::Status::Ok:
        case SecretStore::Status::NotFound: // saved without a password
            ProfileSecrets::load(m_vault, profile, this,
                                 [this, password](const ConnectionProfile& withSecrets) {
                                     connectWith(withSecrets, password);
                                 });
            return;
        case SecretStore::Status::Unavailable:
        case SecretStore::Status::Error:
            askPassword(profile, r.keychainError, false);
            return;
        }
    });
}

QLabel* ConnectionController::createWaitLabel(QWidget* parent)
{
    m_waitLabel = new QLabel(parent);
    m_waitLabel->setObjectName(QStringLiteral("keychainWaitLabel"));
    m_waitLabel->setTextFormat(Qt::RichText);
    m_waitLabel->setTextInteractionFlags(Qt::LinksAccessibleByMouse |
                                         Qt::LinksAccessibleByKeyboard);
    connect(m_waitLabel, &QLabel::linkActivated, this, &ConnectionController::typeInstead);
    updateWaitLabel();
    return m_waitLabel;
}

void ConnectionController::updateWaitLabel()
{
    if (!m_waitLabel)
        return;
    QStringList names;
    for (const ConnectionProfile& p : std::as_const(m_waiting))
        names << p.title().toHtmlEscaped();
    m_waitLabel->setText(names.isEmpty() ? QString()
                                         : tr("Opening %1: asking the keychain for its password… "
                                              "<a href=\"type\">type it instead</a>")
                                               .arg(names.join(QStringLiteral(", "))));
    m_waitLabel->setToolTip(
        tr("The system keychain has not answered yet (over D-Bus it can take up to 25 s to give "
           "up). Type the password instead and it is kept in memory only."));
    m_waitLabel->setVisible(!names.isEmpty());
}

void ConnectionController::typeInstead()
{
    const QList<ConnectionProfile> waiting = std::move(m_waiting);
    m_waiting.clear();
    updateWaitLabel();
    for (const ConnectionProfile& profile : waiting)
        askPassword(profile, QString(), true);
}

void ConnectionController::askPassword(const ConnectionProfile& profile, const QString& why,
                                       bool keychainSlow)
{
    // Non-blocking: the window keeps running while the question is open.
    auto* prompt = new QInputDialog(m_window);
    prompt->setObjectName(QStringLiteral("passwordPrompt"));
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    prompt->setWindowTitle(tr("Password for %1").arg(profile.title()));
    prompt->setLabelText(
        keychainSlow
            ? tr("The system keychain has not answered.\nThe password you type for %1 is kept in "
                 "memory only, until the console quits.\nPassword (empty for none):")
                  .arg(profile.title())
            : tr("No system keychain is available (%1).\nThe password for %2 is kept in memory "
                 "only, until the console quits.\nPassword (empty for none):")
                  .arg(why.isEmpty() ? tr("no Secret Service") : why, profile.title()));
    prompt->setTextEchoMode(QLineEdit::Password);
    connect(prompt, &QInputDialog::rejected, this, [this, profile] {
        emit message(tr("Not connected to %1: no password given. File › Connect… chooses a "
                        "server.")
                         .arg(profile.title()));
    });
    connect(prompt, &QInputDialog::textValueSelected, this,
            [this, profile, keychainSlow](const QString& text) {
                const QByteArray password = text.toUtf8();
                m_vault->keepInMemory(profile.secretKey(), password);
                emit message(
                    keychainSlow
                        ? tr("The password for %1 is kept in memory only (typed instead of "
                             "waiting for the keychain).")
                              .arg(profile.title())
                        : tr("No system keychain: the password for %1 is kept in memory only.")
                              .arg(profile.title()));
                SecretPrompt::askRest(m_window, m_vault, profile, this,
                                      [this, password](const ConnectionProfile& withSecrets) {
                                          connectWith(withSecrets, password);
                                      });
            });
    prompt->open();
}

void ConnectionController::connectWith(const ConnectionProfile& profile, const QByteArray& password)
{
    m_store->setLastUsed(profile.id);
    emit openRequested(profile, profile.settings(password));
}

} // namespace rqc
