#pragma once

#include <QListWidget>

namespace rqc {

class ConnectionStore;

// The saved connections in the sidebar, by name, each with its colour and label. Activating one
// (double-click, Enter) opens it beside the servers already open; the open ones are in bold,
// and their context menu closes them.
class ConnectionList : public QListWidget {
    Q_OBJECT
public:
    explicit ConnectionList(ConnectionStore* store, QWidget* parent = nullptr);

    // The connections open in the window, shown in bold.
    void setOpenConnections(const QStringList& ids);
    QStringList openConnections() const { return m_open; }
    void reload();

    static constexpr int IdRole = Qt::UserRole + 1;

signals:
    void connectRequested(const QString& id);
    void closeRequested(const QString& id);

private:
    ConnectionStore* m_store;
    QStringList m_open;
};

} // namespace rqc
