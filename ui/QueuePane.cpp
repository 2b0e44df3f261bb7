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
#include "SendBox.h"
#include "ServerTag.h"
#include "SettleTracker.h"
#include "SubscriberBufferLine.h"
#include "TraceTracker.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace rqc {

namespace {
constexpr int kStatusTickMs = 250;
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
    // The chart itself is built on the first click: most panes never open theirs.
    m_chartButton = PaneChart::createToggle(this);
    connect(m_chartButton, &QToolButton::toggled, this, [this](bool on) {
        if (on && !m_chart)
            openChart();
    });
    header->addWidget(m_chartButton);
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

void QueuePane::openChart()
{
    m_chart = new PaneChart(m_chartButton, this);
    m_chart->setConsumedCounter([this] { return qint64(m_received); });
    m_chart->setSpec(m_spec);
    if (m_connected)
        m_chart->setConnection(m_settings);
    if (!m_chartLists.isEmpty()) {
        ServerSnapshot lists;
        lists.lists = std::exchange(m_chartLists, {});
        m_chart->applySnapshot(lists);
    }
    auto* box = static_cast<QVBoxLayout*>(layout());
    box->insertWidget(box->indexOf(m_contentSplitter) + 1, m_chart);
    m_chart->setVisible(m_chartButton->isChecked());
}

void QueuePane::updateModeUi()
{
    m_updatingUi = true;
    m_chartButton->setEnabled(PaneChart::canChart(m_spec));
    if (m_chart)
        m_chart->setSpec(m_spec);
    else if (m_chartButton->isChecked() && !m_chartButton->isEnabled())
        m_chartButton->setChecked(false);
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
    if (m_chart)
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
    if (m_chart)
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
    const Mode before = m_spec.mode;
    m_spec = spec;
    setObjectName(objectNameFor(spec.target));
    updateModeUi();
    m_consumersLine->setSpec(spec);
    clearError();
    if (!sameQueue) {
        m_observedConsumers->clear();
        m_depth.reset();
        if (before != m_spec.mode) // a new target in the same mode keeps counting
            startAfresh(before);
        if (m_inspector)
            m_inspector->close(); // it inspected the old queue
    }
    restartConsumer();
    updateStatus();
    emit specChanged(this, m_spec);
}

void QueuePane::setCapacity(int capacity) { m_model->setCapacity(capacity); }

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
    if (m_chart)
        m_chart->applySnapshot(snapshot);
    else if (m_spec.mode == Mode::Reliable)
        m_chartLists = snapshot.lists; // the consumers' processing lists, for a chart opened later
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
    f.depthAgeMs = QDateTime::currentMSecsSinceEpoch() - m_depth.readAtMs();
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
