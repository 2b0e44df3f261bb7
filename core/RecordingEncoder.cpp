#include "RecordingEncoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace rqc {

namespace {

void appendInt(QByteArray& out, qint64 value)
{
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, result.ptr - buf);
}

// Bytes known to be text (RecordingEncoder::isText): only '"', '\\' and C0 controls are escaped.
void appendEscaped(QByteArray& out, const char* data, qsizetype size)
{
    static const char kHex[] = "0123456789abcdef";
    out.append('"');
    qsizetype run = 0;
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(data + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            out.append(esc, 6);
        }
        }
    }
    out.append(data + run, size - run);
    out.append('"');
}

void appendKey(QByteArray& out, const char* key)
{
    out.append(",\"", 2);
    out.append(key);
    out.append("\":", 2);
}

// ,"name":"text" or ,"name_b64":"…"
void appendBytes(QByteArray& out, const char* name, const QByteArray& bytes)
{
    out.append(",\"", 2);
    out.append(name);
    if (RecordingEncoder::isText(bytes)) {
        out.append("\":", 2);
        appendEscaped(out, bytes.constData(), bytes.size());
    } else {
        out.append("_b64\":\"", 7);
        out.append(bytes.toBase64());
        out.append('"');
    }
}

// A field name or value inside "fields": a string, or {"b64":"…"}.
void appendFieldItem(QByteArray& out, const QByteArray& bytes)
{
    if (RecordingEncoder::isText(bytes)) {
        appendEscaped(out, bytes.constData(), bytes.size());
    } else {
        out.append("{\"b64\":\"", 8);
        out.append(bytes.toBase64());
        out.append("\"}", 2);
    }
}

void appendNonEmpty(QByteArray& out, const char* name, const QByteArray& bytes)
{
    if (!bytes.isEmpty())
        appendBytes(out, name, bytes);
}

void appendMs(QByteArray& out, const char* name, qint64 ms)
{
    if (ms <= 0)
        return;
    appendKey(out, name);
    appendInt(out, ms);
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

void RecordingEncoder::appendTime(QByteArray& out, qint64 ms)
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
    char buf[26];
    buf[0] = '"';
    std::memcpy(buf + 1, m_cachedPrefix, 19);
    buf[20] = '.';
    buf[21] = char('0' + milli / 100);
    put2(buf + 22, unsigned(milli % 100));
    buf[24] = 'Z';
    buf[25] = '"';
    out.append(buf, 26);
}

QByteArray RecordingEncoder::headerLine(const RecordingHeader& header)
{
    QByteArray out = "{\"rqconsole_recording\":";
    appendInt(out, header.version);
    out.append(",\"started\":\"");
    out.append(isoTime(header.startedMs));
    out.append('"');
    appendKey(out, "started_ms");
    appendInt(out, header.startedMs);
    appendKey(out, "server");
    const QByteArray server = header.server.toUtf8();
    appendEscaped(out, server.constData(), server.size());
    appendKey(out, "spec");
    const QByteArray spec = header.spec.toUtf8();
    appendEscaped(out, spec.constData(), spec.size());
    out.append("}\n", 2);
    return out;
}

void RecordingEncoder::appendRow(QByteArray& out, const Message& m, const QByteArray& mode,
                                 const QByteArray& target, bool precise)
{
    const Observation* o = m.observed.get();
    out.append("{\"time\":", 8);
    appendTime(out, m.receivedMs);
    appendKey(out, "time_ms");
    appendInt(out, m.receivedMs);
    if (m.seq > 0) {
        appendKey(out, "seq");
        appendInt(out, qint64(m.seq));
    }
    appendKey(out, "mode");
    appendEscaped(out, mode.constData(), mode.size());
    appendBytes(out, "target", target);
    if (o && !o->command.isEmpty())
        appendBytes(out, "event", o->command);
    else
        out.append(",\"event\":\"message\"");
    appendBytes(out, "key", o && !o->key.isEmpty() ? o->key : m.source);
    appendNonEmpty(out, "pattern", m.pattern);
    appendNonEmpty(out, "id", m.id);
    if (precise || m.deliveryCount > 1) {
        appendKey(out, "delivery");
        appendInt(out, m.deliveryCount);
    }
    if (o) {
        if (o->clientId > 0 || !o->clientName.isEmpty() || !o->clientAddr.isEmpty()) {
            out.append(",\"client\":{", 11);
            const qsizetype open = out.size();
            if (o->clientId > 0) {
                out.append("\"id\":", 5);
                appendInt(out, o->clientId);
            }
            appendNonEmpty(out, "name", o->clientName);
            appendNonEmpty(out, "addr", o->clientAddr);
            if (out.size() > open && out.at(open) == ',')
                out.remove(open, 1);
            out.append('}');
        }
        appendKey(out, "kind");
        out.append('"');
        out.append(kindName(o->kind));
        out.append('"');
        appendNonEmpty(out, "producer", o->producer);
        appendNonEmpty(out, "consumer", o->consumer);
        appendKey(out, "certain");
        out.append(o->certain ? "true" : "false");
        appendMs(out, "produced_ms", o->producedMs);
        appendMs(out, "taken_ms", o->takenMs);
        appendMs(out, "acked_ms", o->ackedMs);
        if (o->producedMs > 0 && o->takenMs > 0) {
            appendKey(out, "latency_ms");
            appendInt(out, o->takenMs - o->producedMs);
        }
        if (o->takenMs > 0 && o->ackedMs > 0) {
            appendKey(out, "ack_latency_ms");
            appendInt(out, o->ackedMs - o->takenMs);
        }
    }
    appendBytes(out, "payload", m.payload);
    if (!m.fields.isEmpty()) {
        out.append(",\"fields\":[", 11);
        bool first = true;
        for (const auto& field : m.fields) {
            if (!first)
                out.append(',');
            first = false;
            out.append('[');
            appendFieldItem(out, field.first);
            out.append(',');
            appendFieldItem(out, field.second);
            out.append(']');
        }
        out.append(']');
    }
    out.append("}\n", 2);
}

} // namespace rqc
