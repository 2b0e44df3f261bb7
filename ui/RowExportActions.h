#pragma once

#include "ConsumerSpec.h"
#include "Message.h"

#include <QObject>

#include <functional>

class QAbstractProxyModel;
class QAction;
class QMenu;
class QTableView;

namespace rqc {

class MessageModel;

// The message list's context menu: copy a row as a redis-cli command or a redis-py line (quoted
// so that any byte comes back), export the selected rows or the whole pane to a recording (JSON
// Lines) or CSV (chosen by the file's extension).
class RowExportActions : public QObject {
    Q_OBJECT
public:
    RowExportActions(QTableView* view, QAbstractProxyModel* proxy, MessageModel* model,
                     std::function<ConsumerSpec()> spec, std::function<QString()> server);

    QList<Message> selectedMessages() const;
    QList<Message> allMessages() const;
    // The text the copy actions put on the clipboard (the current row, or the first selected).
    QByteArray cliLine() const;
    QByteArray pyLine() const;
    // Writes rows to path: CSV when it ends in .csv, a recording otherwise; false with *error.
    bool exportTo(const QString& path, bool selectedOnly, QString* error) const;

private:
    QList<QByteArray> currentArgv() const;
    void exportAsked(bool selectedOnly);

    QTableView* m_view;
    QAbstractProxyModel* m_proxy;
    MessageModel* m_model;
    std::function<ConsumerSpec()> m_spec;
    std::function<QString()> m_server;
    QMenu* m_menu = nullptr;
};

} // namespace rqc
