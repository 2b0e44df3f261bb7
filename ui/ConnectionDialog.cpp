#include "ConnectionDialog.h"

#include "ConnectionForm.h"
#include "ConnectionStore.h"
#include "PasswordVault.h"
#include "ProfileSecrets.h"
#include "RedisCliImport.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
} // namespace

ConnectionDialog::ConnectionDialog(ConnectionStore* store, PasswordVault* vault, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_vault(vault)
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Connect to a server"));
    m_tester = new ConnectionTester(this);
    connect(m_tester, &ConnectionTester::finished, this, &ConnectionDialog::onTested);
    buildUi();
    reloadList();
    newProfile();
}

void ConnectionDialog::buildUi()
{
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("savedList"));
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (item && !m_filling)
            selectProfile(item->data(kIdRole).toString());
    });
    auto* newButton = new QPushButton(tr("&New"), this);
    newButton->setObjectName(QStringLiteral("newConnectionButton"));
    connect(newButton, &QPushButton::clicked, this, &ConnectionDialog::newProfile);
    auto* deleteButton = new QPushButton(tr("&Delete"), this);
    deleteButton->setObjectName(QStringLiteral("deleteConnectionButton"));
    connect(deleteButton, &QPushButton::clicked, this, &ConnectionDialog::deleteProfile);
    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(newButton);
    listButtons->addWidget(deleteButton);
    left->addWidget(new QLabel(tr("Saved connections"), this));
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    m_form = new ConnectionForm(this);
    connect(m_form->urlEdit(), &QLineEdit::textEdited, this, [this](const QString& text) {
        if (!text.trimmed().isEmpty())
            applyUrl(text);
    });
    connect(m_form->importEnvButton(), &QToolButton::clicked, this,
            &ConnectionDialog::importEnvironment);

    m_testResult = new QLabel(this);
    m_testResult->setObjectName(QStringLiteral("testResultLabel"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_secretNote = new QLabel(this);
    m_secretNote->setObjectName(QStringLiteral("secretNoteLabel"));
    m_secretNote->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(this);
    m_testButton = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionDialog::test);
    m_saveButton = buttons->addButton(tr("&Save"), QDialogButtonBox::ApplyRole);
    m_saveButton->setObjectName(QStringLiteral("saveButton"));
    connect(m_saveButton, &QPushButton::clicked, this, [this] { save(); });
    m_connectButton = buttons->addButton(tr("C&onnect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    m_connectButton->setDefault(true);
    connect(m_connectButton, &QPushButton::clicked, this, [this] {
        save([this](const ConnectionProfile& saved) {
            ConnectionProfile withSecrets = saved;
            withSecrets.server.sentinelPassword = sentinelPassword();
            withSecrets.server.clientKeyPassphrase = keyPassphrase();
            emit connectRequested(withSecrets, password());
            accept();
        });
    });
    QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    auto* right = new QVBoxLayout;
    right->addWidget(m_form);
    right->addWidget(m_testResult);
    right->addWidget(m_secretNote);
    right->addStretch(1);
    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);
    resize(760, 560);
}

void ConnectionDialog::reloadList()
{
    m_filling = true;
    m_list->clear();
    for (const ConnectionProfile& p : m_store->profiles()) {
        auto* item = new QListWidgetItem(p.title(), m_list);
        item->setData(kIdRole, p.id);
        if (p.id == m_id)
            m_list->setCurrentItem(item);
    }
    m_filling = false;
}

void ConnectionDialog::selectProfile(const QString& id)
{
    const ConnectionProfile p = m_store->profile(id);
    if (p.id.isEmpty())
        return;
    m_id = p.id;
    showProfile(p);
    reloadList();
    m_form->awaitSecrets();
    // Saving before the keychain answered would store the empty field over the password.
    m_saveButton->setEnabled(false);
    m_connectButton->setEnabled(false);
    m_vault->load(p.secretKey(), this, [this, id, p](const PasswordVault::Result& r) {
        if (m_id != id)
            return; // another profile is shown meanwhile
        loadOtherSecrets(p, [this, id] {
            if (m_id != id)
                return;
            m_saveButton->setEnabled(true);
            m_connectButton->setEnabled(true);
        });
        if (!m_form->passwordArrived(r.status == SecretStore::Status::Ok, r.password))
            return; // the user typed one meanwhile
        if (r.status == SecretStore::Status::Unavailable)
            showSecretNote(tr("No system keychain (%1): passwords are kept in memory only, "
                              "until the console quits.")
                               .arg(r.keychainError),
                           true);
        else
            showSecretNote(r.inMemory ? tr("The password is kept in memory only.")
                                      : tr("The password is kept in the system keychain."),
                           r.inMemory);
    });
}

void ConnectionDialog::loadOtherSecrets(const ConnectionProfile& p, std::function<void()> done)
{
    const QString id = p.id;
    ProfileSecrets::load(m_vault, p, this,
                         [this, id, done = std::move(done)](const ConnectionProfile& loaded) {
                             if (m_id == id)
                                 m_form->otherSecretsArrived(loaded.server);
                             done();
                         });
}

void ConnectionDialog::showProfile(const ConnectionProfile& p)
{
    m_form->showProfile(p);
    m_testResult->clear();
}

void ConnectionDialog::newProfile()
{
    m_id.clear();
    m_form->clear();
    m_testResult->clear();
    m_saveButton->setEnabled(true);
    m_connectButton->setEnabled(true);
    m_secretNote->clear();
    m_list->clearSelection();
}

void ConnectionDialog::deleteProfile()
{
    if (m_id.isEmpty())
        return;
    const ConnectionProfile p = m_store->profile(m_id);
    if (QMessageBox::question(
            this, tr("Delete connection"),
            tr("Delete the saved connection %1 and its password?").arg(p.title())) !=
        QMessageBox::Yes)
        return;
    m_vault->store(p.secretKey(), {}, this, [](const PasswordVault::Result&) {});
    ProfileSecrets::remove(m_vault, p, this);
    m_store->remove(m_id);
    reloadList();
    newProfile();
}

bool ConnectionDialog::applyUrl(const QString& url)
{
    QString message;
    const bool ok = m_form->applyUrl(url, &message);
    m_testResult->setText(message);
    return ok;
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p = m_form->profile();
    p.id = m_id;
    return p;
}

QByteArray ConnectionDialog::password() const { return m_form->password(); }

QByteArray ConnectionDialog::sentinelPassword() const { return m_form->sentinelPassword(); }

QByteArray ConnectionDialog::keyPassphrase() const { return m_form->keyPassphrase(); }

QString ConnectionDialog::testResult() const { return m_testResult->text(); }

void ConnectionDialog::importEnvironment()
{
    RedisCliImport::Result r;
    QString error;
    if (!RedisCliImport::fromEnvironment(QProcessEnvironment::systemEnvironment(), &r, &error)) {
        m_testResult->setText(error);
        return;
    }
    newProfile();
    m_form->showImported(r.profile, r.password);
    m_testResult->setText(tr("Imported from the environment: Save keeps it, and its password "
                             "goes to the keychain like any other."));
}

void ConnectionDialog::showSecretNote(const QString& text, bool warning)
{
    m_secretNote->setText(text);
    m_secretNote->setStyleSheet(warning ? QStringLiteral("color: #b26a00;") : QString());
}

void ConnectionDialog::test()
{
    const ConnectionProfile p = profile();
    m_testResult->setText(tr("Testing %1…").arg(p.url()));
    m_testButton->setEnabled(false);
    m_tester->test(p.settings(password()));
}

void ConnectionDialog::onTested(const ConnectionTester::Result& result)
{
    m_testButton->setEnabled(true);
    m_testResult->setText(result.summary());
    m_testResult->setStyleSheet(result.ok ? QString() : QStringLiteral("color: #b00020;"));
}

void ConnectionDialog::save(std::function<void(const ConnectionProfile&)> then)
{
    const ConnectionProfile saved = m_store->save(profile());
    m_id = saved.id;
    reloadList();
    m_saveButton->setEnabled(false);
    m_connectButton->setEnabled(false);
    m_vault->store(
        saved.secretKey(), password(), this,
        [this, saved, then = std::move(then)](const PasswordVault::Result& r) {
            if (password().isEmpty())
                showSecretNote(tr("Saved %1 (no password).").arg(saved.title()), false);
            else if (r.status == SecretStore::Status::Ok)
                showSecretNote(
                    tr("Saved %1; its password is in the system keychain.").arg(saved.title()),
                    false);
            else
                showSecretNote(tr("Saved %1, but not its password: no system keychain (%2). "
                                  "The password is kept in memory only, until the console "
                                  "quits; you will be asked for it next time.")
                                   .arg(saved.title(), r.keychainError),
                               true);
            auto done = [this, saved, then] {
                m_saveButton->setEnabled(true);
                m_connectButton->setEnabled(true);
                if (then)
                    then(saved);
            };
            // The Sentinel password and the key passphrase: in the keychain too, each under its
            // own key.
            ConnectionProfile withSecrets = saved;
            withSecrets.server.sentinelPassword = sentinelPassword();
            withSecrets.server.clientKeyPassphrase = keyPassphrase();
            const bool any = !withSecrets.server.sentinelPassword.isEmpty() ||
                             !withSecrets.server.clientKeyPassphrase.isEmpty();
            ProfileSecrets::store(m_vault, withSecrets, this, [this, done, any](bool inKeychain) {
                if (any)
                    m_secretNote->setText(
                        m_secretNote->text() + QLatin1Char(' ') +
                        (inKeychain ? tr("Its Sentinel password or key passphrase is in "
                                         "the system keychain.")
                                    : tr("Its Sentinel password or key passphrase is kept "
                                         "in memory only.")));
                done();
            });
        });
}

} // namespace rqc
