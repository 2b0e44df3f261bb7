#pragma once

#include <QMetaType>
#include <QString>

namespace rqc {

class RedisConnection;

// A connection failure that retrying cannot cure: the server refused our credentials
// (WRONGPASS, NOAUTH…), or TLS refused the server's certificate (untrusted, expired, another
// host name). Such a failure stops every connection to that server until the user changes
// something (a password, a CA file, skipping verification); retrying would only knock on the
// server's door again and again.
enum class AccessRefusal { None, Credentials, Certificate };

// What kind of failure conn's last failed() was (call it from the failed() handler). error is
// the text failed() carried.
AccessRefusal accessRefusalOf(const RedisConnection& conn, const QString& error);

// Whether error (Redis's own text of a handshake reply) refuses our credentials.
bool refusesCredentials(const QString& error);

} // namespace rqc

Q_DECLARE_METATYPE(rqc::AccessRefusal)
