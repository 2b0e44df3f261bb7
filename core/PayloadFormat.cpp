#include "PayloadFormat.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace rqc::PayloadFormat {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at p (1–4) with its code point in *cp, or 0 when
// the byte at p does not start one (stray continuation, overlong form, surrogate, > U+10FFFF or
// a sequence cut short by the end of the payload).
int decodeUtf8(const uchar* p, const uchar* end, char32_t* cp)
{
    const uchar b0 = p[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    int len = 0;
    uchar lo = 0x80, hi = 0xbf; // allowed range of the second byte
    char32_t value = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
        value = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        value = b0 & 0x0f;
        if (b0 == 0xe0)
            lo = 0xa0; // overlong
        else if (b0 == 0xed)
            hi = 0x9f; // UTF-16 surrogates
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        value = b0 & 0x07;
        if (b0 == 0xf0)
            lo = 0x90; // overlong
        else if (b0 == 0xf4)
            hi = 0x8f; // beyond U+10FFFF
    } else {
        return 0;
    }
    if (end - p < len)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (int i = 1; i < len; ++i) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        value = (value << 6) | (p[i] & 0x3f);
    }
    *cp = value;
    return len;
}

void appendByteEscape(QString& out, uchar b)
{
    const QChar esc[4] = {QLatin1Char('\\'), QLatin1Char('x'), QLatin1Char(kHex[b >> 4]),
                          QLatin1Char(kHex[b & 0xf])};
    out.append(esc, 4);
}

void appendCodePointEscape(QString& out, char32_t cp)
{
    const QChar esc[6] = {QLatin1Char('\\'),
                          QLatin1Char('u'),
                          QLatin1Char(kHex[(cp >> 12) & 0xf]),
                          QLatin1Char(kHex[(cp >> 8) & 0xf]),
                          QLatin1Char(kHex[(cp >> 4) & 0xf]),
                          QLatin1Char(kHex[cp & 0xf])};
    out.append(esc, 6);
}

void appendCodePoint(QString& out, char32_t cp)
{
    if (QChar::requiresSurrogates(cp)) {
        out.append(QChar(QChar::highSurrogate(cp)));
        out.append(QChar(QChar::lowSurrogate(cp)));
    } else {
        out.append(QChar(static_cast<char16_t>(cp)));
    }
}

// C1 controls, line/paragraph separators and bidi overrides: valid text that would break a
// one-line cell or reorder what is shown around it.
bool isInvisibleUnicodeControl(char32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

// Up to six UTF-16 units: one shown character or one escape.
struct Piece {
    char16_t units[6];
    int size = 0;
    void add(char16_t u) { units[size++] = u; }
    void add(char c) { units[size++] = char16_t(uchar(c)); }
};

void byteEscape(Piece& piece, uchar b)
{
    piece.add('\\');
    piece.add('x');
    piece.add(kHex[b >> 4]);
    piece.add(kHex[b & 0xf]);
}

void codePointEscape(Piece& piece, char32_t cp)
{
    piece.add('\\');
    piece.add('u');
    for (int shift = 12; shift >= 0; shift -= 4)
        piece.add(kHex[(cp >> shift) & 0xf]);
}

// Re-indents JSON that is already known to be valid, token by token, so that key order,
// duplicate keys and number spelling stay exactly as sent (QJsonDocument would sort keys and
// turn big integers into doubles).
QByteArray reindentJson(const QByteArray& json)
{
    QByteArray out;
    out.reserve(json.size() * 2);
    int depth = 0;
    const char* p = json.constData();
    const char* const end = p + json.size();
    auto newline = [&out](int level) {
        out.append('\n');
        out.append(QByteArray(level * 4, ' '));
    };
    auto isBlank = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    while (p < end) {
        const char c = *p;
        if (isBlank(c)) {
            ++p;
            continue;
        }
        if (c == '"') {
            const char* start = p++;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end)
                    ++p;
                ++p;
            }
            if (p < end)
                ++p;
            out.append(start, int(p - start));
            continue;
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            const char* q = p + 1;
            while (q < end && isBlank(*q))
                ++q;
            if (q < end && *q == close) { // empty container stays on one line
                out.append(c).append(close);
                p = q + 1;
                continue;
            }
            out.append(c);
            newline(++depth);
            ++p;
            continue;
        }
        if (c == '}' || c == ']') {
            newline(--depth);
            out.append(c);
            ++p;
            continue;
        }
        if (c == ',') {
            out.append(',');
            newline(depth);
            ++p;
            continue;
        }
        if (c == ':') {
            out.append(": ");
            ++p;
            continue;
        }
        const char* start = p; // number, true, false, null
        while (p < end && !isBlank(*p) && *p != ',' && *p != ':' && *p != '}' && *p != ']' &&
               *p != '{' && *p != '[' && *p != '"')
            ++p;
        out.append(start, int(p - start));
    }
    return out;
}

} // namespace

QString preview(const QByteArray& payload, int maxChars)
{
    maxChars = qMax(1, maxChars);
    QString out;
    out.reserve(qMin(maxChars, int(payload.size())) + 8);
    const uchar* p = reinterpret_cast<const uchar*>(payload.constData());
    const uchar* const end = p + payload.size();
    while (p < end) {
        Piece piece;
        char32_t cp = 0;
        const int len = decodeUtf8(p, end, &cp);
        if (len == 0) {
            byteEscape(piece, *p);
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            piece.add('\\');
            piece.add(cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't');
        } else if (cp < 0x20 || cp == 0x7f) {
            byteEscape(piece, uchar(cp));
        } else if (isInvisibleUnicodeControl(cp)) {
            codePointEscape(piece, cp);
        } else if (QChar::requiresSurrogates(cp)) {
            piece.add(QChar::highSurrogate(cp));
            piece.add(QChar::lowSurrogate(cp));
        } else {
            piece.add(char16_t(cp));
        }
        if (out.size() + piece.size > maxChars) {
            out.append(QChar(0x2026)); // …
            return out;
        }
        out.append(reinterpret_cast<const QChar*>(piece.units), piece.size);
        p += len == 0 ? 1 : len;
    }
    return out;
}

