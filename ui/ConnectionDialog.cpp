#include "ConnectionDialog.h"

#include "ConnectionStore.h"
#include "PasswordVault.h"
#include "ProfileSecrets.h"
#include "RedisCliImport.h"
#include "SentinelFields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
using Transport = ConnectionSettings::Transport;
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

    auto lineEdit = [this](const char* name) {
        auto* e = new QLineEdit(this);
        e->setObjectName(QString::fromLatin1(name));
        return e;
    };
    auto spinBox = [this](const char* name, int min, int max) {
        auto* s = new QSpinBox(this);
        s->setObjectName(QString::fromLatin1(name));
        s->setRange(min, max);
        return s;
    };
    auto* form = new QFormLayout;
    m_name = lineEdit("nameEdit");
    m_name->setPlaceholderText(tr("e.g. orders (production)"));
    m_url = lineEdit("urlEdit");
    m_url->setPlaceholderText(tr("Paste redis://user:password@host:6379/0, rediss://…, "
                                 "unix:///path.sock or a redis-cli command line"));
    m_url->setToolTip(tr("Paste a URL and the fields below fill in; editing the fields "
                         "rewrites it (without the password)."));
    connect(m_url, &QLineEdit::textEdited, this, [this](const QString& text) {
        if (!text.trimmed().isEmpty())
            applyUrl(text);
    });
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindCombo"));
    m_kind->addItem(tr("Standalone"), int(ConnectionProfile::Kind::Standalone));
    m_kind->addItem(tr("Sentinel"), int(ConnectionProfile::Kind::Sentinel));
    m_kind->setToolTip(tr("Sentinel: the master is found through the Sentinels at every connect "
                          "and followed across failovers (redis+sentinel://)."));
    m_sentinel = new SentinelFields(this);
    connect(m_sentinel, &SentinelFields::edited, this, &ConnectionDialog::updateUrlFromFields);
    connect(m_sentinel, &SentinelFields::passwordEdited, this,
            [this] { m_sentinelPasswordEdited = true; });
    m_transport = new QComboBox(this);
    m_transport->setObjectName(QStringLiteral("transportCombo"));
    m_transport->addItem(tr("TCP"), int(Transport::Tcp));
    m_transport->addItem(tr("TLS"), int(Transport::Tls));
    m_transport->addItem(tr("Unix socket"), int(Transport::Unix));
    m_host = lineEdit("hostEdit");
    m_port = spinBox("portSpin", 1, 65535);
    m_socket = lineEdit("socketEdit");
    m_db = spinBox("dbSpin", 0, 100000);
    m_user = lineEdit("userEdit");
    m_user->setPlaceholderText(tr("default"));
    m_password = lineEdit("passwordEdit");
    m_password->setEchoMode(QLineEdit::Password);
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordEdited = true; });
    m_caFile = lineEdit("caFileEdit");
    m_certFile = lineEdit("certFileEdit");
    m_keyFile = lineEdit("keyFileEdit");
    m_keyPassphrase = lineEdit("keyPassphraseEdit");
    m_keyPassphrase->setEchoMode(QLineEdit::Password);
    m_keyPassphrase->setPlaceholderText(tr("only if the key file is encrypted"));
    m_keyPassphrase->setToolTip(tr("The client key's passphrase, kept in the system keychain."));
    connect(m_keyPassphrase, &QLineEdit::textEdited, this,
            [this] { m_keyPassphraseEdited = true; });
    m_insecure = new QCheckBox(tr("Skip certificate verification"), this);
    m_insecure->setObjectName(QStringLiteral("insecureCheck"));
    m_insecureWarning = new QLabel(
        tr("⚠ Anyone between you and the server can read and change what you send, passwords "
           "included."),
        this);
    m_insecureWarning->setObjectName(QStringLiteral("insecureWarning"));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_timeout = spinBox("timeoutSpin", 100, 600000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setSingleStep(500);
    m_label = lineEdit("labelEdit");
    m_label->setPlaceholderText(tr("e.g. production"));
    m_color = new QComboBox(this);
    m_color->setObjectName(QStringLiteral("colorCombo"));
    m_color->addItem(tr("None"), QString());
    const QList<QPair<QString, QString>> colors = {
        {tr("Red"), QStringLiteral("#d32f2f")},    {tr("Orange"), QStringLiteral("#f57c00")},
        {tr("Yellow"), QStringLiteral("#fbc02d")}, {tr("Green"), QStringLiteral("#388e3c")},
        {tr("Blue"), QStringLiteral("#1976d2")},   {tr("Purple"), QStringLiteral("#7b1fa2")},
        {tr("Grey"), QStringLiteral("#616161")}};
    for (const auto& [name, hex] : colors) {
        QPixmap swatch(12, 12);
        swatch.fill(QColor(hex));
        m_color->addItem(QIcon(swatch), name, hex);
    }

    auto fileRow = [this](QLineEdit* edit, const QString& title) {
        auto* row = new QHBoxLayout;
        auto* browse = new QToolButton(this);
        browse->setText(tr("…"));
        connect(browse, &QToolButton::clicked, this,
                [this, edit, title] { chooseFile(title, edit); });
        row->addWidget(edit, 1);
        row->addWidget(browse);
        return row;
    };
    form->addRow(tr("&Name:"), m_name);
    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    auto* importEnv = new QToolButton(this);
    importEnv->setObjectName(QStringLiteral("importEnvButton"));
    importEnv->setText(tr("From &environment"));
    importEnv->setToolTip(tr("Import redis-cli's connection from the console's environment: "
                             "REDIS_URL if set, and the password in REDISCLI_AUTH"));
    connect(importEnv, &QToolButton::clicked, this, &ConnectionDialog::importEnvironment);
    urlRow->addWidget(importEnv);
    auto* urlLabel = new QLabel(tr("&URL:"), this);
    urlLabel->setBuddy(m_url);
    form->addRow(urlLabel, urlRow);
    form->addRow(tr("&Kind:"), m_kind);
    form->addRow(m_sentinel);
    form->addRow(tr("&Transport:"), m_transport);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Socket:"), m_socket);
    form->addRow(tr("&Database:"), m_db);
    form->addRow(tr("U&ser:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("CA file:"), fileRow(m_caFile, tr("CA certificate")));
    form->addRow(tr("Client certificate:"), fileRow(m_certFile, tr("Client certificate")));
    form->addRow(tr("Client key:"), fileRow(m_keyFile, tr("Client key")));
    form->addRow(tr("Key passphrase:"), m_keyPassphrase);
    form->addRow(QString(), m_insecure);
    form->addRow(QString(), m_insecureWarning);
    form->addRow(tr("Connect &timeout:"), m_timeout);
    form->addRow(tr("&Label:"), m_label);
    form->addRow(tr("&Colour:"), m_color);
    m_tcpFields = {m_host, m_port};
    m_tlsFields = {m_caFile, m_certFile, m_keyFile, m_keyPassphrase, m_insecure};
    m_unixFields = {m_socket};

    for (QLineEdit* e : {m_host, m_socket, m_user, m_caFile, m_certFile, m_keyFile})
        connect(e, &QLineEdit::textEdited, this, &ConnectionDialog::updateUrlFromFields);
    for (QSpinBox* s : {m_port, m_db, m_timeout})
        connect(s, &QSpinBox::valueChanged, this, &ConnectionDialog::updateUrlFromFields);
    connect(m_insecure, &QCheckBox::toggled, this, [this] {
        updateTransportUi();
        updateUrlFromFields();
    });
    for (QComboBox* combo : {m_transport, m_kind}) {
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            updateTransportUi();
            updateUrlFromFields();
        });
    }

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
    right->addLayout(form);
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
    m_password->clear();
    m_password->setPlaceholderText(tr("asking the keychain…"));
    m_passwordEdited = false;
    // Saving before the keychain answered would store the empty field over the password.
    m_saveButton->setEnabled(false);
    m_connectButton->setEnabled(false);
    m_sentinelPasswordEdited = false;
    m_keyPassphraseEdited = false;
    m_vault->load(p.secretKey(), this, [this, id, p](const PasswordVault::Result& r) {
        if (m_id != id)
            return; // another profile is shown meanwhile
        loadOtherSecrets(p, [this, id] {
            if (m_id != id)
                return;
            m_saveButton->setEnabled(true);
            m_connectButton->setEnabled(true);
        });
        m_password->setPlaceholderText(QString());
        if (m_passwordEdited)
            return; // the user typed one meanwhile
        if (r.status == SecretStore::Status::Ok)
            m_password->setText(QString::fromUtf8(r.password));
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
    ProfileSecrets::load(
        m_vault, p, this, [this, id, done = std::move(done)](const ConnectionProfile& loaded) {
            if (m_id == id && !m_sentinelPasswordEdited)
                m_sentinel->setSentinelPassword(loaded.server.sentinelPassword);
            if (m_id == id && !m_keyPassphraseEdited)
                m_keyPassphrase->setText(QString::fromUtf8(loaded.server.clientKeyPassphrase));
            done();
        });
}

void ConnectionDialog::showProfile(const ConnectionProfile& p)
{
    m_filling = true;
    const ConnectionSettings& s = p.server;
    m_name->setText(p.name);
    m_kind->setCurrentIndex(m_kind->findData(int(
        s.isSentinel() ? ConnectionProfile::Kind::Sentinel : ConnectionProfile::Kind::Standalone)));
    m_sentinel->show(s);
    if (!s.sentinelPassword.isEmpty()) {
        m_sentinel->setSentinelPassword(s.sentinelPassword);
        m_sentinelPasswordEdited = true;
    }
    m_autoName.clear();
    m_transport->setCurrentIndex(m_transport->findData(int(s.transport)));
    m_host->setText(s.host);
    m_port->setValue(s.port);
    m_socket->setText(s.socketPath);
    m_db->setValue(s.db);
    m_user->setText(QString::fromUtf8(s.user));
    m_caFile->setText(s.caCertFile);
    m_certFile->setText(s.clientCertFile);
    m_keyFile->setText(s.clientKeyFile);
    if (!s.clientKeyPassphrase.isEmpty())
        m_keyPassphrase->setText(QString::fromUtf8(s.clientKeyPassphrase));
    m_insecure->setChecked(s.tlsInsecure);
    m_timeout->setValue(s.connectTimeoutMs);
    m_label->setText(p.label);
    const int color = m_color->findData(p.color);
    m_color->setCurrentIndex(color < 0 ? 0 : color);
    m_url->setText(p.url());
    m_testResult->clear();
    m_filling = false;
    updateTransportUi();
}

void ConnectionDialog::newProfile()
{
    m_id.clear();
    ConnectionProfile p;
    p.name.clear();
    showProfile(p);
    m_url->clear();
    m_password->clear();
    m_password->setPlaceholderText(QString());
    m_passwordEdited = false;
    m_sentinel->clear();
    m_sentinelPasswordEdited = false;
    m_keyPassphrase->clear();
    m_keyPassphraseEdited = false;
    m_saveButton->setEnabled(true);
    m_connectButton->setEnabled(true);
    m_secretNote->clear();
    m_list->clearSelection();
    m_name->setFocus();
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
    ConnectionProfile p = profile();
    QByteArray password;
    QString error;
    // A name the URL filled in follows the URL as it is typed; one the user typed stays.
    const QString typed = m_name->text().trimmed();
    const bool userNamed = !typed.isEmpty() && typed != m_autoName;
    p.name = userNamed ? typed : QString();
    QString note;
    if (RedisCliImport::looksLikeCommand(url)) { // a redis-cli command line
        RedisCliImport::Result r;
        if (!RedisCliImport::parseCommand(url, QProcessEnvironment::systemEnvironment(), &r,
                                          &error)) {
            m_testResult->setText(error);
            return false;
        }
        r.profile.id = p.id;
        r.profile.label = p.label;
        r.profile.color = p.color;
        if (userNamed)
            r.profile.name = typed;
        p = r.profile;
        password = r.password;
        if (!r.ignored.isEmpty())
            note =
                tr("Not used from the command line: %1").arg(r.ignored.join(QStringLiteral(", ")));
    } else if (!ConnectionProfile::fromUrl(url, &p, &password, &error)) {
        m_testResult->setText(error);
        return false;
    }
    // The user's text until they edit a field, its password shown as bullets (a password
    // made only of bullets is the one masked before: the field keeps it).
    const QString keep = RedisCliImport::maskPassword(m_url->text());
    showProfile(p);
    m_testResult->setText(note);
    m_autoName = userNamed ? QString() : p.name;
    m_url->setText(keep);
    if (!password.isEmpty() && !RedisCliImport::isMask(password)) {
        m_password->setText(QString::fromUtf8(password));
        m_passwordEdited = true;
    }
    return true;
}

ConnectionProfile ConnectionDialog::profile() const
{
    ConnectionProfile p;
    p.id = m_id;
    p.name = m_name->text().trimmed();
    ConnectionSettings& s = p.server;
    s.transport = sentinelKind() ? Transport::Tcp : Transport(m_transport->currentData().toInt());
    s.host = m_host->text().trimmed();
    s.port = quint16(m_port->value());
    s.socketPath = m_socket->text().trimmed();
    s.db = m_db->value();
    s.user = m_user->text().toUtf8();
    s.password.clear();
    if (s.transport == Transport::Tls) {
        s.caCertFile = m_caFile->text().trimmed();
        s.clientCertFile = m_certFile->text().trimmed();
        s.clientKeyFile = m_keyFile->text().trimmed();
        if (!s.clientKeyFile.isEmpty())
            s.clientKeyPassphrase = m_keyPassphrase->text().toUtf8();
        s.tlsInsecure = m_insecure->isChecked();
    }
    s.connectTimeoutMs = m_timeout->value();
    if (sentinelKind() && m_sentinel->apply(&s))
        p.kind = ConnectionProfile::Kind::Sentinel;
    p.label = m_label->text().trimmed();
    p.color = m_color->currentData().toString();
    if (p.name.isEmpty())
        p.name = ConnectionProfile::defaultName(s);
    return p;
}

QByteArray ConnectionDialog::password() const { return m_password->text().toUtf8(); }

QByteArray ConnectionDialog::sentinelPassword() const
{
    return sentinelKind() ? m_sentinel->sentinelPassword() : QByteArray();
}

QByteArray ConnectionDialog::keyPassphrase() const { return profile().server.clientKeyPassphrase; }

bool ConnectionDialog::sentinelKind() const
{
    return ConnectionProfile::Kind(m_kind->currentData().toInt()) ==
           ConnectionProfile::Kind::Sentinel;
}

QString ConnectionDialog::testResult() const { return m_testResult->text(); }

void ConnectionDialog::updateTransportUi()
{
    // A Sentinel profile: the Sentinel section instead of host/port, over TCP.
    const bool sentinel = sentinelKind();
    m_sentinel->setVisible(sentinel);
    m_transport->setEnabled(!sentinel);
    const auto t = sentinel ? Transport::Tcp : Transport(m_transport->currentData().toInt());
    for (QWidget* w : std::as_const(m_tcpFields))
        w->setEnabled(t != Transport::Unix && !sentinel);
    for (QWidget* w : std::as_const(m_tlsFields))
        w->setEnabled(t == Transport::Tls);
    for (QWidget* w : std::as_const(m_unixFields))
        w->setEnabled(t == Transport::Unix);
    m_insecureWarning->setVisible(t == Transport::Tls && m_insecure->isChecked());
}

void ConnectionDialog::importEnvironment()
{
    RedisCliImport::Result r;
    QString error;
    if (!RedisCliImport::fromEnvironment(QProcessEnvironment::systemEnvironment(), &r, &error)) {
        m_testResult->setText(error);
        return;
    }
    newProfile();
    showProfile(r.profile);
    m_autoName = r.profile.name;
    m_password->setText(QString::fromUtf8(r.password));
    m_passwordEdited = !r.password.isEmpty();
    m_testResult->setText(tr("Imported from the environment: Save keeps it, and its password "
                             "goes to the keychain like any other."));
}

void ConnectionDialog::updateUrlFromFields()
{
    if (m_filling)
        return;
    const ConnectionProfile p = profile();
    // A Sentinel profile without an address or a master name has no URL yet.
    m_url->setText(sentinelKind() && !p.server.isSentinel() ? QString() : p.url());
}

QString ConnectionDialog::chooseFile(const QString& title, QLineEdit* edit)
{
    const QString file = QFileDialog::getOpenFileName(this, title, edit->text());
    if (!file.isEmpty()) {
        edit->setText(file);
        updateUrlFromFields();
    }
    return file;
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
