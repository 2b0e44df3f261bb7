#include "PaneChart.h"

#include "HistoryChartView.h"
#include "ReliableRecovery.h"

#include <QLineSeries>

#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {

std::optional<SampleTarget> targetFor(const ConsumerSpec& spec)
{
    if (spec.target.isEmpty())
        return std::nullopt;
    SampleTarget t;
    t.key = spec.target;
    switch (spec.mode) {
    case Mode::List:
    case Mode::Reliable:
    case Mode::Peek:
        t.kind = SampleTarget::Kind::List;
        return t;
    case Mode::Stream:
        t.kind = SampleTarget::Kind::Stream;
        t.group = spec.option(QStringLiteral("group"), QStringLiteral("rqconsole")).toUtf8();
        return t;
    case Mode::Tail:
        t.kind = SampleTarget::Kind::Stream; // every group of the stream, summed
        return t;
    case Mode::PubSub:
    case Mode::SPubSub:
    case Mode::Pattern:
    case Mode::Observe:
        break;
    }
    return std::nullopt;
}

} // namespace

QToolButton* PaneChart::createToggle(QWidget* parent)
{
    auto* toggle = new QToolButton(parent);
    toggle->setObjectName(QStringLiteral("chartButton"));
    toggle->setText(tr("Chart"));
    toggle->setCheckable(true);
    toggle->setAutoRaise(true);
    toggle->setToolTip(tr("Show this queue's depth, rates, pending and consumers over the last "
                          "hour (sampled once a second only while shown)"));
    return toggle;
}

bool PaneChart::canChart(const ConsumerSpec& spec) { return targetFor(spec).has_value(); }

PaneChart::PaneChart(QToolButton* toggle, QWidget* parent)
    : QWidget(parent)
    , m_toggle(toggle)
{
    setObjectName(QStringLiteral("paneChart"));
    connect(m_toggle, &QToolButton::toggled, this, &QWidget::setVisible);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("chartNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    m_view = new HistoryChartView(
        {ChartSeries::Depth, ChartSeries::Pending, ChartSeries::Lag, ChartSeries::Consumers},
        {ChartSeries::InRate, ChartSeries::OutRate, ChartSeries::NetRate}, this);
    m_view->setObjectName(QStringLiteral("paneChartView"));
    layout->addWidget(m_view, 1);
    setMinimumHeight(270);
    QWidget::setVisible(false);
}

PaneChart::~PaneChart() { stopSampling(); }

void PaneChart::setConnection(const ConnectionSettings& settings)
{
    if (m_haveSettings && settings == m_settings)
        return;
    m_settings = settings;
    m_haveSettings = true;
    if (isSampling() || isVisible()) {
        stopSampling();
        startSampling();
    }
}

void PaneChart::setSpec(const ConsumerSpec& spec)
{
    auto target = targetFor(spec);
    // Another consumer group of the same stream is another history (its pending, lag, reads).
    const bool sameQueue = spec.target == m_spec.target && spec.mode == m_spec.mode &&
                           (!target || !m_target || target->group == m_target->group);
    m_spec = spec;
    m_toggle->setEnabled(target.has_value());
    if (!target && m_toggle->isChecked())
        m_toggle->setChecked(false);
    if (!sameQueue)
        m_history.clear();
    const bool same = target && m_target && target->kind == m_target->kind &&
                      target->key == m_target->key && target->group == m_target->group;
    if (same) {
        updatePendingName(); // e.g. a list pane turned reliable
        updateNote();
        return;
    }
    m_target = target;
    if (isSampling()) {
        stopSampling();
        startSampling();
    }
    updatePendingName();
    updateNote();
}

void PaneChart::updatePendingName()
{
    QLineSeries* line = m_view->lineFor(ChartSeries::Pending);
    if (!line)
        return;
    // A reliable list's pending is the length of the processing lists the server's discovery
    // has found (its SCAN, not one per sample): say so, with how many it found.
    if (m_target && m_spec.mode == Mode::Reliable)
        line->setName(
            tr("pending (processing lists found: %1)").arg(m_target->processingLists.size()));
    else
        line->setName(ChartHistory::seriesName(ChartSeries::Pending));
}

