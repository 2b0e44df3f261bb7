#include "PeekModel.h"

#include "PayloadFormat.h"

#include <QDateTime>
#include <QFont>
#include <QMap>

namespace rqc {

PeekModel::PeekModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QString PeekModel::positionText(qint64 position)
{
    if (position == 0)
        return tr("next");
    const qint64 n = position + 1;
    if (n % 100 >= 11 && n % 100 <= 13)
        return tr("%1th").arg(n);
    switch (n % 10) {
    case 1:
        return tr("%1st").arg(n);
    case 2:
        return tr("%1nd").arg(n);
    case 3:
        return tr("%1rd").arg(n);
    default:
        return tr("%1th").arg(n);
    }
}

QList<PeekModel::Row> PeekModel::buildRows(const PeekSnapshot& s) const
{
    QList<Row> rows;
    if (s.kind == PeekSnapshot::Kind::Stream) {
        rows.reserve(s.entries.size());
        for (const PeekEntry& e : s.entries) {
            Row r;
            r.kind = RowKind::Entry;
            r.entry = e;
            r.payload = e.payload();
            rows.append(std::move(r));
        }
        return rows;
    }
    if (s.kind != PeekSnapshot::Kind::List)
        return rows;
    // Head, page and tail may overlap (a short list): one row per index, in order.
    const QMap<qint64, QByteArray> byIndex = s.listByIndex();
    qint64 expected = 0;
    for (auto it = byIndex.cbegin(); it != byIndex.cend(); ++it) {
        if (it.key() > expected) {
            Row gap;
            gap.kind = RowKind::Gap;
            gap.index = expected;
            gap.count = it.key() - expected;
            rows.append(gap);
        }
        Row r;
        r.index = it.key();
        r.payload = it.value();
        rows.append(std::move(r));
        expected = it.key() + 1;
    }
    return rows;
}

void PeekModel::setSnapshot(const PeekSnapshot& snapshot)
{
    QList<Row> rows = buildRows(snapshot);
    const bool sameShape = rows.size() == m_rows.size() && snapshot.kind == m_snap.kind;
    m_snap = snapshot;
    if (sameShape) {
        // Most refreshes change a few rows or none: keep the view's selection and scroll.
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

const PeekModel::Row* PeekModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int PeekModel::rowOfIndex(qint64 listIndex) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].kind == RowKind::Element && m_rows[i].index == listIndex)
            return i;
    }
    return -1;
}

int PeekModel::rowOfEntry(const QByteArray& id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].kind == RowKind::Entry && m_rows[i].entry.id == id)
            return i;
    }
    return -1;
}

int PeekModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PeekModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString ageText(qint64 ms)
{
    if (ms < 0)
        ms = 0; // the server's clock may run ahead of ours
    const qint64 s = ms / 1000;
    if (s < 60)
        return PeekModel::tr("%1 s").arg(s);
    if (s < 3600)
        return PeekModel::tr("%1 min").arg(s / 60);
    if (s < 86400)
        return PeekModel::tr("%1 h").arg(s / 3600);
    return PeekModel::tr("%1 d").arg(s / 86400);
}

QVariant PeekModel::data(const QModelIndex& index, int role) const
{
    const Row* r = rowAt(index.row());
    if (!r || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    switch (role) {
    case KindRole:
        return int(r->kind);
    case ListIndexRole:
        return r->index;
    case PayloadRole:
        return r->payload;
    case EntryIdRole:
        return r->entry.id;
    default:
        break;
    }
    if (r->kind == RowKind::Gap) {
        if (role == Qt::DisplayRole && index.column() == PayloadColumn)
            return tr("… %n element(s) not shown (indices %1 to %2) — use the pager …", nullptr,
                      int(qMin<qint64>(r->count, INT_MAX)))
                .arg(r->index)
                .arg(r->index + r->count - 1);
        if (role == Qt::FontRole) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    }
    if (r->kind == RowKind::Entry) {
        switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
            case IndexColumn:
                return QString::fromLatin1(r->entry.id);
            case PositionColumn: {
                const qint64 now = m_nowMs
                                       ? m_nowMs
                                       : (m_snap.takenAtMs ? m_snap.takenAtMs
                                                           : QDateTime::currentMSecsSinceEpoch());
                return ageText(now - r->entry.idMs());
            }
            case SizeColumn: {
                qint64 bytes = 0;
                for (const auto& kv : r->entry.fields)
                    bytes += kv.first.size() + kv.second.size();
                return PayloadFormat::humanSize(bytes);
            }
            case PayloadColumn: {
                QStringList parts;
                for (const auto& kv : r->entry.fields)
                    parts << PayloadFormat::preview(kv.first, 40) + QLatin1Char('=') +
                                 PayloadFormat::preview(kv.second, 120);
                return parts.join(QStringLiteral("  "));
            }
            }
            return {};
        case Qt::ToolTipRole:
            if (index.column() == PositionColumn)
                return tr("Added %1 (from the entry id)")
                    .arg(QDateTime::fromMSecsSinceEpoch(r->entry.idMs())
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
            return {};
        case Qt::TextAlignmentRole:
            return index.column() == SizeColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                : QVariant();
        }
        return {};
    }
    const qint64 position = m_snap.positionOf(r->index);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IndexColumn:
            return r->index;
        case PositionColumn:
            return position == 0 ? tr("next ← BRPOP") : positionText(position);
        case SizeColumn:
            return PayloadFormat::humanSize(r->payload.size());
        case PayloadColumn:
            return PayloadFormat::preview(r->payload);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == PositionColumn)
            return position == 0
                       ? tr("Next to be taken by BRPOP consumers (FIFO consumers take from the "
                            "tail, the end of the list)")
                       : tr("%1 to be taken by BRPOP consumers").arg(positionText(position));
        if (index.column() == SizeColumn)
            return tr("%n byte(s)", nullptr, int(qMin<qsizetype>(r->payload.size(), INT_MAX)));
        return {};
    case Qt::FontRole:
        if (position == 0) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn || index.column() == IndexColumn
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    }
    return {};
}

QVariant PeekModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const bool stream = m_snap.kind == PeekSnapshot::Kind::Stream;
    switch (section) {
    case IndexColumn:
        return stream ? tr("Entry id") : tr("Index");
    case PositionColumn:
        return stream ? tr("Age") : tr("Position");
    case SizeColumn:
        return tr("Size");
    case PayloadColumn:
        return stream ? tr("Fields") : tr("Payload");
    }
    return {};
}

} // namespace rqc