bool isText(const QByteArray& payload)
{
    const uchar* p = reinterpret_cast<const uchar*>(payload.constData());
    const uchar* const end = p + payload.size();
    while (p < end) {
        if (*p >= 0x20 && *p < 0x7f) { // plain ASCII, the common case
            ++p;
            continue;
        }
        char32_t cp = 0;
        const int len = decodeUtf8(p, end, &cp);
        if (len == 0)
            return false;
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\v' && cp != '\f' && cp != '\r' &&
            cp != 0x1b)
            return false;
        if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
            return false;
        p += len;
    }
    return true;
}

QString asText(const QByteArray& payload)
{
    QString out;
    out.reserve(payload.size());
    const uchar* p = reinterpret_cast<const uchar*>(payload.constData());
    const uchar* const end = p + payload.size();
    while (p < end) {
        char32_t cp = 0;
        const int len = decodeUtf8(p, end, &cp);
        if (len == 0) {
            appendByteEscape(out, *p++);
            continue;
        }
        p += len;
        if (cp == '\n' || cp == '\t') {
            out.append(QChar(static_cast<char16_t>(cp)));
        } else if (cp == '\r' && p < end && *p == '\n') {
            out.append(QLatin1Char('\r'));
        } else if (cp < 0x20 || cp == 0x7f) {
            appendByteEscape(out, uchar(cp));
        } else if (cp >= 0x80 && cp <= 0x9f) {
            appendCodePointEscape(out, cp);
        } else {
            appendCodePoint(out, cp);
        }
    }
    return out;
}

bool prettyJson(const QByteArray& payload, QString* out)
{
    // QJsonDocument only takes an object or array at the top; wrapping the payload lets it
    // validate a lone scalar too. "[P]" parses to one element exactly when P is one JSON value.
    QByteArray wrapped;
    wrapped.reserve(payload.size() + 2);
    wrapped.append('[').append(payload).append(']');
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
        return false;
    if (out)
        *out = QString::fromUtf8(reindentJson(payload));
    return true;
}

bool looksLikeJsonContainer(const QByteArray& payload)
{
    for (const char c : payload) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

QString hexDump(const QByteArray& payload, int maxBytes)
{
    const int total = int(payload.size());
    const int shown = qBound(0, maxBytes, total);
    constexpr int kLineWidth = 8 + 2 + 16 * 3 + 1 + 1 + 1 + 16 + 1; // offset…|ascii|
    QString out;
    out.reserve((shown / 16 + 2) * (kLineWidth + 1));
    const uchar* data = reinterpret_cast<const uchar*>(payload.constData());
    for (int offset = 0; offset < shown; offset += 16) {
        if (offset > 0)
            out.append(QLatin1Char('\n'));
        for (int shift = 28; shift >= 0; shift -= 4)
            out.append(QLatin1Char(kHex[(uint(offset) >> shift) & 0xf]));
        out.append(QLatin1String("  "));
        const int count = qMin(16, shown - offset);
        for (int i = 0; i < 16; ++i) {
            if (i < count) {
                const uchar b = data[offset + i];
                out.append(QLatin1Char(kHex[b >> 4]));
                out.append(QLatin1Char(kHex[b & 0xf]));
                out.append(QLatin1Char(' '));
            } else {
                out.append(QLatin1String("   "));
            }
            if (i == 7)
                out.append(QLatin1Char(' '));
        }
        out.append(QLatin1String(" |"));
        for (int i = 0; i < count; ++i) {
            const uchar b = data[offset + i];
            out.append(QLatin1Char(b >= 0x20 && b < 0x7f ? char(b) : '.'));
        }
        out.append(QLatin1Char('|'));
    }
    if (shown < total) {
        if (!out.isEmpty())
            out.append(QLatin1Char('\n'));
        out.append(
            QCoreApplication::translate("rqc::PayloadFormat", "… %1 more not shown (%2 in total)")
                .arg(humanSize(total - shown), humanSize(total)));
    }
    return out;
}

QString humanSize(qint64 bytes)
{
    if (bytes < 1024)
        return QCoreApplication::translate("rqc::PayloadFormat", "%1 B").arg(bytes);
    static const char* const units[] = {
        QT_TRANSLATE_NOOP("rqc::PayloadFormat", "%1 KiB"),
        QT_TRANSLATE_NOOP("rqc::PayloadFormat", "%1 MiB"),
        QT_TRANSLATE_NOOP("rqc::PayloadFormat", "%1 GiB"),
        QT_TRANSLATE_NOOP("rqc::PayloadFormat", "%1 TiB"),
    };
    double value = double(bytes) / 1024.0;
    int unit = 0;
    // Move up before one decimal would round to "1024.0".
    while (value >= 1023.95 && unit < 3) {
        value /= 1024.0;
        ++unit;
    }
    return QCoreApplication::translate("rqc::PayloadFormat", units[unit])
        .arg(QString::number(value, 'f', 1));
}

} // namespace rqc::PayloadFormat
