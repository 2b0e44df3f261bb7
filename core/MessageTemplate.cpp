#include "MessageTemplate.h"

#include <QDateTime>

#include <charconv>

namespace rqc {

namespace {
const char kHex[] = "0123456789abcdef";

QList<QByteArray> words(const QByteArray& body)
{
    QList<QByteArray> out;
    for (const QByteArray& w : body.simplified().split(' '))
        if (!w.isEmpty())
            out << w;
    return out;
}

bool toInt(const QByteArray& text, qint64* value)
{
    bool ok = false;
    *value = text.toLongLong(&ok);
    return ok;
}
} // namespace

MessageTemplate MessageTemplate::parse(const QByteArray& text)
{
    MessageTemplate t;
    QByteArray literal;
    auto flush = [&] {
        if (literal.isEmpty())
            return;
        Part p;
        p.text = literal;
        t.m_parts << p;
        literal.clear();
    };
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype open = text.indexOf("{{", i);
        if (open < 0) {
            literal += text.mid(i);
            break;
        }
        literal += text.mid(i, open - i);
        if (text.mid(open, 4) == "{{{{") {
            literal += "{{";
            i = open + 4;
            continue;
        }
        const qsizetype close = text.indexOf("}}", open + 2);
        const int column = int(open) + 1;
        if (close < 0) {
            t.m_error = tr("Unclosed placeholder at character %1: \"{{\" without \"}}\" (write "
                           "{{{{ for a literal {{).")
                            .arg(column);
            return t;
        }
        const QByteArray body = text.mid(open + 2, close - open - 2);
        const QList<QByteArray> w = words(body);
        const QString shown = QString::fromUtf8("{{" + body + "}}");
        Part p;
        auto noArgs = [&](Kind kind) {
            if (w.size() != 1) {
                t.m_error = tr("%1 at character %2 takes no arguments.").arg(shown).arg(column);
                return false;
            }
            p.kind = kind;
            return true;
        };
        const QByteArray name = w.isEmpty() ? QByteArray() : w.first();
        bool ok = true;
        if (name == "seq") {
            ok = noArgs(Kind::Seq);
        } else if (name == "uuid") {
            ok = noArgs(Kind::Uuid);
        } else if (name == "now") {
            ok = noArgs(Kind::Now);
        } else if (name == "ts_ms") {
            ok = noArgs(Kind::TsMs);
        } else if (name == "random") {
            p.kind = Kind::Random;
            if (w.size() != 3 || !toInt(w[1], &p.low) || !toInt(w[2], &p.high)) {
                t.m_error = tr("%1 at character %2: write {{random LOW HIGH}} with two whole "
                               "numbers.")
                                .arg(shown)
                                .arg(column);
                ok = false;
            } else if (p.low > p.high) {
                t.m_error = tr("%1 at character %2: the low end is above the high end.")
                                .arg(shown)
                                .arg(column);
                ok = false;
            }
        } else if (name == "pick") {
            p.kind = Kind::Pick;
            p.choices = w.mid(1);
            if (p.choices.isEmpty()) {
                t.m_error = tr("%1 at character %2: write {{pick a b c}} with at least one word.")
                                .arg(shown)
                                .arg(column);
                ok = false;
            }
        } else if (name == "bytes") {
            p.kind = Kind::Bytes;
            if (w.size() != 2 || !parseSize(w[1], &p.high)) {
                t.m_error = tr("%1 at character %2: write {{bytes SIZE}}, such as 100, 1KiB or "
                               "2MB, at most 64 MiB.")
                                .arg(shown)
                                .arg(column);
                ok = false;
            }
        } else if (name.isEmpty()) {
            t.m_error = tr("Empty placeholder {{}} at character %1.").arg(column);
            ok = false;
        } else {
            t.m_error = tr("Unknown placeholder %1 at character %2 (known: seq, uuid, now, ts_ms, "
                           "random, pick, bytes; {{{{ is a literal {{).")
                            .arg(shown)
                            .arg(column);
            ok = false;
        }
        if (!ok) {
            t.m_parts.clear();
            return t;
        }
        flush();
        t.m_parts << p;
        i = close + 2;
    }
    flush();
    return t;
}

