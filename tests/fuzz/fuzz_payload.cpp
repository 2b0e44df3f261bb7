// libFuzzer target for the payload views (core/PayloadFormat: text detection and escaping,
// JSON detection and pretty printing, hex dump, sizes): any bytes must be shown, never crash.
// The first byte picks the limits (preview length, hex dump bytes) so that the cut paths run.
#include "FuzzSupport.h"
#include "PayloadFormat.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    namespace pf = rqc::PayloadFormat;
    const int knob = size > 0 ? data[0] : 0;
    const QByteArray payload(reinterpret_cast<const char*>(data), qsizetype(size));

    const QString line = pf::preview(payload, knob % 64);
    RQ_FUZZ_CHECK(!line.contains(QLatin1Char('\n')));
    const QString full = pf::preview(payload);
    RQ_FUZZ_CHECK(!full.contains(QLatin1Char('\n')));
    const bool text = pf::isText(payload);
    const QString asText = pf::asText(payload);
    // Text without controls other than LF and TAB shows exactly as it is (fromUtf8 would drop
    // a leading byte order mark, which asText keeps).
    bool plain = text && !payload.startsWith("\xef\xbb\xbf");
    for (qsizetype i = 0; plain && i < payload.size(); ++i)
        plain = uchar(payload[i]) >= 0x20 || payload[i] == '\n' || payload[i] == '\t';
    if (plain)
        RQ_FUZZ_CHECK(asText == QString::fromUtf8(payload));
    QString json;
    if (pf::prettyJson(payload, &json))
        RQ_FUZZ_CHECK(!json.isEmpty());
    (void)pf::looksLikeJsonContainer(payload);
    const QString hex = pf::hexDump(payload, knob * 4);
    RQ_FUZZ_CHECK(payload.isEmpty() || !hex.isEmpty());
    (void)pf::hexDump(payload);
    qint64 bytes = 0;
    if (size >= sizeof bytes) {
        std::memcpy(&bytes, data + size - sizeof bytes, sizeof bytes);
        RQ_FUZZ_CHECK(!pf::humanSize(bytes).isEmpty());
    }
    return 0;
}
