#include "SecretStore.h"

#include <QTimer>

namespace rqc {

void MemorySecretStore::answer(QObject* context, Callback cb, const Result& result)
{
    QTimer::singleShot(0, context ? context : this, [cb = std::move(cb), result] {
        if (cb)
            cb(result);
    });
}

void MemorySecretStore::read(const QString& key, QObject* context, Callback cb)
{
    Result r;
    if (m_secrets.contains(key))
        r.secret = m_secrets.value(key);
    else
        r.status = Status::NotFound;
    answer(context, std::move(cb), r);
}

void MemorySecretStore::write(const QString& key, const QByteArray& secret, QObject* context,
                              Callback cb)
{
    m_secrets.insert(key, secret);
    answer(context, std::move(cb), {});
}

void MemorySecretStore::remove(const QString& key, QObject* context, Callback cb)
{
    m_secrets.remove(key);
    answer(context, std::move(cb), {});
}

QString MemorySecretStore::description() const
{
    return tr("memory only (until the console quits)");
}

} // namespace rqc
