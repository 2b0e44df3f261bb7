#include "RowExportActions.h"

#include "AckBar.h"
#include "MessageModel.h"
#include "ModeFamily.h"
#include "RowExport.h"

#include <QAbstractProxyModel>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QItemSelectionModel>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QTableView>

#include <algorithm>

namespace rqc {

RowExportActions::RowExportActions(QTableView* view, QAbstractProxyModel* proxy,
                                   MessageModel* model, std::function<ConsumerSpec()> spec,
                                   std::function<QString()> server)
    : QObject(view)
    , m_view(view)
    , m_proxy(proxy)
    , m_model(model)
    , m_spec(std::move(spec))
    , m_server(std::move(server))
{
    m_menu = new QMenu(view);
    m_menu->setObjectName(QStringLiteral("rowExportMenu"));
    QAction* cli = m_menu->addAction(tr("Copy as redis-cli command"));
    cli->setObjectName(QStringLiteral("copyCliAction"));
    connect(cli, &QAction::triggered, this,
            [this] { QApplication::clipboard()->setText(QString::fromLatin1(cliLine())); });
    QAction* py = m_menu->addAction(tr("Copy as redis-py line"));
    py->setObjectName(QStringLiteral("copyPyAction"));
    connect(py, &QAction::triggered, this,
            [this] { QApplication::clipboard()->setText(QString::fromLatin1(pyLine())); });
    m_menu->addSeparator();
    QAction* selected = m_menu->addAction(tr("Export selected rows…"));
    selected->setObjectName(QStringLiteral("exportSelectedAction"));
    connect(selected, &QAction::triggered, this, [this] { exportAsked(true); });
    QAction* all = m_menu->addAction(tr("Export all rows…"));
    all->setObjectName(QStringLiteral("exportAllAction"));
    connect(all, &QAction::triggered, this, [this] { exportAsked(false); });
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this, cli, py, selected](QPoint at) {
        const bool any = !selectedMessages().isEmpty();
        cli->setEnabled(any);
        py->setEnabled(any);
        selected->setEnabled(any);
        m_menu->popup(m_view->viewport()->mapToGlobal(at));
    });
}

QList<Message> RowExportActions::selectedMessages() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows << m_proxy->mapToSource(index).row();
    std::sort(rows.begin(), rows.end());
    QList<Message> out;
    for (int row : rows)
        if (row >= 0 && row < m_model->rowCount())
            out << m_model->messageAt(row);
    return out;
}

QList<Message> RowExportActions::allMessages() const
{
    QList<Message> out;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        out << m_model->messageAt(m_proxy->mapToSource(m_proxy->index(row, 0)).row());
    return out;
}

QList<QByteArray> RowExportActions::currentArgv() const
{
    const QList<Message> rows = selectedMessages();
    if (rows.isEmpty())
        return {};
    QByteArray family = "channel";
    switch (modeFamily(m_spec().mode)) {
    case ModeFamily::List:
        family = "list";
        break;
    case ModeFamily::Stream:
        family = "stream";
        break;
    default:
        break;
    }
    return RowExport::resendArgv(rows.first(), family);
}

QByteArray RowExportActions::cliLine() const
{
    const QList<QByteArray> argv = currentArgv();
    return argv.isEmpty() ? QByteArray() : RowExport::redisCliLine(argv);
}

QByteArray RowExportActions::pyLine() const
{
    const QList<QByteArray> argv = currentArgv();
    return argv.isEmpty() ? QByteArray() : RowExport::redisPyLine(argv);
}

bool RowExportActions::exportTo(const QString& path, bool selectedOnly, QString* error) const
{
    const QList<Message> rows = selectedOnly ? selectedMessages() : allMessages();
    const ConsumerSpec spec = m_spec();
    const QByteArray data =
        path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)
            ? RowExport::csv(rows)
            : RowExport::jsonLines(rows, ConsumerSpec::modeName(spec.mode).toUtf8(), spec.target,
                                   AckBar::settles(spec.mode), m_server(), spec.toString());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void RowExportActions::exportAsked(bool selectedOnly)
{
    const QString path = QFileDialog::getSaveFileName(
        m_view, selectedOnly ? tr("Export selected rows") : tr("Export all rows"), QString(),
        tr("Recording (*.jsonl);;CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, selectedOnly, &error))
        QMessageBox::warning(m_view, tr("Export"), error);
}

} // namespace rqc
