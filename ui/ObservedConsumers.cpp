#include "ObservedConsumers.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>

#include <algorithm>

namespace rqc {

namespace {
constexpr int kRefreshMs = 1000;
constexpr int kPreviewBytes = 40;
constexpr int kMaxConsumers = 64; // a pane shows a handful; more are counted in the tooltip only

QByteArray whoTook(const Observation& o)
{
    if (!o.consumer.isEmpty())
        return o.consumer;
    return o.clientName.isEmpty() ? o.clientAddr : o.clientName;
}

QString preview(const QByteArray& payload)
{
    QString text = QString::fromUtf8(payload.left(kPreviewBytes)).simplified();
    if (payload.size() > kPreviewBytes)
        text += QChar(0x2026);
    return text;
}
} // namespace

ObservedConsumers::ObservedConsumers(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("observedConsumersLabel"));
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setForegroundRole(QPalette::PlaceholderText);
    m_timer = new QTimer(this);
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &ObservedConsumers::refresh);
    refresh();
}

void ObservedConsumers::add(const MessageList& batch)
{
    bool any = false;
    for (const Message& m : batch) {
        const Observation* o = m.observed.get();
        if (!o || o->kind != Observation::Kind::Consume)
            continue;
        const QByteArray who = whoTook(*o);
        if (who.isEmpty() || (!m_stats.contains(who) && m_stats.size() >= kMaxConsumers))
            continue;
        Stats& s = m_stats[who];
        const qint64 at = o->takenMs > 0 ? o->takenMs : m.receivedMs;
        s.takenMs.push_back(at);
        s.lastPayload = m.payload;
        s.lastMs = at;
        s.lastCertain = o->certain;
        ++s.total;
        any = true;
    }
    if (any && !m_timer->isActive())
        m_timer->start();
    if (any && text().isEmpty())
        refresh();
}

void ObservedConsumers::clear()
{
    m_stats.clear();
    m_timer->stop();
    refresh();
}

double ObservedConsumers::rateOf(const QByteArray& consumer, qint64 nowMs) const
{
    const auto it = m_stats.constFind(consumer);
    if (it == m_stats.cend())
        return 0;
    const auto n = std::count_if(it->takenMs.cbegin(), it->takenMs.cend(),
                                 [nowMs](qint64 t) { return t > nowMs - rateWindowMs(); });
    return double(n) * 1000.0 / double(rateWindowMs());
}

void ObservedConsumers::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_stats.isEmpty()) {
        setText(tr("Taking: nobody seen yet"));
        setToolTip(tr("Consumers appear here as the observer sees them take from this key."));
        return;
    }
    QList<QByteArray> names = m_stats.keys();
    std::sort(names.begin(), names.end());
    QStringList parts;
    QStringList details;
    const QLocale locale;
    for (const QByteArray& name : names) {
        Stats& s = m_stats[name];
        while (!s.takenMs.empty() && s.takenMs.front() <= now - rateWindowMs())
            s.takenMs.pop_front();
        const QString rate = locale.toString(rateOf(name, now), 'f', 1);
        const QString who = QString::fromUtf8(name);
        parts << tr("%1 %2/s").arg(who, rate);
        const QString ago =
            locale.toString(double(qMax<qint64>(0, now - s.lastMs)) / 1000.0, 'f', 1);
        details << (s.lastCertain
                        ? tr("%1: %2 takes/s over 10 s, %3 in all; last took \"%4\" %5 s ago")
                        : tr("%1: %2 takes/s over 10 s, %3 in all; last took \"%4\" %5 s "
                             "ago (inferred)"))
                       .arg(who, rate, locale.toString(s.total), preview(s.lastPayload), ago);
    }
    setText(tr("Taking: %1").arg(parts.join(QStringLiteral(" \u00b7 "))));
    setToolTip(details.join(QLatin1Char('\n')));
}

} // namespace rqc
