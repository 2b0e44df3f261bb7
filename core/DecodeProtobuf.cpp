// Protocol buffers without a schema, shown the way `protoc --decode_raw` shows them: field
// numbers and values by wire type; a length-delimited field that reads as a message to its last
// byte is shown as a nested message (a guess, as protoc guesses), otherwise as a string.
#include "DecoderParts.h"

namespace rqc::PayloadDecoder::detail {

namespace {

constexpr int kMaxNesting = 32; // deeper length-delimited fields are shown as strings

struct Parser {
    const uchar* base; // the whole payload, for offsets
    Failure* fail;

    bool failAt(const uchar* p, const QString& reason, bool atEnd = false)
    {
        fail->offset = p - base;
        fail->reason = reason;
        fail->atEnd = atEnd;
        return false;
    }

    bool varint(const uchar*& p, const uchar* end, quint64* v)
    {
        const uchar* start = p;
        quint64 value = 0;
        for (int i = 0; i < 10; ++i) {
            if (p == end)
                return failAt(start, tr("varint cut short by the end"), true);
            const uchar b = *p++;
            value |= quint64(b & 0x7f) << (7 * i);
            if (!(b & 0x80)) {
                *v = value;
                return true;
            }
        }
        return failAt(start, tr("varint longer than 10 bytes"));
    }

    // Fields from p to end (a group ends at its END_GROUP with endGroup set to its number).
    bool message(const uchar*& p, const uchar* end, int depth, Writer& w, quint64 group, bool* any)
    {
        while (p < end) {
            if (w.full())
                return true;
            const uchar* fieldStart = p;
            quint64 tag = 0;
            if (!varint(p, end, &tag))
                return false;
            const quint64 field = tag >> 3;
            const int wire = int(tag & 7);
            if (field == 0)
                return failAt(fieldStart, tr("field number 0 is not allowed"));
            if (field > 0x1fffffff)
                return failAt(fieldStart, tr("field number %1 is too large").arg(field));
            if (wire == 4) {
                if (field != group)
                    return failAt(fieldStart, tr("end of group %1 without its start").arg(field));
                return true;
            }
            if (*any)
                w.breakLine(depth, 2, QLatin1String(" "));
            *any = true;
            switch (wire) {
            case 0: {
                quint64 v = 0;
                if (!varint(p, end, &v))
                    return false;
                w.add(QStringLiteral("%1: %2").arg(field).arg(v));
                break;
            }
            case 1:
            case 5: {
                const int n = wire == 1 ? 8 : 4;
                if (end - p < n)
                    return failAt(p,
                                  tr("fixed%1 needs %2 bytes, %3 left")
                                      .arg(n * 8)
                                      .arg(n)
                                      .arg(qint64(end - p)),
                                  true);
                quint64 v = 0;
                for (int i = n - 1; i >= 0; --i)
                    v = (v << 8) | p[i];
                p += n;
                w.add(QStringLiteral("%1: 0x%2").arg(field).arg(v, n * 2, 16, QLatin1Char('0')));
                break;
            }
            case 2: {
                quint64 len = 0;
                const uchar* lenAt = p;
                if (!varint(p, end, &len))
                    return false;
                if (len > quint64(end - p))
                    return failAt(lenAt,
                                  tr("length %1 runs past the end (%2 bytes left)")
                                      .arg(len)
                                      .arg(qint64(end - p)),
                                  true);
                const uchar* sub = p;
                const uchar* subEnd = p + len;
                p = subEnd;
                if (len > 0 && depth < kMaxNesting && nested(sub, subEnd, depth, field, w))
                    break;
                w.add(QStringLiteral("%1: %2").arg(field).arg(quoted(
                    QByteArray::fromRawData(reinterpret_cast<const char*>(sub), qsizetype(len)),
                    w.compact() ? 200 : 1 << 20)));
                break;
            }
            case 3: {
                if (depth >= kMaxNesting)
                    return failAt(fieldStart, tr("groups nested deeper than %1").arg(kMaxNesting));
                w.add(QStringLiteral("%1 {").arg(field));
                bool inner = false;
                w.breakLine(depth + 1, 2, QLatin1String(" "));
                // Returns true only after the group's END_GROUP tag (or when w is full).
                if (!message(p, end, depth + 1, w, field, &inner))
                    return false;
                if (w.full())
                    return true;
                w.breakLine(depth, 2, QLatin1String(" "));
                w.add('}');
                break;
            }
            default:
                return failAt(fieldStart, tr("wire type %1 is not defined").arg(wire));
            }
        }
        return group == 0 ? true : failAt(p, tr("group %1 is not closed").arg(group), true);
    }

    // Tries the bytes as a message of their own; on success appends "N { … }" to w.
    bool nested(const uchar* sub, const uchar* subEnd, int depth, quint64 field, Writer& w)
    {
        Failure scratch;
        Failure* saved = fail;
        fail = &scratch;
        Options o;
        o.compact = w.compact();
        o.maxChars = 1 << 20;
        Writer inner(o);
        inner.breakLine(depth + 1, 2, QLatin1String(" "));
        const uchar* p = sub;
        bool any = false;
        const bool ok =
            message(p, subEnd, depth + 1, inner, 0, &any) && p == subEnd && any && !inner.full();
        fail = saved;
        if (!ok)
            return false;
        w.add(QStringLiteral("%1 {").arg(field));
        w.add(inner.take());
        w.breakLine(depth, 2, QLatin1String(" "));
        w.add('}');
        return true;
    }
};

} // namespace

bool renderProtobuf(const QByteArray& in, Writer& w, Failure* fail)
{
    const uchar* p = reinterpret_cast<const uchar*>(in.constData());
    Parser parser{p, fail};
    if (in.isEmpty()) {
        fail->offset = 0;
        fail->reason = tr("the payload is empty");
        fail->atEnd = true;
        return false;
    }
    bool any = false;
    return parser.message(p, p + in.size(), 0, w, 0, &any);
}

} // namespace rqc::PayloadDecoder::detail
