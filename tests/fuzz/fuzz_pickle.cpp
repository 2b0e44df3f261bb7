// libFuzzer target for the Pickle decoder (core/Decode*.cpp through core/PayloadDecoder): any bytes
// are decoded or refused with an offset and a reason, never a crash (see DecoderFuzz.h).
#include "DecoderFuzz.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    rqFuzzDecode(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)),
                 rqc::PayloadDecoder::Kind::Pickle);
    return 0;
}
