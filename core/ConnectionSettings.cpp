#include "ConnectionSettings.h"

#include <QCoreApplication>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

namespace rqc {

namespace {
bool parseDb(const QString& text, int* db, QString* error)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0) {
        *error = ConnectionSettings::tr("The database number \"%1\" is not a non-negative integer.")
                     .arg(text);
        return false;
    }
    *db = value;
    return true;
}

// URL text as typed, with any password replaced by *** (for errors about a URL that may not
// parse).
QString redactedUrl(const QString& urlText)
{
    // scheme://user:password@… keeps the user; scheme://secret@… (a lone user-info is a
    // password, as in redis-cli) keeps nothing of it. Works on text that is not a valid URL too:
    // the user-info runs to the last '@' before the query, whatever the password holds.
    const QString text = urlText.trimmed();
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    if (scheme < 0)
        return text;
    const qsizetype begin = scheme + 3;
    qsizetype query = text.indexOf(QLatin1Char('?'), begin);
    if (query < 0)
        query = text.size();
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'), query - 1);
    if (at < begin)
        return text;
    const QString info = text.mid(begin, at - begin);
    const qsizetype colon = info.indexOf(QLatin1Char(':'));
    const QString kept =
        colon < 0 ? QStringLiteral("***") : info.left(colon) + QLatin1String(":***");
    return text.left(begin) + kept + text.mid(at);
}
} // namespace

