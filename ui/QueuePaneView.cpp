// QueuePane's live view: the message table and its tools, rows arriving (at once or a chunk per
// event-loop turn), pausing, selection, settling and clearing. Split from QueuePane.cpp.
#include "QueuePane.h"

#include "AckBar.h"
#include "MessageFilterProxy.h"
#include "ModeFamily.h"
#include "ObservedConsumers.h"
#include "PaneRecorder.h"
#include "PayloadView.h"
#include "ReadingAids.h"
#include "RowExportActions.h"
#include "SendBox.h"
#include "SettleTracker.h"
#include "TraceTracker.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace rqc {

QWidget* QueuePane::buildView()
{
    auto* viewBox = new QWidget(this);
    auto* viewLayout = new QVBoxLayout(viewBox);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    viewLayout->setSpacing(4);
    auto* tools = new QHBoxLayout;
    m_filterEdit = new QLineEdit(viewBox);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter by source or content…"));
    m_filterEdit->setClearButtonEnabled(true);
    // Never squeezed to "Fi…" by the buttons beside it in a narrow pane.
    m_filterEdit->setMinimumWidth(m_filterEdit->fontMetrics().averageCharWidth() * 16);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &MessageFilterProxy::setFilterText);
    m_pauseButton = new QPushButton(tr("Pause"), viewBox);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze the view. Messages are still consumed and counted; "
                                 "those arriving meanwhile are held back and shown on resume."));
    connect(m_pauseButton, &QPushButton::toggled, this, &QueuePane::onPauseToggled);
    m_clearButton = new QPushButton(tr("Clear"), viewBox);
    m_clearButton->setObjectName(QStringLiteral("clearButton"));
    m_clearButton->setToolTip(tr("Remove the messages from the view (totals stay). Messages "
                                 "waiting for your ack stay too."));
    connect(m_clearButton, &QPushButton::clicked, this, &QueuePane::clearView);
    tools->addWidget(m_filterEdit, 1);
    tools->addWidget(m_pauseButton);
    tools->addWidget(m_clearButton);
    viewLayout->addLayout(tools);

    m_view = new QTableView(viewBox);
    m_view->setObjectName(QStringLiteral("messageView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several rows at once: the precise modes settle what is selected.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->addActions(m_ackBar->viewActions());
    QHeaderView* h = m_view->horizontalHeader();
    h->setStretchLastSection(true);
    h->setHighlightSections(false);
    const QFontMetrics fm = m_view->fontMetrics();
    const auto width = [&fm](const QString& sample) {
        return fm.horizontalAdvance(sample) + 16;
    };
    h->resizeSection(MessageModel::TimeColumn, width(QStringLiteral("00:00:00.000")));
    h->resizeSection(MessageModel::SourceColumn, width(QStringLiteral("queue-name-1")));
    h->resizeSection(MessageModel::SizeColumn, width(QStringLiteral("1023.9 KiB")));
    h->resizeSection(MessageModel::StateColumn, width(QStringLiteral("dead-lettered")));
    h->resizeSection(MessageModel::EventColumn, width(QStringLiteral("RPOPLPUSH")));
    h->resizeSection(MessageModel::ClientColumn, width(QStringLiteral("worker-name-1")));
    h->resizeSection(MessageModel::FlowColumn,
                     width(QStringLiteral("producer → worker-1, 99 ms (inferred)")));
    h->resizeSection(
        MessageModel::DeliveryColumn,
        qMax(width(QStringLiteral("999")),
             width(m_model->headerData(MessageModel::DeliveryColumn, Qt::Horizontal).toString())));
    viewLayout->addWidget(m_view, 1);
    auto* aids = new ReadingAids(m_model, m_proxy, m_payloadView, m_view, m_filterEdit, viewBox);
    tools->insertWidget(1, aids->tools());  // decoder choice, newest first, wrap; source colours
    m_spec = aids->takeViewOptions(m_spec); // decoder=, order=, wrap=: the view's
    new RowExportActions(
        m_view, m_proxy, m_model, [this] { return m_spec; },
        [this] { return m_settings.displayUrl(); });
    QScrollBar* bar = m_view->verticalScrollBar();
    // Follow the newest message unless the user scrolled up to read.
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_followTail = value >= bar->maximum(); });
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
        if (m_followTail && !m_proxy->newestFirst()) // newest first: the top follows by itself
            bar->setValue(max);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &QueuePane::onCurrentRowChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &QueuePane::updatePendingSelection);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &QueuePane::updatePendingSelection);
    return viewBox;
}

void QueuePane::onBatch(const MessageList& batch, MessageModel::RowState state)
{
    m_received += quint64(batch.size());
    m_lastBatchMs = QDateTime::currentMSecsSinceEpoch();
    m_refreshAskedMs = 0;
    m_recorder->record(batch, m_spec); // every row, also those pausing holds back or drops
    if (m_spec.mode == Mode::Observe) {
        m_trace->observe(batch);
        m_observedConsumers->add(batch);
        learnTargetFamily(batch);
    }
    if (m_pauseButton->isChecked()) {
        m_held += batch;
        m_heldStates.append(QList<MessageModel::RowState>(batch.size(), state));
        const qsizetype excess = m_held.size() - m_model->capacity();
        if (excess > 0) {
            m_held.remove(0, excess);
            m_heldStates.remove(0, excess);
            m_heldDropped += quint64(excess);
        }
        return;
    }
    showRows(batch, state);
}

