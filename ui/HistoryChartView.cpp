#include "HistoryChartView.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace rqc {

namespace {
// One colour per series, the same in every chart.
QColor colorOf(ChartSeries s)
{
    switch (s) {
    case ChartSeries::Depth:
        return QColor(0x1f, 0x77, 0xb4);
    case ChartSeries::InRate:
        return QColor(0x2c, 0xa0, 0x2c);
    case ChartSeries::OutRate:
        return QColor(0xd6, 0x27, 0x28);
    case ChartSeries::NetRate:
        return QColor(0x8c, 0x56, 0x4b);
    case ChartSeries::Pending:
        return QColor(0xff, 0x7f, 0x0e);
    case ChartSeries::Lag:
        return QColor(0x94, 0x67, 0xbd);
    case ChartSeries::Consumers:
        return QColor(0x7f, 0x7f, 0x7f);
    case ChartSeries::OpsPerSec:
        return QColor(0xd6, 0x27, 0x28);
    case ChartSeries::UsedMemory:
        return QColor(0x1f, 0x77, 0xb4);
    case ChartSeries::ConnectedClients:
        return QColor(0x1f, 0x77, 0xb4);
    case ChartSeries::BlockedClients:
        return QColor(0xff, 0x7f, 0x0e);
    case ChartSeries::PubsubChannels:
        return QColor(0x2c, 0xa0, 0x2c);
    case ChartSeries::PubsubPatterns:
        return QColor(0x94, 0x67, 0xbd);
    case ChartSeries::Count:
        break;
    }
    return Qt::black;
}
} // namespace

HistoryChartView::HistoryChartView(const QList<ChartSeries>& left, const QList<ChartSeries>& right,
                                   QWidget* parent)
    // The chart is given to QChartView's constructor: a QChartView built without one makes its
    // own, and setChart() would release that one to us (Qt leaves its deletion to the caller).
    : QChartView(new QChart, parent)
    , m_right(right)
{
    QChart* chart = this->chart();
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    m_x = new QDateTimeAxis(chart);
    m_x->setFormat(QStringLiteral("HH:mm:ss"));
    m_x->setTickCount(5);
    chart->addAxis(m_x, Qt::AlignBottom);
    m_left = new QValueAxis(chart);
    m_left->setLabelFormat(QStringLiteral("%.0f"));
    m_left->setTickCount(4);
    chart->addAxis(m_left, Qt::AlignLeft);
    if (!right.isEmpty()) {
        m_rightAxis = new QValueAxis(chart);
        m_rightAxis->setLabelFormat(QStringLiteral("%.1f"));
        m_rightAxis->setTickCount(4);
        m_rightAxis->setTitleText(tr("per second"));
        chart->addAxis(m_rightAxis, Qt::AlignRight);
    }
    const auto add = [&](ChartSeries s, QValueAxis* axis) {
        auto* line = new QLineSeries(chart);
        line->setName(ChartHistory::seriesName(s));
        QPen pen(colorOf(s));
        pen.setWidthF(s == ChartSeries::Depth || s == ChartSeries::UsedMemory ? 2.2 : 1.5);
        if (axis == m_rightAxis)
            pen.setStyle(Qt::DashLine); // rates, on the right axis
        line->setPen(pen);
        chart->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(axis);
        line->setVisible(false);
        m_lines.insert(int(s), line);
    };
    for (ChartSeries s : left)
        add(s, m_left);
    for (ChartSeries s : right)
        add(s, m_rightAxis);
    const auto dots = [&](const QString& name, const QColor& color, qreal size) {
        auto* scatter = new QScatterSeries(chart);
        scatter->setName(name);
        scatter->setColor(color);
        scatter->setMarkerSize(size);
        chart->addSeries(scatter);
        scatter->attachAxis(m_x);
        scatter->attachAxis(m_left);
        return scatter;
    };
    // Drawn over each other when the connection came back at once: the red ring stays visible.
    m_dropped = dots(tr("connection lost"), QColor(0xc0, 0x20, 0x20), 14);
    m_restored = dots(tr("connection back"), QColor(0x20, 0x90, 0x30), 7);
    for (QScatterSeries* d : {m_dropped, m_restored})
        for (QLegendMarker* m : chart->legend()->markers(d))
            m->setVisible(false);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(230);
}

void HistoryChartView::setLeftScale(double factor, const QString& title)
{
    m_leftScale = factor;
    m_left->setTitleText(title);
    m_left->setLabelFormat(QStringLiteral("%.1f"));
}

void HistoryChartView::render(const ChartHistory& history)
{
    qint64 tMin = -1, tMax = -1;
    double leftMax = 0, rightMax = 0, rightMin = 0;
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        const ChartSeries s = ChartSeries(it.key());
        QLineSeries* line = it.value();
        const SeriesRing* ring = history.series(s);
        const bool onRight = m_right.contains(s);
        const bool present = ring && ring->size() > 0;
        line->setVisible(present);
        for (QLegendMarker* m : chart()->legend()->markers(line))
            m->setVisible(present);
        if (!present) {
            line->clear();
            continue;
        }
        const double scale = onRight ? 1.0 : m_leftScale;
        QList<QPointF> points;
        points.reserve(ring->size());
        for (int i = 0; i < ring->size(); ++i) {
            const SeriesRing::Point& p = ring->at(i);
            const double v = p.value * scale;
            points.append(QPointF(double(p.tMs), v));
            if (onRight) {
                rightMax = qMax(rightMax, v);
                rightMin = qMin(rightMin, v);
            } else {
                leftMax = qMax(leftMax, v);
            }
        }
        line->replace(points);
        const qint64 first = ring->at(0).tMs, last = ring->last().tMs;
        tMin = tMin < 0 ? first : qMin(tMin, first);
        tMax = qMax(tMax, last);
    }
    QList<QPointF> dropped, restored;
    for (const ChartMarker& m : history.markers()) {
        if (tMin >= 0 && m.tMs < tMin)
            continue; // older than anything still drawn
        (m.restored ? restored : dropped).append(QPointF(double(m.tMs), 0));
        tMax = qMax(tMax, m.tMs);
        if (tMin < 0)
            tMin = m.tMs;
    }
    m_dropped->replace(dropped);
    m_restored->replace(restored);
    if (tMin < 0)
        return;
    if (tMax - tMin < 10000)
        tMin = tMax - 10000;
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(tMin), QDateTime::fromMSecsSinceEpoch(tMax));
    const auto nice = [](double v) {
        return v <= 0 ? 1.0 : v * 1.15;
    };
    m_left->setRange(0, nice(leftMax));
    if (m_rightAxis)
        m_rightAxis->setRange(rightMin < 0 ? rightMin * 1.15 : 0, nice(rightMax));
}

int HistoryChartView::droppedMarkers() const { return int(m_dropped->count()); }

int HistoryChartView::restoredMarkers() const { return int(m_restored->count()); }

} // namespace rqc
