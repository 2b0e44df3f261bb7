#include "QueuePane.h"

#include "AckBar.h"
#include "Consumer.h"
#include "ConsumersLine.h"
#include "InspectorDialog.h"
#include "MessageFilterProxy.h"
#include "ModeFamily.h"
#include "ObservedConsumers.h"
#include "PaneChart.h"
#include "PaneRecorder.h"
#include "PaneStatusLine.h"
#include "PayloadView.h"
#include "PeekView.h"
#include "ReadingAids.h"
#include "RowExportActions.h"
#include "SendBox.h"
#include "ServerTag.h"
#include "SettleTracker.h"
#include "SubscriberBufferLine.h"
#include "TraceTracker.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
constexpr int kStatusTickMs = 250;
// Rows appended to the view per event-loop turn when a big batch arrives (a few milliseconds).
constexpr qsizetype kAppendChunk = 2000;
// A precise consumer hands its name over on stop (< 200 ms); start the next one anyway after this.
constexpr int kRestartFallbackMs = 3000;

QString clockText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}
} // namespace

QString QueuePane::objectNameFor(const QByteArray& target)
{
    return QStringLiteral("queuePane_") + QString::fromUtf8(target);
}

QueuePane::QueuePane(const ConsumerSpec& spec, QWidget* parent)
    : QWidget(parent)
    , m_spec(spec)
{
    setObjectName(objectNameFor(spec.target));
    m_recorder = new PaneRecorder(this);
    m_spec = m_recorder->takeRecordOption(spec); // record= starts recording, not the consumer
    connect(m_recorder, &PaneRecorder::errorOccurred, this,
            [this](const QString& error) { showError(error, false); });
    connect(m_recorder, &PaneRecorder::recordingChanged, this,
            [this](bool recording) { emit recordingChanged(this, recording); });
    m_model = new MessageModel(this);
    m_proxy = new MessageFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_tracker = new SettleTracker(m_model, this);
    connect(m_tracker, &SettleTracker::countersChanged, this, &QueuePane::updateStatus);
    connect(m_tracker, &SettleTracker::errorOccurred, this,
            [this](const QString& error) { showError(error, false); });
    connect(m_tracker, &SettleTracker::noticeReported, this, [this](const QString& text) {
        emit errorReported(tr("%1: %2").arg(QString::fromUtf8(m_spec.target), text));
    });
    buildUi();
    updateModeUi();

    m_appendTimer = new QTimer(this);
    m_appendTimer->setInterval(0);
    connect(m_appendTimer, &QTimer::timeout, this, [this] { appendBacklog(kAppendChunk); });

    m_statusTimer = new QTimer(this);
    m_statusTimer->setInterval(kStatusTickMs);
    connect(m_statusTimer, &QTimer::timeout, this, &QueuePane::updateStatus);
    m_statusTimer->start();
    updateStatus();
}

QueuePane::~QueuePane()
{
    // Ask every consumer to stop at once; their destructors (children) then wait in parallel.
    stopConsumer();
}

