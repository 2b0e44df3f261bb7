#include "RecordingEncoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace rqc {

namespace {

// Writes into memory that appendRow() reserved for the whole row up front (rowBound()): one
// capacity check per row instead of one per piece, which is what makes the encoder fast.
struct Cursor {
    char* p;

    template <size_t N> void lit(const char (&s)[N])
    {
        std::memcpy(p, s, N - 1);
        p += N - 1;
    }
    void raw(const char* s, qsizetype n)
    {
        std::memcpy(p, s, size_t(n));
        p += n;
    }
    void ch(char c) { *p++ = c; }
    void integer(qint64 value) { p = std::to_chars(p, p + 24, value).ptr; }

    // Bytes known to be text (RecordingEncoder::isText): only '"', '\\' and C0 controls are
    // escaped.
    void escaped(const char* data, qsizetype size)
    {
        static const char kHex[] = "0123456789abcdef";
        *p++ = '"';
        qsizetype run = 0;
        for (qsizetype i = 0; i < size; ++i) {
            const auto c = static_cast<unsigned char>(data[i]);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            raw(data + run, i - run);
            run = i + 1;
            *p++ = '\\';
            switch (c) {
            case '"':
                *p++ = '"';
                break;
            case '\\':
                *p++ = '\\';
                break;
            case '\n':
                *p++ = 'n';
                break;
            case '\r':
                *p++ = 'r';
                break;
            case '\t':
                *p++ = 't';
                break;
            default:
                lit("u00");
                *p++ = kHex[c >> 4];
                *p++ = kHex[c & 0xf];
            }
        }
        raw(data + run, size - run);
        *p++ = '"';
    }

    void base64(const QByteArray& bytes)
    {
        static const char kAlphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const auto* d = reinterpret_cast<const unsigned char*>(bytes.constData());
        const qsizetype n = bytes.size();
        *p++ = '"';
        qsizetype i = 0;
        for (; i + 2 < n; i += 3) {
            const unsigned v = unsigned(d[i]) << 16 | unsigned(d[i + 1]) << 8 | d[i + 2];
            *p++ = kAlphabet[v >> 18];
            *p++ = kAlphabet[(v >> 12) & 63];
            *p++ = kAlphabet[(v >> 6) & 63];
            *p++ = kAlphabet[v & 63];
        }
        if (i < n) {
            const unsigned v = unsigned(d[i]) << 16 | (i + 1 < n ? unsigned(d[i + 1]) << 8 : 0);
            *p++ = kAlphabet[v >> 18];
            *p++ = kAlphabet[(v >> 12) & 63];
            *p++ = i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
            *p++ = '=';
        }
        *p++ = '"';
    }

    // ,"name":
    void key(const char* name)
    {
        lit(",\"");
        raw(name, qsizetype(std::strlen(name)));
        lit("\":");
    }

    // ,"name":"text" or ,"name_b64":"…"
    void bytes(const char* name, const QByteArray& value)
    {
        lit(",\"");
        raw(name, qsizetype(std::strlen(name)));
        if (RecordingEncoder::isText(value)) {
            lit("\":");
            escaped(value.constData(), value.size());
        } else {
            lit("_b64\":");
            base64(value);
        }
    }

    void nonEmpty(const char* name, const QByteArray& value)
    {
        if (!value.isEmpty())
            bytes(name, value);
    }

    // A field name or value inside "fields": a string, or {"b64":"…"}.
    void fieldItem(const QByteArray& value)
    {
        if (RecordingEncoder::isText(value)) {
            escaped(value.constData(), value.size());
        } else {
            lit("{\"b64\":");
            base64(value);
            ch('}');
        }
    }

    // ,"fields":[[name,value],…] (nothing when there are none)
    void fields(const QList<QPair<QByteArray, QByteArray>>& pairs)
    {
        if (pairs.isEmpty())
            return;
        lit(",\"fields\":");
        fieldsArray(pairs);
    }

    // [[name,value],…]
    void fieldsArray(const QList<QPair<QByteArray, QByteArray>>& pairs)
    {
        ch('[');
        bool first = true;
        for (const auto& field : pairs) {
            if (!first)
                ch(',');
            first = false;
            ch('[');
            fieldItem(field.first);
            ch(',');
            fieldItem(field.second);
            ch(']');
        }
        ch(']');
    }

    void ms(const char* name, qint64 value)
    {
        if (value <= 0)
            return;
        key(name);
        integer(value);
    }
};

// The most a byte string can take written out: \u00XX for every byte, quotes, a name.
qsizetype bound(const QByteArray& bytes) { return 6 * bytes.size() + 40; }

qsizetype fieldsBound(const QList<QPair<QByteArray, QByteArray>>& fields)
{
    qsizetype n = 0;
    for (const auto& field : fields)
        n += bound(field.first) + bound(field.second) + 8;
    return n;
}

} // namespace

