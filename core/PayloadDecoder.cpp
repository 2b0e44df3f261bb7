#include "PayloadDecoder.h"

#include "DecoderParts.h"
#include "PayloadFormat.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>

namespace rqc::PayloadDecoder {

namespace detail {

QString tr(const char* text, const char* disambiguation, int n)
{
    return QCoreApplication::translate("rqc::PayloadDecoder", text, disambiguation, n);
}

void Writer::add(const QString& s)
{
    if (full()) {
        m_cut = m_cut || !s.isEmpty();
        return;
    }
    m_out += s;
}

void Writer::add(QLatin1String s)
{
    if (full()) {
        m_cut = m_cut || s.size() > 0;
        return;
    }
    m_out += s;
}

void Writer::breakLine(int depth, int indentWidth, QLatin1String compactSep)
{
    if (m_compact) {
        add(compactSep);
        return;
    }
    if (full()) {
        m_cut = true;
        return;
    }
    m_out += QLatin1Char('\n');
    m_out += QString(qMin(depth * indentWidth, 200), QLatin1Char(' '));
}

QString Writer::take()
{
    if (m_cut || m_out.size() > m_max) {
        m_cut = true;
        m_out.truncate(m_max);
        m_out += QChar(0x2026);
    }
    return std::move(m_out);
}

QString quoted(const QByteArray& bytes, int maxChars)
{
    QString body = PayloadFormat::preview(bytes, maxChars);
    body.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + body + QLatin1Char('"');
}

QString hexBytes(const uchar* p, qint64 size, int maxBytes)
{
    static const char kHex[] = "0123456789abcdef";
    QString out;
    const qint64 n = qMin<qint64>(size, maxBytes);
    out.reserve(int(n * 2 + 1));
    for (qint64 i = 0; i < n; ++i) {
        out += QLatin1Char(kHex[p[i] >> 4]);
        out += QLatin1Char(kHex[p[i] & 0xf]);
    }
    if (size > n)
        out += QChar(0x2026);
    return out;
}

} // namespace detail

using namespace detail;

namespace {

bool isZlibHeader(const QByteArray& d)
{
    if (d.size() < 2)
        return false;
    const uchar cmf = uchar(d[0]), flg = uchar(d[1]);
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0 && !(flg & 0x20);
}

bool isGzip(const QByteArray& d)
{
    return d.size() >= 2 && uchar(d[0]) == 0x1f && uchar(d[1]) == 0x8b;
}

bool isZstd(const QByteArray& d) { return d.startsWith(QByteArrayLiteral("\x28\xb5\x2f\xfd")); }

bool isText(const QByteArray& d, const Options& o)
{
    return PayloadFormat::isText(o.compact ? d.left(64 * 1024) : d);
}

// Cheap: could the text be base64 at all (alphabet, length, something beyond a plain word)?
bool looksBase64(const QByteArray& d)
{
    int n = 0;
    bool special = false;
    for (const char c : d) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        const bool alnum =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '+' && c != '/' && c != '-' && c != '_' && c != '=')
            return false;
        special = special || !alnum || (c >= '0' && c <= '9');
        ++n;
    }
    return n >= 8 && (n % 4 == 0 || special);
}

Result textResult(const QByteArray& d, Kind kind, const Options& o)
{
    Result r;
    r.kind = kind;
    if (o.compact) {
        r.text = PayloadFormat::preview(d, qMax(1, o.maxChars));
        r.cut = r.text.endsWith(QChar(0x2026)) && d.size() > 0;
    } else if (kind == Kind::Raw) {
        r.text = PayloadFormat::hexDump(d, qMin<qint64>(o.maxChars / 4, 1 << 20));
    } else {
        r.text = PayloadFormat::asText(d.left(o.maxChars));
        r.cut = d.size() > o.maxChars;
    }
    return r;
}

Result failed(const QByteArray& d, Kind kind, const Failure& f, const Options& o)
{
    Result r;
    r.kind = kind;
    r.ok = false;
    r.errorOffset = f.offset;
    r.errorReason = f.reason;
    r.text = errorLine(r);
    if (!o.compact)
        r.text += QStringLiteral("\n\n") + PayloadFormat::hexDump(d, 4096);
    return r;
}

