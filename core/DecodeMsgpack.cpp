// MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md), read by hand with a
// bounds check before every read, shown JSON-like. Hand-written rather than msgpack-cxx: the
// reader must report where a payload breaks and never allocate by a length the payload claims.
#include "DecoderParts.h"

#include <QDateTime>

#include <cmath>
#include <cstring>

namespace rqc::PayloadDecoder::detail {

namespace {

constexpr int kMaxNesting = 256;

class MsgpackReader {
public:
    MsgpackReader(const QByteArray& in, Writer& w, Failure* fail)
        : m_begin(reinterpret_cast<const uchar*>(in.constData()))
        , m_p(m_begin)
        , m_end(m_begin + in.size())
        , m_w(w)
        , m_fail(fail)
    {
    }

    bool run()
    {
        if (m_p == m_end)
            return failAt(0, tr("the payload is empty"), true);
        if (!value(0))
            return false;
        if (m_w.full())
            return true; // shown as far as it fits; the rest is not checked
        if (m_p != m_end)
            return failAt(m_p - m_begin, tr("%n byte(s) after the first value", nullptr,
                                            int(qMin<qint64>(m_end - m_p, INT_MAX))));
        return true;
    }

private:
    bool failAt(qint64 offset, const QString& reason, bool atEnd = false)
    {
        m_fail->offset = offset;
        m_fail->reason = reason;
        m_fail->atEnd = atEnd;
        return false;
    }
    bool need(quint64 n, const char* what)
    {
        if (quint64(m_end - m_p) >= n)
            return true;
        return failAt(
            m_p - m_begin,
            tr("%1 needs %2 byte(s), %3 left").arg(tr(what)).arg(n).arg(qint64(m_end - m_p)), true);
    }
    quint64 be(int bytes)
    {
        quint64 v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | m_p[i];
        m_p += bytes;
        return v;
    }

    bool value(int depth)
    {
        if (depth > kMaxNesting)
            return failAt(m_p - m_begin, tr("nested deeper than %1 levels").arg(kMaxNesting));
        if (!need(1, "a value"))
            return false;
        const qint64 at = m_p - m_begin;
        const uchar b = *m_p++;
        if (b <= 0x7f) {
            m_w.add(QString::number(b));
            return true;
        }
        if (b >= 0xe0) {
            m_w.add(QString::number(int(qint8(b))));
            return true;
        }
        if (b <= 0x8f)
            return map(b & 0x0f, depth);
        if (b <= 0x9f)
            return array(b & 0x0f, depth);
        if (b <= 0xbf)
            return str(b & 0x1f);
        switch (b) {
        case 0xc0:
            m_w.add(QLatin1String("null"));
            return true;
        case 0xc1:
            return failAt(at, tr("byte 0xc1 is never used in MessagePack"));
        case 0xc2:
            m_w.add(QLatin1String("false"));
            return true;
        case 0xc3:
            m_w.add(QLatin1String("true"));
            return true;
        case 0xc4:
        case 0xc5:
        case 0xc6: {
            const int lenBytes = 1 << (b - 0xc4);
            if (!need(lenBytes, "a bin length"))
                return false;
            return bin(be(lenBytes));
        }
        case 0xc7:
        case 0xc8:
        case 0xc9: {
            const int lenBytes = 1 << (b - 0xc7);
            if (!need(lenBytes + 1, "an ext header"))
                return false;
            const quint64 len = be(lenBytes);
            return ext(len);
        }
        case 0xca: {
            if (!need(4, "a float 32"))
                return false;
            const quint32 bits = quint32(be(4));
            float f;
            std::memcpy(&f, &bits, 4);
            m_w.add(number(double(f), 9));
            return true;
        }
        case 0xcb: {
            if (!need(8, "a float 64"))
                return false;
            const quint64 bits = be(8);
            double d;
            std::memcpy(&d, &bits, 8);
            m_w.add(number(d, 17));
            return true;
        }
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf: {
            const int bytes = 1 << (b - 0xcc);
            if (!need(bytes, "an unsigned integer"))
                return false;
            m_w.add(QString::number(be(bytes)));
            return true;
        }
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3: {
            const int bytes = 1 << (b - 0xd0);
            if (!need(bytes, "a signed integer"))
                return false;
            quint64 v = be(bytes);
            if (bytes < 8 && (v >> (bytes * 8 - 1)) & 1)
                v |= ~quint64(0) << (bytes * 8); // sign-extend
            m_w.add(QString::number(qint64(v)));
            return true;
        }
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
            if (!need(1, "an ext type"))
                return false;
            return ext(quint64(1) << (b - 0xd4));
        case 0xd9:
        case 0xda:
        case 0xdb: {
            const int lenBytes = 1 << (b - 0xd9);
            if (!need(lenBytes, "a string length"))
                return false;
            return str(be(lenBytes));
        }
        case 0xdc:
        case 0xdd: {
            const int lenBytes = b == 0xdc ? 2 : 4;
            if (!need(lenBytes, "an array length"))
                return false;
            return array(be(lenBytes), depth);
        }
        default: { // 0xde, 0xdf
            const int lenBytes = b == 0xde ? 2 : 4;
            if (!need(lenBytes, "a map length"))
                return false;
            return map(be(lenBytes), depth);
        }
        }
    }

