#pragma once

#include "ConnectionSettings.h"

#include <QCoreApplication>
#include <QString>

namespace rqc {

// A saved server: a name, where it is (ConnectionSettings without the password), and a
// colour/label that tints its panes. Secrets never live here: the password is kept by a
// SecretStore under secretKey(). kind says how the address is used; Sentinel and Cluster
// profiles will add their own kinds and fields.
struct ConnectionProfile {
    Q_DECLARE_TR_FUNCTIONS(rqc::ConnectionProfile)

public:
    // Sentinel: server.sentinels names where to ask for the master (redis+sentinel://).
    enum class Kind { Standalone, Sentinel };

    QString id; // stable, assigned by ConnectionStore::save(); the settings group and secret key
    QString name;
    Kind kind = Kind::Standalone;
    ConnectionSettings server; // server.password is always empty; server.sentinelPassword and
                               // server.clientKeyPassphrase only in memory (see ProfileSecrets)
    QString label;             // e.g. "production", shown in every pane of this server
    QString color;             // "#rrggbb", or empty for none

    // A profile from a pasted URL (redis://, rediss://, unix://). The URL's password goes to
    // *password (REDISCLI_AUTH supplies it when the URL has none, as in redis-cli), never into
    // the profile. The name is the URL's host (or socket) unless the caller sets one.
    static bool fromUrl(const QString& url, ConnectionProfile* out, QByteArray* password,
                        QString* error);
    // The settings to connect with, given the password from the secret store (may be empty).
    ConnectionSettings settings(const QByteArray& password) const;
    // The URL without the password (parse(url()) gives server back, password aside).
    QString url() const { return server.displayUrl(); }
    // The URL with the password, for copying into redis-cli.
    QString urlWithPassword(const QByteArray& password) const;
    // Where the password lives in the secret store.
    QString secretKey() const { return QStringLiteral("connection/%1/password").arg(id); }
    // Where a Sentinel profile's Sentinel password (server.sentinelPassword) lives.
    QString sentinelSecretKey() const
    {
        return QStringLiteral("connection/%1/sentinel-password").arg(id);
    }
    // Where an encrypted TLS client key's passphrase (server.clientKeyPassphrase) lives.
    QString keyPassphraseSecretKey() const
    {
        return QStringLiteral("connection/%1/key-passphrase").arg(id);
    }
    // The name, or the address when the profile has none.
    QString title() const;
    // "production · name", or just the name: what pane headers show.
    QString tagText() const;
    static QString defaultName(const ConnectionSettings& server);

    bool operator==(const ConnectionProfile& o) const;
    bool operator!=(const ConnectionProfile& o) const { return !(*this == o); }
};

} // namespace rqc