Result autoDecode(const QByteArray& d, const Options& o, int depth);

// A layer (compressed, base64) peeled off: what it held, decoded by Auto.
Result inner(const QByteArray& outer, const QByteArray& decoded, Kind kind, bool cut,
             const Options& o, int depth)
{
    Result r = autoDecode(decoded, o, depth + 1);
    r.layers.prepend(displayName(kind));
    QString note = tr("%1: %2 \u2192 %3")
                       .arg(displayName(kind), PayloadFormat::humanSize(outer.size()),
                            PayloadFormat::humanSize(decoded.size()));
    if (cut)
        note += QLatin1Char(' ') + tr("(cut at %1)").arg(PayloadFormat::humanSize(decoded.size()));
    r.note = r.note.isEmpty() ? note : note + QStringLiteral("; ") + r.note;
    r.cut = r.cut || cut;
    return r;
}

Result decodeAs(const QByteArray& d, Kind kind, const Options& o, int depth, bool strict)
{
    Failure f;
    switch (kind) {
    case Kind::Auto:
        return autoDecode(d, o, depth);
    case Kind::Text:
    case Kind::Raw:
        return textResult(d, kind, o);
    case Kind::Json: {
        if (o.compact) {
            if (PayloadFormat::looksLikeJsonContainer(d))
                return textResult(d, Kind::Json, o);
        }
        QString pretty;
        if (PayloadFormat::prettyJson(d, o.compact ? nullptr : &pretty)) {
            Result r;
            r.kind = Kind::Json;
            r.text = o.compact ? PayloadFormat::preview(d, o.maxChars) : pretty;
            return r;
        }
        QJsonParseError error;
        QByteArray wrapped = '[' + d + ']';
        QJsonDocument::fromJson(wrapped, &error);
        f.offset = qBound(qint64(0), qint64(error.offset) - 1, qint64(d.size()));
        f.reason = error.error == QJsonParseError::NoError ? tr("not one JSON value")
                                                           : error.errorString();
        return failed(d, kind, f, o);
    }
    case Kind::Gzip:
    case Kind::Zlib:
    case Kind::Zstd: {
        QByteArray out;
        bool cut = false;
        const qint64 cap = o.compact ? qMin<qint64>(o.maxOutput, 64 * 1024) : o.maxOutput;
        const bool ok = kind == Kind::Zstd
                            ? decompressZstd(d, cap, &out, &cut, &f)
                            : inflateZlib(d, kind == Kind::Gzip, cap, &out, &cut, &f);
        if (!ok)
            return failed(d, kind, f, o);
        return inner(d, out, kind, cut, o, depth);
    }
    case Kind::Base64: {
        QByteArray out;
        if (!decodeBase64(d, &out, &f))
            return failed(d, kind, f, o);
        return inner(d, out, kind, false, o, depth);
    }
    case Kind::MessagePack:
    case Kind::Protobuf:
    case Kind::Pickle: {
        Writer w(o);
        const bool ok = kind == Kind::MessagePack ? renderMsgpack(d, w, &f)
                        : kind == Kind::Protobuf  ? renderProtobuf(d, w, &f)
                                                  : renderPickle(d, w, strict, &f);
        if (!ok)
            return failed(d, kind, f, o);
        Result r;
        r.kind = kind;
        r.text = w.take();
        r.cut = w.cut();
        return r;
    }
    }
    return textResult(d, Kind::Text, o);
}

