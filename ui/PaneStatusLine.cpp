#include "PaneStatusLine.h"

#include "DepthFact.h"
#include "ModeFamily.h"

#include <QLocale>

namespace rqc {

namespace {
constexpr qint64 kRateWindowMs = 1000;
}

PaneStatusLine::PaneStatusLine(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("statusLine"));
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setWordWrap(true);
    m_clock.start();
}

void PaneStatusLine::showFigures(const Figures& f)
{
    const qint64 now = m_clock.elapsed();
    m_samples.emplace_back(now, f.received);
    while (m_samples.size() > 2 && now - m_samples.front().first > kRateWindowMs)
        m_samples.pop_front();
    const auto& [firstMs, firstCount] = m_samples.front();
    const qint64 span = now - firstMs;
    m_rate = span > 0 && f.received >= firstCount
                 ? double(f.received - firstCount) * 1000.0 / double(span)
                 : 0.0;
    setText(textFor(f, m_rate));
    QString tip = tr("Dropped: messages received but no longer kept in the view (the view keeps "
                     "the newest %1).")
                      .arg(QLocale().toString(f.capacity));
    if (f.precise) {
        const QLocale l;
        tip += QLatin1Char('\n') +
               tr("This consumer since it started: requeued %1, gone %2 (settled elsewhere "
                  "meanwhile), trimmed %3 (deleted from the stream while pending).")
                   .arg(l.toString(f.counters.requeued), l.toString(f.counters.gone),
                        l.toString(f.counters.trimmed));
    }
    if (f.depthStale)
        tip += QLatin1Char('\n') +
               tr("The depth was read before the latest messages were consumed, so it may be "
                  "lower now; it is read again as soon as the consumer is idle.");
    setToolTip(tip);
}

qint64 PaneStatusLine::depthIn(const ConsumerSpec& spec, const ServerSnapshot& snapshot)
{
    return DepthFact::depthIn(spec, snapshot);
}

QString PaneStatusLine::textFor(const Figures& f, double rate)
{
    const QLocale locale;
    QStringList parts;
    parts << tr("received %1").arg(locale.toString(f.received));
    parts << tr("%1 msg/s").arg(locale.toString(rate, 'f', rate < 10 ? 1 : 0));
    if (f.precise) {
        const ConsumerCounters& c = f.counters;
        parts << tr("acked %1").arg(locale.toString(c.acked));
        parts << tr("pending %1").arg(locale.toString(c.pending));
        parts << tr("redelivered %1").arg(locale.toString(c.redelivered));
        parts << tr("dead %1").arg(locale.toString(c.deadLettered));
    }
    // Unknown is shown as unknown, with the reason: never a figure nobody read.
    QString depth = f.depth < 0 ? QStringLiteral("–") : locale.toString(f.depth);
    if (f.depth < 0 && !f.depthWhy.isEmpty())
        depth += tr(" (%1)").arg(f.depthWhy);
    const ModeFamily family = modeFamily(f.mode);
    if (family == ModeFamily::List && f.depthStale && f.depth >= 0)
        parts << tr("depth %1 (read %2 s ago)")
                     .arg(depth, locale.toString(qMax<qint64>(0, f.depthAgeMs) / 1000));
    else if (family == ModeFamily::List)
        parts << tr("depth %1").arg(depth);
    else if (family == ModeFamily::Stream)
        parts << tr("length %1").arg(depth);
    else if (f.mode == Mode::PubSub && f.depth >= 0)
        parts << tr("%n subscriber(s)", nullptr, int(f.depth));
    else if (f.mode == Mode::PubSub && !f.depthWhy.isEmpty())
        parts << tr("subscribers %1").arg(depth);
    if (family == ModeFamily::Channel && f.lastReach >= 0)
        parts << tr("last publish reached %n subscriber(s)", nullptr, int(f.lastReach));
    parts << tr("dropped %1").arg(locale.toString(f.dropped));
    if (!f.sendText.isEmpty())
        parts << f.sendText;
    if (f.paused)
        parts << tr("paused, %1 held back").arg(locale.toString(f.held));
    return parts.join(QStringLiteral(" · "));
}

} // namespace rqc
