#include "SentinelFields.h"

#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>

namespace rqc {

SentinelFields::SentinelFields(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("sentinelFields"));
    m_addresses = new QLineEdit(this);
    m_addresses->setObjectName(QStringLiteral("sentinelsEdit"));
    m_addresses->setPlaceholderText(tr("host:26379, host2:26379, …"));
    m_addresses->setToolTip(tr("Where to ask for the master: the Sentinels' addresses, separated "
                               "by commas (26379 when no port is given)."));
    m_master = new QLineEdit(this);
    m_master->setObjectName(QStringLiteral("masterNameEdit"));
    m_master->setPlaceholderText(tr("the name the Sentinels monitor, e.g. mymaster"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("sentinelPasswordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("only if the Sentinels have their own requirepass"));
    m_password->setToolTip(tr("The Sentinels' own password, not the data node's (that one is "
                              "the Password field). Kept in the system keychain."));
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Sentinels:"), m_addresses);
    form->addRow(tr("Master name:"), m_master);
    form->addRow(tr("Sentinel password:"), m_password);
    connect(m_addresses, &QLineEdit::textEdited, this, &SentinelFields::edited);
    connect(m_master, &QLineEdit::textEdited, this, &SentinelFields::edited);
    connect(m_password, &QLineEdit::textEdited, this, &SentinelFields::passwordEdited);
}

void SentinelFields::show(const ConnectionSettings& s)
{
    m_addresses->setText(addressText(s.sentinels));
    m_master->setText(s.masterName);
}

bool SentinelFields::apply(ConnectionSettings* s) const
{
    s->sentinels = parseAddresses(m_addresses->text());
    s->masterName = m_master->text().trimmed();
    s->sentinelPassword = sentinelPassword();
    if (s->sentinels.isEmpty() || s->masterName.isEmpty()) {
        s->sentinels.clear();
        return false;
    }
    s->host = s->sentinels.first().first;
    s->port = s->sentinels.first().second;
    return true;
}

QByteArray SentinelFields::sentinelPassword() const { return m_password->text().toUtf8(); }

void SentinelFields::setSentinelPassword(const QByteArray& password)
{
    m_password->setText(QString::fromUtf8(password));
}

void SentinelFields::clear()
{
    m_addresses->clear();
    m_master->clear();
    m_password->clear();
}

QString SentinelFields::addressText(const QList<QPair<QString, quint16>>& sentinels)
{
    QStringList parts;
    for (const auto& [host, port] : sentinels) {
        const QString h =
            host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
        parts << h + QLatin1Char(':') + QString::number(port);
    }
    return parts.join(QStringLiteral(", "));
}

QList<QPair<QString, quint16>> SentinelFields::parseAddresses(const QString& text)
{
    // host, host:port, [v6]:port, [v6]
    static const QRegularExpression part(
        QStringLiteral("^(?:\\[([0-9A-Fa-f:.]+)\\]|([^:\\[\\]/@\\s]+))(?::(\\d{1,5}))?$"));
    QList<QPair<QString, quint16>> out;
    for (const QString& word :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        const QRegularExpressionMatch m = part.match(word);
        if (!m.hasMatch())
            continue;
        const QString host = m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
        const uint port = m.captured(3).isEmpty() ? 26379u : m.captured(3).toUInt();
        if (port == 0 || port > 65535)
            continue;
        out.append({host, quint16(port)});
    }
    return out;
}

} // namespace rqc
