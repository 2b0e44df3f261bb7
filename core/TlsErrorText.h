#pragma once

#include "ConnectionSettings.h"

#include <QList>
#include <QSslError>
#include <QString>

namespace rqc {

// The sentence for a TLS handshake refused by our side: which check failed (host name, trust,
// expiry), with the names the certificate is valid for, and the two ways out
// (cacert=, or insecure=1 with its warning). Never contains the password.
QString tlsErrorText(const QList<QSslError>& errors, const ConnectionSettings& settings);

} // namespace rqc
