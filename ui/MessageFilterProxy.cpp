#include "MessageFilterProxy.h"

#include "MessageModel.h"

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <utility>
#include <vector>

namespace rqc {

namespace {
// How often a scan looks at the clock: every so many rows or payload bytes.
constexpr int kRowsPerClockCheck = 512;
constexpr qsizetype kBytesPerClockCheck = 512 * 1024;

char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// Whether hay contains needle (already lower case, ASCII), ignoring ASCII case.
bool containsFolded(const QByteArray& hay, const QByteArray& needle)
{
    const qsizetype n = needle.size();
    if (n == 0)
        return true;
    if (hay.size() < n)
        return false;
    const char first = needle.at(0);
    const char firstUpper = first >= 'a' && first <= 'z' ? char(first - 'a' + 'A') : first;
    const char* p = hay.constData();
    const char* const last = p + (hay.size() - n);
    for (; p <= last; ++p) {
        if (*p != first && *p != firstUpper)
            continue;
        qsizetype i = 1;
        while (i < n && asciiLower(p[i]) == needle.at(i))
            ++i;
        if (i == n)
            return true;
    }
    return false;
}
} // namespace

MessageFilterProxy::MessageFilterProxy(QObject* parent)
    : QAbstractProxyModel(parent)
{
    m_scanTimer = new QTimer(this);
    m_scanTimer->setInterval(0);
    connect(m_scanTimer, &QTimer::timeout, this, &MessageFilterProxy::scanSlice);
}

void MessageFilterProxy::setSourceModel(QAbstractItemModel* source)
{
    auto* messages = qobject_cast<MessageModel*>(source);
    Q_ASSERT(messages || !source);
    beginResetModel();
    if (QAbstractItemModel* old = sourceModel())
        disconnect(old, nullptr, this, nullptr);
    m_messages = messages;
    QAbstractProxyModel::setSourceModel(messages);
    m_base = 0;
    std::deque<qint64>().swap(m_rows);
    m_scanNext = 0;
    forgetDecoded();
    if (messages) {
        connect(messages, &QAbstractItemModel::rowsAboutToBeInserted, this,
                &MessageFilterProxy::onRowsAboutToBeInserted);
        connect(messages, &QAbstractItemModel::rowsInserted, this,
                &MessageFilterProxy::onRowsInserted);
        connect(messages, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                &MessageFilterProxy::onRowsAboutToBeRemoved);
        connect(messages, &QAbstractItemModel::rowsRemoved, this,
                &MessageFilterProxy::onRowsRemoved);
        connect(messages, &QAbstractItemModel::dataChanged, this,
                &MessageFilterProxy::onDataChanged);
        connect(messages, &QAbstractItemModel::modelAboutToBeReset, this,
                &MessageFilterProxy::onAboutToReset);
        connect(messages, &QAbstractItemModel::modelReset, this, &MessageFilterProxy::onReset);
        // MessageModel moves no rows and changes no layout; should it, start again.
        connect(messages, &QAbstractItemModel::layoutAboutToBeChanged, this,
                &MessageFilterProxy::onAboutToReset);
        connect(messages, &QAbstractItemModel::layoutChanged, this, &MessageFilterProxy::onReset);
        connect(messages, &QAbstractItemModel::headerDataChanged, this,
                &QAbstractItemModel::headerDataChanged);
        if (filtering())
            scan(true);
    }
    endResetModel();
    if (isScanning())
        m_scanTimer->start();
}

void MessageFilterProxy::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    beginResetModel();
    m_text = text;
    m_needle = text.toUtf8();
    m_asciiNeedle =
        std::all_of(m_needle.cbegin(), m_needle.cend(), [](char c) { return uchar(c) < 0x80; });
    if (m_asciiNeedle) {
        for (char& c : m_needle)
            c = asciiLower(c);
    }
    restart();
    endResetModel();
    if (isScanning())
        m_scanTimer->start();
    else if (filtering())
        emit scanFinished();
}

