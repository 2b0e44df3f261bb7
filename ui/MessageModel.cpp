#include "MessageModel.h"

#include "PayloadFormat.h"

#include <QDateTime>

namespace rqc {

namespace {

constexpr int kPreviewChars = 200;
constexpr int kToolTipBytes = 2048;
constexpr int kToolTipLines = 25;
constexpr int kToolTipLineChars = 200;
constexpr int kToolTipHexBytes = 128;

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

} // namespace

MessageModel::MessageModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void MessageModel::setCapacity(int capacity)
{
    capacity = qMax(1, capacity);
    if (capacity == m_capacity)
        return;
    if (m_count > capacity) {
        const int overflow = m_count - capacity;
        beginRemoveRows(QModelIndex(), 0, overflow - 1);
        m_dropped += quint64(overflow);
        linearize(capacity);
        m_capacity = capacity;
        endRemoveRows();
        return;
    }
    // Growing (or shrinking to no less than what is held): back to the unwrapped state so the
    // ring can grow again up to the new capacity.
    linearize(m_count);
    m_capacity = capacity;
}

void MessageModel::linearize(int keep)
{
    if (m_head == 0 && m_ring.size() == size_t(m_count) && keep == m_count)
        return;
    std::vector<Message> fresh;
    fresh.reserve(size_t(keep));
    for (int row = m_count - keep; row < m_count; ++row)
        fresh.push_back(std::move(m_ring[slot(row)]));
    m_ring.swap(fresh);
    m_head = 0;
    m_count = keep;
}

void MessageModel::appendBatch(const MessageList& batch)
{
    const int n = int(batch.size());
    if (n == 0)
        return;
    m_totalAppended += quint64(n);

    // A batch bigger than the ring: its oldest part is never shown.
    const int take = qMin(n, m_capacity);
    const int skip = n - take;
    m_dropped += quint64(skip);

    const int overflow = qMax(0, m_count + take - m_capacity);
    if (overflow > 0) {
        // Grow to full size first: the slots freed at the front are then exactly the ones the
        // new rows are written into, and nothing is moved.
        if (m_ring.size() < size_t(m_capacity))
            m_ring.resize(size_t(m_capacity));
        beginRemoveRows(QModelIndex(), 0, overflow - 1);
        m_head = (m_head + size_t(overflow)) % m_ring.size();
        m_count -= overflow;
        m_dropped += quint64(overflow);
        endRemoveRows();
    }

    beginInsertRows(QModelIndex(), m_count, m_count + take - 1);
    if (m_ring.size() < size_t(m_capacity))
        m_ring.reserve(qMin(size_t(m_capacity), qMax(m_ring.size() * 2, m_ring.size() + take)));
    for (int i = skip; i < n; ++i) {
        if (m_ring.size() < size_t(m_capacity))
            m_ring.push_back(batch.at(i)); // still growing: unwrapped, appends at the end
        else
            m_ring[slot(m_count)] = batch.at(i);
        ++m_count;
    }
    endInsertRows();
}

void MessageModel::clear()
{
    beginResetModel();
    std::vector<Message>().swap(m_ring); // give the memory back
    m_head = 0;
    m_count = 0;
    m_totalAppended = 0;
    m_dropped = 0;
    endResetModel();
}

const Message& MessageModel::messageAt(int row) const
{
    Q_ASSERT(row >= 0 && row < m_count);
    if (row < 0 || row >= m_count) {
        static const Message none;
        return none;
    }
    return m_ring[slot(row)];
}

int MessageModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_count;
}

int MessageModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MessageModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_count ||
        index.column() >= ColumnCount)
        return QVariant();
    const Message& m = m_ring[slot(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(m.receivedMs)
                .toString(QStringLiteral("hh:mm:ss.zzz"));
        case SourceColumn:
            return sourceText(m);
        case SizeColumn:
            return PayloadFormat::humanSize(m.payload.size());
        case PreviewColumn:
            return PayloadFormat::preview(m.payload, kPreviewChars);
        default:
            return QVariant();
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return tr("%1, message #%2")
                .arg(QDateTime::fromMSecsSinceEpoch(m.receivedMs)
                         .toString(QStringLiteral("yyyy-MM-dd hh:mm:ss.zzz")))
                .arg(m.seq);
        case SourceColumn:
            return sourceText(m).toHtmlEscaped();
        case SizeColumn:
            return tr("%n byte(s)", nullptr, int(qMin<qsizetype>(m.payload.size(), INT_MAX)));
        case PreviewColumn:
            return payloadToolTip(m.payload);
        default:
            return QVariant();
        }
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case PayloadRole:
        return m.payload;
    case SequenceRole:
        return QVariant::fromValue<quint64>(m.seq);
    case ReceivedMsRole:
        return QVariant::fromValue<qint64>(m.receivedMs);
    default:
        return QVariant();
    }
}

QVariant MessageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
        switch (section) {
        case TimeColumn:
            return tr("Time");
        case SourceColumn:
            return tr("Source");
        case SizeColumn:
            return tr("Size");
        case PreviewColumn:
            return tr("Preview");
        default:
            break;
        }
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

Qt::ItemFlags MessageModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace rqc