QByteArray RecordingEncoder::fieldsJson(const QList<QPair<QByteArray, QByteArray>>& fields)
{
    if (fields.isEmpty())
        return {};
    QByteArray out(fieldsBound(fields) + 2, Qt::Uninitialized);
    Cursor c{out.data()};
    c.fieldsArray(fields);
    out.truncate(c.p - out.constData());
    return out;
}

namespace {

qsizetype rowBound(const Message& m, const QByteArray& mode, const QByteArray& target)
{
    qsizetype n = 1024 + bound(mode) + bound(target) + bound(m.payload) + bound(m.source) +
                  bound(m.pattern) + bound(m.id) + fieldsBound(m.fields);
    if (const Observation* o = m.observed.get()) {
        n += bound(o->command) + bound(o->key) + bound(o->clientName) + bound(o->clientAddr) +
             bound(o->producer) + bound(o->consumer);
    }
    return n;
}

const char* kindName(Observation::Kind kind)
{
    switch (kind) {
    case Observation::Kind::Produce:
        return "produce";
    case Observation::Kind::Consume:
        return "consume";
    case Observation::Kind::Ack:
        return "ack";
    case Observation::Kind::Remove:
        return "remove";
    case Observation::Kind::Other:
        break;
    }
    return "other";
}

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day count since 1970-01-01.
void civilFromDays(qint64 z, qint64* y, unsigned* m, unsigned* d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = qint64(yoe) + era * 400 + (*m <= 2);
}

void put2(char* p, unsigned v)
{
    p[0] = char('0' + v / 10);
    p[1] = char('0' + v % 10);
}

void formatSecond(qint64 second, char* p) // 19 chars: YYYY-MM-DDTHH:MM:SS
{
    qint64 days = second / 86400;
    qint64 rest = second % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    qint64 y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civilFromDays(days, &y, &m, &d);
    y = std::clamp<qint64>(y, 0, 9999);
    put2(p, unsigned(y / 100));
    put2(p + 2, unsigned(y % 100));
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = 'T';
    put2(p + 11, unsigned(rest / 3600));
    p[13] = ':';
    put2(p + 14, unsigned(rest / 60 % 60));
    p[16] = ':';
    put2(p + 17, unsigned(rest % 60));
}

} // namespace

bool RecordingEncoder::isText(const char* data, qsizetype size)
{
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    const unsigned char* const end = p + size;
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            if (c == 0)
                return false;
            ++p;
            continue;
        }
        // Length and the allowed range of the second byte (RFC 3629, table 3-7 of Unicode).
        int more = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            if (c == 0xe0)
                lo = 0xa0; // no overlong forms
            else if (c == 0xed)
                hi = 0x9f; // no surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f; // nothing above U+10FFFF
        } else {
            return false;
        }
        if (end - p <= more || p[1] < lo || p[1] > hi)
            return false;
        for (int i = 2; i <= more; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
        }
        p += more + 1;
    }
    return true;
}

QByteArray RecordingEncoder::isoTime(qint64 ms)
{
    char buf[24];
    qint64 second = ms / 1000;
    qint64 milli = ms % 1000;
    if (milli < 0) {
        milli += 1000;
        --second;
    }
    formatSecond(second, buf);
    buf[19] = '.';
    buf[20] = char('0' + milli / 100);
    put2(buf + 21, unsigned(milli % 100));
    buf[23] = 'Z';
    return QByteArray(buf, 24);
}

char* RecordingEncoder::writeTime(char* p, qint64 ms)
{
    qint64 second = ms / 1000;
    qint64 milli = ms % 1000;
    if (milli < 0) {
        milli += 1000;
        --second;
    }
    if (second != m_cachedSecond) {
        formatSecond(second, m_cachedPrefix);
        m_cachedSecond = second;
    }
    p[0] = '"';
    std::memcpy(p + 1, m_cachedPrefix, 19);
    p[20] = '.';
    p[21] = char('0' + milli / 100);
    put2(p + 22, unsigned(milli % 100));
    p[24] = 'Z';
    p[25] = '"';
    return p + 26;
}