void QueuePane::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    m_serverTag = new ServerTag(this);
    layout->addWidget(m_serverTag);
    auto* header = new QHBoxLayout;
    m_targetEdit = new QLineEdit(QString::fromUtf8(m_spec.target), this);
    m_targetEdit->setObjectName(QStringLiteral("targetEdit"));
    m_targetEdit->setToolTip(tr("The list key, stream, channel or pattern this pane consumes. "
                                "Press Enter to switch."));
    QFont bold = m_targetEdit->font();
    bold.setBold(true);
    m_targetEdit->setFont(bold);
    connect(m_targetEdit, &QLineEdit::editingFinished, this, &QueuePane::onTargetEdited);
    m_modeCombo = new QComboBox(this);
    m_modeCombo->setObjectName(QStringLiteral("modeCombo"));
    for (const Mode mode : paneModes()) {
        m_modeCombo->addItem(ConsumerSpec::modeLabel(mode), int(mode));
        m_modeCombo->setItemData(m_modeCombo->count() - 1, ConsumerSpec::guarantee(mode),
                                 Qt::ToolTipRole);
    }
    m_modeCombo->setToolTip(tr("How this pane consumes; switching restarts its consumer."));
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this, &QueuePane::onModeChosen);
    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_closeButton = new QToolButton(this);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_closeButton->setAutoRaise(true);
    m_closeButton->setToolTip(tr("Close this pane (its consumer stops)"));
    connect(m_closeButton, &QToolButton::clicked, this, [this] { emit closeRequested(this); });
    header->addWidget(m_targetEdit, 1);
    header->addWidget(m_modeCombo);
    header->addWidget(m_stateLabel);
    m_chart = new PaneChart(this);
    m_chart->setConsumedCounter([this] { return qint64(m_received); });
    header->addWidget(m_chart->toggleButton());
    header->addWidget(m_closeButton);
    layout->addLayout(header);

    m_guaranteeLabel = new QLabel(this);
    m_guaranteeLabel->setObjectName(QStringLiteral("guaranteeLabel"));
    m_guaranteeLabel->setWordWrap(true);
    QFont small = m_guaranteeLabel->font();
    small.setItalic(true);
    m_guaranteeLabel->setFont(small);
    m_guaranteeLabel->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_guaranteeLabel);

    m_consumersLine = new ConsumersLine(this);
    m_consumersLine->setSpec(m_spec);
    layout->addWidget(m_consumersLine);
    m_bufferLine = new SubscriberBufferLine(this);
    layout->addWidget(m_bufferLine);
    m_observedConsumers = new ObservedConsumers(this);
    layout->addWidget(m_observedConsumers);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextFormat(Qt::RichText);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    m_errorLabel->setStyleSheet(
        QStringLiteral("QLabel { background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;"
                       " border-radius: 3px; padding: 4px; }"));
    m_errorLabel->setVisible(false);
    connect(m_errorLabel, &QLabel::linkActivated, this, [this] { clearError(); });
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_recorder);

    m_ackBar = new AckBar(this);
    connect(m_ackBar, &AckBar::policyChosen, this, &QueuePane::onPolicyChosen);
    connect(m_ackBar, &AckBar::settleRequested, this, &QueuePane::settleSelected);
    connect(m_ackBar, &AckBar::inspectRequested, this, &QueuePane::openInspector);
    layout->addWidget(m_ackBar);

    // The live view and the payload of the selected message, one above the other.
    m_payloadView = new PayloadView(this);
    m_contentSplitter = new QSplitter(Qt::Vertical, this);
    m_contentSplitter->setObjectName(QStringLiteral("paneContentSplitter"));
    m_contentSplitter->setChildrenCollapsible(false);
    m_viewBox = buildView();
    // Peek panes show what the list holds instead (and run no Consumer).
    m_peekView = new PeekView(this);
    connect(m_peekView, &PeekView::messageSelected, m_payloadView, &PayloadView::showMessage);
    connect(m_peekView, &PeekView::depthChanged, this, [this](qint64 depth, const QString& why) {
        if (depth >= 0)
            setDepth(depth, QDateTime::currentMSecsSinceEpoch());
        else if (why.startsWith(QLatin1String("WRONGTYPE")))
            m_depth.setWrongType(why);
        else
            m_depth.setUnknown(why);
        updateStatus();
    });
    connect(m_peekView, &PeekView::kindChanged, this, [this](PeekSnapshot::Kind kind) {
        m_sendBox->setTargetFamily(kind == PeekSnapshot::Kind::Stream ? ModeFamily::Stream
                                                                      : ModeFamily::List);
    });
    // Peek panes have no batches: the recorder records what each refresh changed.
    connect(m_peekView, &PeekView::snapshotShown, m_recorder,
            [this](const PeekSnapshot& s) { m_recorder->recordPeek(s, m_spec); });
    connect(m_peekView, &PeekView::reported, this, [this](const QString& text) {
        emit errorReported(tr("%1: %2").arg(QString::fromUtf8(m_spec.target), text));
    });
    m_contentSplitter->addWidget(m_viewBox);
    m_contentSplitter->addWidget(m_peekView);
    m_contentSplitter->addWidget(m_payloadView);
    m_contentSplitter->setStretchFactor(0, 3);
    m_contentSplitter->setStretchFactor(1, 3);
    m_contentSplitter->setStretchFactor(2, 2);
    layout->addWidget(m_contentSplitter, 1);
    layout->addWidget(m_chart);

    m_sendBox = new SendBox(this);
    connect(m_sendBox, &SendBox::sent, this, [this] {
        updateStatus();
        emit sendFinished();
    });
    connect(m_sendBox, &SendBox::depthReported, this,
            [this](qint64 depth) { setDepth(depth, QDateTime::currentMSecsSinceEpoch()); });
    connect(m_sendBox, &SendBox::errorOccurred, this, [this](const QString& text) {
        showError(text, false);
        m_errorFromSend = true;
    });
    // A failed send's banner lasts until a send goes through: then its cause is gone.
    connect(m_sendBox, &SendBox::sendSucceeded, this, [this] {
        if (m_errorFromSend)
            clearError();
    });
    m_sendBox->setAckedCounter([this]() -> qint64 {
        return AckBar::settles(m_spec.mode) ? qint64(m_tracker->counters().acked) : -1;
    });
    layout->addWidget(m_sendBox);
    m_trace = new TraceTracker(m_sendBox, this);
    connect(m_trace, &TraceTracker::traced, this, [this](const Message& row) {
        if (m_spec.mode == Mode::Observe) // a peek pane shows its list instead
            onBatch({row}, MessageModel::RowState::None);
    });
    layout->addWidget(m_trace);

    m_statusLine = new PaneStatusLine(this);
    layout->addWidget(m_statusLine);
}

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

