#pragma once

#include "Message.h"
#include "PayloadDecoder.h"

#include <QAbstractTableModel>
#include <QHash>

#include <vector>

namespace rqc {

// The live view of one pane: a bounded ring of consumed messages, appended a batch at a time.
// Each batch costs one rowsInserted and, when the ring is full, one rowsRemoved from the front;
// trimming moves nothing (the ring just advances its head). Display strings are made lazily in
// data(), for visible rows only, so appending stays cheap under a flood.
//
// Precise modes (reliable list, stream group) add a settle state per row, kept beside the ring,
// and show each message's delivery count. Rows appended without a state (the classic modes) show
// nothing in those two columns.
class MessageModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TimeColumn,
        SourceColumn,
        SizeColumn,
        StateColumn,    // settle state (precise modes)
        DeliveryColumn, // delivery count (precise modes)
        EventColumn,    // observe: the command (or keyspace event) seen
        ClientColumn,   // observe: who ran it (name, else address)
        FlowColumn,     // observe: producer → consumer, push→take latency, "(inferred)"
        PreviewColumn,
        ColumnCount
    };
    enum Role {
        PayloadRole = Qt::UserRole + 1,
        SequenceRole,
        ReceivedMsRole,
        StateRole,        // RowState as int
        DeliveryCountRole // Message::deliveryCount
    };
    // Where a message stands with its consumer. None: a mode that does not settle.
    enum class RowState : quint8 {
        None,
        Pending,   // delivered, not settled yet (ack=manual)
        Acked,     // acked by the user
        AutoAcked, // ack=auto: acked by the consumer once it was in the pane
        NoAck,     // ack=none (NOACK): never pending, at most once
        Requeued,  // given back to the queue; it comes again as a new row
        DeadLettered,
        Gone,    // no longer pending for this consumer (acked, recovered or claimed elsewhere)
        Released // its consumer stopped before it was settled; delivered again on restart
    };
    Q_ENUM(RowState)

    static constexpr int DefaultCapacity = 100000;

    explicit MessageModel(QObject* parent = nullptr);

    // At least 1. Shrinking drops the oldest rows at once (counted in dropped()).
    void setCapacity(int capacity);
    int capacity() const { return m_capacity; }

    // One beginInsertRows/endInsertRows per batch; when over capacity the oldest rows go first
    // in one beginRemoveRows. A batch larger than the capacity keeps only its newest messages.
    void appendBatch(const MessageList& batch);
    // The same, every row starting in `state`.
    void appendBatch(const MessageList& batch, RowState state);
    // Empties the view and starts the totals again from zero (capacity is kept).
    void clear();

    // row must be in [0, rowCount()).
    const Message& messageAt(int row) const;
    RowState rowState(int row) const;
    // Moves the rows whose message has one of `seqs` and whose state is `from` to `to`; returns
    // how many changed. One dataChanged spans the changed rows. Searches from the newest row.
    int markBySeq(const QList<quint64>& seqs, RowState to, RowState from = RowState::Pending);
    // Moves every row in state `from` to `to` (one dataChanged); returns how many changed.
    int markAll(RowState from, RowState to);
    int countInState(RowState state) const;
    // The messages of the rows in `state`, oldest first.
    MessageList messagesInState(RowState state) const;
    static QString stateText(RowState state);
    static QString stateToolTip(RowState state);
    // Observe rows (Message::observed); empty for other rows.
    static QString eventText(const Message& m);
    static QString clientText(const Message& m);
    static QString flowText(const Message& m);
    static QString flowToolTip(const Message& m);

    // How the preview column reads payloads (Auto by default; Text shows the bytes as they are).
    // Decoded previews are made for the rows that are painted and kept in a small cache.
    void setDecoder(PayloadDecoder::Kind kind);
    PayloadDecoder::Kind decoder() const { return m_decoder; }
    // One line: the payload as the decoder reads it (what the preview column shows).
    QString previewText(const Message& m) const;
    // How many characters a preview holds before it is cut ("…"): one line's worth by default,
    // more when the view wraps long previews onto several lines.
    static constexpr int DefaultPreviewChars = 200;
    void setPreviewChars(int chars);
    int previewChars() const { return m_previewChars; }

    quint64 totalAppended() const { return m_totalAppended; }
    quint64 dropped() const { return m_dropped; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    void emitRowsChanged(int first, int last);
    // Slot of logical row `row` (0 = oldest).
    size_t slot(int row) const { return (m_head + size_t(row)) % m_ring.size(); }
    // Moves the rows into a fresh vector, oldest first, keeping the newest `keep` of them.
    void linearize(int keep);

    // Invariant: while m_ring.size() < m_capacity the ring has not wrapped: m_head == 0 and
    // m_count == m_ring.size(). Once grown to m_capacity it stays that size and wraps.
    std::vector<Message> m_ring;
    std::vector<RowState> m_states; // beside the ring, same slots
    size_t m_head = 0;
    int m_count = 0;
    int m_capacity = DefaultCapacity;
    quint64 m_totalAppended = 0;
    quint64 m_dropped = 0;
    PayloadDecoder::Kind m_decoder = PayloadDecoder::Kind::Auto;
    int m_previewChars = DefaultPreviewChars;
    struct CachedPreview {
        const char* data; // identity of the payload (implicitly shared bytes)
        qsizetype size;
        QString text;
    };
    mutable QHash<quint64, CachedPreview> m_previews; // by Message::seq
};

} // namespace rqc
