#pragma once

#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QTreeView>

namespace rqc {

class ServerTreeModel;
class SidebarSparklines;

// The server's lists, streams and channels with live depth. Clicking one asks for its pane in a
// mode that takes nothing away (list → Peek, stream → Tail, channel → Pub/Sub): consuming is
// always an explicit choice (DESIGN.md, "Safe on a real server").
class ServerSidebar : public QTreeView {
    Q_OBJECT
public:
    explicit ServerSidebar(QWidget* parent = nullptr);

    ServerTreeModel* treeModel() const { return m_model; }
    void setServer(const QString& url, const QString& detail);
    void applySnapshot(const ServerSnapshot& snapshot);
    void markUnreachable(qint64 lastRefreshMs, const QString& reason);
    // The server whose lists and streams the depth sparklines sample (when turned on).
    void setChartServer(const ConnectionSettings& settings);
    SidebarSparklines* sparklines() const { return m_sparklines; }

signals:
    void openRequested(const rqc::ConsumerSpec& spec);

private:
    void onClicked(const QModelIndex& index);

    ServerTreeModel* m_model = nullptr;
    SidebarSparklines* m_sparklines = nullptr;
};

} // namespace rqc
