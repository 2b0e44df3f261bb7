// libFuzzer target for the RESP reader (RespReader over hiredis): arbitrary bytes, fed in
// chunks whose sizes come from the input itself, must never crash, leak, hang or allocate
// beyond the limit. Built and run by scripts/fuzz.sh.
#include "RedisReply.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    rqc::RespReader reader;
    reader.setMaxReplyBytes(1 << 20); // small, so that the limit paths are reached
    // The input's length picks the chunk size, so that headers and payloads get split at every
    // place while the seeds stay plain RESP.
    const size_t chunk = size % 17 == 0 ? size : size % 17;
    size_t pos = 0;
    rqc::RedisReply reply;
    while (pos < size) {
        const size_t n = size - pos < chunk ? size - pos : chunk;
        reader.feed(reinterpret_cast<const char*>(data + pos), qsizetype(n));
        pos += n;
        for (;;) {
            const auto st = reader.next(reply);
            if (st != rqc::RespReader::Status::Reply)
                break;
            (void)reply.toDebugString();
        }
        (void)reader.partialReplyText();
    }
    return 0;
}
