#pragma once

#include "PeekReader.h"
#include "RecordingFormat.h"

#include <QByteArray>
#include <QList>

namespace rqc {

// What a peek pane records (README.md, "Recording"). A peek has no messages, only refreshes of
// what the pane shows; recording every refresh in full would write the same rows 4 times a
// second. Instead, each refresh is compared with the last one recorded:
// - a row that is now shown and was not (a new element, an element whose bytes changed, an
//   element that came into the window) is a Peek row (streams: an Entry row, by entry id);
// - a row that was shown and is not any more is a Gone row: it was taken or removed, or it left
//   the part of the list the pane shows (a push at the head scrolls the head window's last row
//   into the hidden middle). The row's section and position say where it was last seen: gone
//   from the tail at position 0 is the consuming end.
// - a row that only shifted (every push and take moves the indices and positions of the others)
//   is not recorded again.
// List elements have no identity of their own: rows are matched by their bytes, in order (a
// longest common subsequence of the old and the new view), so of equal elements the recording
// may name a different one than a human would, never a wrong payload. Stream entries are matched
// by id. Each refresh writes at most the rows shown before plus the rows shown now.
class PeekViewDiff {
public:
    // Forgets the last view: the next snapshot is recorded in full.
    void reset();
    // The rows to record for this refresh (Gone rows first, in the old view's order, then the
    // new rows in the pane's order: head on top), and the snapshot becomes the last view. A
    // snapshot that failed (error set) records nothing and is not compared with.
    QList<PeekRecord> next(const PeekSnapshot& snapshot);

    // "tail" when the list index is within the last `window` elements (the consuming end),
    // "head" within the first `window`, "page" otherwise. A short list's elements are in both
    // windows: they are named by the consuming end.
    static QByteArray sectionOf(const PeekSnapshot& snapshot, qint64 index);
    // The pane's rows in the table's order: list elements by index (head, page and tail merged,
    // each index once) or stream entries newest first. Each row is a PeekRecord (event unset).
    static QList<PeekRecord> viewRows(const PeekSnapshot& snapshot);

    // Above this many cells (old rows × new rows, after the common ends are taken off), the
    // middle is not aligned: every row in it is recorded as gone and new. Only windows of
    // more than about 300 rows reach it; the default (50) compares 150 × 150.
    static constexpr qint64 kMaxAlignCells = 1000000;

private:
    QByteArray m_key;
    bool m_stream = false;
    bool m_have = false;
    QList<PeekRecord> m_rows;
};

} // namespace rqc
