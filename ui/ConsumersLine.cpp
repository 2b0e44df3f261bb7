#include "ConsumersLine.h"

#include "ConsumerCensus.h"
#include "ModeFamily.h"
#include "ReliableRecovery.h"

#include <QTimer>

namespace rqc {

namespace {
QString who(const QByteArray& name, qint64 id)
{
    return name.isEmpty() ? QStringLiteral("#%1").arg(id) : QString::fromUtf8(name);
}

QString seconds(qint64 ms) { return QStringLiteral("%1 s").arg(ms / 1000); }

QString joinShown(const QStringList& items, int shown)
{
    if (items.size() <= shown)
        return items.join(QStringLiteral(", "));
    return items.mid(0, shown).join(QStringLiteral(", ")) + QStringLiteral(", …");
}
} // namespace

ConsumersLine::ConsumersLine(QWidget* parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("consumersLabel"));
    // One line, clipped; the tooltip has it all. (A wrapping label would take the view's room.)
    setWordWrap(false);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setForegroundRole(QPalette::PlaceholderText);
    m_timer = new QTimer(this);
    m_timer->setInterval(refreshIntervalMs());
    connect(m_timer, &QTimer::timeout, this, &ConsumersLine::onTick);
    setVisible(false);
}

ConsumersLine::~ConsumersLine() = default;

void ConsumersLine::setConnection(const ConnectionSettings& settings, CensusService* census)
{
    m_settings = settings;
    m_service = census;
    m_connected = true;
    restart();
}

void ConsumersLine::setSpec(const ConsumerSpec& spec)
{
    const bool same = spec.target == m_spec.target && m_census;
    m_spec = spec;
    if (!same || spec.mode == Mode::PubSub || spec.mode == Mode::Pattern)
        restart();
}

void ConsumersLine::restart()
{
    m_census.reset();
    m_timer->stop();
    const bool channel = m_spec.mode == Mode::PubSub || m_spec.mode == Mode::Pattern;
    setVisible(!channel);
    if (channel || !m_connected || m_spec.target.isEmpty())
        return;
    setText(tr("Consumers: asking the server…"));
    setToolTip(QString());
    // The server's shared census when there is one, a private one otherwise.
    m_census = m_service ? std::make_unique<ConsumerCensus>(m_service.data(), m_spec.target)
                         : std::make_unique<ConsumerCensus>(m_settings, m_spec.target);
    connect(m_census.get(), &ConsumerCensus::updated, this, &ConsumersLine::onUpdated);
    connect(m_census.get(), &ConsumerCensus::errorOccurred, this,
            [this](const QString& error) { setText(tr("Consumers: unknown (%1)").arg(error)); });
    passKnownLists();
    m_census->start();
    m_timer->start();
}

void ConsumersLine::applySnapshot(const ServerSnapshot& snapshot)
{
    m_processingLists.clear();
    for (const ServerSnapshot::Key& key : snapshot.lists) {
        if (ReliableListKeys::isProcessingOf(m_spec.target, key.name))
            m_processingLists << key.name;
    }
    m_listsComplete = !snapshot.listsTruncated && !snapshot.truncated;
    m_haveSnapshot = true;
    m_discoveryComplete = snapshot.discovery.complete;
    m_discoveryProgress = snapshot.discovery.progress;
    passKnownLists();
}

void ConsumersLine::passKnownLists()
{
    if (m_census && m_haveSnapshot)
        m_census->setKnownLists(m_processingLists, m_listsComplete);
}

void ConsumersLine::onTick()
{
    if (m_census && isVisible())
        m_census->refresh();
}

void ConsumersLine::onUpdated(const QueueSnapshot& census)
{
    QString line = summary(census);
    if (modeFamily(m_spec.mode) == ModeFamily::List) {
        const QString note = partialNote(m_discoveryComplete, m_discoveryProgress);
        if (!note.isEmpty())
            line += QStringLiteral(" \u00b7 ") + note;
    }
    setText(line);
    setToolTip(line + QLatin1Char('\n') + details(census).join(QLatin1Char('\n')));
}

QString ConsumersLine::listPopsText(const QueueSnapshot& c, int namesShown)
{
    if (!c.clientsListed)
        return tr("blocked clients unknown (CLIENT LIST: %1)").arg(c.clientsError);
    const qsizetype n = c.blockedListPops.size();
    if (n == 0)
        return tr("no client blocked in a list pop");
    QStringList names;
    for (const auto& b : c.blockedListPops)
        names << tr("%1 (%2)").arg(who(b.name, b.id), QString::fromUtf8(b.cmd.toUpper()));
    // Spelled out rather than %n: plural forms need a translation, and English has none.
    const QString count = n == 1 ? tr("1 client blocked in a list pop")
                                 : tr("%1 clients blocked in list pops").arg(n);
    return tr("%1 (on this or other lists: Redis does not say which): %2")
        .arg(count, joinShown(names, namesShown));
}

