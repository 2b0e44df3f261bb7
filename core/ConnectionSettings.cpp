#include "ConnectionSettings.h"

#include <QCoreApplication>
#include <QUrl>
#include <QUrlQuery>

namespace rqc {

namespace {
bool parseDb(const QString& text, int* db, QString* error)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0) {
        *error = ConnectionSettings::tr("The database number \"%1\" is not a non-negative integer.").arg(text);
        return false;
    }
    *db = value;
    return true;
}
} // namespace

bool ConnectionSettings::parse(const QString& urlText, ConnectionSettings* out, QString* error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    const QString trimmed = urlText.trimmed();
    if (trimmed.isEmpty()) {
        *error = tr("The server URL is empty.");
        return false;
    }
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = tr("\"%1\" is not a valid URL: %2").arg(trimmed, url.errorString());
        return false;
    }
    ConnectionSettings s;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("redis") || scheme == QLatin1String("rediss")) {
        s.transport = scheme == QLatin1String("rediss") ? Transport::Tls : Transport::Tcp;
        if (url.host().isEmpty()) {
            *error = tr("The URL \"%1\" names no host.").arg(trimmed);
            return false;
        }
        s.host = url.host();
        const int port = url.port(6379);
        if (port <= 0 || port > 65535) {
            *error = tr("The port in \"%1\" is out of range.").arg(trimmed);
            return false;
        }
        s.port = quint16(port);
        QString path = url.path();
        if (path.startsWith(QLatin1Char('/')))
            path.remove(0, 1);
        if (!path.isEmpty() && !parseDb(path, &s.db, error))
            return false;
    } else if (scheme == QLatin1String("unix")) {
        s.transport = Transport::Unix;
        s.socketPath = url.path();
        if (s.socketPath.isEmpty()) {
            *error = tr("The URL \"%1\" names no socket path.").arg(trimmed);
            return false;
        }
    } else {
        *error = tr("Unsupported URL scheme \"%1\": use redis://, rediss:// or unix://.")
                     .arg(url.scheme());
        return false;
    }
    const QUrlQuery query(url);
    if (query.hasQueryItem(QStringLiteral("db"))
        && !parseDb(query.queryItemValue(QStringLiteral("db")), &s.db, error))
        return false;
    if (query.hasQueryItem(QStringLiteral("cacert")))
        s.caCertFile = query.queryItemValue(QStringLiteral("cacert"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("insecure"))) {
        const QString v = query.queryItemValue(QStringLiteral("insecure")).toLower();
        s.tlsInsecure = v.isEmpty() || v == QLatin1String("1") || v == QLatin1String("true");
    }
    if (query.hasQueryItem(QStringLiteral("timeout"))) {
        bool ok = false;
        const int ms = query.queryItemValue(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || ms <= 0) {
            *error = tr("The timeout in \"%1\" must be a positive number of milliseconds.")
                         .arg(trimmed);
            return false;
        }
        s.connectTimeoutMs = ms;
    }

    // redis://user:password@host, or redis://:password@host (legacy password-only AUTH).
    // Decoded from the encoded form so that any byte (%FF, %00) survives as that byte.
    s.user = QByteArray::fromPercentEncoding(url.userName(QUrl::FullyEncoded).toLatin1());
    const QByteArray password =
        QByteArray::fromPercentEncoding(url.password(QUrl::FullyEncoded).toLatin1());
    if (password.isEmpty() && !url.userInfo().contains(QLatin1Char(':')) && !s.user.isEmpty()) {
        // redis://secret@host: redis-cli treats a lone user-info as the password.
        s.password = s.user;
        s.user.clear();
    } else {
        s.password = password;
    }
    if (s.password.isEmpty())
        s.password = qgetenv("REDISCLI_AUTH");
    *out = s;
    return true;
}

ConnectionSettings ConnectionSettings::fromUrl(const QString& url)
{
    ConnectionSettings s;
    parse(url, &s, nullptr);
    return s;
}

QString ConnectionSettings::displayUrl() const
{
    QString userPart;
    if (!user.isEmpty())
        userPart = QString::fromUtf8(user) + QLatin1Char('@');
    switch (transport) {
    case Transport::Unix:
        return QStringLiteral("unix://%1?db=%2").arg(socketPath).arg(db);
    case Transport::Tls:
    case Transport::Tcp: {
        QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']')
                                                      : host;
        return QStringLiteral("%1://%2%3:%4/%5")
            .arg(transport == Transport::Tls ? QStringLiteral("rediss") : QStringLiteral("redis"),
                 userPart, h)
            .arg(port)
            .arg(db);
    }
    }
    return {};
}

bool ConnectionSettings::operator==(const ConnectionSettings& o) const
{
    return transport == o.transport && host == o.host && port == o.port
        && socketPath == o.socketPath && db == o.db && user == o.user && password == o.password
        && caCertFile == o.caCertFile && tlsInsecure == o.tlsInsecure
        && connectTimeoutMs == o.connectTimeoutMs;
}

} // namespace rqc
