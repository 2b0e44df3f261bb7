#include "ServerTreeModel.h"

#include <QBrush>
#include <QDateTime>
#include <QHash>
#include <QLocale>

namespace rqc {

namespace {
QList<QStandardItem*> makeRow(const QString& name, ServerTreeModel::Kind kind,
                              const QByteArray& key = QByteArray())
{
    auto* nameItem = new QStandardItem(name);
    nameItem->setData(int(kind), ServerTreeModel::KindRole);
    nameItem->setData(key, ServerTreeModel::NameRole);
    nameItem->setEditable(false);
    nameItem->setToolTip(name);
    auto* countItem = new QStandardItem;
    countItem->setEditable(false);
    countItem->setData(int(kind), ServerTreeModel::KindRole);
    countItem->setData(key, ServerTreeModel::NameRole);
    countItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return {nameItem, countItem};
}
} // namespace

ServerTreeModel::ServerTreeModel(QObject* parent)
    : QStandardItemModel(0, ColumnCount, parent)
{
    setHorizontalHeaderLabels({tr("Name"), tr("Depth")});
    horizontalHeaderItem(CountColumn)
        ->setToolTip(tr("Length for lists and streams, subscribers for channels"));
    QList<QStandardItem*> server = makeRow(tr("Server"), Kind::Server);
    m_server = server.first();
    appendRow(server);
    QList<QStandardItem*> status = makeRow(tr("Discovering…"), Kind::Status);
    m_status = status.first();
    m_status->setSelectable(false);
    m_status->setForeground(QBrush(Qt::darkGray));
    m_server->appendRow(status);
    const auto addGroup = [this](const QString& title, Kind kind) {
        QList<QStandardItem*> row = makeRow(title, Kind::Group);
        row.first()->setData(int(kind), NameRole);
        QFont bold = row.first()->font();
        bold.setBold(true);
        row.first()->setFont(bold);
        m_server->appendRow(row);
        return row.first();
    };
    m_lists = addGroup(tr("Lists"), Kind::List);
    m_streams = addGroup(tr("Streams"), Kind::Stream);
    m_channels = addGroup(tr("Channels"), Kind::Channel);
}

void ServerTreeModel::setServer(const QString& url, const QString& detail)
{
    m_server->setText(url);
    m_server->setToolTip(detail.isEmpty() ? url : url + QLatin1Char('\n') + detail);
}

QStandardItem* ServerTreeModel::groupItem(Kind kind) const
{
    switch (kind) {
    case Kind::List:
        return m_lists;
    case Kind::Stream:
        return m_streams;
    case Kind::Channel:
        return m_channels;
    case Kind::Server:
    case Kind::Group:
    case Kind::Status:
    case Kind::Node:
        break;
    }
    return nullptr;
}

QString ServerTreeModel::groupCountText(qint64 found, bool exact)
{
    const QString n = QLocale().toString(found);
    return exact ? n
                 : tr("≥ %1", "at least this many: discovery has not seen every key yet").arg(n);
}

bool ServerTreeModel::countsCurrent(const ServerSnapshot& snapshot)
{
    // Whole now: keyspace notifications tell of every new key, or the walk ended moments ago (a
    // small keyspace is walked whole at every refresh). 0: the snapshot does not say.
    const DiscoveryState& d = snapshot.discovery;
    if (!d.complete || d.rewalking)
        return false;
    if (d.notifications || d.lastPassEndedMs <= 0)
        return true;
    const qint64 at =
        snapshot.takenAtMs > 0 ? snapshot.takenAtMs : QDateTime::currentMSecsSinceEpoch();
    return at - d.lastPassEndedMs <= kCurrentPassMs;
}

QString ServerTreeModel::discoveryText(const ServerSnapshot& snapshot)
{
    const DiscoveryState& d = snapshot.discovery;
    const QLocale locale;
    QString text;
    if (d.dbSize < 0) {
        text = tr("Discovering…");
    } else if (d.rewalking) {
        text = tr("Walking ~%1 keys again (Refresh): %2 % done; the lists and streams found "
                  "before stay listed")
                   .arg(locale.toString(d.dbSize))
                   .arg(int(d.progress * 100));
    } else if (d.complete && !d.notifications && !countsCurrent(snapshot)) {
        const QString ended =
            QDateTime::fromMSecsSinceEpoch(d.lastPassEndedMs).toString(QStringLiteral("HH:mm"));
        text = d.lastPassMs >= 60000
                   ? tr("Walked all %1 keys at %2 (a walk takes %3 min); keys created since "
                        "appear when the walk passes them again, or after Refresh")
                         .arg(locale.toString(d.dbSize), ended)
                         .arg(d.lastPassMs / 60000)
                   : tr("Walked all %1 keys at %2; keys created since appear when the walk "
                        "passes them again, or after Refresh")
                         .arg(locale.toString(d.dbSize), ended);
    } else if (!d.complete) {
        text = tr("Scanned %1 % of ~%2 keys (estimate); the lists and streams found so far are "
                  "shown")
                   .arg(int(d.progress * 100))
                   .arg(locale.toString(d.dbSize));
    } else if (d.notifications) {
        text = tr("Walked all %1 keys; new keys appear at once (keyspace notifications)")
                   .arg(locale.toString(d.dbSize));
    } else {
        text = tr("Walked all %1 keys; new keys appear when the walk passes them again")
                   .arg(locale.toString(d.dbSize));
    }
    if (!d.patterns.isEmpty()) {
        QStringList globs;
        for (const QByteArray& p : d.patterns)
            globs << QString::fromUtf8(p);
        text += QLatin1Char(' ') +
                tr("(only keys and channels matching %1)").arg(globs.join(QStringLiteral(", ")));
    }
    if (snapshot.truncated)
        text += QLatin1Char(' ') + tr("(truncated: at most %1 names per kind are kept)")
                                       .arg(locale.toString(snapshot.keyLimit));
    return text;
}

QString ServerTreeModel::unreachableText(qint64 lastRefreshMs)
{
    if (lastRefreshMs <= 0)
        return tr("Server unreachable: nothing read from it yet");
    return tr("Sidebar last refreshed %1 — server unreachable")
        .arg(QDateTime::fromMSecsSinceEpoch(lastRefreshMs).toString(u"HH:mm:ss"));
}

void ServerTreeModel::markUnreachable(qint64 lastRefreshMs, const QString& reason)
{
    m_status->setText(unreachableText(lastRefreshMs));
    m_status->setToolTip(reason);
    m_status->setForeground(QBrush(Qt::darkRed));
    for (QStandardItem* group : {m_lists, m_streams, m_channels}) {
        for (int row = 0; row < group->rowCount(); ++row) {
            if (QStandardItem* count = group->child(row, CountColumn))
                count->setForeground(QBrush(Qt::darkGray));
        }
    }
}

void ServerTreeModel::applySnapshot(const ServerSnapshot& snapshot)
{
    if (m_status->foreground().color() != QColor(Qt::darkGray))
        m_status->setForeground(QBrush(Qt::darkGray)); // no longer marked unreachable
    QList<Entry> lists, streams, channels;
    lists.reserve(snapshot.lists.size());
    for (const ServerSnapshot::Key& key : snapshot.lists)
        lists.append({key.name, key.length});
    for (const ServerSnapshot::Key& key : snapshot.streams)
        streams.append({key.name, key.length});
    for (const ServerSnapshot::Channel& channel : snapshot.channels)
        channels.append({channel.name, channel.subscribers});
    const QString status = discoveryText(snapshot);
    if (m_status->text() != status) {
        m_status->setText(status);
        m_status->setToolTip(status);
    }
    const bool current = countsCurrent(snapshot);
    const QString partial =
        snapshot.discovery.rewalking ? tr("Walking the keyspace again: keys created since the "
                                          "last walk may be missing until it ends.")
        : snapshot.discovery.complete && !current
            ? tr("From the walk that ended at %1: keys created since may be missing. Refresh "
                 "walks the keyspace again.")
                  .arg(QDateTime::fromMSecsSinceEpoch(snapshot.discovery.lastPassEndedMs)
                           .toString(QStringLiteral("HH:mm")))
        : snapshot.discovery.complete
            ? tr("At most %1 names are kept; the rest are not shown.")
                  .arg(QLocale().toString(snapshot.keyLimit))
            : tr("Found so far: the walk of the keyspace has not finished.");
    updateCluster(snapshot);
    updateGroup(Kind::List, lists, snapshot.listsExact() && current, partial);
    updateGroup(Kind::Stream, streams, snapshot.streamsExact() && current, partial);
    updateGroup(Kind::Channel, channels, snapshot.channelsExact(),
                tr("At most %1 channels are kept; the rest are not shown.")
                    .arg(QLocale().toString(snapshot.keyLimit)));
}

void ServerTreeModel::updateGroup(Kind kind, const QList<Entry>& entries, bool exact,
                                  const QString& tip)
{
    QStandardItem* group = groupItem(kind);
    QHash<QByteArray, qint64> wanted;
    wanted.reserve(entries.size());
    for (const Entry& e : entries)
        wanted.insert(e.name, e.count);
    // Drop what is gone, update what stays, then add what is new (sorted by name).
    for (int row = group->rowCount() - 1; row >= 0; --row) {
        const QByteArray name = group->child(row, NameColumn)->data(NameRole).toByteArray();
        if (!wanted.contains(name))
            group->removeRow(row);
    }
    QHash<QByteArray, int> present;
    present.reserve(group->rowCount());
    for (int row = 0; row < group->rowCount(); ++row)
        present.insert(group->child(row, NameColumn)->data(NameRole).toByteArray(), row);
    const QLocale locale;
    bool added = false;
    for (const Entry& e : entries) {
        const QString count = locale.toString(e.count);
        const auto it = present.constFind(e.name);
        if (it != present.constEnd()) {
            QStandardItem* countItem = group->child(*it, CountColumn);
            if (countItem->text() != count)
                countItem->setText(count);
            if (countItem->data(Qt::ForegroundRole).isValid())
                countItem->setData(QVariant(), Qt::ForegroundRole); // read again: current
            continue;
        }
        QList<QStandardItem*> row = makeRow(QString::fromUtf8(e.name), kind, e.name);
        row.at(CountColumn)->setText(count);
        group->appendRow(row);
        added = true;
    }
    if (added)
        group->sortChildren(NameColumn);
    QStandardItem* groupCount = group->parent()->child(group->row(), CountColumn);
    const QString text = groupCountText(group->rowCount(), exact);
    if (groupCount->text() != text)
        groupCount->setText(text);
    const QString groupTip = exact ? QString() : tip;
    if (groupCount->toolTip() != groupTip) {
        groupCount->setToolTip(groupTip);
        group->setToolTip(groupTip.isEmpty() ? group->text() : groupTip);
    }
}

QString ServerTreeModel::clusterText(const ServerSnapshot& snapshot)
{
    const int masters = int(snapshot.clusterMasters.size());
    QString text = masters == 1 ? tr("Cluster: 1 master") : tr("Cluster: %1 masters").arg(masters);
    if (snapshot.clusterNodesRead < masters)
        text += QLatin1Char(' ') +
                tr("(keys read from %1 of them so far)").arg(snapshot.clusterNodesRead);
    return text;
}

QString ServerTreeModel::nodeText(const ClusterNode& node, bool self)
{
    const QString text = tr("%1 — master, slots %2", "address — role, slot ranges")
                             .arg(node.address(), node.slotsText());
    return self ? text + QLatin1Char(' ') + tr("(the node given)") : text;
}

QString ServerTreeModel::replicaText(const ClusterReplica& replica)
{
    QString state = replica.health;
    if (state == QLatin1String("online"))
        state = tr("online", "a replica's link state");
    else if (state == QLatin1String("failed") || state == QLatin1String("fail"))
        state = tr("link down", "a replica's link state");
    else if (state == QLatin1String("loading"))
        state = tr("loading", "a replica's link state");
    return state.isEmpty()
               ? tr("%1 — replica", "address — role").arg(replica.address())
               : tr("%1 — replica, %2", "address — role, link state").arg(replica.address(), state);
}

void ServerTreeModel::updateReplicas(QStandardItem* master, const QList<ClusterReplica>& replicas)
{
    while (master->rowCount() > replicas.size())
        master->removeRow(master->rowCount() - 1);
    for (int i = 0; i < replicas.size(); ++i) {
        const ClusterReplica& r = replicas.at(i);
        const QString line = replicaText(r);
        if (i >= master->rowCount())
            master->appendRow(makeRow(line, Kind::Node, r.address().toUtf8()));
        QStandardItem* item = master->child(i, NameColumn);
        if (item->text() != line) {
            item->setText(line);
            item->setData(r.address().toUtf8(), NameRole);
        }
        item->setToolTip(line + QLatin1Char('\n') + tr("node id %1").arg(QString::fromUtf8(r.id)));
    }
}

void ServerTreeModel::updateCluster(const ServerSnapshot& snapshot)
{
    if (snapshot.clusterMasters.isEmpty()) {
        if (m_cluster) {
            m_server->removeRow(m_cluster->row());
            m_cluster = nullptr;
        }
        return;
    }
    if (!m_cluster) {
        QList<QStandardItem*> row = makeRow(QString(), Kind::Group);
        row.first()->setData(int(Kind::Node), NameRole);
        QFont bold = row.first()->font();
        bold.setBold(true);
        row.first()->setFont(bold);
        m_server->insertRow(m_status->row() + 1, row);
        m_cluster = row.first();
    }
    const QString text = clusterText(snapshot);
    if (m_cluster->text() != text)
        m_cluster->setText(text);
    const QString errors = snapshot.clusterNodeErrors.join(QLatin1Char('\n'));
    m_cluster->setToolTip(errors.isEmpty() ? text : text + QLatin1Char('\n') + errors);
    m_cluster->setForeground(errors.isEmpty() ? QBrush() : QBrush(Qt::darkRed));
    while (m_cluster->rowCount() > snapshot.clusterMasters.size())
        m_cluster->removeRow(m_cluster->rowCount() - 1);
    for (int i = 0; i < snapshot.clusterMasters.size(); ++i) {
        const ClusterNode& node = snapshot.clusterMasters.at(i);
        const QString line = nodeText(node, node.id == snapshot.clusterSelfId);
        if (i >= m_cluster->rowCount())
            m_cluster->appendRow(makeRow(line, Kind::Node, node.address().toUtf8()));
        QStandardItem* item = m_cluster->child(i, NameColumn);
        if (item->text() != line) {
            item->setText(line);
            item->setData(node.address().toUtf8(), NameRole);
        }
        item->setToolTip(line + QLatin1Char('\n') +
                         tr("node id %1").arg(QString::fromUtf8(node.id)));
        updateReplicas(item, node.replicas);
    }
}

QModelIndex ServerTreeModel::findEntry(Kind kind, const QByteArray& name) const
{
    const QStandardItem* group = groupItem(kind);
    if (!group)
        return {};
    for (int row = 0; row < group->rowCount(); ++row) {
        QStandardItem* item = group->child(row, NameColumn);
        if (item->data(NameRole).toByteArray() == name)
            return item->index();
    }
    return {};
}

} // namespace rqc
