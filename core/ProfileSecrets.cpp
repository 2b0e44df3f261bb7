#include "ProfileSecrets.h"

#include "PasswordVault.h"

#include <memory>

namespace rqc::ProfileSecrets {

namespace {
struct Slot {
    QString key;
    QByteArray ConnectionSettings::*field;
};

QList<Slot> slotsOf(const ConnectionProfile& p, bool all)
{
    QList<Slot> out;
    if (all || p.server.isSentinel())
        out.append({p.sentinelSecretKey(), &ConnectionSettings::sentinelPassword});
    if (all || (p.server.transport == ConnectionSettings::Transport::Tls &&
                !p.server.clientKeyFile.isEmpty()))
        out.append({p.keyPassphraseSecretKey(), &ConnectionSettings::clientKeyPassphrase});
    return out;
}
} // namespace

void load(PasswordVault* vault, const ConnectionProfile& profile, QObject* context,
          std::function<void(const ConnectionProfile&)> done)
{
    const QList<Slot> secrets = slotsOf(profile, false);
    if (secrets.isEmpty()) {
        done(profile);
        return;
    }
    auto result = std::make_shared<ConnectionProfile>(profile);
    auto left = std::make_shared<int>(int(secrets.size()));
    for (const Slot& slot : secrets) {
        vault->load(slot.key, context, [result, left, slot, done](const PasswordVault::Result& r) {
            if (r.status == SecretStore::Status::Ok)
                (result->server).*(slot.field) = r.password;
            if (--*left == 0)
                done(*result);
        });
    }
}

void store(PasswordVault* vault, const ConnectionProfile& profile, QObject* context,
           std::function<void(bool inKeychain)> done)
{
    const QList<Slot> secrets = slotsOf(profile, false);
    if (secrets.isEmpty()) {
        done(true);
        return;
    }
    auto left = std::make_shared<int>(int(secrets.size()));
    auto inKeychain = std::make_shared<bool>(true);
    for (const Slot& slot : secrets) {
        const QByteArray secret = (profile.server).*(slot.field);
        vault->store(slot.key, secret, context,
                     [left, inKeychain, secret, done](const PasswordVault::Result& r) {
                         if (!secret.isEmpty() && r.status != SecretStore::Status::Ok)
                             *inKeychain = false;
                         if (--*left == 0)
                             done(*inKeychain);
                     });
    }
}

void remove(PasswordVault* vault, const ConnectionProfile& profile, QObject* context)
{
    for (const Slot& slot : slotsOf(profile, true))
        vault->store(slot.key, {}, context, [](const PasswordVault::Result&) {});
}

} // namespace rqc::ProfileSecrets
