// Shared by the decoder fuzz targets (fuzz_msgpack, fuzz_protobuf, fuzz_pickle,
// fuzz_compressed, fuzz_decode): decodes the input as `kind`, compact and indented, and checks
// what core/PayloadDecoder promises for any bytes: no crash, a failure names an offset inside the
// payload and a reason, the compact form is one line, and nothing grows past its caps.
#pragma once

#include "FuzzSupport.h"
#include "PayloadDecoder.h"

#include <QByteArray>
#include <QString>

inline void rqFuzzDecode(const QByteArray& payload, rqc::PayloadDecoder::Kind kind)
{
    namespace pd = rqc::PayloadDecoder;
    for (const bool compact : {true, false}) {
        pd::Options o;
        o.compact = compact;
        o.maxChars = compact ? 200 : 1 << 16;
        o.maxOutput = 1 << 20; // the 64 MiB default costs seconds per input here
        const pd::Result r = pd::decode(payload, kind, o);
        if (!r.ok) {
            RQ_FUZZ_CHECK(r.errorOffset >= 0 && r.errorOffset <= payload.size());
            RQ_FUZZ_CHECK(!r.errorReason.isEmpty());
            RQ_FUZZ_CHECK(r.text.startsWith(pd::errorLine(r)));
        }
        if (compact)
            RQ_FUZZ_CHECK(!r.text.contains(QLatin1Char('\n')));
        // Rendering stops near maxChars (an escape or a closing bracket may still follow).
        if (r.kind != pd::Kind::Raw && r.ok)
            RQ_FUZZ_CHECK(r.text.size() <= o.maxChars + 8192);
        RQ_FUZZ_CHECK(r.layers.size() <= pd::MaxDepth);
        if (kind != pd::Kind::Auto && r.ok && r.layers.isEmpty())
            RQ_FUZZ_CHECK(r.kind == kind);
    }
}