void QueuePane::updateModeUi()
{
    m_updatingUi = true;
    m_chart->setSpec(m_spec);
    const int index = m_modeCombo->findData(int(m_spec.mode));
    m_modeCombo->setCurrentIndex(index);
    m_targetEdit->setText(QString::fromUtf8(m_spec.target));
    m_observedConsumers->setVisible(m_spec.mode == Mode::Observe);
    const bool noAck =
        m_spec.mode == Mode::Stream && AckBar::policyOf(m_spec) == QLatin1String("none");
    m_guaranteeLabel->setText(noAck ? AckBar::noAckGuarantee()
                                    : ConsumerSpec::guarantee(m_spec.mode));
    m_ackBar->setSpec(m_spec);
    m_ackBar->setVisible(AckBar::appliesTo(m_spec.mode));
    const bool settles = AckBar::settles(m_spec.mode);
    // Reliable, stream and tail panes read one key, named above: room for state and delivery.
    // One key per pane (reliable, stream, tail, and observe without pattern=1): the header names
    // it, and the room goes to state, delivery or producer → consumer.
    const bool oneKey = AckBar::appliesTo(m_spec.mode) ||
                        (m_spec.mode == Mode::Observe &&
                         m_spec.option(QStringLiteral("pattern")) != QLatin1String("1"));
    m_view->setColumnHidden(MessageModel::SourceColumn, oneKey);
    m_view->setColumnHidden(MessageModel::StateColumn, !settles);
    m_view->setColumnHidden(MessageModel::DeliveryColumn, !settles);
    const bool observe = m_spec.mode == Mode::Observe;
    for (const int column :
         {MessageModel::EventColumn, MessageModel::ClientColumn, MessageModel::FlowColumn})
        m_view->setColumnHidden(column, !observe);
    m_sendBox->setSpec(m_spec);
    m_trace->setSpec(m_spec);
    const bool peek = m_spec.mode == Mode::Peek;
    m_viewBox->setVisible(!peek);
    m_peekView->setVisible(peek);
    m_updatingUi = false;
}

void QueuePane::setConnection(const ConnectionSettings& settings, Publisher* publisher,
                              CensusService* census)
{
    if (m_connected)
        return;
    m_settings = settings;
    m_connected = true;
    if (publisher)
        m_sendBox->setPublisher(publisher);
    else
        m_sendBox->setConnection(settings);
    m_trace->setConnection(settings);
    m_consumersLine->setConnection(settings, census);
    m_recorder->setServer(settings.displayUrl());
    m_chart->setConnection(settings);
    startConsumer();
}

