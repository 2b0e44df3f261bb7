#include "ConnectionStore.h"

#include <QSettings>
#include <QUuid>

#include <algorithm>

namespace rqc {

namespace {
const QString kGroup = QStringLiteral("connections");
const QString kLastUsedKey = QStringLiteral("connection/lastUsed");
} // namespace

ConnectionStore::ConnectionStore(QSettings* settings, QObject* parent)
    : QObject(parent)
    , m_settings(settings)
{
}

QList<ConnectionProfile> ConnectionStore::profiles() const
{
    m_settings->beginGroup(kGroup);
    const QStringList ids = m_settings->childGroups();
    m_settings->endGroup();
    QList<ConnectionProfile> result;
    for (const QString& id : ids) {
        const ConnectionProfile p = profile(id);
        if (!p.id.isEmpty())
            result << p;
    }
    std::sort(result.begin(), result.end(),
              [](const ConnectionProfile& a, const ConnectionProfile& b) {
                  return a.name.localeAwareCompare(b.name) < 0;
              });
    return result;
}

bool ConnectionStore::contains(const QString& id) const
{
    return !id.isEmpty() &&
           m_settings->contains(kGroup + QLatin1Char('/') + id + QLatin1String("/url"));
}

ConnectionProfile ConnectionStore::profile(const QString& id) const
{
    if (!contains(id))
        return {};
    m_settings->beginGroup(kGroup + QLatin1Char('/') + id);
    ConnectionProfile p;
    p.id = id;
    p.name = m_settings->value(QStringLiteral("name")).toString();
    p.label = m_settings->value(QStringLiteral("label")).toString();
    p.color = m_settings->value(QStringLiteral("color")).toString();
    const QString url = m_settings->value(QStringLiteral("url")).toString();
    m_settings->endGroup();
    // The stored URL has no password; parse() would take REDISCLI_AUTH then: not for a profile.
    if (!ConnectionSettings::parse(url, &p.server, nullptr))
        return {};
    p.server.password.clear();
    p.kind = p.server.isSentinel() ? ConnectionProfile::Kind::Sentinel
                                   : ConnectionProfile::Kind::Standalone;
    return p;
}

ConnectionProfile ConnectionStore::save(ConnectionProfile p)
{
    if (p.id.isEmpty())
        p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.server.password.clear();
    p.server.sentinelPassword.clear();
    p.server.clientKeyPassphrase.clear();
    m_settings->beginGroup(kGroup + QLatin1Char('/') + p.id);
    m_settings->setValue(QStringLiteral("name"), p.name);
    m_settings->setValue(QStringLiteral("kind"), p.server.isSentinel()
                                                     ? QStringLiteral("sentinel")
                                                     : QStringLiteral("standalone"));
    m_settings->setValue(QStringLiteral("url"), p.url());
    m_settings->setValue(QStringLiteral("label"), p.label);
    m_settings->setValue(QStringLiteral("color"), p.color);
    m_settings->endGroup();
    m_settings->sync();
    emit changed();
    return p;
}

void ConnectionStore::remove(const QString& id)
{
    if (id.isEmpty())
        return;
    m_settings->remove(kGroup + QLatin1Char('/') + id);
    if (lastUsed() == id)
        m_settings->remove(kLastUsedKey);
    m_settings->sync();
    emit changed();
}

QString ConnectionStore::lastUsed() const
{
    const QString id = m_settings->value(kLastUsedKey).toString();
    return contains(id) ? id : QString();
}

void ConnectionStore::setLastUsed(const QString& id)
{
    m_settings->setValue(kLastUsedKey, id);
    m_settings->sync();
}

} // namespace rqc
