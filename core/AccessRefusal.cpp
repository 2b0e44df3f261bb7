#include "AccessRefusal.h"

#include "RedisConnection.h"

namespace rqc {

bool refusesCredentials(const QString& error)
{
    // Redis 6+: WRONGPASS, NOAUTH; Redis 5: "ERR invalid password", "ERR Client sent AUTH, but
    // no password is set"; 6+ without requirepass: "ERR AUTH <password> called without any
    // password configured…".
    static const char* const prefixes[] = {"WRONGPASS", "NOAUTH", "ERR invalid password",
                                           "ERR AUTH", "ERR Client sent AUTH"};
    for (const char* p : prefixes) {
        if (error.startsWith(QLatin1String(p)))
            return true;
    }
    return false;
}

AccessRefusal accessRefusalOf(const RedisConnection& conn, const QString& error)
{
    if (conn.certificateRejected())
        return AccessRefusal::Certificate;
    if (conn.refusedByServer() && refusesCredentials(error))
        return AccessRefusal::Credentials;
    return AccessRefusal::None;
}

} // namespace rqc