void QueuePane::setServerTag(const QString& text, const QString& color)
{
    m_serverTag->setTag(text, color);
}

void QueuePane::resumeConnection(const ConnectionSettings& settings, CensusService* census)
{
    if (!m_connected)
        return;
    m_settings = settings;
    m_trace->setConnection(settings);
    m_consumersLine->setConnection(settings, census);
    m_chart->setConnection(settings);
    if (m_errorFromConsumer)
        clearError();
    // Failed, or still trying with the refused settings (its own refusal may come after the
    // window's): start again with the new ones. A listening consumer was let in: keep it.
    const bool refusedOrTrying = m_state == ConsumerState::Failed ||
                                 m_state == ConsumerState::Connecting ||
                                 m_state == ConsumerState::Reconnecting;
    if (refusedOrTrying || m_spec.mode == Mode::Peek)
        restartConsumer();
}

void QueuePane::setSpec(const ConsumerSpec& requested)
{
    const ConsumerSpec spec = findChild<ReadingAids*>(QStringLiteral("readingAids"))
                                  ->takeViewOptions(m_recorder->takeRecordOption(requested));
    if (spec == m_spec)
        return;
    const bool sameQueue = spec.target == m_spec.target && spec.mode == m_spec.mode;
    m_spec = spec;
    setObjectName(objectNameFor(spec.target));
    updateModeUi();
    m_consumersLine->setSpec(spec);
    clearError();
    if (!sameQueue) {
        m_observedConsumers->clear();
        m_depth.reset();
        if (m_inspector)
            m_inspector->close(); // it inspected the old queue
    }
    restartConsumer();
    updateStatus();
    emit specChanged(this, m_spec);
}

void QueuePane::setCapacity(int capacity) { m_model->setCapacity(capacity); }

void QueuePane::startConsumer()
{
    if (!m_connected)
        return;
    if (m_spec.mode == Mode::Peek) {
        // Reads only: the PeekView's reader, never a Consumer.
        m_peekView->start(m_settings, m_spec);
        m_state = ConsumerState::Listening;
        m_stateLabel->setText(tr("Peeking"));
        m_stateLabel->setToolTip(tr("Reading only: nothing is taken from the list."));
        return;
    }
    auto* consumer = new Consumer(m_settings, m_spec, this);
    m_consumer = consumer;
    m_tracker->setConsumer(consumer);
    m_bufferLine->setConsumer(consumer,
                              m_spec.mode == Mode::PubSub || m_spec.mode == Mode::Pattern);
    // Messages from a consumer being retired are still shown: in list mode they were popped and
    // exist nowhere else. Its state and errors no longer concern the pane.
    connect(consumer, &Consumer::messagesArrived, this,
            [this, consumer](const MessageList& batch, quint64) {
                onBatch(batch, m_tracker->arrivalState(consumer));
            });
    connect(consumer, &Consumer::stateChanged, this,
            [this, consumer](ConsumerState state, const QString& detail) {
                if (consumer != m_consumer)
                    return;
                m_state = state;
                m_stateLabel->setText(consumerStateText(state));
                m_stateLabel->setToolTip(detail);
                if (state == ConsumerState::Listening && m_errorFromConsumer)
                    clearError();
            });
    connect(consumer, &Consumer::errorOccurred, this, [this, consumer](const QString& error) {
        if (consumer != m_consumer)
            return;
        m_depth.consumerFailed(m_spec, error);
        showError(error, true);
    });
    connect(consumer, &Consumer::connectionLost, this,
            [this, consumer](qint64 atMs, const QString& reason) {
                if (consumer != m_consumer)
                    return;
                m_depth.setUnreachable(atMs);
                showError(
                    tr("Connection lost at %1: %2 — reconnecting…").arg(clockText(atMs), reason),
                    true);
            });
    connect(consumer, &Consumer::connectionRestored, this,
            [this, consumer](qint64 lostAtMs, qint64 backAtMs, const QString& note) {
                if (consumer != m_consumer)
                    return;
                m_depth.setReachable();
                QString text = tr("The connection was down from %1 to %2.")
                                   .arg(clockText(lostAtMs), clockText(backAtMs));
                if (!note.isEmpty())
                    text += QLatin1Char(' ') + note;
                showError(text, false); // stays until dismissed: the gap matters
            });
    if (m_inspector)
        m_inspector->setClaimConsumer(consumer);
    consumer->start();
}

