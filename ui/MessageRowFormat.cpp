#include "MessageRowFormat.h"

#include "PayloadFormat.h"

#include <QColor>
#include <QStringList>

namespace rqc::MessageRowFormat {

namespace {

constexpr int kToolTipBytes = 2048;
constexpr int kToolTipLines = 25;
constexpr int kToolTipLineChars = 200;
constexpr int kToolTipHexBytes = 128;

} // namespace

// The first `bytes` of the payload, cut back so that no UTF-8 sequence is split.
QByteArray utf8Prefix(const QByteArray& payload, int bytes)
{
    if (payload.size() <= bytes)
        return payload;
    int cut = bytes;
    // Step back over at most three continuation bytes to the start of the cut sequence.
    for (int i = 0; i < 3 && cut > 0 && (uchar(payload.at(cut)) & 0xc0) == 0x80; ++i)
        --cut;
    return payload.left(cut);
}

// A longer look than the one-line preview: a few lines of text, or the first bytes in hex.
// Returned as rich text so that a payload which looks like HTML is shown, not rendered.
QString payloadToolTip(const QByteArray& payload)
{
    const QByteArray head = utf8Prefix(payload, kToolTipBytes);
    QString body;
    if (PayloadFormat::isText(head)) {
        const QStringList lines = PayloadFormat::asText(head).split(QLatin1Char('\n'));
        QStringList shown;
        for (int i = 0; i < lines.size() && i < kToolTipLines; ++i) {
            QString line = lines.at(i);
            if (line.endsWith(QLatin1Char('\r')))
                line.chop(1);
            if (line.size() > kToolTipLineChars)
                line = line.left(kToolTipLineChars) + QChar(0x2026);
            shown << line;
        }
        body = shown.join(QLatin1Char('\n'));
        if (lines.size() > kToolTipLines || head.size() < payload.size())
            body += QLatin1Char('\n') + QChar(0x2026);
    } else {
        body = PayloadFormat::hexDump(payload, kToolTipHexBytes);
    }
    return QStringLiteral("<pre>") + body.toHtmlEscaped() + QStringLiteral("</pre>");
}

QString sourceText(const Message& m)
{
    const QString source = QString::fromUtf8(m.source);
    if (m.pattern.isEmpty())
        return source;
    return QString::fromUtf8(m.pattern) + QStringLiteral(" \u2192 ") + source;
}

// "name (addr)" → "name"; an address alone stays as it is.
QString shortClient(const QByteArray& who)
{
    const qsizetype paren = who.indexOf(" (");
    return QString::fromUtf8(paren > 0 ? who.left(paren) : who);
}

bool showsFields(const Message& m) { return m.payload.isEmpty() && !m.fields.isEmpty(); }

QString fieldsPreview(const Message& m, int maxChars)
{
    QString line;
    for (const auto& [name, value] : m.fields) {
        if (!line.isEmpty())
            line += QLatin1Char(' ');
        line += PayloadFormat::preview(name, maxChars) + QLatin1Char('=') +
                PayloadFormat::preview(value, maxChars);
        if (line.size() >= maxChars)
            return line.left(maxChars - 1) + QChar(0x2026);
    }
    return line;
}

QString fieldsText(const Message& m)
{
    QStringList lines;
    for (const auto& [name, value] : m.fields)
        lines << PayloadFormat::preview(name, kToolTipLineChars) + QStringLiteral(" = ") +
                     PayloadFormat::preview(value, kToolTipBytes);
    return lines.join(QLatin1Char('\n'));
}

qsizetype fieldsBytes(const Message& m)
{
    qsizetype bytes = 0;
    for (const auto& [name, value] : m.fields)
        bytes += name.size() + value.size();
    return bytes;
}

bool isEventOnly(const Observation& o) { return o.clientAddr.isEmpty() && o.clientId == 0; }

bool isSettled(MessageModel::RowState state)
{
    using S = MessageModel::RowState;
    return state == S::Acked || state == S::AutoAcked || state == S::Requeued ||
           state == S::DeadLettered || state == S::Gone || state == S::Released;
}

QVariant stateColor(MessageModel::RowState state)
{
    using S = MessageModel::RowState;
    switch (state) {
    case S::Pending:
        return QColor(0xff, 0xe0, 0x8a); // amber: waiting for an ack
    case S::Acked:
    case S::AutoAcked:
        return QColor(0xc8, 0xe6, 0xc9);
    case S::Requeued:
        return QColor(0xbb, 0xde, 0xfb);
    case S::DeadLettered:
        return QColor(0xf8, 0xbb, 0xbb);
    case S::Gone:
    case S::Released:
        return QColor(0xe0, 0xe0, 0xe0);
    case S::NoAck:
    case S::None:
        break;
    }
    return QVariant();
}

} // namespace rqc::MessageRowFormat
