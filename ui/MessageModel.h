#pragma once

#include "Message.h"

#include <QAbstractTableModel>

#include <vector>

namespace rqc {

// The live view of one pane: a bounded ring of consumed messages, appended a batch at a time.
// Each batch costs one rowsInserted and, when the ring is full, one rowsRemoved from the front;
// trimming moves nothing (the ring just advances its head). Display strings are made lazily in
// data(), for visible rows only, so appending stays cheap under a flood.
class MessageModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { TimeColumn, SourceColumn, SizeColumn, PreviewColumn, ColumnCount };
    enum Role { PayloadRole = Qt::UserRole + 1, SequenceRole, ReceivedMsRole };

    static constexpr int DefaultCapacity = 100000;

    explicit MessageModel(QObject* parent = nullptr);

    // At least 1. Shrinking drops the oldest rows at once (counted in dropped()).
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }

    // One beginInsertRows/endInsertRows per batch; when over capacity the oldest rows go first
    // in one beginRemoveRows. A batch larger than the capacity keeps only its newest messages.
    void appendBatch(const MessageList& batch);
    // Empties the view and starts the totals again from zero (capacity is kept).
    void clear();

    // row must be in [0, rowCount()).
    const Message& messageAt(int row) const;
    quint64 totalAppended() const { return m_totalAppended; }
    quint64 dropped() const { return m_dropped; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    // Slot of logical row `row` (0 = oldest).
    size_t slot(int row) const { return (m_head + size_t(row)) % m_ring.size(); }
    // Moves the rows into a fresh vector, oldest first, keeping the newest `keep` of them.
    void linearize(int keep);

    // Invariant: while m_ring.size() < m_capacity the ring has not wrapped: m_head == 0 and
    // m_count == m_ring.size(). Once grown to m_capacity it stays that size and wraps.
    std::vector<Message> m_ring;
    size_t m_head = 0;
    int m_count = 0;
    int m_capacity = DefaultCapacity;
    quint64 m_totalAppended = 0;
    quint64 m_dropped = 0;
};

} // namespace rqc
