#include "LoadPanel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

namespace rqc {

namespace {
constexpr qint64 kNsPerSecond = 1000000000LL;
}

LoadPanel::LoadPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("loadPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* row = new QHBoxLayout;
    m_limitKind = new QComboBox(this);
    m_limitKind->setObjectName(QStringLiteral("loadLimitKind"));
    m_limitKind->addItem(tr("Messages"));
    m_limitKind->addItem(tr("Seconds"));
    m_limitSpin = new QSpinBox(this);
    m_limitSpin->setObjectName(QStringLiteral("loadLimitSpin"));
    m_limitSpin->setRange(1, 100000000);
    m_limitSpin->setValue(10000);
    m_limitSpin->setGroupSeparatorShown(true);
    auto* rateLabel = new QLabel(tr("at"), this);
    m_rateSpin = new QSpinBox(this);
    m_rateSpin->setObjectName(QStringLiteral("loadRateSpin"));
    m_rateSpin->setRange(0, 1000000);
    m_rateSpin->setValue(1000);
    m_rateSpin->setGroupSeparatorShown(true);
    m_rateSpin->setSuffix(tr(" msg/s"));
    m_rateSpin->setSpecialValueText(tr("as fast as possible"));
    m_rateSpin->setToolTip(tr("Messages per second; 0 sends as fast as the connection takes them "
                              "(pipelined)."));
    rateLabel->setBuddy(m_rateSpin);
    m_startButton = new QPushButton(tr("Start load"), this);
    m_startButton->setObjectName(QStringLiteral("loadStartButton"));
    m_stopButton = new QPushButton(tr("Stop"), this);
    m_stopButton->setObjectName(QStringLiteral("loadStopButton"));
    m_stopButton->setEnabled(false);
    row->addWidget(m_limitKind);
    row->addWidget(m_limitSpin);
    row->addWidget(rateLabel);
    row->addWidget(m_rateSpin);
    row->addStretch(1);
    row->addWidget(m_startButton);
    row->addWidget(m_stopButton);
    layout->addLayout(row);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("loadProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(m_progress->fontMetrics().height());
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("loadStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    connect(m_startButton, &QPushButton::clicked, this, [this] { emit startRequested(limits()); });
    connect(m_stopButton, &QPushButton::clicked, this, &LoadPanel::stopRequested);
}

LoadPacer::Limits LoadPanel::limits() const
{
    LoadPacer::Limits l;
    l.rate = quint64(m_rateSpin->value());
    if (m_limitKind->currentIndex() == 0)
        l.count = quint64(m_limitSpin->value());
    else
        l.durationNs = qint64(m_limitSpin->value()) * kNsPerSecond;
    return l;
}

void LoadPanel::setLimits(quint64 count, int seconds, quint64 rate)
{
    m_limitKind->setCurrentIndex(count > 0 ? 0 : 1);
    m_limitSpin->setValue(count > 0 ? int(count) : seconds);
    m_rateSpin->setValue(int(rate));
}

double LoadPanel::rateOf(quint64 sent, qint64 elapsedNs)
{
    return elapsedNs > 0 ? double(sent) * 1e9 / double(elapsedNs) : 0.0;
}

QString LoadPanel::describe(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked) const
{
    const QLocale locale;
    QStringList parts;
    if (m_limits.count > 0)
        parts << tr("sent %1 of %2").arg(locale.toString(sent), locale.toString(m_limits.count));
    else
        parts << tr("sent %1").arg(locale.toString(sent));
    const double rate = rateOf(sent, elapsedNs);
    if (m_limits.rate > 0)
        parts << tr("%1 msg/s (asked %2)")
                     .arg(locale.toString(rate, 'f', 0), locale.toString(m_limits.rate));
    else
        parts << tr("%1 msg/s").arg(locale.toString(rate, 'f', 0));
    if (reached >= 0)
        parts << tr("reached %1").arg(locale.toString(reached));
    if (acked >= 0)
        parts << tr("acked %1").arg(locale.toString(acked));
    return parts.join(QStringLiteral(" · "));
}

void LoadPanel::begin(const LoadPacer::Limits& limits)
{
    m_limits = limits;
    m_running = true;
    m_startButton->setEnabled(false);
    m_stopButton->setEnabled(true);
    m_progress->setValue(0);
    m_figures = describe(0, -1, 0, -1);
    m_status->setText(m_figures);
}

void LoadPanel::update(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked)
{
    if (m_limits.count > 0)
        m_progress->setValue(int(qMin<quint64>(1000, sent * 1000 / m_limits.count)));
    else if (m_limits.durationNs > 0)
        m_progress->setValue(int(qMin<qint64>(1000, elapsedNs / (m_limits.durationNs / 1000))));
    m_sent = sent;
    m_reached = reached;
    m_elapsedNs = elapsedNs;
    m_figures = describe(sent, reached, elapsedNs, acked);
    m_status->setText(m_figures);
}

void LoadPanel::updateAcked(qint64 acked)
{
    m_figures = describe(m_sent, m_reached, m_elapsedNs, acked);
    if (!m_running)
        m_figures = tr("done: %1").arg(m_figures);
    m_status->setText(m_figures);
}

void LoadPanel::finish(quint64 sent, qint64 reached, qint64 elapsedNs, qint64 acked)
{
    update(sent, reached, elapsedNs, acked);
    m_running = false;
    m_startButton->setEnabled(true);
    m_stopButton->setEnabled(false);
    m_figures = tr("done: %1").arg(m_figures);
    m_status->setText(m_figures);
}

} // namespace rqc
