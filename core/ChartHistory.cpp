#include "ChartHistory.h"

#include <QCoreApplication>

namespace rqc {

SeriesRing::SeriesRing(int capacity)
    : m_buf(size_t(qMax(1, capacity)))
{
}

void SeriesRing::append(qint64 tMs, double value)
{
    const int cap = capacity();
    if (m_size < cap) {
        m_buf[size_t((m_start + m_size) % cap)] = {tMs, value};
        ++m_size;
    } else {
        m_buf[size_t(m_start)] = {tMs, value};
        m_start = (m_start + 1) % cap;
    }
}

void SeriesRing::clear()
{
    m_start = 0;
    m_size = 0;
}

ChartHistory::ChartHistory(int capacity, int markerCapacity)
    : m_capacity(qMax(1, capacity))
    , m_markerCapacity(qMax(1, markerCapacity))
{
}

void ChartHistory::put(ChartSeries s, qint64 tMs, double value)
{
    auto& ring = m_series[size_t(s)];
    if (!ring)
        ring = std::make_unique<SeriesRing>(m_capacity);
    ring->append(tMs, value);
}

void ChartHistory::add(qint64 tMs, const ChartSample& s, qint64 consumedTotal)
{
    ++m_samples;
    m_lastError = s.error;
    if (!s.error.isEmpty()) {
        // Nothing read: the next good sample starts the rates over.
        m_prevT = -1;
        return;
    }
    const auto level = [&](ChartSeries series, qint64 v) {
        if (v >= 0)
            put(series, tMs, double(v));
    };
    level(ChartSeries::Depth, s.depth);
    level(ChartSeries::Pending, s.pending);
    level(ChartSeries::Lag, s.lag);
    level(ChartSeries::Consumers, s.consumers);
    level(ChartSeries::UsedMemory, s.usedMemory);
    level(ChartSeries::ConnectedClients, s.connectedClients);
    level(ChartSeries::BlockedClients, s.blockedClients);
    level(ChartSeries::PubsubChannels, s.pubsubChannels);
    level(ChartSeries::PubsubPatterns, s.pubsubPatterns);

    if (m_prevT >= 0 && tMs > m_prevT) {
        const double dt = double(tMs - m_prevT) / 1000.0;
        const auto known = [](qint64 now, qint64 before) {
            return now >= 0 && before >= 0;
        };
        double out = -1;
        if (consumedTotal >= 0 && m_prevConsumed >= 0 && consumedTotal >= m_prevConsumed)
            out = double(consumedTotal - m_prevConsumed) / dt;
        else if (known(s.readTotal, m_prev.readTotal) && s.readTotal >= m_prev.readTotal)
            out = double(s.readTotal - m_prev.readTotal) / dt;
        double in = -1;
        if (known(s.addedTotal, m_prev.addedTotal) && s.addedTotal >= m_prev.addedTotal)
            in = double(s.addedTotal - m_prev.addedTotal) / dt;
        else if (known(s.depth, m_prev.depth) && out >= 0)
            in = qMax(0.0, double(s.depth - m_prev.depth) / dt + out);
        if (out >= 0)
            put(ChartSeries::OutRate, tMs, out);
        if (in >= 0)
            put(ChartSeries::InRate, tMs, in);
        else if (known(s.depth, m_prev.depth))
            put(ChartSeries::NetRate, tMs, double(s.depth - m_prev.depth) / dt);
        if (known(s.commandsTotal, m_prev.commandsTotal) && s.commandsTotal >= m_prev.commandsTotal)
            put(ChartSeries::OpsPerSec, tMs, double(s.commandsTotal - m_prev.commandsTotal) / dt);
    }
    m_prev = s;
    m_prevT = tMs;
    m_prevConsumed = consumedTotal;
}

void ChartHistory::markDropped(qint64 tMs)
{
    m_markers.push_back({tMs, false});
    while (int(m_markers.size()) > m_markerCapacity)
        m_markers.pop_front();
    m_prevT = -1;
}

void ChartHistory::markRestored(qint64 tMs)
{
    m_markers.push_back({tMs, true});
    while (int(m_markers.size()) > m_markerCapacity)
        m_markers.pop_front();
    m_prevT = -1;
}

void ChartHistory::clear()
{
    for (auto& ring : m_series)
        ring.reset();
    m_markers.clear();
    m_prevT = -1;
    m_prevConsumed = -1;
    m_samples = 0;
}

QList<ChartSeries> ChartHistory::presentSeries() const
{
    QList<ChartSeries> out;
    for (int i = 0; i < int(ChartSeries::Count); ++i)
        if (m_series[size_t(i)])
            out << ChartSeries(i);
    return out;
}

qint64 ChartHistory::heldBytes() const
{
    qint64 bytes = 0;
    for (const auto& ring : m_series)
        if (ring)
            bytes += qint64(ring->capacity()) * qint64(sizeof(SeriesRing::Point));
    return bytes + qint64(m_markers.size()) * qint64(sizeof(ChartMarker));
}

QString ChartHistory::seriesName(ChartSeries s)
{
    switch (s) {
    case ChartSeries::Depth:
        return QCoreApplication::translate("rqc::ChartHistory", "depth");
    case ChartSeries::InRate:
        return QCoreApplication::translate("rqc::ChartHistory", "in/s");
    case ChartSeries::OutRate:
        return QCoreApplication::translate("rqc::ChartHistory", "out/s");
    case ChartSeries::NetRate:
        return QCoreApplication::translate("rqc::ChartHistory", "net change/s");
    case ChartSeries::Pending:
        return QCoreApplication::translate("rqc::ChartHistory", "pending");
    case ChartSeries::Lag:
        return QCoreApplication::translate("rqc::ChartHistory", "lag");
    case ChartSeries::Consumers:
        return QCoreApplication::translate("rqc::ChartHistory", "consumers");
    case ChartSeries::OpsPerSec:
        return QCoreApplication::translate("rqc::ChartHistory", "ops/s");
    case ChartSeries::UsedMemory:
        return QCoreApplication::translate("rqc::ChartHistory", "memory (bytes)");
    case ChartSeries::ConnectedClients:
        return QCoreApplication::translate("rqc::ChartHistory", "connected clients");
    case ChartSeries::BlockedClients:
        return QCoreApplication::translate("rqc::ChartHistory", "blocked clients");
    case ChartSeries::PubsubChannels:
        return QCoreApplication::translate("rqc::ChartHistory", "pub/sub channels");
    case ChartSeries::PubsubPatterns:
        return QCoreApplication::translate("rqc::ChartHistory", "pub/sub patterns");
    case ChartSeries::Count:
        break;
    }
    return QString();
}

} // namespace rqc