QString ConsumersLine::processingText(const QueueSnapshot& c, int namesShown)
{
    if (c.processing.isEmpty())
        return tr("no processing lists");
    QStringList items;
    for (const auto& p : c.processing)
        items << (p.alive ? tr("%1 alive, %2 in flight") : tr("%1 orphaned, %2 left"))
                     .arg(QString::fromUtf8(p.consumer))
                     .arg(p.length);
    const QString count = c.processing.size() == 1
                              ? tr("1 processing list")
                              : tr("%1 processing lists").arg(c.processing.size());
    return tr("%1: %2").arg(count, joinShown(items, namesShown));
}

QString ConsumersLine::groupsText(const QueueSnapshot& c, const QByteArray& onlyGroup,
                                  int namesShown)
{
    QStringList groups;
    for (const auto& g : c.groups) {
        if (!onlyGroup.isEmpty() && g.name != onlyGroup)
            continue;
        QStringList consumers;
        for (const auto& sc : g.consumers)
            consumers << tr("%1 (%2 pending, idle %3)")
                             .arg(QString::fromUtf8(sc.name))
                             .arg(sc.pending)
                             .arg(seconds(sc.idleMs));
        const QString count =
            g.consumerCount == 1 ? tr("1 consumer") : tr("%1 consumers").arg(g.consumerCount);
        QString text =
            tr("group %1: %2, %3 pending").arg(QString::fromUtf8(g.name), count).arg(g.pending);
        if (g.lag >= 0)
            text += tr(", lag %1").arg(g.lag);
        if (!consumers.isEmpty())
            text += QStringLiteral(" — ") + joinShown(consumers, namesShown);
        groups << text;
    }
    if (groups.isEmpty())
        return onlyGroup.isEmpty() ? tr("no consumer groups")
                                   : tr("no group %1 yet").arg(QString::fromUtf8(onlyGroup));
    return groups.join(QStringLiteral("; "));
}

QString ConsumersLine::partialNote(bool discoveryComplete, double progress)
{
    if (discoveryComplete)
        return {};
    return tr("processing lists: the server's discovery has walked ~%1 % of the keys, more may "
              "exist")
        .arg(qRound(qBound(0.0, progress, 1.0) * 100));
}

QString ConsumersLine::summary(const QueueSnapshot& c)
{
    if (!c.elsewhere.isEmpty())
        return tr("Consumers: %1").arg(c.elsewhere);
    QStringList parts;
    switch (c.kind) {
    case QueueSnapshot::Kind::Stream:
        parts << groupsText(c);
        break;
    case QueueSnapshot::Kind::Other:
        parts << tr("not a list or stream");
        break;
    case QueueSnapshot::Kind::List:
    case QueueSnapshot::Kind::Missing:
        parts << listPopsText(c) << processingText(c);
        break;
    }
    if (!c.error.isEmpty())
        parts << tr("incomplete: %1").arg(c.error);
    return tr("Consumers: %1").arg(parts.join(QStringLiteral(" · ")));
}

QStringList ConsumersLine::details(const QueueSnapshot& c)
{
    QStringList lines;
    if (c.kind == QueueSnapshot::Kind::Stream) {
        for (const auto& g : c.groups) {
            lines << groupsText(c, g.name, 0).section(QStringLiteral(" — "), 0, 0);
            for (const auto& sc : g.consumers)
                lines << tr("  %1: %2 pending, idle %3%4")
                             .arg(QString::fromUtf8(sc.name))
                             .arg(sc.pending)
                             .arg(seconds(sc.idleMs),
                                  sc.heartbeat ? tr(", rqconsole heartbeat alive") : QString());
        }
        if (c.groups.isEmpty())
            lines << tr("No consumer groups.");
        return lines;
    }
    if (c.clientsListed) {
        lines << tr("Blocked in list pops (CLIENT LIST names the command, not the key):");
        for (const auto& b : c.blockedListPops)
            lines << tr("  %1 %2 at %3, blocked %4 s")
                         .arg(who(b.name, b.id), QString::fromUtf8(b.cmd.toUpper()),
                              QString::fromUtf8(b.addr))
                         .arg(b.idleS);
        if (c.blockedListPops.isEmpty())
            lines << tr("  none");
    } else {
        lines << listPopsText(c);
    }
    lines << tr("Processing lists (reliable consumers):");
    for (const auto& p : c.processing)
        lines << tr("  %1: %2 message(s), heartbeat %3")
                     .arg(QString::fromUtf8(p.key))
                     .arg(p.length)
                     .arg(p.alive ? tr("alive (%1 ms left)").arg(p.heartbeatTtlMs)
                                  : tr("missing: orphaned"));
    if (c.processing.isEmpty())
        lines << tr("  none");
    return lines;
}

} // namespace rqc
