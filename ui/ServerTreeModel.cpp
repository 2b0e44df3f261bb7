#include "ServerTreeModel.h"

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
        break;
    }
    return nullptr;
}

void ServerTreeModel::applySnapshot(const ServerSnapshot& snapshot)
{
    QList<Entry> lists, streams, channels;
    for (const ServerSnapshot::Key& key : snapshot.lists)
        lists.append({key.name, key.length});
    for (const ServerSnapshot::Key& key : snapshot.streams)
        streams.append({key.name, key.length});
    for (const ServerSnapshot::Channel& channel : snapshot.channels)
        channels.append({channel.name, channel.subscribers});
    updateGroup(Kind::List, lists);
    updateGroup(Kind::Stream, streams);
    updateGroup(Kind::Channel, channels);
}

void ServerTreeModel::updateGroup(Kind kind, const QList<Entry>& entries)
{
    QStandardItem* group = groupItem(kind);
    QHash<QByteArray, qint64> wanted;
    for (const Entry& e : entries)
        wanted.insert(e.name, e.count);
    // Drop what is gone, update what stays, then add what is new (sorted by name).
    for (int row = group->rowCount() - 1; row >= 0; --row) {
        const QByteArray name = group->child(row, NameColumn)->data(NameRole).toByteArray();
        if (!wanted.contains(name))
            group->removeRow(row);
    }
    QHash<QByteArray, int> present;
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
            continue;
        }
        QList<QStandardItem*> row = makeRow(QString::fromUtf8(e.name), kind, e.name);
        row.at(CountColumn)->setText(count);
        group->appendRow(row);
        present.insert(e.name, group->rowCount() - 1);
        added = true;
    }
    if (added)
        group->sortChildren(NameColumn);
    group->parent()->child(group->row(), CountColumn)->setText(locale.toString(group->rowCount()));
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
