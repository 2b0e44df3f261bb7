#pragma once

#include "ServerMonitor.h"

#include <QStandardItemModel>

namespace rqc {

// The sidebar's tree: the server, then Lists / Streams / Channels, then each key or channel with
// its depth (LLEN, XLEN) or subscriber count. Updated in place from ServerMonitor snapshots, so
// selection and expansion survive a refresh.
class ServerTreeModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum class Kind { Server, Group, List, Stream, Channel };
    enum Role { KindRole = Qt::UserRole + 1, NameRole };
    enum Column { NameColumn, CountColumn, ColumnCount };

    explicit ServerTreeModel(QObject* parent = nullptr);

    void setServer(const QString& url, const QString& detail);
    void applySnapshot(const ServerSnapshot& snapshot);

    // The row of a key or channel, or an invalid index.
    QModelIndex findEntry(Kind kind, const QByteArray& name) const;
    QStandardItem* groupItem(Kind kind) const;

private:
    struct Entry {
        QByteArray name;
        qint64 count = 0;
    };
    void updateGroup(Kind kind, const QList<Entry>& entries);

    QStandardItem* m_server = nullptr;
    QStandardItem* m_lists = nullptr;
    QStandardItem* m_streams = nullptr;
    QStandardItem* m_channels = nullptr;
};

} // namespace rqc