void QueuePane::restartConsumer()
{
    const quint64 generation = ++m_generation;
    Consumer* old = retireConsumer();
    if (!old || !old->isAcking()) {
        startConsumer();
        return;
    }
    // A precise consumer gives its name and heartbeat back when it stops; the next one takes
    // them over (and re-reads what was left pending) only then.
    const auto startOnce = [this, generation] {
        if (generation == m_generation && !m_consumer)
            startConsumer();
    };
    connect(old, &Consumer::stopped, this, startOnce);
    QTimer::singleShot(kRestartFallbackMs, this, startOnce);
}

Consumer* QueuePane::retireConsumer()
{
    m_peekView->stop();
    Consumer* consumer = m_consumer;
    m_consumer = nullptr;
    m_tracker->setConsumer(nullptr);
    m_bufferLine->setConsumer(nullptr, m_spec.mode == Mode::PubSub || m_spec.mode == Mode::Pattern);
    m_state = consumer ? ConsumerState::Stopping : ConsumerState::Idle; // until the next reports
    m_stateLabel->setText(consumerStateText(m_state));
    for (MessageModel::RowState& state : m_heldStates) {
        if (state == MessageModel::RowState::Pending)
            state = MessageModel::RowState::Released;
    }
    for (Arrival& a : m_backlog) {
        if (a.state == MessageModel::RowState::Pending)
            a.state = MessageModel::RowState::Released;
    }
    if (!consumer)
        return nullptr;
    if (!consumer->isRunning()) {
        consumer->deleteLater();
        return nullptr;
    }
    connect(consumer, &Consumer::stopped, consumer, &QObject::deleteLater);
    consumer->stop();
    return consumer;
}

