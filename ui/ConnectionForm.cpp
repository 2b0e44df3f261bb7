#include "ConnectionForm.h"

#include "RedisCliImport.h"
#include "SentinelFields.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcessEnvironment>
#include <QSpinBox>
#include <QToolButton>

namespace rqc {

namespace {
using Transport = ConnectionSettings::Transport;
} // namespace

ConnectionForm::ConnectionForm(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("connectionForm"));
    buildUi();
}

void ConnectionForm::buildUi()
{
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
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_name = lineEdit("nameEdit");
    m_name->setPlaceholderText(tr("e.g. orders (production)"));
    m_url = lineEdit("urlEdit");
    m_url->setPlaceholderText(tr("Paste redis://user:password@host:6379/0, rediss://…, "
                                 "unix:///path.sock or a redis-cli command line"));
    m_url->setToolTip(tr("Paste a URL and the fields below fill in; editing the fields "
                         "rewrites it (without the password)."));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kindCombo"));
    m_kind->addItem(tr("Standalone"), int(ConnectionProfile::Kind::Standalone));
    m_kind->addItem(tr("Sentinel"), int(ConnectionProfile::Kind::Sentinel));
    m_kind->setToolTip(tr("Sentinel: the master is found through the Sentinels at every connect "
                          "and followed across failovers (redis+sentinel://)."));
    m_sentinel = new SentinelFields(this);
    connect(m_sentinel, &SentinelFields::edited, this, [this] { updateUrlFromFields(); });
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
    m_importEnv = new QToolButton(this);
    m_importEnv->setObjectName(QStringLiteral("importEnvButton"));
    m_importEnv->setText(tr("From &environment"));
    m_importEnv->setToolTip(tr("Import redis-cli's connection from the console's environment: "
                               "REDIS_URL if set, and the password in REDISCLI_AUTH"));
    urlRow->addWidget(m_importEnv);
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
        connect(e, &QLineEdit::textEdited, this, [this] { updateUrlFromFields(); });
    for (QSpinBox* s : {m_port, m_db, m_timeout})
        connect(s, &QSpinBox::valueChanged, this, [this] { updateUrlFromFields(); });
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
}

void ConnectionForm::showProfile(const ConnectionProfile& p)
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
    m_filling = false;
    updateTransportUi();
}

void ConnectionForm::clear()
{
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
    m_name->setFocus();
}

void ConnectionForm::showImported(const ConnectionProfile& p, const QByteArray& password)
{
    showProfile(p);
    m_autoName = p.name;
    m_password->setText(QString::fromUtf8(password));
    m_passwordEdited = !password.isEmpty();
}

bool ConnectionForm::applyUrl(const QString& url, QString* message)
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
            *message = error;
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
        *message = error;
        return false;
    }
    // The user's text until they edit a field, its password shown as bullets (a password
    // made only of bullets is the one masked before: the field keeps it).
    const QString keep = RedisCliImport::maskPassword(m_url->text());
    showProfile(p);
    *message = note;
    m_autoName = userNamed ? QString() : p.name;
    m_url->setText(keep);
    if (!password.isEmpty() && !RedisCliImport::isMask(password)) {
        m_password->setText(QString::fromUtf8(password));
        m_passwordEdited = true;
    }
    return true;
}

ConnectionProfile ConnectionForm::profile() const
{
    ConnectionProfile p;
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

QByteArray ConnectionForm::password() const { return m_password->text().toUtf8(); }

QByteArray ConnectionForm::sentinelPassword() const
{
    return sentinelKind() ? m_sentinel->sentinelPassword() : QByteArray();
}

QByteArray ConnectionForm::keyPassphrase() const { return profile().server.clientKeyPassphrase; }

void ConnectionForm::awaitSecrets()
{
    m_password->clear();
    m_password->setPlaceholderText(tr("asking the keychain…"));
    m_passwordEdited = false;
    m_sentinelPasswordEdited = false;
    m_keyPassphraseEdited = false;
}

bool ConnectionForm::passwordArrived(bool known, const QByteArray& password)
{
    m_password->setPlaceholderText(QString());
    if (m_passwordEdited)
        return false; // the user typed one meanwhile
    if (known)
        m_password->setText(QString::fromUtf8(password));
    return true;
}

void ConnectionForm::otherSecretsArrived(const ConnectionSettings& s)
{
    if (!m_sentinelPasswordEdited)
        m_sentinel->setSentinelPassword(s.sentinelPassword);
    if (!m_keyPassphraseEdited)
        m_keyPassphrase->setText(QString::fromUtf8(s.clientKeyPassphrase));
}

bool ConnectionForm::sentinelKind() const
{
    return ConnectionProfile::Kind(m_kind->currentData().toInt()) ==
           ConnectionProfile::Kind::Sentinel;
}

void ConnectionForm::updateTransportUi()
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

void ConnectionForm::updateUrlFromFields()
{
    if (m_filling)
        return;
    const ConnectionProfile p = profile();
    // A Sentinel profile without an address or a master name has no URL yet.
    m_url->setText(sentinelKind() && !p.server.isSentinel() ? QString() : p.url());
}

QString ConnectionForm::chooseFile(const QString& title, QLineEdit* edit)
{
    const QString file = QFileDialog::getOpenFileName(this, title, edit->text());
    if (!file.isEmpty()) {
        edit->setText(file);
        updateUrlFromFields();
    }
    return file;
}

} // namespace rqc
