#pragma once

#include <QListWidget>

namespace rqc {

class ConnectionStore;

// The saved connections in the sidebar, by name, each with its colour and label. Activating one
// (double-click, Enter) asks to connect to it; the one in use is shown in bold.
class ConnectionList : public QListWidget {
    Q_OBJECT
public:
    explicit ConnectionList(ConnectionStore* store, QWidget* parent = nullptr);

    void setCurrentConnection(const QString& id);
    QString currentConnection() const { return m_current; }
    void reload();

    static constexpr int IdRole = Qt::UserRole + 1;

signals:
    void connectRequested(const QString& id);

private:
    ConnectionStore* m_store;
    QString m_current;
};

} // namespace rqc
