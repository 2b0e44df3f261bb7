#include "ServerSidebar.h"

#include "ServerTreeModel.h"
#include "SidebarSparklines.h"

#include <QHeaderView>

namespace rqc {

ServerSidebar::ServerSidebar(QWidget* parent)
    : QTreeView(parent)
{
    setObjectName(QStringLiteral("serverSidebar"));
    m_model = new ServerTreeModel(this);
    setModel(m_model);
    setUniformRowHeights(true);
    setEditTriggers(NoEditTriggers);
    setSelectionMode(SingleSelection);
    setAlternatingRowColors(false);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(ServerTreeModel::NameColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(ServerTreeModel::CountColumn, QHeaderView::ResizeToContents);
    expandAll();
    m_sparklines = new SidebarSparklines(this);
    connect(this, &QTreeView::clicked, this, &ServerSidebar::onClicked);
    connect(this, &QTreeView::activated, this, &ServerSidebar::onClicked);
    // New rows under an expanded group are visible already; keep groups open as keys appear.
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex& parentIndex) {
                if (parentIndex.isValid() && !parentIndex.parent().isValid())
                    expand(parentIndex);
            });
}

void ServerSidebar::setServer(const QString& url, const QString& detail)
{
    m_model->setServer(url, detail);
}

void ServerSidebar::applySnapshot(const ServerSnapshot& snapshot)
{
    m_model->applySnapshot(snapshot);
}

void ServerSidebar::setChartServer(const ConnectionSettings& settings)
{
    m_sparklines->setServer(settings);
}

void ServerSidebar::markUnreachable(qint64 lastRefreshMs, const QString& reason)
{
    m_model->markUnreachable(lastRefreshMs, reason);
}

void ServerSidebar::onClicked(const QModelIndex& index)
{
    const QModelIndex nameIndex = index.siblingAtColumn(ServerTreeModel::NameColumn);
    const auto kind = ServerTreeModel::Kind(nameIndex.data(ServerTreeModel::KindRole).toInt());
    const QByteArray name = nameIndex.data(ServerTreeModel::NameRole).toByteArray();
    ConsumerSpec spec;
    spec.target = name;
    switch (kind) {
    case ServerTreeModel::Kind::List:
        // Peek reads without taking: the application's workers keep every message.
        spec.mode = Mode::Peek;
        emit openRequested(spec);
        break;
    case ServerTreeModel::Kind::Channel:
        spec.mode = Mode::PubSub;
        emit openRequested(spec);
        break;
    case ServerTreeModel::Kind::Stream:
        // Tail reads without taking entries from the application's consumer groups.
        spec.mode = Mode::Tail;
        emit openRequested(spec);
        break;
    case ServerTreeModel::Kind::Server:
    case ServerTreeModel::Kind::Group:
    case ServerTreeModel::Kind::Status:
    case ServerTreeModel::Kind::Node:
        break;
    }
}

} // namespace rqc
