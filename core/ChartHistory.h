#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

#include <array>
#include <deque>
#include <memory>
#include <vector>

namespace rqc {

// A ring of (time, value) points that never holds more than its capacity: the oldest point
// makes room for the newest. At one point a second, the default capacity is the last hour.
class SeriesRing {
public:
    struct Point {
        qint64 tMs = 0;
        double value = 0;
    };
    static constexpr int kHour = 3600;

    explicit SeriesRing(int capacity = kHour);
    void append(qint64 tMs, double value);
    int size() const { return m_size; }
    int capacity() const { return int(m_buf.size()); }
    // 0 is the oldest point kept.
    const Point& at(int i) const { return m_buf[size_t((m_start + i) % capacity())]; }
    const Point& last() const { return at(m_size - 1); }
    void clear();

private:
    std::vector<Point> m_buf; // allocated once, at its capacity
    int m_start = 0;
    int m_size = 0;
};

// The series a chart can show. Rates are per second.
enum class ChartSeries {
    Depth,     // LLEN / XLEN
    InRate,    // entries added (streams: a group's entries-read + lag), or depth change + out
    OutRate,   // what the console took (its own count), or a group's entries-read change
    NetRate,   // depth change, when in and out cannot be told apart (a list nobody here consumes)
    Pending,   // a group's PEL (XINFO GROUPS), or the reliable list's processing lists (LLEN)
    Lag,       // entries not yet delivered to a group (XINFO GROUPS lag, Redis 7)
    Consumers, // a group's consumers
    OpsPerSec, // INFO total_commands_processed change (the sampler's own few commands included)
    UsedMemory,
    ConnectedClients,
    BlockedClients,
    PubsubChannels,
    PubsubPatterns,
    Count
};

// What one sampling round trip read for one target; -1: not read (or unknown to the server).
struct ChartSample {
    qint64 depth = -1;
    qint64 pending = -1;
    qint64 lag = -1;
    qint64 consumers = -1;
    qint64 addedTotal = -1; // entries ever added to the stream
    qint64 readTotal = -1;  // entries a group has read
    qint64 commandsTotal = -1;
    qint64 usedMemory = -1;
    qint64 connectedClients = -1;
    qint64 blockedClients = -1;
    qint64 pubsubChannels = -1;
    qint64 pubsubPatterns = -1;
    QString error; // Redis's own text when the target could not be read
};

struct ChartMarker {
    qint64 tMs = 0;
    bool restored = false; // false: the connection dropped here; true: it came back
};

// The last hour of one target's series at one-second resolution, in bounded memory: a ring per
// series (allocated when the series first has a value) and a bounded list of markers. Rates are
// derived from the change between two consecutive samples; a drop resets that, so no rate is
// made up across a gap.
class ChartHistory {
public:
    explicit ChartHistory(int capacity = SeriesRing::kHour, int markerCapacity = 256);

    // consumedTotal: what the console itself has taken from the target so far (-1: it does not
    // consume it), the honest out rate of a list.
    void add(qint64 tMs, const ChartSample& sample, qint64 consumedTotal = -1);
    void markDropped(qint64 tMs);
    void markRestored(qint64 tMs);
    // Sampling paused (the chart was hidden): no rate across the gap, and no marker either.
    void gap() { m_prevT = -1; }
    void clear();

    // Null when the series never had a value.
    const SeriesRing* series(ChartSeries s) const { return m_series[size_t(s)].get(); }
    QList<ChartSeries> presentSeries() const;
    const std::deque<ChartMarker>& markers() const { return m_markers; }
    int capacity() const { return m_capacity; }
    int markerCapacity() const { return m_markerCapacity; }
    quint64 samples() const { return m_samples; }
    QString lastError() const { return m_lastError; }
    // Memory held by the rings and markers (their capacity, not their fill).
    qint64 heldBytes() const;

    static QString seriesName(ChartSeries s);

private:
    void put(ChartSeries s, qint64 tMs, double value);

    int m_capacity;
    int m_markerCapacity;
    std::array<std::unique_ptr<SeriesRing>, size_t(ChartSeries::Count)> m_series;
    std::deque<ChartMarker> m_markers;
    ChartSample m_prev;
    qint64 m_prevT = -1;
    qint64 m_prevConsumed = -1;
    quint64 m_samples = 0;
    QString m_lastError;
};

} // namespace rqc
