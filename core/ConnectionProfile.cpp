#include "ConnectionProfile.h"

#include <QUrl>

namespace rqc {

bool ConnectionProfile::fromUrl(const QString& url, ConnectionProfile* out, QByteArray* password,
                                QString* error)
{
    ConnectionSettings server;
    if (!ConnectionSettings::parse(url, &server, error))
        return false;
    if (password)
        *password = server.password;
    server.password.clear();
    ConnectionProfile p = out ? *out : ConnectionProfile();
    p.server = server;
    p.kind = server.isSentinel() ? Kind::Sentinel : Kind::Standalone;
    if (p.name.isEmpty())
        p.name = defaultName(server);
    if (out)
        *out = p;
    return true;
}

ConnectionSettings ConnectionProfile::settings(const QByteArray& password) const
{
    ConnectionSettings s = server;
    s.password = password;
    return s;
}

QString ConnectionProfile::urlWithPassword(const QByteArray& password) const
{
    const QString plain = url();
    if (password.isEmpty())
        return plain;
    // displayUrl() writes the user as "user:@" (or nothing): put the password after the colon.
    const int schemeEnd = plain.indexOf(QLatin1String("://")) + 3;
    const QString encoded = QString::fromLatin1(password.toPercentEncoding());
    const int at = plain.indexOf(QLatin1String(":@"), schemeEnd);
    if (at >= 0 && !server.user.isEmpty())
        return plain.left(at + 1) + encoded + plain.mid(at + 1);
    return plain.left(schemeEnd) + QLatin1Char(':') + encoded + QLatin1Char('@') +
           plain.mid(schemeEnd);
}

QString ConnectionProfile::title() const { return name.isEmpty() ? url() : name; }

QString ConnectionProfile::tagText() const
{
    return label.isEmpty() ? title() : label + QStringLiteral(" · ") + title();
}

QString ConnectionProfile::defaultName(const ConnectionSettings& server)
{
    if (server.transport == ConnectionSettings::Transport::Unix)
        return server.socketPath;
    if (server.isSentinel())
        return server.masterName;
    return QStringLiteral("%1:%2").arg(server.host).arg(server.port);
}

bool ConnectionProfile::operator==(const ConnectionProfile& o) const
{
    return id == o.id && name == o.name && kind == o.kind && server == o.server &&
           label == o.label && color == o.color;
}

} // namespace rqc
