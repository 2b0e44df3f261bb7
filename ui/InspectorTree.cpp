#include "InspectorTree.h"

#include "PayloadFormat.h"

#include <QHeaderView>
#include <QLocale>
#include <QSet>

namespace rqc {

namespace {
constexpr int kPreviewChars = 120;

QString num(qint64 n) { return QLocale().toString(n); }
QString bytes(const QByteArray& b) { return QString::fromUtf8(b); }
} // namespace

InspectorTree::InspectorTree(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("inspectorTree"));
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Name"), tr("State"), tr("Count"), tr("Idle"), tr("Details")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    header()->setStretchLastSection(true);
    header()->resizeSection(NameColumn, fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
}

QString InspectorTree::durationText(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("–");
    const QLocale l;
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60000)
        return tr("%1 s").arg(l.toString(double(ms) / 1000.0, 'f', 1));
    if (ms < 3600000)
        return tr("%1 min").arg(l.toString(double(ms) / 60000.0, 'f', 1));
    return tr("%1 h").arg(l.toString(double(ms) / 3600000.0, 'f', 1));
}

QString InspectorTree::pathOf(const QTreeWidgetItem* item)
{
    QString path;
    for (; item; item = item->parent())
        path.prepend(QString::number(item->data(0, KindRole).toInt()) + QLatin1Char(':') +
                     bytes(item->data(0, KeyRole).toByteArray()) + QLatin1Char('/'));
    return path;
}

