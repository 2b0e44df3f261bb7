#include "AccessDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace rqc {

AccessDialog::AccessDialog(AccessRefusal kind, const QString& reason,
                           const ConnectionSettings& current, QWidget* parent)
    : QDialog(parent)
    , m_kind(kind)
    , m_current(current)
{
    setObjectName(QStringLiteral("accessDialog"));
    const bool certificate = kind == AccessRefusal::Certificate;
    setWindowTitle(certificate ? tr("Certificate not trusted") : tr("Password required"));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(this);
    intro->setObjectName(QStringLiteral("accessReason"));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    intro->setText(
        certificate
            ? tr("%1 refused the connection: TLS does not trust the server's certificate.\n%2\n\n"
                 "Every connection to this server has stopped. Trust a CA file that signed the "
                 "certificate, or skip verification.")
                  .arg(current.displayUrl(), reason)
            : tr("%1 refused the connection: %2\n\nEvery connection to this server has stopped. "
                 "Enter the password (and the ACL user, if any) to connect again. It is kept "
                 "in memory only, never written to the settings file.")
                  .arg(current.displayUrl(), reason));
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_userEdit = new QLineEdit(QString::fromUtf8(current.user), this);
    m_userEdit->setObjectName(QStringLiteral("accessUserEdit"));
    m_userEdit->setPlaceholderText(tr("default"));
    m_passwordEdit = new QLineEdit(this);
    m_passwordEdit->setObjectName(QStringLiteral("accessPasswordEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    if (certificate)
        m_passwordEdit->setPlaceholderText(tr("unchanged"));
    form->addRow(tr("&User (optional):"), m_userEdit);
    form->addRow(tr("&Password:"), m_passwordEdit);

    if (certificate) {
        auto* caRow = new QHBoxLayout;
        m_caFileEdit = new QLineEdit(current.caCertFile, this);
        m_caFileEdit->setObjectName(QStringLiteral("accessCaFileEdit"));
        auto* browse = new QPushButton(tr("&Browse…"), this);
        browse->setObjectName(QStringLiteral("accessCaBrowse"));
        connect(browse, &QPushButton::clicked, this, &AccessDialog::chooseCaFile);
        caRow->addWidget(m_caFileEdit, 1);
        caRow->addWidget(browse);
        form->addRow(tr("&CA file:"), caRow);
        m_insecureCheck = new QCheckBox(tr("&Skip certificate verification"), this);
        m_insecureCheck->setObjectName(QStringLiteral("accessInsecureCheck"));
        m_insecureCheck->setChecked(current.tlsInsecure);
        form->addRow(QString(), m_insecureCheck);
        m_insecureWarning =
            new QLabel(tr("Not verified: anyone between you and the server can read and change "
                          "everything, the password included. The window says so while it lasts."),
                       this);
        m_insecureWarning->setObjectName(QStringLiteral("accessInsecureWarning"));
        m_insecureWarning->setWordWrap(true);
        m_insecureWarning->setStyleSheet(QStringLiteral("color: #b00020;"));
        m_insecureWarning->setVisible(current.tlsInsecure);
        connect(m_insecureCheck, &QCheckBox::toggled, m_insecureWarning, &QLabel::setVisible);
        form->addRow(QString(), m_insecureWarning);
    }
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("accessButtons"));
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    if (certificate)
        m_caFileEdit->setFocus();
    else
        m_passwordEdit->setFocus();
}

ConnectionSettings AccessDialog::settings() const
{
    ConnectionSettings s = m_current;
    s.user = m_userEdit->text().trimmed().toUtf8();
    const QByteArray password = m_passwordEdit->text().toUtf8();
    if (!password.isEmpty() || m_kind == AccessRefusal::Credentials)
        s.password = password;
    if (m_kind == AccessRefusal::Certificate) {
        s.caCertFile = m_caFileEdit->text().trimmed();
        s.tlsInsecure = m_insecureCheck->isChecked();
    }
    return s;
}

void AccessDialog::chooseCaFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("CA certificate"), m_caFileEdit->text(),
                                     tr("Certificates (*.pem *.crt *.cer);;All files (*)"));
    if (!path.isEmpty())
        m_caFileEdit->setText(path);
}

} // namespace rqc
