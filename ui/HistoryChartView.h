#pragma once

#include "ChartHistory.h"

#include <QChartView>
#include <QHash>
#include <QList>

class QLineSeries;
class QScatterSeries;
class QDateTimeAxis;
class QValueAxis;

namespace rqc {

// Draws chosen series of a ChartHistory against time: levels on the left axis, rates on the
// right one, and a red dot (dropped) or green dot (came back) on the time axis where the
// connection went and returned. Series the history has no value for stay out of the legend.
class HistoryChartView : public QChartView {
    Q_OBJECT
public:
    HistoryChartView(const QList<ChartSeries>& left, const QList<ChartSeries>& right,
                     QWidget* parent = nullptr);

    void render(const ChartHistory& history);
    // The line drawing s (null when s is not one of this view's series).
    QLineSeries* lineFor(ChartSeries s) const { return m_lines.value(int(s)); }
    int droppedMarkers() const;
    int restoredMarkers() const;
    // A scale for the left axis (e.g. 1/1048576 for MiB) and its title.
    void setLeftScale(double factor, const QString& title);

private:
    QHash<int, QLineSeries*> m_lines;
    QList<ChartSeries> m_right;
    QDateTimeAxis* m_x = nullptr;
    QValueAxis* m_left = nullptr;
    QValueAxis* m_rightAxis = nullptr;
    QScatterSeries* m_dropped = nullptr;
    QScatterSeries* m_restored = nullptr;
    double m_leftScale = 1.0;
};

} // namespace rqc
