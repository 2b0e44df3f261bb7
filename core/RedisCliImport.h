#pragma once

#include "ConnectionProfile.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace rqc {

// Brings redis-cli users' connections into the console: a pasted redis-cli command line
// (`redis-cli -h H -p P -a PASS --user U -n DB --tls --cacert F --cert F --key F --insecure
// -u URL -s SOCKET`), and the environment redis-cli reads (REDISCLI_AUTH, and REDIS_URL where
// set). The password goes to *password, never into the profile (the caller hands it to the
// keychain like any other).
class RedisCliImport {
    Q_DECLARE_TR_FUNCTIONS(rqc::RedisCliImport)

public:
    struct Result {
        ConnectionProfile profile;
        QByteArray password;
        // What was given but is not used (a command after the options, --sni, --askpass…).
        QStringList ignored;
    };

    // Whether text looks like a redis-cli command line rather than a URL.
    static bool looksLikeCommand(const QString& text);
    // Parses a redis-cli command line (the leading "redis-cli" may be left out). As in
    // redis-cli, -a beats the URL's password, which beats REDISCLI_AUTH from env.
    static bool parseCommand(const QString& line, const QProcessEnvironment& env, Result* out,
                             QString* error);
    // REDIS_URL (when set) and REDISCLI_AUTH: false with *error when neither is set.
    static bool fromEnvironment(const QProcessEnvironment& env, Result* out, QString* error);
    // The text with the password shown as bullets (•), for a field that must not show it in
    // clear: a URL's user-info password, or a command line's -a/--pass value. Unchanged when it
    // holds none.
    static QString maskPassword(const QString& text);
    // Whether a parsed password is only the bullets maskPassword() put there.
    static bool isMask(const QByteArray& password);
    // Splits a shell command line the way sh would for plain words: 'single' and "double"
    // quotes, backslash escapes. False for an unterminated quote or a $(…) substitution.
    static bool splitShellWords(const QString& line, QStringList* words, QString* error);
};

} // namespace rqc
