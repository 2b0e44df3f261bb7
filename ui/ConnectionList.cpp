#include "ConnectionList.h"

#include "ConnectionStore.h"

#include <QColor>
#include <QMenu>
#include <QPainter>
#include <QPixmap>

namespace rqc {

namespace {
QIcon swatch(const QString& color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    const QColor c(color);
    if (c.isValid()) {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(c);
        painter.setPen(c.darker(150));
        painter.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 2, 2);
    }
    return QIcon(pixmap);
}
} // namespace

ConnectionList::ConnectionList(ConnectionStore* store, QWidget* parent)
    : QListWidget(parent)
    , m_store(store)
{
    setObjectName(QStringLiteral("connectionList"));
    setToolTip(tr("Saved connections: double-click one to open it beside the servers already "
                  "open; right-click an open one (bold) to close it (File › Connect… to add or "
                  "edit)"));
    setContextMenuPolicy(Qt::CustomContextMenu);
    connect(this, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QListWidgetItem* item = itemAt(pos);
        if (!item)
            return;
        const QString id = item->data(IdRole).toString();
        QMenu menu(this);
        QAction* open = menu.addAction(tr("&Open"));
        QAction* close = menu.addAction(tr("&Close connection"));
        close->setEnabled(m_open.contains(id));
        QAction* chosen = menu.exec(viewport()->mapToGlobal(pos));
        if (chosen == open)
            emit connectRequested(id);
        else if (chosen == close)
            emit closeRequested(id);
    });
    setUniformItemSizes(true);
    // The sidebar's width is the server tree's to decide (MainWindow keeps it usable).
    setMinimumWidth(40);
    connect(m_store, &ConnectionStore::changed, this, &ConnectionList::reload);
    connect(this, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        emit connectRequested(item->data(IdRole).toString());
    });
    reload();
}

void ConnectionList::setOpenConnections(const QStringList& ids)
{
    m_open = ids;
    reload();
}

void ConnectionList::reload()
{
    clear();
    for (const ConnectionProfile& p : m_store->profiles()) {
        auto* item = new QListWidgetItem(
            swatch(p.color), p.label.isEmpty() ? p.title() : tr("%1 (%2)").arg(p.title(), p.label),
            this);
        item->setData(IdRole, p.id);
        item->setToolTip(p.url());
        if (m_open.contains(p.id)) {
            QFont bold = font();
            bold.setBold(true);
            item->setFont(bold);
        }
    }
}

} // namespace rqc
