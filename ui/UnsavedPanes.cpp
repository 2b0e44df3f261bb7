#include "UnsavedPanes.h"

#include "ServerHub.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QSettings>

namespace rqc::UnsavedPanes {

namespace {
// Whose panes window's "panes" key holds, and each unsaved server's panes under a hash of its
// identity.
const QString kOwnerKey = QStringLiteral("window/panesServer");

QString keyFor(const QString& identity)
{
    const QByteArray hash = QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha1);
    return QStringLiteral("window/unsavedPanes/") + QString::fromLatin1(hash.toHex().left(16));
}

QString shown(const QString& identity)
{
    if (identity == QLatin1String("sandbox"))
        return QCoreApplication::translate("rqc::UnsavedPanes", "the sandbox");
    return identity.section(QLatin1Char(' '), 1);
}
} // namespace

QString identity(const AppOptions& options)
{
    if (options.sandbox)
        return QStringLiteral("sandbox");
    if (options.urlGiven())
        return QStringLiteral("url ") + options.server.displayUrl();
    return QStringLiteral("default ") + options.server.displayUrl();
}

void remember(QSettings* settings, const AppOptions& options, const QStringList& specs)
{
    const QString id = identity(options);
    settings->setValue(kOwnerKey, id);
    settings->setValue(keyFor(id), specs);
}

QStringList restorable(QSettings* settings, const AppOptions& options, QString* skipped)
{
    skipped->clear();
    const QStringList last = settings->value(ServerHub::unsavedPanesKey()).toStringList();
    if (!settings->contains(kOwnerKey))
        return last; // saved by a version that did not say whose they were
    const QString owner = settings->value(kOwnerKey).toString();
    const QString id = identity(options);
    if (owner == id)
        return last;
    if (last.size() == 1)
        *skipped = QCoreApplication::translate(
                       "rqc::UnsavedPanes",
                       "1 pane of %1 not reopened: it belongs to that server, not this one "
                       "(start with it again to get it back).")
                       .arg(shown(owner));
    else if (last.size() > 1)
        *skipped = QCoreApplication::translate(
                       "rqc::UnsavedPanes",
                       "%1 panes of %2 not reopened: they belong to that server, not this one "
                       "(start with it again to get them back).")
                       .arg(last.size())
                       .arg(shown(owner));
    return settings->value(keyFor(id)).toStringList();
}

} // namespace rqc::UnsavedPanes