QTreeWidgetItem* InspectorTree::addItem(QTreeWidgetItem* parent, Kind kind, const QByteArray& key,
                                        const QStringList& texts, const QByteArray& group)
{
    auto* item = parent ? new QTreeWidgetItem(parent, texts) : new QTreeWidgetItem(this, texts);
    item->setData(0, KindRole, int(kind));
    item->setData(0, KeyRole, key);
    item->setData(0, GroupRole, group);
    item->setTextAlignment(CountColumn, Qt::AlignRight | Qt::AlignVCenter);
    item->setTextAlignment(IdleColumn, Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(DetailColumn, texts.value(DetailColumn)); // often wider than the column
    return item;
}

void InspectorTree::showSnapshot(const QueueSnapshot& s)
{
    // Remember what was open and selected, by path, to restore it in the new tree.
    QSet<QString> expanded;
    QString selected;
    for (QTreeWidgetItemIterator it(this); *it; ++it) {
        if ((*it)->isExpanded())
            expanded.insert(pathOf(*it));
    }
    if (QTreeWidgetItem* current = currentItem())
        selected = pathOf(current);
    const bool first = topLevelItemCount() == 0;

    clear();
    if (s.kind == QueueSnapshot::Kind::Stream)
        showStream(s);
    else if (s.kind == QueueSnapshot::Kind::List || s.kind == QueueSnapshot::Kind::Missing)
        showList(s);

    for (QTreeWidgetItemIterator it(this); *it; ++it) {
        const QString path = pathOf(*it);
        const auto kind = Kind((*it)->data(0, KindRole).toInt());
        // At first, open the sections and groups; later, what the user left open.
        if (first ? (kind == Kind::Section || kind == Kind::Group) : expanded.contains(path))
            (*it)->setExpanded(true);
        if (!selected.isEmpty() && path == selected)
            setCurrentItem(*it);
    }
}

void InspectorTree::showList(const QueueSnapshot& s)
{
    auto* section = addItem(nullptr, Kind::Section, "processing",
                            {tr("Processing lists"), QString(), num(s.processing.size()), QString(),
                             tr("Messages taken by a consumer and not settled yet")});
    for (const QueueSnapshot::ProcessingList& p : s.processing) {
        QString detail = bytes(p.key);
        if (p.alive)
            detail += QStringLiteral(" · ") +
                      tr("heartbeat %1 left, held by %2")
                          .arg(durationText(p.heartbeatTtlMs), bytes(p.heartbeat));
        auto* item = addItem(section, Kind::ProcessingList, p.key,
                             {bytes(p.consumer), p.alive ? tr("alive") : tr("orphaned"),
                              num(p.length), QString(), detail});
        item->setToolTip(StateColumn, p.alive ? tr("Its consumer's heartbeat key exists.")
                                              : tr("No heartbeat: its consumer is gone. "
                                                   "Recover moves these messages back to the "
                                                   "queue."));
        if (!p.alive)
            item->setForeground(StateColumn, QColor(0xb0, 0x2a, 0x37));
        for (const QByteArray& payload : p.head)
            addItem(item, Kind::Message, payload,
                    {PayloadFormat::preview(payload, kPreviewChars), QString(),
                     PayloadFormat::humanSize(payload.size()), QString(), QString()});
    }
    if (s.deliveriesTracked > 0)
        addItem(nullptr, Kind::Section, "deliveries",
                {tr("Delivery counts"), QString(), num(s.deliveriesTracked), QString(),
                 tr("Messages whose earlier delivery ended without an ack")});
}

void InspectorTree::showStream(const QueueSnapshot& s)
{
    for (const QueueSnapshot::StreamGroup& g : s.groups) {
        const QString lag = g.lag < 0 ? tr("lag unknown") : tr("lag %1").arg(num(g.lag));
        auto* group = addItem(nullptr, Kind::Group, g.name,
                              {tr("Group %1").arg(bytes(g.name)), lag, num(g.pending), QString(),
                               tr("last delivered %1").arg(bytes(g.lastDeliveredId))});
        group->setToolTip(CountColumn, tr("Entries pending in the group (delivered, not acked)"));
        group->setToolTip(StateColumn, tr("Entries not yet delivered to the group"));
        auto* consumers = addItem(
            group, Kind::Section, "consumers",
            {tr("Consumers"), QString(), num(g.consumers.size()), QString(), QString()}, g.name);
        for (const QueueSnapshot::StreamConsumer& c : g.consumers) {
            auto* item = addItem(
                consumers, Kind::Consumer, c.name,
                {bytes(c.name), c.heartbeat ? tr("alive") : tr("no heartbeat"), num(c.pending),
                 durationText(c.idleMs),
                 c.inactiveMs >= 0 ? tr("inactive %1").arg(durationText(c.inactiveMs)) : QString()},
                g.name);
            item->setToolTip(StateColumn,
                             c.heartbeat ? tr("An rqconsole consumer whose heartbeat key exists.")
                                         : tr("No rqconsole heartbeat: another program's "
                                              "consumer, or one that is gone. Its idle entries "
                                              "can be claimed."));
        }
        auto* pending = addItem(
            group, Kind::Section, "pending",
            {tr("Oldest pending"), QString(), num(g.oldestPending.size()), QString(), QString()},
            g.name);
        for (const QueueSnapshot::PendingEntry& p : g.oldestPending) {
            auto* item =
                addItem(pending, Kind::PendingEntry, p.id,
                        {bytes(p.id), p.deleted ? tr("deleted") : QString(), num(p.deliveries),
                         durationText(p.idleMs), tr("owned by %1").arg(bytes(p.consumer))},
                        g.name);
            item->setToolTip(CountColumn, tr("Deliveries"));
            if (p.deleted)
                item->setToolTip(StateColumn, tr("Deleted or trimmed from the stream while "
                                                 "pending: a claim acks it away."));
        }
    }
}

QTreeWidgetItem* InspectorTree::findItem(Kind kind, const QByteArray& key,
                                         const QByteArray& group) const
{
    for (QTreeWidgetItemIterator it(const_cast<InspectorTree*>(this)); *it; ++it) {
        const QTreeWidgetItem* item = *it;
        if (Kind(item->data(0, KindRole).toInt()) == kind &&
            item->data(0, KeyRole).toByteArray() == key &&
            (group.isEmpty() || item->data(0, GroupRole).toByteArray() == group))
            return *it;
    }
    return nullptr;
}

} // namespace rqc