void MessageFilterProxy::restart()
{
    m_scanTimer->stop();
    std::deque<qint64>().swap(m_rows); // gives the memory back, not just the elements
    m_scanNext = m_base;
    if (filtering() && m_messages)
        scan(true); // inside a reset: the first slice is announced with it
}

qint64 MessageFilterProxy::sourceEnd() const
{
    return m_base + (m_messages ? m_messages->rowCount() : 0);
}

bool MessageFilterProxy::acceptsRow(int sourceRow) const
{
    if (!filtering())
        return true;
    if (!m_messages || sourceRow < 0 || sourceRow >= m_messages->rowCount())
        return false;
    const Message& m = m_messages->messageAt(sourceRow);
    const auto found = [this](const QByteArray& bytes) {
        return m_asciiNeedle ? containsFolded(bytes, m_needle)
                             : QString::fromUtf8(bytes).contains(m_text, Qt::CaseInsensitive);
    };
    if (found(m.source) || found(m.pattern) || found(m.payload))
        return true;
    // A stream entry: every field's name and value (an entry need not have a payload field).
    for (const auto& [name, value] : m.fields) {
        if (found(name) || found(value))
            return true;
    }
    if (m_decoder == PayloadDecoder::Kind::Text)
        return false;
    QString decoded;
    return decodedText(sourceRow, &decoded) && decoded.contains(m_text, Qt::CaseInsensitive);
}

bool MessageFilterProxy::decodedText(int sourceRow, QString* text) const
{
    const qint64 absolute = m_base + sourceRow;
    if (m_decoded.empty())
        m_decodedBase = absolute;
    const qint64 at = absolute - m_decodedBase;
    Decoded* kept = nullptr;
    if (at >= 0) { // at most the ring: the cache is trimmed with it
        if (at >= qint64(m_decoded.size()))
            m_decoded.resize(size_t(at) + 1);
        kept = &m_decoded[size_t(at)];
        if (kept->state != DecodedState::Unknown) {
            *text = kept->text;
            return kept->state == DecodedState::Text;
        }
    }
    // The decoded text, as one line (what the preview shows, a little longer). Text that
    // decodes as text has been searched as bytes.
    PayloadDecoder::Options o;
    o.compact = true;
    o.maxChars = kDecodedChars;
    const PayloadDecoder::Result r =
        PayloadDecoder::decode(m_messages->messageAt(sourceRow).payload, m_decoder, o);
    ++m_decodeCount;
    const bool adds =
        !(r.ok && r.layers.isEmpty() &&
          (r.kind == PayloadDecoder::Kind::Text || r.kind == PayloadDecoder::Kind::Raw));
    if (!adds) {
        if (kept)
            kept->state = DecodedState::Nothing;
        return false;
    }
    *text = r.text;
    if (kept && m_decodedChars + r.text.size() <= kDecodedCacheChars) {
        kept->text = r.text;
        kept->state = DecodedState::Text;
        m_decodedChars += r.text.size();
    }
    return true;
}

void MessageFilterProxy::forgetDecoded()
{
    std::deque<Decoded>().swap(m_decoded);
    m_decodedChars = 0;
}

void MessageFilterProxy::forgetDecodedBefore(qint64 absolute)
{
    while (!m_decoded.empty() && m_decodedBase < absolute) {
        m_decodedChars -= m_decoded.front().text.size();
        m_decoded.pop_front();
        ++m_decodedBase;
    }
}

void MessageFilterProxy::setDecoder(PayloadDecoder::Kind kind)
{
    if (kind == m_decoder)
        return;
    m_decoder = kind;
    forgetDecoded();
    if (!filtering())
        return;
    beginResetModel();
    restart();
    endResetModel();
    if (isScanning())
        m_scanTimer->start();
    else
        emit scanFinished();
}

