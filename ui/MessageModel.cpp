#include "MessageModel.h"

#include "MessageRowFormat.h"
#include "PayloadFormat.h"
#include "ReadingAids.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QSet>

namespace rqc {

using namespace MessageRowFormat;

QString MessageModel::stateToolTip(RowState state)
{
    switch (state) {
    case RowState::None:
        return QString();
    case RowState::Pending:
        return tr("Delivered and not acked yet: it stays in Redis (processing list or pending "
                  "entries) until you ack, requeue or dead-letter it.");
    case RowState::Acked:
        return tr("Acked: removed from Redis, exactly once.");
    case RowState::AutoAcked:
        return tr("Acked automatically once it reached this pane (ack=auto).");
    case RowState::NoAck:
        return tr("Read with NOACK: never pending, so at most once.");
    case RowState::Requeued:
        return tr("Given back to the queue; it is delivered again as a new row.");
    case RowState::DeadLettered:
        return tr("Moved to the dead-letter list or stream.");
    case RowState::Gone:
        return tr("No longer pending for this consumer: acked, recovered or claimed elsewhere "
                  "meanwhile.");
    case RowState::Released:
        return tr("Its consumer stopped before it was settled; it stays pending in Redis and is "
                  "delivered again when the pane restarts.");
    }
    return QString();
}

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
    std::vector<RowState> freshStates;
    fresh.reserve(size_t(keep));
    freshStates.reserve(size_t(keep));
    for (int row = m_count - keep; row < m_count; ++row) {
        freshStates.push_back(m_states[slot(row)]);
        fresh.push_back(std::move(m_ring[slot(row)]));
    }
    m_ring.swap(fresh);
    m_states.swap(freshStates);
    m_head = 0;
    m_count = keep;
}

void MessageModel::appendBatch(const MessageList& batch) { appendBatch(batch, RowState::None); }

void MessageModel::appendBatch(const MessageList& batch, RowState state)
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
        if (m_ring.size() < size_t(m_capacity)) {
            m_ring.resize(size_t(m_capacity));
            m_states.resize(size_t(m_capacity));
        }
        beginRemoveRows(QModelIndex(), 0, overflow - 1);
        m_head = (m_head + size_t(overflow)) % m_ring.size();
        m_count -= overflow;
        m_dropped += quint64(overflow);
        endRemoveRows();
    }

    beginInsertRows(QModelIndex(), m_count, m_count + take - 1);
    if (m_ring.size() < size_t(m_capacity)) {
        const size_t want =
            qMin(size_t(m_capacity), qMax(m_ring.size() * 2, m_ring.size() + size_t(take)));
        m_ring.reserve(want);
        m_states.reserve(want);
    }
    for (int i = skip; i < n; ++i) {
        if (m_ring.size() < size_t(m_capacity)) {
            m_ring.push_back(batch.at(i)); // still growing: unwrapped, appends at the end
            m_states.push_back(state);
        } else {
            m_ring[slot(m_count)] = batch.at(i);
            m_states[slot(m_count)] = state;
        }
        ++m_count;
    }
    endInsertRows();
}

void MessageModel::setDecoder(PayloadDecoder::Kind kind)
{
    if (kind == m_decoder)
        return;
    m_decoder = kind;
    m_previews.clear();
    if (m_count > 0)
        emit dataChanged(index(0, PreviewColumn), index(m_count - 1, PreviewColumn));
}

void MessageModel::setPreviewChars(int chars)
{
    chars = qMax(1, chars);
    if (chars == m_previewChars)
        return;
    m_previewChars = chars;
    m_previews.clear();
    if (m_count > 0)
        emit dataChanged(index(0, PreviewColumn), index(m_count - 1, PreviewColumn));
}

QString MessageModel::previewText(const Message& m) const
{
    if (showsFields(m)) // a stream entry without the payload field
        return fieldsPreview(m, m_previewChars);
    if (m_decoder == PayloadDecoder::Kind::Text)
        return PayloadFormat::preview(m.payload, m_previewChars);
    const auto it = m_previews.constFind(m.seq);
    if (it != m_previews.constEnd() && it->data == m.payload.constData() &&
        it->size == m.payload.size())
        return it->text;
    const QString text = ReadingAids::decodedPreview(m.payload, m_decoder, m_previewChars);
    if (m_previews.size() >= 4096) // the rows on screen are far fewer; start again
        m_previews.clear();
    m_previews.insert(m.seq, CachedPreview{m.payload.constData(), m.payload.size(), text});
    return text;
}

