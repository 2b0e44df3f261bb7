#include "RedisCliImport.h"

#include <QRegularExpression>

namespace rqc {

namespace {
// The redis-cli options that take a value and that the console has no use for.
const QStringList kIgnoredWithValue = {
    QStringLiteral("--sni"),
    QStringLiteral("--cacertdir"),
    QStringLiteral("--tls-ciphers"),
    QStringLiteral("--tls-ciphersuites"),
    QStringLiteral("-r"),
    QStringLiteral("-i"),
    QStringLiteral("-d"),
    QStringLiteral("-D"),
    QStringLiteral("--eval"),
    QStringLiteral("--name"),
    QStringLiteral("-t"),
    QStringLiteral("-2"),
};
} // namespace

bool RedisCliImport::looksLikeCommand(const QString& text)
{
    const QString t = text.trimmed();
    return t.startsWith(QLatin1String("redis-cli")) || t.startsWith(QLatin1Char('-'));
}

bool RedisCliImport::splitShellWords(const QString& line, QStringList* words, QString* error)
{
    words->clear();
    QString word;
    bool inWord = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('\'')) {
            const qsizetype end = line.indexOf(QLatin1Char('\''), i + 1);
            if (end < 0) {
                *error = tr("A quote (') is not closed.");
                return false;
            }
            word += line.mid(i + 1, end - i - 1);
            inWord = true;
            i = end;
        } else if (c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            for (; j < line.size() && line.at(j) != QLatin1Char('"'); ++j) {
                if (line.at(j) == QLatin1Char('$') && j + 1 < line.size() &&
                    (line.at(j + 1) == QLatin1Char('(') || line.at(j + 1) == QLatin1Char('{'))) {
                    *error = tr("The command line runs a command or reads a variable (%1): the "
                                "console does not run it. Paste the password into the password "
                                "field instead.")
                                 .arg(line.mid(j, 8) + QStringLiteral("…"));
                    return false;
                }
                if (line.at(j) == QLatin1Char('\\') && j + 1 < line.size())
                    ++j;
                word += line.at(j);
            }
            if (j >= line.size()) {
                *error = tr("A quote (\") is not closed.");
                return false;
            }
            inWord = true;
            i = j;
        } else if (c == QLatin1Char('\\') && i + 1 < line.size()) {
            word += line.at(++i);
            inWord = true;
        } else if (c == QLatin1Char('$') && i + 1 < line.size() &&
                   (line.at(i + 1) == QLatin1Char('(') || line.at(i + 1) == QLatin1Char('{') ||
                    line.at(i + 1).isLetter())) {
            *error = tr("The command line runs a command or reads a variable (%1): the console "
                        "does not run it. Paste the password into the password field instead.")
                         .arg(line.mid(i, 8) + QStringLiteral("…"));
            return false;
        } else if (c.isSpace()) {
            if (inWord)
                *words << word;
            word.clear();
            inWord = false;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        *words << word;
    return true;
}

bool RedisCliImport::parseCommand(const QString& line, const QProcessEnvironment& env, Result* out,
                                  QString* error)
{
    QStringList words;
    if (!splitShellWords(line, &words, error))
        return false;
    if (!words.isEmpty() && (words.first() == QLatin1String("redis-cli") ||
                             words.first().endsWith(QLatin1String("/redis-cli"))))
        words.removeFirst();
    ConnectionSettings s;
    QByteArray password;
    bool havePassword = false;
    QString url;
    Result result;
    bool tls = false;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString opt = words.at(i);
        auto value = [&](QString* v) {
            if (i + 1 >= words.size()) {
                *error = tr("%1 needs a value.").arg(opt);
                return false;
            }
            *v = words.at(++i);
            return true;
        };
        QString v;
        if (opt == QLatin1String("-h")) {
            if (!value(&v))
                return false;
            s.host = v;
        } else if (opt == QLatin1String("-p")) {
            if (!value(&v))
                return false;
            bool ok = false;
            const uint port = v.toUInt(&ok);
            if (!ok || port == 0 || port > 65535) {
                *error = tr("-p %1 is not a port.").arg(v);
                return false;
            }
            s.port = quint16(port);
        } else if (opt == QLatin1String("-s")) {
            if (!value(&v))
                return false;
            s.transport = ConnectionSettings::Transport::Unix;
            s.socketPath = v;
        } else if (opt == QLatin1String("-a") || opt == QLatin1String("--pass")) {
            if (!value(&v))
                return false;
            password = v.toUtf8();
            havePassword = true;
        } else if (opt == QLatin1String("--user")) {
            if (!value(&v))
                return false;
            s.user = v.toUtf8();
        } else if (opt == QLatin1String("-n")) {
            if (!value(&v))
                return false;
            bool ok = false;
            s.db = v.toInt(&ok);
            if (!ok || s.db < 0) {
                *error = tr("-n %1 is not a database number.").arg(v);
                return false;
            }
        } else if (opt == QLatin1String("-u")) {
            if (!value(&url))
                return false;
        } else if (opt == QLatin1String("--tls")) {
            tls = true;
        } else if (opt == QLatin1String("--cacert")) {
            if (!value(&v))
                return false;
            s.caCertFile = v;
        } else if (opt == QLatin1String("--cert")) {
            if (!value(&v))
                return false;
            s.clientCertFile = v;
        } else if (opt == QLatin1String("--key")) {
            if (!value(&v))
                return false;
            s.clientKeyFile = v;
        } else if (opt == QLatin1String("--insecure")) {
            s.tlsInsecure = true;
        } else if (opt == QLatin1String("--askpass")) {
            result.ignored << tr("--askpass (type the password into the password field)");
        } else if (kIgnoredWithValue.contains(opt)) {
            if (!value(&v))
                return false;
            result.ignored << opt + QLatin1Char(' ') + v;
        } else if (opt.startsWith(QLatin1Char('-'))) {
            result.ignored << opt;
        } else {
            // The first word that is no option starts a command (redis-cli -h x PING).
            result.ignored << words.mid(i).join(QLatin1Char(' '));
            break;
        }
    }
    if (tls && s.transport != ConnectionSettings::Transport::Unix)
        s.transport = ConnectionSettings::Transport::Tls;
    if (!url.isEmpty()) {
        // -u gives the address; the options beside it only add TLS files, as in redis-cli.
        ConnectionSettings fromUrl;
        if (!ConnectionSettings::parse(url, &fromUrl, error))
            return false;
        if (!havePassword && !fromUrl.password.isEmpty()) {
            password = fromUrl.password;
            havePassword = true;
        }
        fromUrl.password.clear();
        if (fromUrl.caCertFile.isEmpty())
            fromUrl.caCertFile = s.caCertFile;
        if (fromUrl.clientCertFile.isEmpty())
            fromUrl.clientCertFile = s.clientCertFile;
        if (fromUrl.clientKeyFile.isEmpty())
            fromUrl.clientKeyFile = s.clientKeyFile;
        fromUrl.tlsInsecure = fromUrl.tlsInsecure || s.tlsInsecure;
        s = fromUrl;
    }
    if (!havePassword)
        password = env.value(QStringLiteral("REDISCLI_AUTH")).toUtf8();
    s.password.clear();
    result.profile.server = s;
    result.profile.name = ConnectionProfile::defaultName(s);
    result.password = password;
    *out = result;
    return true;
}