void MessageFilterProxy::setNewestFirst(bool newestFirst)
{
    if (newestFirst == m_newestFirst)
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const int count = rowCount();
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& index : before)
        after << createIndex(count - 1 - index.row(), index.column());
    m_newestFirst = newestFirst;
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void MessageFilterProxy::beginInsertArrival(int first, int last, int count)
{
    if (m_newestFirst) // appended rows come in above the newest
        beginInsertRows(QModelIndex(), count - first, count - first + (last - first));
    else
        beginInsertRows(QModelIndex(), first, last);
}

void MessageFilterProxy::beginRemoveArrival(int first, int last, int count)
{
    if (m_newestFirst) // the oldest rows are at the bottom
        beginRemoveRows(QModelIndex(), count - 1 - last, count - 1 - first);
    else
        beginRemoveRows(QModelIndex(), first, last);
}

bool MessageFilterProxy::scan(bool silent)
{
    const qint64 end = sourceEnd();
    m_scanNext = qMax(m_scanNext, m_base);
    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> found;
    int rows = 0;
    qsizetype bytes = 0;
    while (m_scanNext < end) {
        const int row = int(m_scanNext - m_base);
        if (acceptsRow(row))
            found.push_back(m_scanNext);
        bytes += m_messages->messageAt(row).payload.size();
        ++m_scanNext;
        if (++rows >= kRowsPerClockCheck || bytes >= kBytesPerClockCheck) {
            rows = 0;
            bytes = 0;
            if (clock.elapsed() >= m_sliceMs)
                break;
        }
    }
    if (!found.empty()) {
        const int first = int(m_rows.size());
        if (!silent)
            beginInsertArrival(first, first + int(found.size()) - 1, first);
        m_rows.insert(m_rows.end(), found.cbegin(), found.cend());
        if (!silent)
            endInsertRows();
    }
    return m_scanNext >= end;
}

void MessageFilterProxy::scanSlice()
{
    if (!filtering() || !m_messages || scan(false)) {
        m_scanTimer->stop();
        if (filtering())
            emit scanFinished();
    }
}

int MessageFilterProxy::proxyRowOf(qint64 absolute) const
{
    return int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), absolute) - m_rows.cbegin());
}

QModelIndex MessageFilterProxy::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!m_messages || !proxyIndex.isValid() || proxyIndex.model() != this)
        return QModelIndex();
    const int row = flip(proxyIndex.row(), rowCount());
    if (!filtering())
        return m_messages->index(row, proxyIndex.column());
    if (row < 0 || size_t(row) >= m_rows.size())
        return QModelIndex();
    return m_messages->index(int(m_rows[size_t(row)] - m_base), proxyIndex.column());
}

QModelIndex MessageFilterProxy::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!m_messages || !sourceIndex.isValid() || sourceIndex.model() != m_messages)
        return QModelIndex();
    if (!filtering())
        return createIndex(flip(sourceIndex.row(), rowCount()), sourceIndex.column());
    const qint64 absolute = m_base + sourceIndex.row();
    const int row = proxyRowOf(absolute);
    if (size_t(row) >= m_rows.size() || m_rows[size_t(row)] != absolute)
        return QModelIndex();
    return createIndex(flip(row, rowCount()), sourceIndex.column());
}

QModelIndex MessageFilterProxy::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return QModelIndex();
    return createIndex(row, column);
}

QModelIndex MessageFilterProxy::parent(const QModelIndex&) const { return QModelIndex(); }

QModelIndex MessageFilterProxy::sibling(int row, int column, const QModelIndex& idx) const
{
    return idx.isValid() ? index(row, column) : QModelIndex();
}

int MessageFilterProxy::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_messages)
        return 0;
    return filtering() ? int(m_rows.size()) : m_messages->rowCount();
}

int MessageFilterProxy::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_messages)
        return 0;
    return m_messages->columnCount();
}

bool MessageFilterProxy::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && rowCount() > 0;
}