void MessageModel::clear()
{
    beginResetModel();
    std::vector<Message>().swap(m_ring); // give the memory back
    std::vector<RowState>().swap(m_states);
    m_head = 0;
    m_count = 0;
    m_totalAppended = 0;
    m_dropped = 0;
    m_previews.clear();
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

MessageModel::RowState MessageModel::rowState(int row) const
{
    if (row < 0 || row >= m_count)
        return RowState::None;
    return m_states[slot(row)];
}

int MessageModel::markBySeq(const QList<quint64>& seqs, RowState to, RowState from)
{
    if (seqs.isEmpty() || m_count == 0)
        return 0;
    QSet<quint64> wanted(seqs.cbegin(), seqs.cend());
    int first = m_count;
    int last = -1;
    int changed = 0;
    // Settle results name the newest messages of the current consumer: search from the end.
    for (int row = m_count - 1; row >= 0 && !wanted.isEmpty(); --row) {
        const size_t s = slot(row);
        if (m_states[s] != from || !wanted.remove(m_ring[s].seq))
            continue;
        m_states[s] = to;
        first = qMin(first, row);
        last = qMax(last, row);
        ++changed;
    }
    if (changed)
        emitRowsChanged(first, last);
    return changed;
}

int MessageModel::markAll(RowState from, RowState to)
{
    int first = m_count;
    int last = -1;
    int changed = 0;
    for (int row = 0; row < m_count; ++row) {
        RowState& state = m_states[slot(row)];
        if (state != from)
            continue;
        state = to;
        first = qMin(first, row);
        last = row;
        ++changed;
    }
    if (changed)
        emitRowsChanged(first, last);
    return changed;
}

int MessageModel::countInState(RowState state) const
{
    int n = 0;
    for (int row = 0; row < m_count; ++row)
        n += m_states[slot(row)] == state ? 1 : 0;
    return n;
}

MessageList MessageModel::messagesInState(RowState state) const
{
    MessageList out;
    for (int row = 0; row < m_count; ++row) {
        if (m_states[slot(row)] == state)
            out.append(m_ring[slot(row)]);
    }
    return out;
}

void MessageModel::emitRowsChanged(int first, int last)
{
    // Row styling follows the state, so every column of the range changes.
    emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

QString MessageModel::stateText(RowState state)
{
    switch (state) {
    case RowState::None:
        return QString();
    case RowState::Pending:
        return tr("pending");
    case RowState::Acked:
        return tr("acked");
    case RowState::AutoAcked:
        return tr("acked (auto)");
    case RowState::NoAck:
        return tr("no ack");
    case RowState::Requeued:
        return tr("requeued");
    case RowState::DeadLettered:
        return tr("dead-lettered");
    case RowState::Gone:
        return tr("gone");
    case RowState::Released:
        return tr("released");
    }
    return QString();
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
    const RowState state = m_states[slot(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(m.receivedMs)
                .toString(QStringLiteral("hh:mm:ss.zzz"));
        case SourceColumn:
            return sourceText(m);
        case SizeColumn:
            return PayloadFormat::humanSize(showsFields(m) ? fieldsBytes(m) : m.payload.size());
        case StateColumn:
            return stateText(state);
        case DeliveryColumn:
            return state == RowState::None ? QVariant() : QVariant(m.deliveryCount);
        case EventColumn:
            return eventText(m);
        case ClientColumn:
            return clientText(m);
        case FlowColumn:
            return flowText(m);
        case PreviewColumn:
            return previewText(m);
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
            return tr(
                "%n byte(s)", nullptr,
                int(qMin<qsizetype>(showsFields(m) ? fieldsBytes(m) : m.payload.size(), INT_MAX)));
        case StateColumn:
            return stateToolTip(state);
        case DeliveryColumn:
            if (state == RowState::None)
                return QVariant();
            return m.deliveryCount > 1
                       ? tr("Redelivered: delivery %1 of this message").arg(m.deliveryCount)
                       : tr("First delivery");
        case EventColumn:
        case ClientColumn:
            if (!m.observed || isEventOnly(*m.observed))
                return QVariant();
            return tr("Client %1, %2 %3")
                .arg(m.observed->clientId)
                .arg(QString::fromUtf8(m.observed->clientName),
                     QString::fromUtf8(m.observed->clientAddr))
                .toHtmlEscaped();
        case FlowColumn:
            return flowToolTip(m).toHtmlEscaped();
        case PreviewColumn:
            if (m_decoder != PayloadDecoder::Kind::Text) {
                const QString decoded = ReadingAids::decodedToolTip(m.payload, m_decoder);
                if (!decoded.isEmpty())
                    return decoded;
            }
            return payloadToolTip(m.payload);
        default:
            return QVariant();
        }
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn || index.column() == DeliveryColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant();
    case Qt::BackgroundRole:
        if (index.column() == StateColumn)
            return stateColor(state);
        if (index.column() == SourceColumn || index.column() == FlowColumn) {
            const QString key = ReadingAids::colourKey(m);
            if (!key.isEmpty())
                return ReadingAids::colourFor(key);
        }
        return QVariant();
    case Qt::ForegroundRole:
        if ((index.column() == SourceColumn || index.column() == FlowColumn) &&
            !ReadingAids::colourKey(m).isEmpty())
            return QColor(0x21, 0x25, 0x29); // dark text on the light source colours
        if (index.column() == StateColumn && stateColor(state).isValid())
            return QColor(0x21, 0x25, 0x29); // dark text on the light state colours
        if (isSettled(state))
            return QColor(0x86, 0x8e, 0x96); // settled: greyed, pending stands out
        return QVariant();
    case Qt::FontRole:
        if (index.column() == FlowColumn && m.observed && !m.observed->certain) {
            QFont italic; // inferred, not known
            italic.setItalic(true);
            return italic;
        }
        if ((index.column() == DeliveryColumn && m.deliveryCount > 1 && state != RowState::None) ||
            (index.column() == StateColumn && state == RowState::Pending)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return QVariant();
    case StateRole:
        return int(state);
    case DeliveryCountRole:
        return m.deliveryCount;
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

QString MessageModel::eventText(const Message& m)
{
    if (!m.observed)
        return {};
    const Observation& o = *m.observed;
    const QString cmd = QString::fromUtf8(o.command);
    return isEventOnly(o) ? tr("%1 (event only)").arg(cmd) : cmd;
}

QString MessageModel::clientText(const Message& m)
{
    if (!m.observed)
        return {};
    const Observation& o = *m.observed;
    if (isEventOnly(o))
        return tr("(events name no client)");
    return QString::fromUtf8(o.clientName.isEmpty() ? o.clientAddr : o.clientName);
}

QString MessageModel::flowText(const Message& m)
{
    if (!m.observed)
        return {};
    const Observation& o = *m.observed;
    using K = Observation::Kind;
    if (o.kind == K::Produce)
        return o.consumer.isEmpty() ? QString() : tr("\u2192 %1").arg(shortClient(o.consumer));
    if (o.kind != K::Consume && o.kind != K::Ack && o.kind != K::Remove)
        return {};
    if (isEventOnly(o))
        return {};
    const QString producer = o.producer.isEmpty() ? tr("?") : shortClient(o.producer);
    const QString consumer = o.kind == K::Remove ? tr("removed") : shortClient(o.consumer);
    QString text = tr("%1 \u2192 %2").arg(producer, consumer);
    const qint64 end = o.takenMs ? o.takenMs : o.ackedMs;
    if (o.producedMs && end >= o.producedMs)
        text += tr(", %1 ms").arg(end - o.producedMs);
    if (!o.certain && o.kind != K::Remove)
        text += QLatin1Char(' ') + tr("(inferred)");
    return text;
}

QString MessageModel::flowToolTip(const Message& m)
{
    if (!m.observed)
        return {};
    const Observation& o = *m.observed;
    if (isEventOnly(o))
        return tr("A keyspace event: it names neither the message nor the client.");
    QStringList lines;
    if (!o.producer.isEmpty())
        lines << tr("Pushed by %1").arg(QString::fromUtf8(o.producer));
    if (!o.consumer.isEmpty())
        lines << tr("Taken by %1").arg(QString::fromUtf8(o.consumer));
    if (o.kind == Observation::Kind::Consume || o.kind == Observation::Kind::Ack) {
        lines << (o.certain ? tr("Certain: the server's own record names this message.")
                            : tr("Inferred: MONITOR does not show which blocked client a push "
                                 "served; this is worked out from the order they blocked in."));
    }
    return lines.join(QLatin1Char('\n'));
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
        case StateColumn:
            return tr("State");
        case DeliveryColumn:
            return tr("Delivery");
        case EventColumn:
            return tr("Event");
        case ClientColumn:
            return tr("Client");
        case FlowColumn:
            return tr("Producer \u2192 consumer");
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