bool ConnectionSettings::parseSentinel(const QString& text, const QString& shown,
                                       ConnectionSettings* out, QString* error)
{
    // redis+sentinel://[user:pass@]h1:26379[,h2:26379…]/MASTER_NAME[/db][?query]: QUrl takes one
    // host only, so the host list is cut out here and the rest parsed as a redis:// URL.
    QString rest = text.mid(int(qstrlen("redis+sentinel://")));
    QString query;
    if (const qsizetype q = rest.indexOf(QLatin1Char('?')); q >= 0) {
        query = rest.mid(q);
        rest.truncate(q);
    }
    QString userInfo;
    if (const qsizetype at = rest.lastIndexOf(QLatin1Char('@')); at >= 0) {
        userInfo = rest.left(at + 1);
        rest.remove(0, at + 1);
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    const QString hostList = slash < 0 ? rest : rest.left(slash);
    const QStringList path =
        slash < 0 ? QStringList() : rest.mid(slash + 1).split(QLatin1Char('/'), Qt::KeepEmptyParts);
    const QString masterName =
        path.isEmpty() ? QString() : QUrl::fromPercentEncoding(path[0].toUtf8());
    if (masterName.isEmpty()) {
        *error = tr("The Sentinel URL \"%1\" names no master: use "
                    "redis+sentinel://host:26379[,host2:26379]/MASTER_NAME[/db].")
                     .arg(shown);
        return false;
    }
    if (path.size() > 2) {
        *error = tr("The Sentinel URL \"%1\" has more than a master name and a database number.")
                     .arg(shown);
        return false;
    }
    QList<QPair<QString, quint16>> sentinels;
    for (const QString& part : hostList.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        ConnectionSettings one;
        QString partError;
        const QString asUrl = QLatin1String("redis://") + part.trimmed();
        if (!parse(asUrl, &one, &partError) || one.db != 0 || part.contains(QLatin1Char('/'))) {
            *error = tr("The Sentinel address \"%1\" in \"%2\" is not host:port.").arg(part, shown);
            return false;
        }
        sentinels.append({one.host, quint16(QUrl(asUrl).port(26379))});
    }
    if (sentinels.isEmpty()) {
        *error = tr("The Sentinel URL \"%1\" names no Sentinel.").arg(shown);
        return false;
    }
    // The rest (user, password, db, timeout, health…) as for redis://, on the first Sentinel.
    const QString first = sentinels.first().first.contains(QLatin1Char(':'))
                              ? QLatin1Char('[') + sentinels.first().first + QLatin1Char(']')
                              : sentinels.first().first;
    const QString db = path.size() == 2 ? path[1] : QString();
    ConnectionSettings s;
    if (!parse(QLatin1String("redis://") + userInfo + first + QLatin1Char(':') +
                   QString::number(sentinels.first().second) + QLatin1Char('/') + db + query,
               &s, error))
        return false;
    const QUrlQuery q(QUrl(QLatin1String("redis://x/") + query));
    if (q.hasQueryItem(QStringLiteral("sentinel_password")))
        s.sentinelPassword = QByteArray::fromPercentEncoding(
            q.queryItemValue(QStringLiteral("sentinel_password"), QUrl::FullyEncoded).toLatin1());
    s.sentinels = sentinels;
    s.masterName = masterName;
    *out = s;
    return true;
}

QString ConnectionSettings::address() const
{
    if (transport == Transport::Unix)
        return socketPath;
    const QString h =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return h + QLatin1Char(':') + QString::number(port);
}

bool ConnectionSettings::parse(const QString& urlText, ConnectionSettings* out, QString* error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    const QString trimmed = urlText.trimmed();
    // Error texts show the URL without its password.
    const QString shown = redactedUrl(trimmed);
    if (trimmed.isEmpty()) {
        *error = tr("The server URL is empty.");
        return false;
    }
    if (trimmed.startsWith(QLatin1String("redis+sentinel://"), Qt::CaseInsensitive))
        return parseSentinel(trimmed, shown, out, error);
    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid()) {
        *error = tr("\"%1\" is not a valid URL: %2")
                     .arg(shown, url.errorString().section(QLatin1String("; source was"), 0, 0));
        return false;
    }
    ConnectionSettings s;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("redis") || scheme == QLatin1String("rediss")) {
        s.transport = scheme == QLatin1String("rediss") ? Transport::Tls : Transport::Tcp;
        if (url.host().isEmpty()) {
            *error = tr("The URL \"%1\" names no host.").arg(shown);
            return false;
        }
        s.host = url.host();
        const int port = url.port(6379);
        if (port <= 0 || port > 65535) {
            *error = tr("The port in \"%1\" is out of range.").arg(shown);
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
        s.socketPath = url.path(QUrl::FullyDecoded);
        if (s.socketPath.isEmpty()) {
            *error = tr("The URL \"%1\" names no socket path.").arg(shown);
            return false;
        }
        // A relative path would depend on the working directory, and unix://path reads its
        // first part as a host: only unix:///absolute/path.sock (or unix:/absolute/path.sock).
        if (!s.socketPath.startsWith(QLatin1Char('/'))) {
            *error = tr("The socket path in \"%1\" is not absolute (use "
                        "unix:///path/to/redis.sock).")
                         .arg(trimmed);
            return false;
        }
    } else {
        *error = tr("Unsupported URL scheme \"%1\": use redis://, rediss://, unix:// or "
                    "redis+sentinel://.")
                     .arg(url.scheme());
        return false;
    }
    const QUrlQuery query(url);
    if (query.hasQueryItem(QStringLiteral("db")) &&
        !parseDb(query.queryItemValue(QStringLiteral("db")), &s.db, error))
        return false;
    if (query.hasQueryItem(QStringLiteral("cacert")))
        s.caCertFile = query.queryItemValue(QStringLiteral("cacert"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("cert")))
        s.clientCertFile = query.queryItemValue(QStringLiteral("cert"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("key")))
        s.clientKeyFile = query.queryItemValue(QStringLiteral("key"), QUrl::FullyDecoded);
    if (query.hasQueryItem(QStringLiteral("insecure"))) {
        const QString v = query.queryItemValue(QStringLiteral("insecure")).toLower();
        s.tlsInsecure = v.isEmpty() || v == QLatin1String("1") || v == QLatin1String("true");
    }
    if (query.hasQueryItem(QStringLiteral("cluster"))) {
        const QString v = query.queryItemValue(QStringLiteral("cluster")).toLower();
        s.cluster = v.isEmpty() || v == QLatin1String("1") || v == QLatin1String("true");
    }
    if (query.hasQueryItem(QStringLiteral("timeout"))) {
        bool ok = false;
        const int ms = query.queryItemValue(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || ms <= 0) {
            *error =
                tr("The timeout in \"%1\" must be a positive number of milliseconds.").arg(shown);
            return false;
        }
        s.connectTimeoutMs = ms;
    }
    if (query.hasQueryItem(QStringLiteral("health"))) {
        bool ok = false;
        const double seconds = query.queryItemValue(QStringLiteral("health")).toDouble(&ok);
        if (!ok || seconds < 0 || seconds > 86400) {
            *error = tr("The health interval in \"%1\" must be a number of seconds (0 turns the "
                        "check off).")
                         .arg(trimmed);
            return false;
        }
        s.healthMs = int(seconds * 1000 + 0.5);
        if (seconds > 0 && s.healthMs < 300) {
            *error = tr("The health interval in \"%1\" must be at least 0.3 seconds.").arg(trimmed);
            return false;
        }
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

QByteArray ConnectionSettings::blockSecondsArg() const
{
    const qint64 ms = blockMs();
    return ms % 1000 == 0 ? QByteArray::number(ms / 1000) : QByteArray::number(ms / 1000.0, 'f', 3);
}

ConnectionSettings ConnectionSettings::fromUrl(const QString& url)
{
    ConnectionSettings s;
    parse(url, &s, nullptr);
    return s;
}

QString ConnectionSettings::displayUrl() const
{
    // The user is written "alice:@" — with the colon — never "alice@": a lone user-info is a
    // password to redis-cli and to parse(). The password is never written; everything else is,
    // percent-encoded where needed, so that parse(displayUrl()) gives these settings back
    // (the password aside: it comes from REDISCLI_AUTH then, if set).
    QString userPart;
    if (!user.isEmpty())
        userPart = QString::fromLatin1(user.toPercentEncoding()) + QLatin1String(":@");
    QStringList query;
    QString url;
    if (transport == Transport::Unix) {
        url = QLatin1String("unix://") + userPart +
              QString::fromLatin1(QUrl::toPercentEncoding(socketPath, "/"));
        query << QStringLiteral("db=%1").arg(db);
    } else if (isSentinel()) {
        QStringList hosts;
        for (const auto& [h, p] : sentinels)
            hosts << (h.contains(QLatin1Char(':')) ? QLatin1Char('[') + h + QLatin1Char(']') : h) +
                         QLatin1Char(':') + QString::number(p);
        url = QLatin1String("redis+sentinel://") + userPart + hosts.join(QLatin1Char(',')) +
              QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(masterName)) +
              QLatin1Char('/') + QString::number(db);
    } else {
        // Concatenated, not arg(): a percent-encoded user ("%3A") must not become a placeholder.
        const QString h =
            host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
        url =
            (transport == Transport::Tls ? QLatin1String("rediss://") : QLatin1String("redis://")) +
            userPart + h + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') +
            QString::number(db);
    }
    if (!caCertFile.isEmpty())
        query << QLatin1String("cacert=") +
                     QString::fromLatin1(QUrl::toPercentEncoding(caCertFile, "/"));
    if (!clientCertFile.isEmpty())
        query << QLatin1String("cert=") +
                     QString::fromLatin1(QUrl::toPercentEncoding(clientCertFile, "/"));
    if (!clientKeyFile.isEmpty())
        query << QLatin1String("key=") +
                     QString::fromLatin1(QUrl::toPercentEncoding(clientKeyFile, "/"));
    if (tlsInsecure)
        query << QStringLiteral("insecure=1");
    if (cluster)
        query << QStringLiteral("cluster=1");
    if (connectTimeoutMs != ConnectionSettings().connectTimeoutMs)
        query << QStringLiteral("timeout=%1").arg(connectTimeoutMs);
    if (healthMs != ConnectionSettings().healthMs)
        query << QStringLiteral("health=%1").arg(healthMs / 1000.0);
    if (!query.isEmpty())
        url += QLatin1Char('?') + query.join(QLatin1Char('&'));
    return url;
}

bool ConnectionSettings::operator==(const ConnectionSettings& o) const
{
    if (sentinels != o.sentinels || masterName != o.masterName ||
        sentinelPassword != o.sentinelPassword || clientKeyPassphrase != o.clientKeyPassphrase)
        return false;
    return transport == o.transport && host == o.host && port == o.port &&
           socketPath == o.socketPath && db == o.db && user == o.user && password == o.password &&
           caCertFile == o.caCertFile && clientCertFile == o.clientCertFile &&
           clientKeyFile == o.clientKeyFile && tlsInsecure == o.tlsInsecure &&
           connectTimeoutMs == o.connectTimeoutMs && maxReplyBytes == o.maxReplyBytes &&
           healthMs == o.healthMs && cluster == o.cluster;
}

} // namespace rqc
