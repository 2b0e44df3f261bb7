#pragma once

#include "ConsumerSpec.h"
#include "ServerMonitor.h"

#include <QTreeView>

namespace rqc {

class ServerTreeModel;

// The server's lists, streams and channels with live depth. Clicking a list or channel asks for
// its pane (list → List mode, channel → Pub/Sub, stream → Tail, which takes nothing away).
class ServerSidebar : public QTreeView {
    Q_OBJECT
public:
    explicit ServerSidebar(QWidget* parent = nullptr);

    ServerTreeModel* treeModel() const { return m_model; }
    void setServer(const QString& url, const QString& detail);
    void applySnapshot(const ServerSnapshot& snapshot);

signals:
    void openRequested(const rqc::ConsumerSpec& spec);

private:
    void onClicked(const QModelIndex& index);

    ServerTreeModel* m_model = nullptr;
};

} // namespace rqc
