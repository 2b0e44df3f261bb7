#pragma once

#include "ServerMonitor.h"

#include <QStandardItemModel>

namespace rqc {

// The sidebar's tree: the server, then a line on how far discovery has got, then Lists / Streams /
// Channels, then each key or channel with its depth (LLEN, XLEN) or subscriber count. Updated in
// place from ServerMonitor snapshots, so selection and expansion survive a refresh. A count that
// is not the whole picture says so ("≥ 12"), and so does the discovery line ("scanned 38 % of
// ~5,000,000 keys").
class ServerTreeModel : public QStandardItemModel {
    Q_OBJECT
public:
    enum class Kind { Server, Group, List, Stream, Channel, Status, Node };
    enum Role { KindRole = Qt::UserRole + 1, NameRole };
    enum Column { NameColumn, CountColumn, ColumnCount };

    explicit ServerTreeModel(QObject* parent = nullptr);

    void setServer(const QString& url, const QString& detail);
    void applySnapshot(const ServerSnapshot& snapshot);
    // The monitor lost the server: what is shown is from lastRefreshMs and says so (in the
    // discovery line, greyed counts) until the next snapshot.
    void markUnreachable(qint64 lastRefreshMs, const QString& reason);
    static QString unreachableText(qint64 lastRefreshMs);

    // The row of a key or channel, or an invalid index.
    QModelIndex findEntry(Kind kind, const QByteArray& name) const;
    QStandardItem* groupItem(Kind kind) const;
    // The discovery line under the server.
    QStandardItem* statusItem() const { return m_status; }
    // A cluster's "Cluster: 3 masters" row (its children: one per master), or nullptr.
    QStandardItem* clusterItem() const { return m_cluster; }

    // The texts the sidebar shows for a snapshot (public for tests).
    static QString groupCountText(qint64 found, bool exact);
    static QString discoveryText(const ServerSnapshot& snapshot);
    // Whether a whole walk's counts are whole now (notifications, or a walk that just ended);
    // counts of an older walk are shown as "≥ N", and say why.
    static bool countsCurrent(const ServerSnapshot& snapshot);
    static constexpr qint64 kCurrentPassMs = 10000;
    static QString clusterText(const ServerSnapshot& snapshot);
    static QString nodeText(const ClusterNode& node, bool self);
    // "127.0.0.1:7004 — replica, online": a replica's row, under its master's.
    static QString replicaText(const ClusterReplica& replica);

private:
    struct Entry {
        QByteArray name;
        qint64 count = 0;
    };
    void updateGroup(Kind kind, const QList<Entry>& entries, bool exact, const QString& tip);
    void updateCluster(const ServerSnapshot& snapshot);
    void updateReplicas(QStandardItem* master, const QList<ClusterReplica>& replicas);

    QStandardItem* m_server = nullptr;
    QStandardItem* m_status = nullptr;
    QStandardItem* m_lists = nullptr;
    QStandardItem* m_streams = nullptr;
    QStandardItem* m_channels = nullptr;
    QStandardItem* m_cluster = nullptr;
};

} // namespace rqc