QString RedisCliImport::maskPassword(const QString& text)
{
    const QChar bullet(0x2022);
    if (looksLikeCommand(text)) {
        static const QRegularExpression re(
            QStringLiteral("(\\s(?:-a|--pass)\\s+)('[^']*'|\"[^\"]*\"|\\S+)"));
        QString out = text;
        QRegularExpressionMatchIterator it = re.globalMatch(text);
        QList<QRegularExpressionMatch> matches;
        while (it.hasNext())
            matches << it.next();
        for (qsizetype i = matches.size() - 1; i >= 0; --i) {
            const QRegularExpressionMatch& m = matches.at(i);
            out.replace(m.capturedStart(2), m.capturedLength(2),
                        QString(m.capturedLength(2), bullet));
        }
        return out;
    }
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    if (scheme < 0)
        return text;
    const qsizetype start = scheme + 3;
    qsizetype end = text.indexOf(QLatin1Char('/'), start);
    if (end < 0)
        end = text.size();
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'), end - 1);
    if (at < start)
        return text;
    // user:password@ or password@ (a lone user-info is a password, as in redis-cli)
    const qsizetype colon = text.indexOf(QLatin1Char(':'), start);
    const qsizetype from = colon >= 0 && colon < at ? colon + 1 : start;
    QString out = text;
    out.replace(from, at - from, QString(at - from, bullet));
    return out;
}

bool RedisCliImport::isMask(const QByteArray& password)
{
    const QString text = QString::fromUtf8(password);
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c != QChar(0x2022))
            return false;
    }
    return true;
}

bool RedisCliImport::fromEnvironment(const QProcessEnvironment& env, Result* out, QString* error)
{
    const QString url = env.value(QStringLiteral("REDIS_URL"));
    const QByteArray auth = env.value(QStringLiteral("REDISCLI_AUTH")).toUtf8();
    if (url.isEmpty() && auth.isEmpty()) {
        *error = tr("Neither REDIS_URL nor REDISCLI_AUTH is set in the console's environment.");
        return false;
    }
    Result result;
    ConnectionSettings s; // redis-cli's own default: 127.0.0.1:6379
    if (!url.isEmpty() && !ConnectionSettings::parse(url, &s, error)) {
        *error = tr("REDIS_URL: %1").arg(*error);
        return false;
    }
    // The URL's own password first, then REDISCLI_AUTH, as redis-cli -u does.
    result.password = url.isEmpty() ? QByteArray() : s.password;
    if (result.password.isEmpty())
        result.password = auth;
    s.password.clear();
    result.profile.server = s;
    result.profile.name = ConnectionProfile::defaultName(s);
    *out = result;
    return true;
}

} // namespace rqc
