#pragma once

#include "PeekReader.h"

#include <QAbstractTableModel>

namespace rqc {

// The rows of one peek: for a list, head, page and tail merged in index order (head, the end
// producers LPUSH to, on top; the tail, where FIFO consumers BRPOP, at the bottom) with a gap row
// where elements are not shown; for a stream, one page of entries, newest first. It holds only
// what the last snapshot held (PeekSnapshot::heldRows() plus gap rows).
class PeekModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IndexColumn, PositionColumn, SizeColumn, PayloadColumn, ColumnCount };
    enum class RowKind { Element, Gap, Entry };
    // Qt::UserRole + …: the row's kind, the element's absolute index, its bytes.
    enum Role { KindRole = Qt::UserRole + 1, ListIndexRole, PayloadRole, EntryIdRole };

    struct Row {
        RowKind kind = RowKind::Element;
        qint64 index = 0;   // Element: absolute index; Gap: first index not shown
        qint64 count = 0;   // Gap: how many are not shown
        QByteArray payload; // Element: bytes; Entry: the "message" field, or the first value
        PeekEntry entry;    // Entry
    };

    explicit PeekModel(QObject* parent = nullptr);

    void setSnapshot(const PeekSnapshot& snapshot);
    const PeekSnapshot& snapshot() const { return m_snap; }
    const Row* rowAt(int row) const;
    // The row showing list index `index` or stream entry `id`; -1 if none.
    int rowOfIndex(qint64 index) const;
    int rowOfEntry(const QByteArray& id) const;
    // "next", "2nd", "3rd", "4th"…: the position from the consuming end (0 = next).
    static QString positionText(qint64 position);
    // Test hook for the age column: "now" in ms since the epoch (0: the real clock).
    void setNowForTest(qint64 nowMs) { m_nowMs = nowMs; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<Row> buildRows(const PeekSnapshot& s) const;

    PeekSnapshot m_snap;
    QList<Row> m_rows;
    qint64 m_nowMs = 0;
};

} // namespace rqc
