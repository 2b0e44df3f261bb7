#include "KeychainSecretStore.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace rqc {

namespace {
using Status = SecretStore::Status;

Status statusOf(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return Status::Ok;
    case QKeychain::EntryNotFound:
        return Status::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    // What libsecret and D-Bus report for a bus without a Secret Service, or no bus at all
    // ("Could not connect: No such file or directory", "…not provided by any .service files").
    case QKeychain::OtherError:
        return Status::Unavailable;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        break;
    }
    return Status::Error;
}
} // namespace

KeychainSecretStore::KeychainSecretStore(const QString& service, QObject* parent)
    : SecretStore(parent)
    , m_service(service)
{
}

QString KeychainSecretStore::description() const
{
    return m_unavailable ? tr("no system keychain") : tr("the system keychain");
}

// The job deletes itself after finished(); the connection's context drops the callback when the
// caller's object is gone, and so does the store's own end (a window closed while the keychain
// works: the job has no parent, so that libsecret's answer never reaches a deleted job).
void KeychainSecretStore::finish(QKeychain::Job* job, QObject* context, Callback cb)
{
    QPointer<KeychainSecretStore> self(this);
    connect(job, &QKeychain::Job::finished, context ? context : this,
            [this, self, cb = std::move(cb)](QKeychain::Job* j) {
                if (!self)
                    return;
                Result r;
                r.status = statusOf(j->error());
                if (r.status == Status::Error || r.status == Status::Unavailable)
                    r.error = j->errorString();
                if (r.status == Status::Unavailable)
                    m_unavailable = true;
                if (r.status == Status::Ok) {
                    if (auto* readJob = qobject_cast<QKeychain::ReadPasswordJob*>(j))
                        r.secret = readJob->binaryData();
                }
                // Deleting what is not there leaves what the caller wanted.
                if (r.status == Status::NotFound && qobject_cast<QKeychain::DeletePasswordJob*>(j))
                    r.status = Status::Ok;
                if (cb)
                    cb(r);
            });
    job->start();
}

void KeychainSecretStore::read(const QString& key, QObject* context, Callback cb)
{
    auto* job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    finish(job, context, std::move(cb));
}

void KeychainSecretStore::write(const QString& key, const QByteArray& secret, QObject* context,
                                Callback cb)
{
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setBinaryData(secret);
    finish(job, context, std::move(cb));
}

void KeychainSecretStore::remove(const QString& key, QObject* context, Callback cb)
{
    auto* job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    finish(job, context, std::move(cb));
}

} // namespace rqc
