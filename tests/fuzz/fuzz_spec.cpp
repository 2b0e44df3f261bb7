// libFuzzer target for the pane-spec parser (ConsumerSpec::parse, MODE:TARGET[,key=value…]):
// any text must parse or be refused with a sentence, never crash; a parsed spec's toString()
// must parse again to the same spec.
#include "ConsumerSpec.h"
#include "FuzzSupport.h"

#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    rqc::ConsumerSpec spec;
    QString error;
    if (!rqc::ConsumerSpec::parse(text, &spec, &error)) {
        RQ_FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    (void)rqc::ConsumerSpec::modeLabel(spec.mode);
    (void)rqc::ConsumerSpec::guarantee(spec.mode);
    const QString shown = spec.toString();
    rqc::ConsumerSpec again;
    QString againError;
    const bool reparsed = rqc::ConsumerSpec::parse(shown, &again, &againError);
    if (!reparsed)
        std::fprintf(stderr, "toString %s of %s does not parse: %s\n", qPrintable(shown),
                     qPrintable(text), qPrintable(againError));
    RQ_FUZZ_CHECK(reparsed);
    if (!(again == spec))
        std::fprintf(stderr, "toString %s of %s parses to another spec\n", qPrintable(shown),
                     qPrintable(text));
    RQ_FUZZ_CHECK(again == spec);
    return 0;
}