void MessageFilterProxy::onRowsAboutToBeInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!filtering()) {
        if (first != m_messages->rowCount())
            forgetDecoded(); // rows in the middle: MessageModel never does that
        beginInsertArrival(first, last, m_messages->rowCount());
        m_pending = Pending::Forward;
    } else if (first != m_messages->rowCount()) {
        beginResetModel(); // rows in the middle: MessageModel never does that
        m_pending = Pending::Reset;
    }
}

void MessageFilterProxy::onRowsInserted(const QModelIndex& parent, int, int)
{
    if (parent.isValid())
        return;
    const Pending pending = std::exchange(m_pending, Pending::None);
    if (pending == Pending::Forward) {
        endInsertRows();
        return;
    }
    if (pending == Pending::Reset) {
        forgetDecoded();
        restart();
        endResetModel();
    } else if (!m_scanTimer->isActive()) {
        // Caught up: the new rows are matched now (a batch is a few thousand rows at most, and the
        // slice bounds it anyway).
        scan(false);
    }
    if (isScanning() && !m_scanTimer->isActive())
        m_scanTimer->start();
}

void MessageFilterProxy::onRowsAboutToBeRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!filtering()) {
        beginRemoveArrival(first, last, m_messages->rowCount());
        m_pending = Pending::Forward;
        return;
    }
    if (first != 0) {
        beginResetModel(); // not a trim from the front: MessageModel never does that
        m_pending = Pending::Reset;
        return;
    }
    // The accepted rows among the trimmed ones are the first of the proxy.
    const int gone = proxyRowOf(m_base + last + 1);
    m_pending = Pending::Trim;
    m_trimAnnounced = gone > 0;
    if (m_trimAnnounced)
        beginRemoveArrival(0, gone - 1, rowCount());
}

void MessageFilterProxy::onRowsRemoved(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    const Pending pending = std::exchange(m_pending, Pending::None);
    const int count = last - first + 1;
    if (pending == Pending::Forward) {
        if (first == 0) {
            m_base += count;
            forgetDecodedBefore(m_base);
        } else {
            forgetDecoded(); // not a trim: positions after `first` moved
        }
        endRemoveRows();
        return;
    }
    if (pending == Pending::Reset) {
        forgetDecoded();
        restart();
        endResetModel();
        if (isScanning())
            m_scanTimer->start();
        return;
    }
    if (pending != Pending::Trim)
        return;
    m_base += count;
    while (!m_rows.empty() && m_rows.front() < m_base)
        m_rows.pop_front();
    forgetDecodedBefore(m_base);
    m_scanNext = qMax(m_scanNext, m_base);
    if (m_trimAnnounced)
        endRemoveRows();
}

void MessageFilterProxy::onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                                       const QList<int>& roles)
{
    if (!topLeft.isValid() || !bottomRight.isValid())
        return;
    const int count = rowCount();
    if (!filtering()) {
        emit dataChanged(
            index(flip(m_newestFirst ? bottomRight.row() : topLeft.row(), count), topLeft.column()),
            index(flip(m_newestFirst ? topLeft.row() : bottomRight.row(), count),
                  bottomRight.column()),
            roles);
        return;
    }
    // What a row shows changes (its state), never whether it matches.
    const int first = proxyRowOf(m_base + topLeft.row());
    const int last = proxyRowOf(m_base + bottomRight.row() + 1) - 1;
    if (first <= last)
        emit dataChanged(index(flip(m_newestFirst ? last : first, count), topLeft.column()),
                         index(flip(m_newestFirst ? first : last, count), bottomRight.column()),
                         roles);
}

void MessageFilterProxy::onAboutToReset() { beginResetModel(); }

void MessageFilterProxy::onReset()
{
    m_base = 0;
    forgetDecoded();
    restart();
    endResetModel();
    if (isScanning())
        m_scanTimer->start();
}

} // namespace rqc
