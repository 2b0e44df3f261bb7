#include "InspectorDialog.h"

#include "Consumer.h"
#include "InspectorTree.h"
#include "PayloadFormat.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace rqc {

namespace {
constexpr int kPreviewChars = 160;
enum DeadColumn { DeadIdColumn, DeadMessageColumn, DeadSizeColumn };

QString num(qint64 n) { return QLocale().toString(n); }

InspectorOptions optionsFor(const ConsumerSpec& spec)
{
    InspectorOptions o;
    o.dead = spec.option(QStringLiteral("dead")).toUtf8();
    bool ok = false;
    const int max = spec.option(QStringLiteral("maxdeliveries")).toInt(&ok);
    if (ok && max > 0)
        o.maxDeliveries = max;
    return o;
}
} // namespace

InspectorDialog::InspectorDialog(const ConnectionSettings& settings, const ConsumerSpec& spec,
                                 QWidget* parent)
    : QDialog(parent)
    , m_spec(spec)
{
    setObjectName(QStringLiteral("inspector"));
    setWindowTitle(tr("Inspector — %1").arg(QString::fromUtf8(spec.target)));
    setAttribute(Qt::WA_DeleteOnClose);
    setModal(false);
    resize(760, 560);

    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(tr("Reading %1…").arg(QString::fromUtf8(spec.target)), this);
    m_summary->setObjectName(QStringLiteral("inspectorSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    auto* actions = new QHBoxLayout;
    m_refreshButton = new QPushButton(tr("Refresh"), this);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(tr("Read the queue again now (it also refreshes every two "
                                   "seconds)"));
    m_recoverButton = new QPushButton(tr("Recover"), this);
    m_recoverButton->setObjectName(QStringLiteral("recoverButton"));
    m_recoverButton->setToolTip(tr("Move the messages of orphaned processing lists (no "
                                   "heartbeat) back to the queue, counting a delivery; those "
                                   "past the delivery limit go to the dead letters"));
    m_claimButton = new QPushButton(tr("Claim"), this);
    m_claimButton->setObjectName(QStringLiteral("claimButton"));
    m_claimIdleSpin = new QSpinBox(this);
    m_claimIdleSpin->setObjectName(QStringLiteral("claimIdleSpin"));
    m_claimIdleSpin->setRange(0, 24 * 3600 * 1000);
    m_claimIdleSpin->setSingleStep(1000);
    m_claimIdleSpin->setGroupSeparatorShown(true);
    m_claimIdleSpin->setSuffix(tr(" ms"));
    m_claimIdleSpin->setValue(
        spec.option(QStringLiteral("minidle"), QStringLiteral("60000")).toInt());
    m_claimIdleSpin->setToolTip(tr("Claim only entries idle at least this long (XAUTOCLAIM "
                                   "min-idle-time)"));
    auto* idleLabel = new QLabel(tr("idle ≥"), this);
    idleLabel->setBuddy(m_claimIdleSpin);
    actions->addWidget(m_refreshButton);
    actions->addWidget(m_recoverButton);
    actions->addWidget(m_claimButton);
    actions->addWidget(idleLabel);
    actions->addWidget(m_claimIdleSpin);
    actions->addStretch(1);
    layout->addLayout(actions);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_tree = new InspectorTree(splitter);
    auto* deadBox = new QWidget(splitter);
    auto* deadLayout = new QVBoxLayout(deadBox);
    deadLayout->setContentsMargins(0, 0, 0, 0);
    auto* deadHeader = new QHBoxLayout;
    m_deadLabel = new QLabel(deadBox);
    m_deadLabel->setObjectName(QStringLiteral("deadLabel"));
    m_requeueDeadButton = new QPushButton(tr("Requeue selected"), deadBox);
    m_requeueDeadButton->setObjectName(QStringLiteral("requeueDeadButton"));
    m_requeueDeadButton->setToolTip(tr("Put the selected dead letters back on the queue (their "
                                       "delivery count starts again)"));
    m_requeueAllDeadButton = new QPushButton(tr("Requeue all"), deadBox);
    m_requeueAllDeadButton->setObjectName(QStringLiteral("requeueAllDeadButton"));
    deadHeader->addWidget(m_deadLabel, 1);
    deadHeader->addWidget(m_requeueDeadButton);
    deadHeader->addWidget(m_requeueAllDeadButton);
    deadLayout->addLayout(deadHeader);
    m_deadList = new QTreeWidget(deadBox);
    m_deadList->setObjectName(QStringLiteral("deadList"));
    m_deadList->setRootIsDecorated(false);
    m_deadList->setUniformRowHeights(true);
    m_deadList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_deadList->setHeaderLabels({tr("Id"), tr("Message"), tr("Size")});
    deadLayout->addWidget(m_deadList, 1);
    splitter->addWidget(m_tree);
    splitter->addWidget(deadBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    m_actionLabel = new QLabel(this);
    m_actionLabel->setObjectName(QStringLiteral("actionLabel"));
    m_actionLabel->setWordWrap(true);
    m_actionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_actionLabel);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    layout->addWidget(buttons);

    connect(m_refreshButton, &QPushButton::clicked, this, &InspectorDialog::refresh);
    connect(m_recoverButton, &QPushButton::clicked, this, &InspectorDialog::recover);
    connect(m_claimButton, &QPushButton::clicked, this, &InspectorDialog::claim);
    connect(m_requeueDeadButton, &QPushButton::clicked, this, [this] { requeueDead(true); });
    connect(m_requeueAllDeadButton, &QPushButton::clicked, this, [this] { requeueDead(false); });
    connect(m_deadList, &QTreeWidget::itemSelectionChanged, this, &InspectorDialog::updateButtons);

    m_inspector = new QueueInspector(settings, spec.target, optionsFor(spec), this);
    connect(m_inspector, &QueueInspector::snapshotReady, this, &InspectorDialog::onSnapshot);
    connect(m_inspector, &QueueInspector::actionFinished, this, &InspectorDialog::onActionFinished);
    connect(m_inspector, &QueueInspector::errorOccurred, this,
            [this](const QString& error) { setActionText(error, true); });
    m_inspector->start();
    updateButtons();
}

InspectorDialog::~InspectorDialog() = default; // the QueueInspector child stops its thread

void InspectorDialog::setClaimConsumer(Consumer* consumer)
{
    if (m_claimConsumer)
        disconnect(m_claimConsumer, nullptr, this, nullptr);
    m_claimIds.clear();
    m_claimConsumer = consumer && consumer->spec().mode == Mode::Stream ? consumer : nullptr;
    if (m_claimConsumer)
        connect(m_claimConsumer, &Consumer::recoveryFinished, this,
                &InspectorDialog::onClaimFinished);
    updateButtons();
}

void InspectorDialog::refresh() { m_inspector->refresh(); }

void InspectorDialog::recover()
{
    m_recoverIds.insert(m_inspector->recover());
    setActionText(tr("Recovering…"));
}

void InspectorDialog::claim()
{
    if (!m_claimConsumer)
        return;
    m_claimIds.insert(m_claimConsumer->claim(m_claimIdleSpin->value()));
    setActionText(tr("Claiming…"));
}

void InspectorDialog::requeueDead(bool selectedOnly)
{
    QList<QByteArray> items;
    if (selectedOnly) {
        for (const QTreeWidgetItem* item : m_deadList->selectedItems())
            items << item->data(0, Qt::UserRole).toByteArray();
        if (items.isEmpty())
            return;
    }
    m_requeueIds.insert(m_inspector->requeueDead(items));
    setActionText(tr("Requeueing…"));
}

void InspectorDialog::onActionFinished(const RecoveryReport& r)
{
    const QLocale l;
    QString text;
    if (m_recoverIds.remove(r.requestId)) {
        text = tr("Recover: %1 message(s) from %2 orphaned processing list(s) back in the "
                  "queue, %3 dead-lettered.")
                   .arg(l.toString(r.requeued), l.toString(r.listsOrphaned),
                        l.toString(r.deadLettered));
    } else if (m_requeueIds.remove(r.requestId)) {
        text = tr("Requeue: %1 dead letter(s) back on the queue.").arg(l.toString(r.requeued));
    } else {
        return; // an action of an earlier dialog
    }
    showOutcome(text, r.error);
}

void InspectorDialog::onClaimFinished(const RecoveryReport& r)
{
    // The consumer numbers its requests itself; its start-up recovery (0) is not ours.
    if (!m_claimIds.remove(r.requestId))
        return;
    const QLocale l;
    showOutcome(tr("Claim: %1 entries delivered to this pane, %2 dead-lettered, %3 deleted "
                   "while pending.")
                    .arg(l.toString(r.requeued), l.toString(r.deadLettered),
                         l.toString(qint64(r.trimmed.size()))),
                r.error);
    m_inspector->refresh();
}

void InspectorDialog::showOutcome(QString text, const QString& error)
{
    if (!error.isEmpty())
        text += QLatin1Char(' ') + tr("Error: %1").arg(error);
    setActionText(text, !error.isEmpty());
}

void InspectorDialog::onSnapshot(const QueueSnapshot& s)
{
    m_snapshot = s;
    m_haveSnapshot = true;
    const QString key = QString::fromUtf8(s.key);
    const QString when =
        QDateTime::fromMSecsSinceEpoch(s.takenAtMs).toString(QStringLiteral("HH:mm:ss"));
    QString summary;
    switch (s.kind) {
    case QueueSnapshot::Kind::List:
        summary = tr("List %1: %2 waiting, %3 processing list(s).")
                      .arg(key, num(s.length), num(s.processing.size()));
        break;
    case QueueSnapshot::Kind::Missing:
        summary = tr("%1 does not exist (empty); %2 processing list(s).")
                      .arg(key, num(s.processing.size()));
        break;
    case QueueSnapshot::Kind::Stream:
        summary =
            tr("Stream %1: %2 entries, %3 group(s).").arg(key, num(s.length), num(s.groups.size()));
        break;
    case QueueSnapshot::Kind::Other:
        summary = tr("%1 is neither a list nor a stream.").arg(key);
        break;
    }
    summary += QLatin1Char(' ') + tr("Read at %1.").arg(when);
    if (!s.error.isEmpty())
        summary += QLatin1Char(' ') + tr("Error: %1").arg(s.error);
    m_summary->setText(summary);
    m_tree->showSnapshot(s);
    showDead(s);
    updateButtons();
}

void InspectorDialog::showDead(const QueueSnapshot& s)
{
    const bool stream = s.kind == QueueSnapshot::Kind::Stream;
    m_deadLabel->setText(
        tr("Dead letters in %1: %2").arg(QString::fromUtf8(s.deadKey), num(s.deadLength)));
    QSet<QByteArray> selected;
    for (const QTreeWidgetItem* item : m_deadList->selectedItems())
        selected.insert(item->data(0, Qt::UserRole).toByteArray());
    m_deadList->clear();
    m_deadList->setColumnHidden(DeadIdColumn, !stream);
    for (const Message& m : s.deadSample) {
        auto* item = new QTreeWidgetItem(
            m_deadList, {QString::fromUtf8(m.id), PayloadFormat::preview(m.payload, kPreviewChars),
                         PayloadFormat::humanSize(m.payload.size())});
        // Lists requeue by value, streams by the dead entry's id.
        const QByteArray key = stream ? m.id : m.payload;
        item->setData(0, Qt::UserRole, key);
        if (selected.contains(key))
            item->setSelected(true);
    }
}

void InspectorDialog::updateButtons()
{
    const bool list = m_haveSnapshot && (m_snapshot.kind == QueueSnapshot::Kind::List ||
                                         m_snapshot.kind == QueueSnapshot::Kind::Missing);
    const bool stream = m_haveSnapshot && m_snapshot.kind == QueueSnapshot::Kind::Stream;
    m_recoverButton->setEnabled(list && m_spec.mode != Mode::Stream);
    m_claimButton->setEnabled(stream && !m_claimConsumer.isNull());
    m_claimIdleSpin->setEnabled(!m_claimConsumer.isNull());
    m_claimButton->setToolTip(
        !m_claimConsumer.isNull()
            ? tr("Take entries idle at least this long from any consumer of the "
                 "pane's group (XAUTOCLAIM) and deliver them to this pane")
            : tr("Claim needs a pane consuming a stream group"));
    m_requeueDeadButton->setEnabled(!m_deadList->selectedItems().isEmpty());
    m_requeueAllDeadButton->setEnabled(m_haveSnapshot && m_snapshot.deadLength > 0);
}

void InspectorDialog::setActionText(const QString& text, bool error)
{
    m_actionLabel->setText(text);
    m_actionLabel->setStyleSheet(error ? QStringLiteral("QLabel { color: #b02a37; }") : QString());
}

QString InspectorDialog::actionText() const { return m_actionLabel->text(); }

} // namespace rqc