void PaneChart::applySnapshot(const ServerSnapshot& snapshot)
{
    if (!m_target || m_spec.mode != Mode::Reliable)
        return;
    QList<QByteArray> processing;
    for (const ServerSnapshot::Key& k : snapshot.lists)
        if (ReliableListKeys::isProcessingOf(m_spec.target, k.name))
            processing << k.name;
    if (processing == m_target->processingLists)
        return;
    m_target->processingLists = processing;
    if (isSampling()) {
        stopSampling();
        startSampling();
    }
    updatePendingName();
    updateNote();
}

void PaneChart::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    startSampling();
}

void PaneChart::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    stopSampling();
}

void PaneChart::startSampling()
{
    if (isSampling() || !m_haveSettings || !m_target || !isVisible())
        return;
    m_sampler = ChartSampler::shared(m_settings);
    connect(m_sampler.get(), &ChartSampler::sampled, this, &PaneChart::onSampled);
    connect(m_sampler.get(), &ChartSampler::connectionDropped, this, [this](qint64 tMs) {
        m_history.markDropped(tMs);
        m_view->render(m_history);
    });
    connect(m_sampler.get(), &ChartSampler::connectionRestored, this, [this](qint64 tMs) {
        m_history.markRestored(tMs);
        m_view->render(m_history);
    });
    m_watchId = m_sampler->watch(*m_target);
    updateNote();
}

void PaneChart::stopSampling()
{
    if (!m_sampler)
        return;
    disconnect(m_sampler.get(), nullptr, this, nullptr);
    if (m_watchId)
        m_sampler->unwatch(m_watchId);
    m_watchId = 0;
    m_sampler.reset(); // the last holder ends the server's sampler
    m_history.gap();   // no rate across the time nothing was sampled
}

void PaneChart::onSampled(qint64 tMs, const QHash<int, ChartSample>& samples)
{
    const auto it = samples.constFind(m_watchId);
    if (it == samples.cend())
        return;
    // Lists: what this pane took is the only honest out rate. Stream groups: the group's own
    // entries-read counts every consumer of the group, this pane's among them.
    const bool countsOut = m_spec.mode == Mode::List || m_spec.mode == Mode::Reliable;
    const qint64 consumed = m_consumed && countsOut ? m_consumed() : qint64(-1);
    m_history.add(tMs, it.value(), consumed);
    m_view->render(m_history);
    updateNote();
}

void PaneChart::updateNote()
{
    if (!m_target) {
        m_note->setText(tr("Nothing to chart in this mode: pub/sub and observe have no depth."));
        return;
    }
    if (!m_history.lastError().isEmpty()) {
        m_note->setText(tr("Cannot sample %1: %2")
                            .arg(QString::fromUtf8(m_target->key), m_history.lastError()));
        return;
    }
    QString rates;
    if (m_spec.mode == Mode::Reliable)
        rates = tr("out/s is what this pane took; in/s is that plus the change in depth. Pending "
                   "is the length of the %1:processing:* lists the sidebar's discovery has found "
                   "(%n so far); a consumer's list it has not found yet is not counted.",
                   nullptr, int(m_target->processingLists.size()))
                    .arg(QString::fromUtf8(m_target->key));
    else if (ConsumerSpec::consumes(m_spec.mode) && m_spec.mode != Mode::Stream)
        rates = tr("out/s is what this pane took; in/s is that plus the change in depth.");
    else if (m_target->kind == SampleTarget::Kind::Stream)
        rates = tr("in/s is entries added and out/s entries read by the group (XINFO GROUPS); "
                   "without a group only the change in length is known.");
    else
        rates = tr("Nothing here consumes this list, so only its net change per second is "
                   "known, not what came in and went out.");
    m_note->setText(tr("Last hour, one sample a second. %1").arg(rates));
}

} // namespace rqc
