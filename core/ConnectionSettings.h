#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>

namespace rqc {

// Where and how to reach a Redis server, parsed from a redis://, rediss:// or unix:// URL, or
// redis+sentinel://[user:pass@]host:26379[,host2:26379…]/MASTER_NAME[/db]: then the master is
// found through the Sentinels at every connect (see SentinelResolver), and host/port are the
// address found last.
struct ConnectionSettings {
    Q_DECLARE_TR_FUNCTIONS(rqc::ConnectionSettings)

public:
    enum class Transport { Tcp, Tls, Unix };

    Transport transport = Transport::Tcp;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QString socketPath; // Unix
    int db = 0;
    QByteArray user;     // ACL user; empty means the default user
    QByteArray password; // empty means no AUTH
    // TLS: a CA file to trust in addition to the system's, and whether to skip verification.
    QString caCertFile;
    // TLS client authentication: a PEM certificate and its PEM private key, and the key's
    // passphrase when it is encrypted (kept in the keychain, never in a URL or the settings).
    QString clientCertFile;
    QString clientKeyFile;
    QByteArray clientKeyPassphrase;
    bool tlsInsecure = false;
    int connectTimeoutMs = 3000;
    // The largest value, or whole reply once decoded, the server may send on one connection;
    // beyond it the connection fails with a clear error (default: Redis's proto-max-bulk-len).
    qint64 maxReplyBytes = 512LL * 1024 * 1024;
    // Half-open detection (URL query health=SECONDS, 0 = off): the longest a reply may be owed
    // with nothing arriving (beyond a blocking command's own timeout) before the connection is
    // failed. Idle connections PING, and blocking commands time out, after a third of it, so a
    // network that silently stops delivering is noticed within about 4/3 of it.
    int healthMs = 20000;
    // A node of a Redis Cluster (URL query cluster=1, or found so at connect): keys are routed to
    // the node serving their slot, and a reliable list's companion keys carry the queue's hash tag
    // ({queue}:processing:…) so that they share its slot.
    bool cluster = false;
    // Sentinel: where to ask for the master's address (non-empty means a Sentinel set-up), the
    // name the Sentinels monitor it under, and their own password (requirepass of the Sentinels;
    // the master's is password above). Query sentinel_password= in the URL.
    QList<QPair<QString, quint16>> sentinels;
    QString masterName;
    QByteArray sentinelPassword;
    bool isSentinel() const { return !sentinels.isEmpty(); }
    // The address in use: host:port (the master found last, for a Sentinel set-up), or the socket.
    QString address() const;

    // How long a blocking command (BRPOP, BLMOVE, XREAD… BLOCK) may wait on the server before it
    // is issued again: bounded so that a silent network is noticed. 0 = for ever (health off).
    qint64 blockMs() const { return healthMs > 0 ? qMax(100, healthMs / 3) : 0; }
    // The same as a BRPOP/BLMOVE timeout argument (seconds) and an XREAD BLOCK argument (ms).
    QByteArray blockSecondsArg() const;
    QByteArray blockMillisArg() const { return QByteArray::number(blockMs()); }

    // Parses a URL. On failure returns false and sets *error to a sentence for the user.
    // When the URL carries no password, REDISCLI_AUTH (as in redis-cli) supplies it.
    static bool parse(const QString& url, ConnectionSettings* out, QString* error);
    static ConnectionSettings fromUrl(const QString& url); // asserts nothing; default on failure

    // The URL again, without the password (for titles and logs): parse(displayUrl()) gives the
    // same settings but the password. A user shows as redis://alice:@host, which neither parse()
    // nor redis-cli takes for a password.
    QString displayUrl() const;
    bool operator==(const ConnectionSettings& o) const;
    bool operator!=(const ConnectionSettings& o) const { return !(*this == o); }

private:
    static bool parseSentinel(const QString& text, const QString& shown, ConnectionSettings* out,
                              QString* error);
};

} // namespace rqc

Q_DECLARE_METATYPE(rqc::ConnectionSettings)
