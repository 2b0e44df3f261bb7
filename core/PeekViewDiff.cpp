#include "PeekViewDiff.h"

#include <QHash>
#include <QMap>

#include <vector>

namespace rqc {

namespace {

// Marks the rows of a and b that a longest common subsequence of their payloads pairs up.
void alignPayloads(const QList<PeekRecord>& a, const QList<PeekRecord>& b, QList<bool>* inA,
                   QList<bool>* inB)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    // Most refreshes add or take a few rows at one end: the common ends go first, cheaply.
    qsizetype front = 0;
    while (front < n && front < m && a[front].payload == b[front].payload) {
        (*inA)[front] = (*inB)[front] = true;
        ++front;
    }
    qsizetype back = 0;
    while (back < n - front && back < m - front &&
           a[n - 1 - back].payload == b[m - 1 - back].payload) {
        (*inA)[n - 1 - back] = (*inB)[m - 1 - back] = true;
        ++back;
    }
    const qsizetype rows = n - front - back;
    const qsizetype cols = m - front - back;
    if (rows == 0 || cols == 0 || qint64(rows) * qint64(cols) > PeekViewDiff::kMaxAlignCells)
        return;
    // lcs[i][j]: the longest common subsequence of the middles from i and j on.
    const qsizetype width = cols + 1;
    std::vector<int> lcs(size_t((rows + 1) * width), 0);
    const auto at = [&](qsizetype i, qsizetype j) -> int& {
        return lcs[size_t(i * width + j)];
    };
    for (qsizetype i = rows - 1; i >= 0; --i) {
        for (qsizetype j = cols - 1; j >= 0; --j) {
            at(i, j) = a[front + i].payload == b[front + j].payload
                           ? at(i + 1, j + 1) + 1
                           : qMax(at(i + 1, j), at(i, j + 1));
        }
    }
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < rows && j < cols) {
        if (a[front + i].payload == b[front + j].payload) {
            (*inA)[front + i] = (*inB)[front + j] = true;
            ++i;
            ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            ++i;
        } else {
            ++j;
        }
    }
}

void alignIds(const QList<PeekRecord>& a, const QList<PeekRecord>& b, QList<bool>* inA,
              QList<bool>* inB)
{
    QHash<QByteArray, qsizetype> old;
    for (qsizetype i = 0; i < a.size(); ++i)
        old.insert(a[i].id, i);
    for (qsizetype j = 0; j < b.size(); ++j) {
        const auto it = old.constFind(b[j].id);
        if (it != old.constEnd())
            (*inA)[*it] = (*inB)[j] = true;
    }
}

} // namespace

void PeekViewDiff::reset()
{
    m_have = false;
    m_rows.clear();
    m_key.clear();
}

QByteArray PeekViewDiff::sectionOf(const PeekSnapshot& s, qint64 index)
{
    if (index >= s.length - s.window)
        return QByteArrayLiteral("tail");
    if (index < s.window)
        return QByteArrayLiteral("head");
    return QByteArrayLiteral("page");
}

QList<PeekRecord> PeekViewDiff::viewRows(const PeekSnapshot& s)
{
    QList<PeekRecord> rows;
    const auto row = [&s] {
        PeekRecord r;
        r.timeMs = s.takenAtMs;
        r.key = s.key;
        r.depth = s.length;
        return r;
    };
    if (s.kind == PeekSnapshot::Kind::Stream) {
        rows.reserve(s.entries.size());
        for (const PeekEntry& e : s.entries) {
            PeekRecord r = row();
            r.event = PeekRecord::Event::Entry;
            r.section = QByteArrayLiteral("page");
            r.id = e.id;
            r.fields = e.fields;
            r.payload = e.payload(); // as the pane's payload column
            rows.append(std::move(r));
        }
        return rows;
    }
    if (s.kind != PeekSnapshot::Kind::List)
        return rows;
    // Head, page and tail overlap on a short list: one row per index, as the pane shows them.
    const QMap<qint64, QByteArray> byIndex = s.listByIndex();
    rows.reserve(byIndex.size());
    for (auto it = byIndex.cbegin(); it != byIndex.cend(); ++it) {
        PeekRecord r = row();
        r.event = PeekRecord::Event::Peek;
        r.section = sectionOf(s, it.key());
        r.index = it.key();
        r.position = s.positionOf(it.key());
        r.payload = it.value();
        rows.append(std::move(r));
    }
    return rows;
}

QList<PeekRecord> PeekViewDiff::next(const PeekSnapshot& s)
{
    if (!s.error.isEmpty())
        return {};
    QList<PeekRecord> now = viewRows(s);
    const bool stream = s.kind == PeekSnapshot::Kind::Stream;
    // Rows of another key (the pane was switched) are not compared with.
    if (m_have && m_key != s.key)
        reset();
    const QList<PeekRecord>& old = m_rows;
    QList<bool> oldKept(old.size(), false);
    QList<bool> nowKept(now.size(), false);
    if (stream == m_stream) {
        if (stream)
            alignIds(old, now, &oldKept, &nowKept);
        else
            alignPayloads(old, now, &oldKept, &nowKept);
    }
    QList<PeekRecord> out;
    for (qsizetype i = 0; i < old.size(); ++i) {
        if (oldKept[i])
            continue;
        PeekRecord gone = old[i]; // where it was last seen
        gone.event = PeekRecord::Event::Gone;
        gone.timeMs = s.takenAtMs;
        gone.depth = s.length;
        gone.fields.clear(); // its Entry row had them
        out.append(std::move(gone));
    }
    for (qsizetype j = 0; j < now.size(); ++j) {
        if (!nowKept[j])
            out.append(now[j]);
    }
    m_rows = std::move(now);
    m_key = s.key;
    m_stream = stream;
    m_have = true;
    return out;
}

} // namespace rqc
