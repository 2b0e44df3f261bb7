#pragma once

#include "ChartHistory.h"
#include "ChartSampler.h"
#include "ConnectionSettings.h"
#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QToolButton;

namespace rqc {

class HistoryChartView;

// A pane's chart over the last hour: depth (lists, streams), in and out rates, pending and lag
// (stream groups, reliable lists) and consumers. Hidden by default; its toggle button (for the
// pane's header, made by createToggle()) shows it. The pane builds it only when the button is
// first checked. It samples only while shown, through the server's shared ChartSampler; hidden,
// it holds no sampler at all. What is kept survives hiding, but the gap is a gap: rates start
// over when sampling does.
class PaneChart : public QWidget {
    Q_OBJECT
public:
    // toggle: the button from createToggle(); checking it shows the chart.
    explicit PaneChart(QToolButton* toggle, QWidget* parent = nullptr);
    ~PaneChart() override;

    // The pane's "Chart" button (checkable, unchecked), before any PaneChart exists.
    static QToolButton* createToggle(QWidget* parent);
    // Whether a pane with this spec has anything to chart (pub/sub and observe have no depth).
    static bool canChart(const ConsumerSpec& spec);

    QToolButton* toggleButton() const { return m_toggle; }
    void setConnection(const ConnectionSettings& settings);
    void setSpec(const ConsumerSpec& spec);
    // What the pane itself has consumed so far (its honest out rate), or -1 when it does not take
    // messages from the target.
    void setConsumedCounter(std::function<qint64()> counter) { m_consumed = std::move(counter); }
    // Reliable lists: every consumer's processing list the server's discovery knows.
    void applySnapshot(const ServerSnapshot& snapshot);

    const ChartHistory& history() const { return m_history; }
    HistoryChartView* view() const { return m_view; }
    bool isSampling() const { return m_watchId != 0; }
    // Whether the pane's mode has anything to chart (pub/sub and observe have no depth).
    bool chartable() const { return m_target.has_value(); }

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void startSampling();
    void stopSampling();
    void onSampled(qint64 tMs, const QHash<int, ChartSample>& samples);
    void updateNote();
    void updatePendingName();

    QToolButton* m_toggle = nullptr;
    QLabel* m_note = nullptr;
    HistoryChartView* m_view = nullptr;
    ConnectionSettings m_settings;
    bool m_haveSettings = false;
    ConsumerSpec m_spec;
    std::optional<SampleTarget> m_target;
    std::function<qint64()> m_consumed;
    std::shared_ptr<ChartSampler> m_sampler;
    int m_watchId = 0;
    ChartHistory m_history;
};

} // namespace rqc
