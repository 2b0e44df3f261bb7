// libFuzzer target for the server URL parser (ConnectionSettings::parse): any text must parse or
// be refused with a sentence, never crash; a parsed URL's displayUrl() must parse again to the
// same settings except the password (the promise ConnectionSettings.h makes).
#include "ConnectionSettings.h"
#include "FuzzSupport.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    unsetenv("REDISCLI_AUTH"); // parse() falls back to it; keep the runs reproducible
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    rqc::ConnectionSettings settings;
    QString error;
    if (!rqc::ConnectionSettings::parse(text, &settings, &error)) {
        RQ_FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    const QString shown = settings.displayUrl();
    // The password never shows, neither as typed nor percent-encoded.
    if (!settings.password.isEmpty()) {
        const QByteArray encoded = settings.password.toPercentEncoding();
        RQ_FUZZ_CHECK(!shown.toUtf8().contains(":" + settings.password + "@") &&
                      !shown.toUtf8().contains(":" + encoded + "@"));
    }
    rqc::ConnectionSettings again;
    QString againError;
    const bool reparsed = rqc::ConnectionSettings::parse(shown, &again, &againError);
    if (!reparsed)
        std::fprintf(stderr, "displayUrl %s of %s does not parse: %s\n", qPrintable(shown),
                     qPrintable(text), qPrintable(againError));
    RQ_FUZZ_CHECK(reparsed);
    again.password = settings.password;
    if (again != settings)
        std::fprintf(stderr, "displayUrl %s of %s parses to other settings\n", qPrintable(shown),
                     qPrintable(text));
    RQ_FUZZ_CHECK(again == settings);
    return 0;
}