void QueuePane::showRows(const MessageList& rows, MessageModel::RowState state)
{
    if (m_backlog.empty() && rows.size() <= kAppendChunk) {
        m_model->appendBatch(rows, state);
        return;
    }
    // A big batch (a drain hands over tens of thousands at once) goes into the view a chunk per
    // event-loop turn, so a keystroke or a repaint waits for one chunk, not for the whole batch.
    m_backlog.push_back({rows, 0, state});
    m_backlogRows += rows.size();
    // Rows the ring would push out again before anyone saw them are dropped right away.
    while (m_backlog.size() > 1 &&
           m_backlogRows - (m_backlog.front().rows.size() - m_backlog.front().offset) >=
               m_model->capacity()) {
        const qsizetype n = m_backlog.front().rows.size() - m_backlog.front().offset;
        m_backlogRows -= n;
        m_backlogDropped += quint64(n);
        m_backlog.pop_front();
    }
    if (!m_appendTimer->isActive())
        m_appendTimer->start();
}

void QueuePane::appendBacklog(qsizetype budget)
{
    while (budget > 0 && !m_backlog.empty()) {
        Arrival& a = m_backlog.front();
        const qsizetype n = qMin(budget, a.rows.size() - a.offset);
        if (a.offset == 0 && n == a.rows.size())
            m_model->appendBatch(a.rows, a.state);
        else
            m_model->appendBatch(a.rows.mid(a.offset, n), a.state);
        a.offset += n;
        budget -= n;
        m_backlogRows -= n;
        if (a.offset == a.rows.size())
            m_backlog.pop_front();
    }
    if (m_backlog.empty())
        m_appendTimer->stop();
}

void QueuePane::learnTargetFamily(const MessageList& batch)
{
    // The entry box sends what the application itself sends to this key: the last push seen.
    for (qsizetype i = batch.size() - 1; i >= 0; --i) {
        const Observation* o = batch[i].observed.get();
        if (!o || o->kind != Observation::Kind::Produce)
            continue;
        const QByteArray cmd = o->command.toUpper();
        if (cmd == "XADD")
            m_sendBox->setTargetFamily(ModeFamily::Stream);
        else if (cmd.contains("PUBLISH"))
            m_sendBox->setTargetFamily(ModeFamily::Channel);
        else if (cmd.endsWith("PUSH") || cmd.contains("MOVE") || cmd == "RPOPLPUSH")
            m_sendBox->setTargetFamily(ModeFamily::List);
        else
            continue;
        return;
    }
}

void QueuePane::onPauseToggled(bool paused)
{
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (!paused && !m_held.isEmpty()) {
        // One append per run of rows in the same state (normally one).
        qsizetype start = 0;
        for (qsizetype i = 1; i <= m_held.size(); ++i) {
            if (i == m_held.size() || m_heldStates[i] != m_heldStates[start]) {
                showRows(m_held.mid(start, i - start), m_heldStates[start]);
                start = i;
            }
        }
        m_held.clear();
        m_heldStates.clear();
    }
    updateStatus();
}

void QueuePane::onCurrentRowChanged()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    if (!current.isValid()) {
        m_payloadView->clear();
        return;
    }
    m_payloadView->showMessage(m_model->messageAt(current.row()));
}

QList<int> QueuePane::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows << m_proxy->mapToSource(index).row();
    return rows;
}

void QueuePane::updatePendingSelection()
{
    if (AckBar::settles(m_spec.mode))
        m_ackBar->setPendingSelected(m_tracker->pendingAmong(selectedRows()));
}

void QueuePane::settleSelected(SettleAction action) { m_tracker->settle(action, selectedRows()); }

void QueuePane::startAfresh(Mode before)
{
    // The figures were the previous consumer's, and the detail showed one of its messages.
    m_received = 0;
    m_heldDropped = 0;
    m_backlogDropped = 0;
    m_view->selectionModel()->clear();
    m_payloadView->clear();
    m_followTail = true;
    // Entries a tail, a peek or a stream group showed are still in Redis: they go. What a list
    // consumer took, pub/sub messages and observed commands exist nowhere else: they stay.
    if (before != Mode::Tail && before != Mode::Stream && before != Mode::Peek)
        return;
    appendBacklog(m_backlogRows);
    m_model->clear();
    m_held.clear();
    m_heldStates.clear();
    m_heldDropped = 0;
}

void QueuePane::clearView()
{
    // Messages waiting for the user's ack stay: the view is the only place to settle them.
    using RowState = MessageModel::RowState;
    appendBacklog(m_backlogRows); // what is still on its way to the view is cleared too
    const MessageList pending = m_model->messagesInState(RowState::Pending);
    m_model->clear();
    m_model->appendBatch(pending, RowState::Pending);
    for (qsizetype i = m_held.size() - 1; i >= 0; --i) {
        if (m_heldStates[i] != RowState::Pending) {
            m_held.removeAt(i);
            m_heldStates.removeAt(i);
        }
    }
    m_payloadView->clear();
    m_followTail = true;
    updateStatus();
}

} // namespace rqc