QByteArray RecordingEncoder::headerLine(const RecordingHeader& header)
{
    const QByteArray server = header.server.toUtf8();
    const QByteArray spec = header.spec.toUtf8();
    QByteArray out(200 + bound(server) + bound(spec), Qt::Uninitialized);
    Cursor c{out.data()};
    c.lit("{\"rqconsole_recording\":");
    c.integer(header.version);
    c.lit(",\"started\":\"");
    const QByteArray started = isoTime(header.startedMs);
    c.raw(started.constData(), started.size());
    c.ch('"');
    c.key("started_ms");
    c.integer(header.startedMs);
    c.key("server");
    c.escaped(server.constData(), server.size());
    c.key("spec");
    c.escaped(spec.constData(), spec.size());
    c.lit("}\n");
    out.resize(c.p - out.constData());
    return out;
}

void RecordingEncoder::appendRow(QByteArray& out, const Message& m, const QByteArray& mode,
                                 const QByteArray& target, bool precise)
{
    const qsizetype start = out.size();
    out.resize(start + rowBound(m, mode, target)); // grows geometrically; shrinking keeps it
    Cursor c{out.data() + start};
    const Observation* o = m.observed.get();
    c.lit("{\"time\":");
    c.p = writeTime(c.p, m.receivedMs);
    c.key("time_ms");
    c.integer(m.receivedMs);
    if (m.seq > 0) {
        c.key("seq");
        c.integer(qint64(m.seq));
    }
    c.key("mode");
    c.escaped(mode.constData(), mode.size());
    c.bytes("target", target);
    if (o && !o->command.isEmpty())
        c.bytes("event", o->command);
    else
        c.lit(",\"event\":\"message\"");
    c.bytes("key", o && !o->key.isEmpty() ? o->key : m.source);
    c.nonEmpty("pattern", m.pattern);
    c.nonEmpty("id", m.id);
    if (precise || m.deliveryCount > 1) {
        c.key("delivery");
        c.integer(m.deliveryCount);
    }
    if (o) {
        if (o->clientId > 0 || !o->clientName.isEmpty() || !o->clientAddr.isEmpty()) {
            c.lit(",\"client\":{");
            char* const open = c.p;
            if (o->clientId > 0) {
                c.lit("\"id\":");
                c.integer(o->clientId);
            }
            c.nonEmpty("name", o->clientName);
            c.nonEmpty("addr", o->clientAddr);
            if (c.p > open && *open == ',') { // no id: drop the comma before the first member
                std::memmove(open, open + 1, size_t(c.p - open - 1));
                --c.p;
            }
            c.ch('}');
        }
        c.key("kind");
        c.ch('"');
        const char* kind = kindName(o->kind);
        c.raw(kind, qsizetype(std::strlen(kind)));
        c.ch('"');
        c.nonEmpty("producer", o->producer);
        c.nonEmpty("consumer", o->consumer);
        c.key("certain");
        if (o->certain)
            c.lit("true");
        else
            c.lit("false");
        c.ms("produced_ms", o->producedMs);
        c.ms("taken_ms", o->takenMs);
        c.ms("acked_ms", o->ackedMs);
        if (o->producedMs > 0 && o->takenMs > 0) {
            c.key("latency_ms");
            c.integer(o->takenMs - o->producedMs);
        }
        if (o->takenMs > 0 && o->ackedMs > 0) {
            c.key("ack_latency_ms");
            c.integer(o->ackedMs - o->takenMs);
        }
    }
    c.bytes("payload", m.payload);
    c.fields(m.fields);
    c.lit("}\n");
    out.resize(c.p - out.constData());
}

void RecordingEncoder::appendPeekRow(QByteArray& out, const PeekRecord& r, const QByteArray& mode,
                                     const QByteArray& target)
{
    const qsizetype start = out.size();
    out.resize(start + 1024 + bound(mode) + bound(target) + bound(r.key) + bound(r.section) +
               bound(r.payload) + bound(r.id) + fieldsBound(r.fields));
    Cursor c{out.data() + start};
    c.lit("{\"time\":");
    c.p = writeTime(c.p, r.timeMs);
    c.key("time_ms");
    c.integer(r.timeMs);
    c.key("mode");
    c.escaped(mode.constData(), mode.size());
    c.bytes("target", target);
    c.key("event");
    c.ch('"');
    const char* event = PeekRecord::eventName(r.event);
    c.raw(event, qsizetype(std::strlen(event)));
    c.ch('"');
    c.bytes("key", r.key);
    c.nonEmpty("section", r.section);
    if (r.index >= 0) {
        c.key("index");
        c.integer(r.index);
    }
    if (r.position >= 0) {
        c.key("position");
        c.integer(r.position);
    }
    c.key("depth");
    c.integer(r.depth);
    c.nonEmpty("id", r.id);
    c.bytes("payload", r.payload);
    c.fields(r.fields);
    c.lit("}\n");
    out.resize(c.p - out.constData());
}

} // namespace rqc
