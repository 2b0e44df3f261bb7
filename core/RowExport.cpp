#include "RowExport.h"

#include "RecordingEncoder.h"

#include <QDateTime>

namespace rqc {

namespace {
const char kHex[] = "0123456789abcdef";

QByteArray csvField(const QByteArray& text)
{
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n') && !text.contains('\r'))
        return text;
    QByteArray out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}
} // namespace

QList<QByteArray> RowExport::resendArgv(const Message& message, const QByteArray& family)
{
    if (family == "stream") {
        QList<QByteArray> argv{"XADD", message.source, "*"};
        if (message.fields.isEmpty())
            argv << "message" << message.payload;
        for (const auto& f : message.fields)
            argv << f.first << f.second;
        return argv;
    }
    if (family == "list")
        return {"LPUSH", message.source, message.payload};
    return {"PUBLISH", message.source, message.payload};
}

QByteArray RowExport::cliQuote(const QByteArray& bytes)
{
    // redis-cli splits its input with sdssplitargs: inside "…" it understands \xHH, \n, \r, \t,
    // \b, \a, \" and \\; every other byte goes as it is. Only printable ASCII is left bare.
    QByteArray out = "\"";
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '"':
            out += "\\\"";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c >= 0x20 && c < 0x7f) {
                out += char(c);
            } else {
                out += "\\x";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            }
        }
    }
    out += '"';
    return out;
}

QByteArray RowExport::pyBytes(const QByteArray& bytes)
{
    QByteArray out = "b'";
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\\' || c == '\'') {
            out += '\\';
            out += char(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c >= 0x20 && c < 0x7f) {
            out += char(c);
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        }
    }
    out += '\'';
    return out;
}

QByteArray RowExport::redisCliLine(const QList<QByteArray>& argv)
{
    QByteArray out;
    for (qsizetype i = 0; i < argv.size(); ++i) {
        if (i)
            out += ' ';
        // The command name bare (it is ASCII), everything else quoted.
        out += i == 0 ? argv[i] : cliQuote(argv[i]);
    }
    return out;
}

QByteArray RowExport::redisPyLine(const QList<QByteArray>& argv)
{
    if (argv.isEmpty())
        return {};
    const QByteArray name = argv.first().toLower();
    if (name == "xadd" && argv.size() >= 3) {
        // r.xadd(name, {field: value, …}) — the id "*" is redis-py's default.
        QByteArray out = "r.xadd(" + pyBytes(argv[1]) + ", {";
        for (qsizetype i = 3; i + 1 < argv.size(); i += 2) {
            if (i > 3)
                out += ", ";
            out += pyBytes(argv[i]) + ": " + pyBytes(argv[i + 1]);
        }
        return out + "})";
    }
    QByteArray out = "r." + name + '(';
    for (qsizetype i = 1; i < argv.size(); ++i) {
        if (i > 1)
            out += ", ";
        out += pyBytes(argv[i]);
    }
    return out + ')';
}

QByteArray RowExport::csvHeader()
{
    return "time,source,pattern,id,delivery_count,payload_encoding,payload,fields\r\n";
}

QByteArray RowExport::csvRow(const Message& m)
{
    const bool text = RecordingEncoder::isText(m.payload);
    QByteArray row = RecordingEncoder::isoTime(m.receivedMs);
    row += ',' + csvField(m.source) + ',' + csvField(m.pattern) + ',' + csvField(m.id) + ',' +
           QByteArray::number(m.deliveryCount) + ',' + (text ? "text" : "base64") + ',' +
           csvField(text ? m.payload : m.payload.toBase64()) + ',' +
           csvField(RecordingEncoder::fieldsJson(m.fields)) + "\r\n";
    return row;
}

QByteArray RowExport::csv(const QList<Message>& rows)
{
    QByteArray out = csvHeader();
    for (const Message& m : rows)
        out += csvRow(m);
    return out;
}

QByteArray RowExport::jsonLines(const QList<Message>& rows, const QByteArray& mode,
                                const QByteArray& target, bool precise, const QString& server,
                                const QString& spec)
{
    RecordingHeader header;
    header.startedMs = QDateTime::currentMSecsSinceEpoch();
    header.server = server;
    header.spec = spec;
    QByteArray out = RecordingEncoder::headerLine(header);
    RecordingEncoder encoder;
    for (const Message& m : rows)
        encoder.appendRow(out, m, mode, target, precise);
    return out;
}

} // namespace rqc