Result autoDecode(const QByteArray& d, const Options& o, int depth)
{
    if (d.isEmpty() || depth >= MaxDepth)
        return textResult(d, isText(d, o) ? Kind::Text : Kind::Raw, o);
    auto attempt = [&](Kind kind, Result* out) {
        Result r = decodeAs(d, kind, o, depth, true);
        if (!r.ok)
            return false;
        *out = std::move(r);
        return true;
    };
    Result r;
    if (isGzip(d) && attempt(Kind::Gzip, &r))
        return r;
    if (isZstd(d) && attempt(Kind::Zstd, &r))
        return r;
    if (isZlibHeader(d) && attempt(Kind::Zlib, &r))
        return r;
    const uchar first = uchar(d[0]);
    const bool endsWithStop = d.endsWith('.');
    if (first == 0x80 && d.size() >= 3 && uchar(d[1]) <= 5 && endsWithStop &&
        attempt(Kind::Pickle, &r))
        return r;
    if (isText(d, o)) {
        if (PayloadFormat::looksLikeJsonContainer(d)) {
            if (o.compact)
                return textResult(d, Kind::Text, o); // the preview of JSON is its text
            if (attempt(Kind::Json, &r))
                return r;
        }
        if (looksBase64(d)) {
            QByteArray decoded;
            Failure f;
            if (decodeBase64(d, &decoded, &f)) {
                Result in = inner(d, decoded, Kind::Base64, false, o, depth);
                if (in.kind != Kind::Raw && in.kind != Kind::Protobuf &&
                    !(in.kind == Kind::Text && in.layers.size() == 1 && decoded.size() < 4))
                    return in;
            }
        }
        // Protocol 0 pickles are text: "(dp0\nS'a'\np1\nI1\ns." and the like.
        if (endsWithStop && QByteArrayLiteral("(]}).cNISVFLKJGdlp").contains(char(first)) &&
            attempt(Kind::Pickle, &r))
            return r;
        return textResult(d, Kind::Text, o);
    }
    if (((first >= 0x80 && first <= 0x9f) || (first >= 0xdc && first <= 0xdf)) &&
        attempt(Kind::MessagePack, &r))
        return r;
    if (endsWithStop && QByteArrayLiteral("(]})cNJKMGTUXd").contains(char(first)) &&
        attempt(Kind::Pickle, &r))
        return r;
    if (attempt(Kind::Protobuf, &r))
        return r;
    return textResult(d, Kind::Raw, o);
}

} // namespace

QList<Kind> choices()
{
    return {Kind::Auto, Kind::Text, Kind::Json,   Kind::MessagePack, Kind::Gzip,
            Kind::Zlib, Kind::Zstd, Kind::Base64, Kind::Protobuf,    Kind::Pickle};
}

QString displayName(Kind kind)
{
    switch (kind) {
    case Kind::Auto:
        return tr("Auto");
    case Kind::Text:
        return tr("Text");
    case Kind::Json:
        return tr("JSON");
    case Kind::MessagePack:
        return tr("MessagePack");
    case Kind::Gzip:
        return tr("gzip");
    case Kind::Zlib:
        return tr("zlib");
    case Kind::Zstd:
        return tr("zstd");
    case Kind::Base64:
        return tr("base64");
    case Kind::Protobuf:
        return tr("Protobuf (raw)");
    case Kind::Pickle:
        return tr("Pickle (disassembled)");
    case Kind::Raw:
        return tr("Bytes");
    }
    return QString();
}

QString key(Kind kind)
{
    switch (kind) {
    case Kind::Auto:
        return QStringLiteral("auto");
    case Kind::Text:
        return QStringLiteral("text");
    case Kind::Json:
        return QStringLiteral("json");
    case Kind::MessagePack:
        return QStringLiteral("msgpack");
    case Kind::Gzip:
        return QStringLiteral("gzip");
    case Kind::Zlib:
        return QStringLiteral("zlib");
    case Kind::Zstd:
        return QStringLiteral("zstd");
    case Kind::Base64:
        return QStringLiteral("base64");
    case Kind::Protobuf:
        return QStringLiteral("protobuf");
    case Kind::Pickle:
        return QStringLiteral("pickle");
    case Kind::Raw:
        return QStringLiteral("raw");
    }
    return QStringLiteral("auto");
}

Kind fromKey(const QString& k)
{
    for (Kind kind : choices()) {
        if (key(kind) == k)
            return kind;
    }
    return k == key(Kind::Raw) ? Kind::Raw : Kind::Auto;
}

Result decode(const QByteArray& payload, Kind kind, const Options& options)
{
    return decodeAs(payload, kind, options, 0, false);
}

Kind detect(const QByteArray& payload)
{
    Options o;
    o.maxChars = 64;
    return decode(payload, Kind::Auto, o).kind;
}

QString errorLine(const Result& r)
{
    if (r.ok)
        return QString();
    return tr("%1: cannot decode at byte %2: %3")
        .arg(displayName(r.kind))
        .arg(r.errorOffset)
        .arg(r.errorReason);
}

} // namespace rqc::PayloadDecoder
