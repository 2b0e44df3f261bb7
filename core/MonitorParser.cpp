#include "MonitorParser.h"

#include <limits>

namespace rqc {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads decimal digits into *value, refusing a number above max (so that neither the reading
// nor what the caller computes from it overflows). False when there are no digits or too big.
bool readNumber(const char*& p, const char* end, qint64 max, qint64* value)
{
    const char* start = p;
    qint64 v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        const int digit = *p++ - '0';
        if (v > (max - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *value = v;
    return p != start;
}
} // namespace

bool MonitorParser::unquote(const char* p, const char* end, QByteArray* out)
{
    out->clear();
    out->reserve(end - p);
    while (p < end) {
        const char c = *p++;
        if (c != '\\') {
            out->append(c);
            continue;
        }
        if (p >= end)
            return false;
        const char e = *p++;
        switch (e) {
        case '\\':
        case '"':
            out->append(e);
            break;
        case 'n':
            out->append('\n');
            break;
        case 'r':
            out->append('\r');
            break;
        case 't':
            out->append('\t');
            break;
        case 'a':
            out->append('\a');
            break;
        case 'b':
            out->append('\b');
            break;
        case 'x': {
            if (end - p < 2)
                return false;
            const int hi = hexValue(p[0]);
            const int lo = hexValue(p[1]);
            if (hi < 0 || lo < 0)
                return false;
            out->append(char((hi << 4) | lo));
            p += 2;
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

QByteArray MonitorParser::quote(const QByteArray& bytes)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray s;
    s.reserve(bytes.size() + 2);
    s.append('"');
    for (const char c : bytes) {
        const unsigned char u = static_cast<unsigned char>(c);
        switch (c) {
        case '\\':
        case '"':
            s.append('\\').append(c);
            break;
        case '\n':
            s.append("\\n");
            break;
        case '\r':
            s.append("\\r");
            break;
        case '\t':
            s.append("\\t");
            break;
        case '\a':
            s.append("\\a");
            break;
        case '\b':
            s.append("\\b");
            break;
        default:
            if (u >= 0x20 && u < 0x7f) // isprint() in the C locale, as sdscatrepr
                s.append(c);
            else
                s.append("\\x").append(hex[u >> 4]).append(hex[u & 15]);
        }
    }
    s.append('"');
    return s;
}

bool MonitorParser::parse(const QByteArray& line, MonitorLine* out)
{
    const char* p = line.constData();
    const char* end = p + line.size();
    while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
        --end;
    if (p < end && *p == '+')
        ++p;
    // Time: seconds '.' microseconds (6 digits).
    // Bounded so that sec * 1000000 + usec fits (a hostile or garbled line must not overflow).
    qint64 sec = 0;
    if (!readNumber(p, end, (std::numeric_limits<qint64>::max() - 999999) / 1000000, &sec) ||
        p >= end || *p != '.')
        return false;
    ++p;
    qint64 usec = 0;
    int digits = 0;
    while (p < end && *p >= '0' && *p <= '9' && digits < 6) {
        usec = usec * 10 + (*p++ - '0');
        ++digits;
    }
    if (digits != 6 || end - p < 2 || p[0] != ' ' || p[1] != '[')
        return false;
    p += 2;
    qint64 db = 0;
    if (!readNumber(p, end, std::numeric_limits<int>::max(), &db) || p >= end || *p != ' ')
        return false;
    ++p;
    // The address runs to "] " (an IPv6 address has ']' inside, but never followed by a space).
    const char* addrBegin = p;
    while (p + 1 < end && !(p[0] == ']' && p[1] == ' '))
        ++p;
    if (p + 1 >= end)
        return false;
    const QByteArray addr(addrBegin, int(p - addrBegin));
    p += 2;
    QList<QByteArray> argv;
    QByteArray arg;
    while (p < end) {
        if (*p != '"')
            return false;
        ++p;
        const char* a = p;
        while (p < end && *p != '"') {
            if (*p == '\\')
                ++p; // skip the escaped character (\" and \\ included)
            ++p;
        }
        if (p >= end)
            return false;
        if (!unquote(a, p, &arg))
            return false;
        argv.append(arg);
        ++p; // closing quote
        if (p < end) {
            if (*p != ' ')
                return false;
            ++p;
        }
    }
    if (argv.isEmpty())
        return false;
    out->timeUs = sec * 1000000 + usec;
    out->db = int(db);
    out->addr = addr;
    out->argv = std::move(argv);
    return true;
}

} // namespace rqc
