// gzip and zlib (zlib's inflate), zstd (libzstd's streaming decoder) and base64: each into a
// buffer that never grows past maxOutput (a decompression bomb is cut there and says so).
#include "DecoderParts.h"

#include <zlib.h>
#include <zstd.h>

#include <climits>

namespace rqc::PayloadDecoder::detail {

namespace {

constexpr qint64 kChunk = 64 * 1024;
// The first chunk: a payload that is not compressed at all, or inflates to a few KiB, costs a
// small buffer rather than a 64 KiB one (which QByteArray rounds up past 128 KiB: an mmap and
// munmap per decode under ASan, which held the `decode` fuzz target to ~85 execs/s).
constexpr qint64 kFirstChunk = 4 * 1024;

// The room for the next step: doubles from kFirstChunk up to kChunk, never past maxOutput.
qint64 nextRoom(qint64* chunk, qint64 size, qint64 maxOutput)
{
    const qint64 room = qMin(*chunk, maxOutput - size);
    *chunk = qMin(*chunk * 2, kChunk);
    return room;
}

bool failWith(Failure* fail, qint64 offset, const QString& reason, bool atEnd = false)
{
    fail->offset = offset;
    fail->reason = reason;
    fail->atEnd = atEnd;
    return false;
}

} // namespace

bool inflateZlib(const QByteArray& in, bool gzip, qint64 maxOutput, QByteArray* out, bool* cut,
                 Failure* fail)
{
    out->clear();
    *cut = false;
    if (in.size() > qsizetype(UINT_MAX))
        return failWith(fail, 0, tr("too large to decompress"));
    z_stream s{};
    if (inflateInit2(&s, gzip ? 15 + 16 : 15) != Z_OK)
        return failWith(fail, 0, tr("zlib could not start"));
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.constData()));
    s.avail_in = uInt(in.size());
    bool ok = true;
    qint64 chunk = kFirstChunk;
    for (;;) {
        if (out->size() >= maxOutput) {
            *cut = true;
            break;
        }
        const qint64 room = nextRoom(&chunk, out->size(), maxOutput);
        const qsizetype before = out->size();
        out->resize(before + qsizetype(room));
        s.next_out = reinterpret_cast<Bytef*>(out->data() + before);
        s.avail_out = uInt(room);
        const int ret = inflate(&s, Z_NO_FLUSH);
        out->resize(before + qsizetype(room - s.avail_out));
        if (ret == Z_STREAM_END) {
            // gzip allows several members one after the other (cat a.gz b.gz).
            if (gzip && s.avail_in >= 2 && s.next_in[0] == 0x1f && s.next_in[1] == 0x8b) {
                inflateReset(&s);
                continue;
            }
            if (s.avail_in > 0)
                ok =
                    failWith(fail, qint64(s.total_in),
                             tr("%1 byte(s) after the end of the compressed data").arg(s.avail_in));
            break;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_BUF_ERROR && s.avail_in == 0) {
            ok = failWith(fail, in.size(), tr("the compressed data is cut short"), true);
            break;
        }
        const QString reason = ret == Z_NEED_DICT ? tr("needs a preset dictionary")
                               : s.msg            ? QString::fromLatin1(s.msg)
                                                  : tr("zlib error %1").arg(ret);
        ok = failWith(fail, qint64(in.size()) - qint64(s.avail_in), reason);
        break;
    }
    inflateEnd(&s);
    return ok;
}

bool decompressZstd(const QByteArray& in, qint64 maxOutput, QByteArray* out, bool* cut,
                    Failure* fail)
{
    out->clear();
    *cut = false;
    ZSTD_DCtx* ctx = ZSTD_createDCtx();
    if (!ctx)
        return failWith(fail, 0, tr("zstd could not start"));
    // A frame may ask for a window of up to 128 MiB by default; 8 MiB is plenty for messages
    // and bounds what a hostile frame header can make us allocate.
    ZSTD_DCtx_setParameter(ctx, ZSTD_d_windowLogMax, 23);
    ZSTD_inBuffer input{in.constData(), size_t(in.size()), 0};
    size_t last = 1; // 0 once a frame is complete
    bool ok = true;
    qint64 chunk = kFirstChunk;
    while (input.pos < input.size || last != 0) {
        if (out->size() >= maxOutput) {
            *cut = true;
            break;
        }
        const qint64 room = nextRoom(&chunk, out->size(), maxOutput);
        const qsizetype before = out->size();
        out->resize(before + qsizetype(room));
        ZSTD_outBuffer output{out->data() + before, size_t(room), 0};
        const size_t inBefore = input.pos;
        last = ZSTD_decompressStream(ctx, &output, &input);
        out->resize(before + qsizetype(output.pos));
        if (ZSTD_isError(last)) {
            ok = failWith(fail, qint64(input.pos), QString::fromLatin1(ZSTD_getErrorName(last)));
            break;
        }
        if (last != 0 && input.pos == input.size && output.pos < size_t(room) &&
            input.pos == inBefore) {
            ok = failWith(fail, in.size(), tr("the compressed data is cut short"), true);
            break;
        }
        if (last != 0 && input.pos == input.size && output.pos == 0) {
            ok = failWith(fail, in.size(), tr("the compressed data is cut short"), true);
            break;
        }
    }
    ZSTD_freeDCtx(ctx);
    return ok;
}

bool decodeBase64(const QByteArray& in, QByteArray* out, Failure* fail)
{
    QByteArray clean;
    clean.reserve(in.size());
    bool url = false;
    bool std = false;
    qsizetype padAt = -1;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (c == '=') {
            if (padAt < 0)
                padAt = clean.size();
            clean.append(c);
            continue;
        }
        if (padAt >= 0)
            return failWith(fail, i, tr("'%1' after the padding").arg(QLatin1Char(c)));
        if (c == '+' || c == '/')
            std = true;
        else if (c == '-' || c == '_')
            url = true;
        else if (!alnum)
            return failWith(fail, i,
                            uchar(c) >= 0x20 && uchar(c) < 0x7f
                                ? tr("'%1' is not a base64 character").arg(QLatin1Char(c))
                                : tr("byte 0x%1 is not a base64 character")
                                      .arg(uchar(c), 2, 16, QLatin1Char('0')));
        if (std && url)
            return failWith(fail, i, tr("mixes the standard and the URL-safe alphabet"));
        clean.append(c);
    }
    if (clean.isEmpty())
        return failWith(fail, 0, tr("the payload is empty"), true);
    const qsizetype data = padAt >= 0 ? padAt : clean.size();
    const qsizetype pads = clean.size() - data;
    if (data % 4 == 1)
        return failWith(fail, in.size(), tr("%1 characters cannot be base64").arg(data), true);
    if (pads > 2 || (pads > 0 && (data + pads) % 4 != 0))
        return failWith(fail, in.size(), tr("wrong padding"));
    clean.truncate(data);
    *out = QByteArray::fromBase64(clean,
                                  url ? QByteArray::Base64UrlEncoding : QByteArray::Base64Encoding);
    return true;
}

} // namespace rqc::PayloadDecoder::detail
