#pragma once

#include "ConnectionProfile.h"

#include <QList>
#include <QObject>

class QSettings;

namespace rqc {

// The saved connections, in QSettings under connections/<id>/…: name, kind, the URL without
// its password, label and colour. Never a secret: passwords go to a SecretStore. The QSettings
// is the caller's (the window's settings file), and must outlive the store.
class ConnectionStore : public QObject {
    Q_OBJECT
public:
    explicit ConnectionStore(QSettings* settings, QObject* parent = nullptr);

    // Sorted by name.
    QList<ConnectionProfile> profiles() const;
    bool contains(const QString& id) const;
    ConnectionProfile profile(const QString& id) const; // an empty profile when unknown
    // Saves (a new id for a profile that has none) and returns the profile as saved.
    ConnectionProfile save(ConnectionProfile profile);
    void remove(const QString& id);
    // The connection the console used last (reopened at a start without --url), or empty.
    QString lastUsed() const;
    void setLastUsed(const QString& id);

signals:
    void changed();

private:
    QSettings* m_settings;
};

} // namespace rqc