    static QString number(double d, int precision)
    {
        if (std::isnan(d))
            return QStringLiteral("NaN");
        if (std::isinf(d))
            return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
        return QString::number(d, 'g', precision);
    }

    bool str(quint64 len)
    {
        if (!need(len, "a string"))
            return false;
        m_w.add(quoted(QByteArray::fromRawData(reinterpret_cast<const char*>(m_p), qsizetype(len)),
                       m_w.compact() ? 200 : 1 << 20));
        m_p += len;
        return true;
    }
    bool bin(quint64 len)
    {
        if (!need(len, "a bin payload"))
            return false;
        m_w.add(QStringLiteral("<bin %1: %2>").arg(len).arg(hexBytes(m_p, qint64(len))));
        m_p += len;
        return true;
    }
    bool ext(quint64 len)
    {
        // The type byte is known to be there; the data may not be.
        const qint8 type = qint8(*m_p++);
        if (!need(len, "ext data"))
            return false;
        if (type == -1 && (len == 4 || len == 8 || len == 12)) {
            qint64 secs = 0;
            quint32 nanos = 0;
            if (len == 4) {
                secs = qint64(be(4));
            } else if (len == 8) {
                const quint64 v = be(8);
                nanos = quint32(v >> 34);
                secs = qint64(v & 0x3ffffffffULL);
            } else {
                nanos = quint32(be(4));
                secs = qint64(be(8));
            }
            // QDateTime covers about ±292 million years in ms; stay well inside.
            if (secs > -(1LL << 40) && secs < (1LL << 40)) {
                const QDateTime t = QDateTime::fromMSecsSinceEpoch(secs * 1000, Qt::UTC);
                m_w.add(QStringLiteral("<timestamp %1.%2Z>")
                            .arg(t.toString(QStringLiteral("yyyy-MM-ddThh:mm:ss")))
                            .arg(nanos, 9, 10, QLatin1Char('0')));
            } else {
                m_w.add(QStringLiteral("<timestamp %1 s %2 ns>").arg(secs).arg(nanos));
            }
            return true;
        }
        m_w.add(QStringLiteral("<ext %1, %2 byte(s): %3>")
                    .arg(type)
                    .arg(len)
                    .arg(hexBytes(m_p, qint64(len))));
        m_p += len;
        return true;
    }

    bool array(quint64 count, int depth) { return container(count, depth, false); }
    bool map(quint64 count, int depth) { return container(count, depth, true); }
    // An array of `count` values, or a map of `count` key: value pairs.
    bool container(quint64 count, int depth, bool isMap)
    {
        if (count == 0) {
            m_w.add(isMap ? QLatin1String("{}") : QLatin1String("[]"));
            return true;
        }
        // Every value takes at least one byte: a count beyond what is left is broken now, not
        // after looping over it.
        const quint64 left = quint64(m_end - m_p);
        if (count > (isMap ? left / 2 : left))
            return failAt(m_p - m_begin,
                          (isMap ? tr("map of %1 entries, only %2 byte(s) left")
                                 : tr("array of %1 elements, only %2 byte(s) left"))
                              .arg(count)
                              .arg(qint64(left)),
                          true);
        m_w.add(isMap ? '{' : '[');
        for (quint64 i = 0; i < count; ++i) {
            if (m_w.full())
                return true;
            if (i > 0)
                m_w.add(',');
            m_w.breakLine(depth + 1, 4, i > 0 ? QLatin1String(" ") : QLatin1String(""));
            if (!value(depth + 1))
                return false;
            if (isMap) {
                m_w.add(QLatin1String(": "));
                if (!value(depth + 1))
                    return false;
            }
        }
        m_w.breakLine(depth, 4, QLatin1String(""));
        m_w.add(isMap ? '}' : ']');
        return true;
    }

    const uchar* const m_begin;
    const uchar* m_p;
    const uchar* const m_end;
    Writer& m_w;
    Failure* m_fail;
};

} // namespace

bool renderMsgpack(const QByteArray& in, Writer& w, Failure* fail)
{
    return MsgpackReader(in, w, fail).run();
}

} // namespace rqc::PayloadDecoder::detail