bool MessageTemplate::parseSize(const QByteArray& text, qint64* size)
{
    qsizetype digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 12)
        return false;
    const qint64 n = text.left(digits).toLongLong();
    const QByteArray unit = text.mid(digits).toLower();
    qint64 mult = 0;
    if (unit.isEmpty() || unit == "b")
        mult = 1;
    else if (unit == "kb")
        mult = 1000;
    else if (unit == "kib")
        mult = 1024;
    else if (unit == "mb")
        mult = 1000 * 1000;
    else if (unit == "mib")
        mult = 1024 * 1024;
    else
        return false;
    *size = n * mult;
    return *size <= kMaxBytes;
}

bool MessageTemplate::isConstant() const
{
    for (const Part& p : m_parts)
        if (p.kind != Kind::Literal)
            return false;
    return true;
}

qint64 MessageTemplate::nowMs() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void MessageTemplate::appendUuid(QByteArray& out)
{
    quint64 hi = m_rng();
    quint64 lo = m_rng();
    hi = (hi & ~0xf000ULL) | 0x4000ULL;                        // version 4
    lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; // variant 10
    char buf[36];
    int k = 0;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[k++] = '-';
        const quint64 word = i < 8 ? hi : lo;
        const int shift = (7 - (i % 8)) * 8;
        const unsigned byte = unsigned((word >> shift) & 0xff);
        buf[k++] = kHex[byte >> 4];
        buf[k++] = kHex[byte & 0xf];
    }
    out.append(buf, 36);
}

void MessageTemplate::appendNow(QByteArray& out, qint64 ms)
{
    if (ms != m_cachedMs) {
        m_cachedMs = ms;
        m_cachedNow =
            QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
    }
    out += m_cachedNow;
}

namespace {
// A number in decimal, without a temporary QByteArray.
void appendNumber(QByteArray& out, qint64 v)
{
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end - buf);
}
} // namespace

void MessageTemplate::expandInto(QByteArray& out, quint64 seq)
{
    for (const Part& p : m_parts) {
        switch (p.kind) {
        case Kind::Literal:
            out += p.text;
            break;
        case Kind::Seq: {
            char buf[24];
            const auto end = std::to_chars(buf, buf + sizeof buf, seq).ptr;
            out.append(buf, end - buf);
            break;
        }
        case Kind::Uuid:
            appendUuid(out);
            break;
        case Kind::Now:
            appendNow(out, nowMs());
            break;
        case Kind::TsMs:
            appendNumber(out, nowMs());
            break;
        case Kind::Random: {
            const quint64 span = quint64(p.high) - quint64(p.low);
            const quint64 r = span == ~0ULL ? m_rng() : m_rng() % (span + 1);
            appendNumber(out, qint64(quint64(p.low) + r));
            break;
        }
        case Kind::Pick:
            out += p.choices[qsizetype(m_rng() % quint64(p.choices.size()))];
            break;
        case Kind::Bytes: {
            // Printable ASCII without the space: '!' (0x21) to '~' (0x7e), 94 values.
            const qsizetype start = out.size();
            out.resize(start + qsizetype(p.high));
            char* d = out.data() + start;
            qint64 left = p.high;
            while (left > 0) {
                quint64 r = m_rng();
                for (int k = 0; k < 8 && left > 0; ++k, --left) {
                    *d++ = char(0x21 + (r & 0xff) % 94);
                    r >>= 8;
                }
            }
            break;
        }
        }
    }
}

QByteArray MessageTemplate::expand(quint64 seq)
{
    QByteArray out;
    expandInto(out, seq);
    return out;
}

} // namespace rqc
