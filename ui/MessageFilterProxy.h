#pragma once

#include "PayloadDecoder.h"

#include <QAbstractProxyModel>
#include <QByteArray>
#include <QString>

#include <deque>

class QTimer;

namespace rqc {

class MessageModel;

// Filters a MessageModel by a plain, case-insensitive text found in a message's source (channel or
// key), pattern or payload bytes. Keeps arrival order (no sorting): new rows at the bottom, or at
// the top with setNewestFirst(true) (the same rows, numbered from the newest; still one
// rowsInserted per batch and one rowsRemoved per trim, so floods cost the same either way).
//
// Built for floods: it holds only the accepted rows' positions (never a copy of the messages), and
// a new filter text is applied to the ring incrementally, on the GUI thread, in time slices of
// kSliceMs, oldest row first, so a keystroke shows at once even while 100 000 rows are searched
// and batches keep arriving. Rows that arrive are matched as they come (after the scan reaches
// them). Rows trimmed from the front of the ring cost one rowsRemoved and no renumbering: rows are
// kept as absolute positions (source row + rows trimmed so far). With no filter text it passes
// every row straight through.
//
// Chosen over filtering off-thread: the ring is not immutable (rows are appended and trimmed while
// a scan runs), so a worker would need a snapshot, which is the copy the filter must not make;
// matching raw bytes costs well under a microsecond per row, so a slice covers thousands of rows.
//
// Decoding is what costs (several microseconds a row): the decoded text of each row searched is
// kept, beside the ring, until the row is trimmed, the decoder changes or the model resets, so
// the next keystroke searches it again without decoding (at most kDecodedCacheChars characters
// are kept; rows past that are decoded each time). Rows whose decoding adds nothing to their
// bytes (plain text under Auto) are remembered as such and cost nothing either.
class MessageFilterProxy : public QAbstractProxyModel {
    Q_OBJECT
public:
    // The longest stretch one filtering step keeps the GUI thread busy.
    static constexpr int kSliceMs = 8;
    // How much of a decoded payload the filter searches.
    static constexpr int kDecodedChars = 4096;
    // The most decoded characters kept between filter texts (32 MiB of UTF-16).
    static constexpr qsizetype kDecodedCacheChars = qsizetype(16) << 20;
    // Test hook: 0 makes every step match one clock check's worth of rows (512).
    void setSliceMs(int ms) { m_sliceMs = ms; }

    explicit MessageFilterProxy(QObject* parent = nullptr);

    // Must be a MessageModel (or null).
    void setSourceModel(QAbstractItemModel* source) override;

    QString filterText() const { return m_text; }
    // Applies the new text: the first slice at once (enough for a few thousand rows), the rest
    // in further slices from the event loop.
    void setFilterText(const QString& text);
    // With a decoder other than Text, a row whose bytes do not match is matched again against
    // its decoded preview (so a MessagePack or gzip'd payload can be searched by its content).
    // Changing it applies the filter text again.
    void setDecoder(PayloadDecoder::Kind kind);
    PayloadDecoder::Kind decoder() const { return m_decoder; }
    // Newest row first (row 0 is the newest). Switching keeps the selection and current row
    // (persistent indexes follow their messages).
    void setNewestFirst(bool newestFirst);
    bool newestFirst() const { return m_newestFirst; }
    // Rows are waiting to be matched (a new text is being applied).
    bool isScanning() const { return filtering() && m_scanNext < sourceEnd(); }

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column,
                      const QModelIndex& parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex& parent = QModelIndex()) const override;

    // Whether the message in source row `sourceRow` matches the current text.
    bool acceptsRow(int sourceRow) const;

    // Test hooks: payloads decoded for the filter so far, and rows whose decoded text is kept.
    qint64 decodeCount() const { return m_decodeCount; }
    int decodedRowsKept() const { return int(m_decoded.size()); }

signals:
    // Every row in the ring has been matched against the current text.
    void scanFinished();

private:
    enum class Pending { None, Forward, Trim, Reset };

    bool filtering() const { return !m_text.isEmpty(); }
    qint64 sourceEnd() const;              // absolute position after the last source row
    int proxyRowOf(qint64 absolute) const; // first proxy row at or after absolute
    // Between arrival order (0 = oldest) and the rows shown, for a model of `count` rows.
    int flip(int row, int count) const { return m_newestFirst ? count - 1 - row : row; }
    // Announces rows [first, last] in arrival order, of `count` rows before the change.
    void beginInsertArrival(int first, int last, int count);
    void beginRemoveArrival(int first, int last, int count);
    // Matches source rows from m_scanNext on until the slice is used up; appends what matches,
    // announcing it unless silent (inside a reset). Returns true when it reached the last row.
    bool scan(bool silent);
    void scanSlice();
    void restart();
    // The decoded text of source row `sourceRow` (false: decoding adds nothing to its bytes),
    // from the cache or decoded now and kept.
    bool decodedText(int sourceRow, QString* text) const;
    void forgetDecoded();
    void forgetDecodedBefore(qint64 absolute);

    void onRowsAboutToBeInserted(const QModelIndex& parent, int first, int last);
    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last);
    void onRowsRemoved(const QModelIndex& parent, int first, int last);
    void onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                       const QList<int>& roles);
    void onAboutToReset();
    void onReset();

    const MessageModel* m_messages = nullptr;
    QString m_text;
    QByteArray m_needle; // m_text as UTF-8
    bool m_asciiNeedle = true;
    std::deque<qint64> m_rows; // accepted rows, absolute positions, ascending
    qint64 m_base = 0;         // absolute position of source row 0
    qint64 m_scanNext = 0;     // next absolute position to match
    Pending m_pending = Pending::None;
    bool m_trimAnnounced = false;
    QTimer* m_scanTimer = nullptr;
    int m_sliceMs = kSliceMs;
    PayloadDecoder::Kind m_decoder = PayloadDecoder::Kind::Auto;
    bool m_newestFirst = false;
    // Decoded text by absolute position from m_decodedBase (see decodedText()).
    enum class DecodedState : quint8 { Unknown, Nothing, Text };
    struct Decoded {
        QString text;
        DecodedState state = DecodedState::Unknown;
    };
    mutable std::deque<Decoded> m_decoded;
    mutable qint64 m_decodedBase = 0;
    mutable qsizetype m_decodedChars = 0;
    mutable qint64 m_decodeCount = 0;
};

} // namespace rqc
