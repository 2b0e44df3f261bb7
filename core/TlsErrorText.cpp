#include "TlsErrorText.h"

#include <QSslCertificate>
#include <QStringList>

namespace rqc {

namespace {
QStringList namesOf(const QSslCertificate& cert)
{
    QStringList names;
    const auto alt = cert.subjectAlternativeNames();
    for (auto it = alt.cbegin(); it != alt.cend(); ++it)
        names << it.value();
    if (names.isEmpty())
        names << cert.subjectInfo(QSslCertificate::CommonName);
    names.removeDuplicates();
    return names;
}
} // namespace

QString tlsErrorText(const QList<QSslError>& errors, const ConnectionSettings& settings)
{
    QStringList texts;
    QString mismatch;
    for (const QSslError& e : errors) {
        if (e.error() == QSslError::HostNameMismatch) {
            mismatch = ConnectionSettings::tr(
                           "the certificate is not valid for the host name %1 (it names %2)")
                           .arg(settings.host, namesOf(e.certificate()).join(QStringLiteral(", ")));
        } else {
            texts << e.errorString();
        }
    }
    if (!mismatch.isEmpty())
        texts.prepend(mismatch);
    texts.removeDuplicates();
    return ConnectionSettings::tr(
               "TLS verification failed: %1. Connect by a name the certificate is valid "
               "for, trust its CA with cacert=/path/to/ca.pem, or add insecure=1 to skip "
               "verification (the server's identity is then not checked).")
        .arg(texts.join(QStringLiteral("; ")));
}

} // namespace rqc
