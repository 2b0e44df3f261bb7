// libFuzzer target for Auto (core/PayloadDecoder): magic bytes, validity checks and the layers
// it peels (compressed, base64), then every decoder on the same bytes. Any bytes: decoded or
// refused with an offset and a reason, never a crash (see DecoderFuzz.h).
#include "DecoderFuzz.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray payload(reinterpret_cast<const char*>(data), qsizetype(size));
    for (const rqc::PayloadDecoder::Kind kind : rqc::PayloadDecoder::choices())
        rqFuzzDecode(payload, kind);
    return 0;
}