void QueuePane::stopConsumer()
{
    m_peekView->stop();
    for (Consumer* consumer : findChildren<Consumer*>(QString(), Qt::FindDirectChildrenOnly))
        consumer->stop();
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

void QueuePane::onModeChosen(int index)
{
    if (m_updatingUi || index < 0)
        return;
    ConsumerSpec spec = m_spec;
    spec.mode = Mode(m_modeCombo->itemData(index).toInt());
    const QStringList known = ConsumerSpec::knownOptions(spec.mode);
    for (auto it = spec.options.begin(); it != spec.options.end();) {
        if (known.contains(it.key()))
            ++it;
        else
            it = spec.options.erase(it);
    }
    QString error;
    if (!ConsumerSpec::validateOptions(spec, &error)) // e.g. ack=none from a stream pane
        spec.options.remove(QStringLiteral("ack"));
    requestSpec(spec);
}

void QueuePane::onTargetEdited()
{
    const QByteArray target = m_targetEdit->text().trimmed().toUtf8();
    if (target.isEmpty()) {
        m_targetEdit->setText(QString::fromUtf8(m_spec.target));
        return;
    }
    if (target == m_spec.target)
        return;
    ConsumerSpec spec = m_spec;
    spec.target = target;
    requestSpec(spec);
}

void QueuePane::onPolicyChosen(const QString& policy)
{
    ConsumerSpec spec = m_spec;
    // auto is the default: leave it out so the saved spec stays short.
    if (policy == QLatin1String("auto"))
        spec.options.remove(QStringLiteral("ack"));
    else
        spec.options.insert(QStringLiteral("ack"), policy);
    setSpec(spec);
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

InspectorDialog* QueuePane::openInspector()
{
    if (!m_connected) {
        showError(tr("Not connected to a server yet."), false);
        return nullptr;
    }
    if (!m_inspector) {
        m_inspector = new InspectorDialog(m_settings, m_spec, this);
        m_inspector->setClaimConsumer(m_consumer);
    }
    m_inspector->show();
    m_inspector->raise();
    m_inspector->activateWindow();
    return m_inspector;
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

void QueuePane::showError(const QString& text, bool fromConsumer)
{
    m_error = text;
    m_errorFromConsumer = fromConsumer;
    m_errorFromSend = false;
    m_errorLabel->setText(QStringLiteral("%1&nbsp;&nbsp;<a href=\"#dismiss\">%2</a>")
                              .arg(text.toHtmlEscaped(), tr("Dismiss")));
    m_errorLabel->setVisible(true);
    emit errorReported(tr("%1: %2").arg(QString::fromUtf8(m_spec.target), text));
}

void QueuePane::clearError()
{
    m_error.clear();
    m_errorFromConsumer = false;
    m_errorFromSend = false;
    m_errorLabel->clear();
    m_errorLabel->setVisible(false);
}

void QueuePane::applySnapshot(const ServerSnapshot& snapshot)
{
    m_chart->applySnapshot(snapshot);
    if (m_spec.mode == Mode::Peek)
        return; // the peek reads its own depth (LLEN or XLEN) several times a second
    m_depth.applySnapshot(m_spec, snapshot);
    m_consumersLine->applySnapshot(snapshot);
    updateStatus();
}

InspectorDialog* QueuePane::inspector() const { return m_inspector; }

void QueuePane::startRecording(const QString& path) { m_recorder->start(path, m_spec); }

void QueuePane::stopRecording() { m_recorder->stop(); }

bool QueuePane::isRecording() const { return m_recorder->isRecording(); }

quint64 QueuePane::sentTotal() const { return m_sendBox->sentTotal(); }

QString QueuePane::statusText() const { return m_statusLine->text(); }

void QueuePane::setDepth(qint64 depth, qint64 atMs) { m_depth.setRead(depth, atMs); }

void QueuePane::setServerUnreachable(qint64 sinceMs)
{
    m_depth.setUnreachable(sinceMs);
    updateStatus();
}

bool QueuePane::depthIsStale() const
{
    // Only consuming a list shortens it: stream groups leave XLEN alone, peeking takes nothing.
    return m_depth.value() >= 0 && modeFamily(m_spec.mode) == ModeFamily::List &&
           ConsumerSpec::consumes(m_spec.mode) && m_lastBatchMs > m_depth.readAtMs();
}

void QueuePane::updateStatus()
{
    const bool stale = depthIsStale();
    if (stale && m_refreshAskedMs == 0 &&
        QDateTime::currentMSecsSinceEpoch() - m_lastBatchMs >= kStatusTickMs) {
        // The drain paused (or ended): a depth read now is one the user can trust.
        m_refreshAskedMs = QDateTime::currentMSecsSinceEpoch();
        emit depthRefreshWanted();
    }
    PaneStatusLine::Figures f;
    f.mode = m_spec.mode;
    f.received = m_received;
    f.depth = m_depth.value();
    f.depthWhy = m_depth.whyUnknown();
    f.depthStale = stale;
    f.lastReach = m_sendBox->lastReach();
    f.dropped = m_model->dropped() + m_heldDropped + m_backlogDropped;
    f.sendText = m_sendBox->sendText();
    f.paused = m_pauseButton->isChecked();
    f.held = m_held.size();
    f.capacity = m_model->capacity();
    f.precise = AckBar::settles(m_spec.mode);
    f.counters = m_tracker->counters();
    m_statusLine->showFigures(f);
}

void QueuePane::focusEntry() { m_sendBox->focusEntry(); }

void QueuePane::setSettingsStore(QSettings* settings) { m_sendBox->setSettings(settings); }

void QueuePane::requestSpec(const ConsumerSpec& spec)
{
    if (ConsumerSpec::consumes(spec.mode) && !consumeApproved(spec.target)) {
        updateModeUi(); // the controls show what runs until the switch is confirmed
        emit consumeRequested(this, spec);
        return;
    }
    setSpec(spec);
}

void QueuePane::showNotice(const QString& text) { showError(text, false); }

} // namespace rqc
