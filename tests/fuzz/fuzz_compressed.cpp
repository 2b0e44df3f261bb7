// libFuzzer target for the gzip, zlib, zstd and base64 decoders (core/DecodeCompressed.cpp
// through core/PayloadDecoder): the first byte picks the decoder, the rest is the payload; what
// decompresses is decoded again by Auto. Any bytes: decoded or refused with an offset and a
// reason, output capped (see DecoderFuzz.h).
#include "DecoderFuzz.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using K = rqc::PayloadDecoder::Kind;
    if (size == 0)
        return 0;
    static const K kinds[] = {K::Gzip, K::Zlib, K::Zstd, K::Base64};
    rqFuzzDecode(QByteArray(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1)),
                 kinds[data[0] % 4]);
    return 0;
}
