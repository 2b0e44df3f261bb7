#pragma once

#include "ConnectionSettings.h"

#include <QWidget>

class QLineEdit;

namespace rqc {

// The connection dialog's Sentinel section: the Sentinels' addresses (host:port, separated by
// commas or spaces; 26379 when a port is left out), the master name they monitor, and the
// Sentinels' own password (their requirepass, not the data node's). Shown for a Sentinel profile.
class SentinelFields : public QWidget {
    Q_OBJECT
public:
    explicit SentinelFields(QWidget* parent = nullptr);

    // Fills the addresses and master name from s (the Sentinel password is set apart: it comes
    // from the URL or the keychain).
    void show(const ConnectionSettings& s);
    // Writes the addresses, master name and Sentinel password into *s (host and port become the
    // first Sentinel's, as ConnectionSettings::parse has them). False when no address is valid
    // or the master name is empty: *s is then left without Sentinels.
    bool apply(ConnectionSettings* s) const;
    QByteArray sentinelPassword() const;
    void setSentinelPassword(const QByteArray& password);
    void clear();
    // "h1:26379, [::1]:26380": the list shown for these addresses.
    static QString addressText(const QList<QPair<QString, quint16>>& sentinels);
    // The addresses in a typed list; parts that are not host[:port] are left out.
    static QList<QPair<QString, quint16>> parseAddresses(const QString& text);

signals:
    // The user changed an address or the master name (not the password).
    void edited();
    void passwordEdited();

private:
    QLineEdit* m_addresses = nullptr;
    QLineEdit* m_master = nullptr;
    QLineEdit* m_password = nullptr;
};

} // namespace rqc
