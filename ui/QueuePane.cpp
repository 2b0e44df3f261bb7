#include "QueuePane.h"

#include "Consumer.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "ModeFamily.h"
#include "PayloadView.h"
#include "Publisher.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
constexpr int kStatusTickMs = 250;
constexpr qint64 kRateWindowMs = 1000;

bool isListMode(Mode mode) { return modeFamily(mode) == ModeFamily::List; }
bool isChannelMode(Mode mode) { return modeFamily(mode) == ModeFamily::Channel; }

bool hasGlob(const QByteArray& target)
{
    return target.contains('*') || target.contains('?') || target.contains('[');
}

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
    m_clock.start();
    m_model = new MessageModel(this);
    m_proxy = new MessageFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    buildUi();
    updateModeUi();

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

    auto* header = new QHBoxLayout;
    m_targetEdit = new QLineEdit(QString::fromUtf8(m_spec.target), this);
    m_targetEdit->setObjectName(QStringLiteral("targetEdit"));
    m_targetEdit->setToolTip(tr("The list key, channel or pattern this pane consumes. Press "
                                "Enter to switch."));
    QFont bold = m_targetEdit->font();
    bold.setBold(true);
    m_targetEdit->setFont(bold);
    connect(m_targetEdit, &QLineEdit::editingFinished, this, &QueuePane::onTargetEdited);
    m_modeCombo = new QComboBox(this);
    m_modeCombo->setObjectName(QStringLiteral("modeCombo"));
    for (const Mode mode : paneModes())
        m_modeCombo->addItem(ConsumerSpec::modeLabel(mode), int(mode));
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

    // The live view and the payload of the selected message, one above the other.
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
    m_clearButton->setToolTip(tr("Remove the messages from the view (totals stay)."));
    connect(m_clearButton, &QPushButton::clicked, this, &QueuePane::clearView);
    tools->addWidget(m_filterEdit, 1);
    tools->addWidget(m_pauseButton);
    tools->addWidget(m_clearButton);
    viewLayout->addLayout(tools);

    m_view = new QTableView(viewBox);
    m_view->setObjectName(QStringLiteral("messageView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    QHeaderView* h = m_view->horizontalHeader();
    h->setStretchLastSection(true);
    h->setHighlightSections(false);
    const QFontMetrics fm = m_view->fontMetrics();
    h->resizeSection(MessageModel::TimeColumn,
                     fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + 16);
    h->resizeSection(MessageModel::SourceColumn,
                     fm.horizontalAdvance(QStringLiteral("queue-name-1")) + 16);
    h->resizeSection(MessageModel::SizeColumn,
                     fm.horizontalAdvance(QStringLiteral("1023.9 KiB")) + 16);
    viewLayout->addWidget(m_view, 1);
    QScrollBar* bar = m_view->verticalScrollBar();
    // Follow the newest message unless the user scrolled up to read.
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_followTail = value >= bar->maximum(); });
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
        if (m_followTail)
            bar->setValue(max);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &QueuePane::onCurrentRowChanged);

    m_payloadView = new PayloadView(this);
    m_contentSplitter = new QSplitter(Qt::Vertical, this);
    m_contentSplitter->setObjectName(QStringLiteral("paneContentSplitter"));
    m_contentSplitter->setChildrenCollapsible(false);
    m_contentSplitter->addWidget(viewBox);
    m_contentSplitter->addWidget(m_payloadView);
    m_contentSplitter->setStretchFactor(0, 3);
    m_contentSplitter->setStretchFactor(1, 2);
    layout->addWidget(m_contentSplitter, 1);

    // The entry box: Ctrl+Enter sends.
    auto* publishRow = new QHBoxLayout;
    m_publishToLabel = new QLabel(tr("Publish to:"), this);
    m_publishToEdit = new QLineEdit(this);
    m_publishToEdit->setObjectName(QStringLiteral("publishToEdit"));
    m_publishToEdit->setPlaceholderText(tr("a channel matching the pattern"));
    m_publishToLabel->setBuddy(m_publishToEdit);
    publishRow->addWidget(m_publishToLabel);
    publishRow->addWidget(m_publishToEdit, 1);
    layout->addLayout(publishRow);

    m_messageEdit = new QPlainTextEdit(this);
    m_messageEdit->setObjectName(QStringLiteral("messageEdit"));
    m_messageEdit->setPlaceholderText(tr("Message to send — Ctrl+Enter sends"));
    m_messageEdit->setTabChangesFocus(true);
    m_messageEdit->setFixedHeight(m_messageEdit->fontMetrics().lineSpacing() * 3 + 14);
    m_messageEdit->installEventFilter(this);
    layout->addWidget(m_messageEdit);

    auto* sendRow = new QHBoxLayout;
    auto* repeatLabel = new QLabel(tr("Repeat:"), this);
    m_repeatSpin = new QSpinBox(this);
    m_repeatSpin->setObjectName(QStringLiteral("repeatSpin"));
    m_repeatSpin->setRange(1, 1000000);
    m_repeatSpin->setGroupSeparatorShown(true);
    m_repeatSpin->setToolTip(tr("Send the message this many times, pipelined."));
    repeatLabel->setBuddy(m_repeatSpin);
    m_sendButton = new QPushButton(this);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setToolTip(tr("Send (Ctrl+Enter)"));
    connect(m_sendButton, &QPushButton::clicked, this, &QueuePane::send);
    sendRow->addWidget(repeatLabel);
    sendRow->addWidget(m_repeatSpin);
    sendRow->addStretch(1);
    sendRow->addWidget(m_sendButton);
    layout->addLayout(sendRow);

    m_statusLine = new QLabel(this);
    m_statusLine->setObjectName(QStringLiteral("statusLine"));
    m_statusLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_statusLine);
}

void QueuePane::updateModeUi()
{
    m_updatingUi = true;
    const int index = m_modeCombo->findData(int(m_spec.mode));
    m_modeCombo->setCurrentIndex(index);
    m_targetEdit->setText(QString::fromUtf8(m_spec.target));
    m_guaranteeLabel->setText(ConsumerSpec::guarantee(m_spec.mode));
    const bool pattern = m_spec.mode == Mode::Pattern;
    m_publishToLabel->setVisible(pattern);
    m_publishToEdit->setVisible(pattern);
    if (pattern)
        m_publishToEdit->setText(hasGlob(m_spec.target) ? QString()
                                                        : QString::fromUtf8(m_spec.target));
    const bool canSend = isListMode(m_spec.mode) || isChannelMode(m_spec.mode);
    m_sendButton->setText(isListMode(m_spec.mode) ? tr("Send (LPUSH)") : tr("Send (PUBLISH)"));
    m_sendButton->setEnabled(canSend);
    m_messageEdit->setEnabled(canSend);
    m_repeatSpin->setEnabled(canSend);
    m_messageEdit->setPlaceholderText(
        canSend ? tr("Message to send — Ctrl+Enter sends")
                : tr("Sending to a stream is not available in this pane."));
    m_updatingUi = false;
}

void QueuePane::setConnection(const ConnectionSettings& settings)
{
    if (m_connected)
        return;
    m_settings = settings;
    m_connected = true;
    m_publisher = new Publisher(settings, this);
    connect(m_publisher, &Publisher::sent, this,
            [this](qint64 id, quint64 count, qint64 receivers) {
                const int command = m_pendingSends.take(id);
                m_sent += count;
                if (command == int(PublisherWorker::Command::LPush))
                    m_depth = receivers;
                else
                    m_lastReach = receivers;
                if (m_pendingSends.isEmpty())
                    m_sendProgress.clear();
                updateStatus();
                emit sendFinished();
            });
    connect(m_publisher, &Publisher::progress, this, [this](quint64 done, quint64 total) {
        const QLocale locale;
        m_sendProgress = tr("sending %1 of %2").arg(locale.toString(done), locale.toString(total));
    });
    connect(m_publisher, &Publisher::errorOccurred, this, [this](const QString& error) {
        m_pendingSends.clear();
        m_sendProgress.clear();
        showError(tr("Sending failed: %1").arg(error), false);
    });
    connect(m_publisher, &Publisher::connectionLost, this, [this](const QString& reason) {
        showError(tr("The sending connection was lost: %1").arg(reason), false);
    });
    m_publisher->start();
    startConsumer();
}

void QueuePane::setSpec(const ConsumerSpec& spec)
{
    if (spec == m_spec)
        return;
    m_spec = spec;
    setObjectName(objectNameFor(spec.target));
    updateModeUi();
    clearError();
    m_depth = -1;
    m_lastReach = -1;
    retireConsumer();
    startConsumer();
    updateStatus();
    emit specChanged(this, m_spec);
}

void QueuePane::setCapacity(int capacity) { m_model->setCapacity(capacity); }

void QueuePane::startConsumer()
{
    if (!m_connected)
        return;
    auto* consumer = new Consumer(m_settings, m_spec, this);
    m_consumer = consumer;
    // Messages from a consumer being retired are still shown: in list mode they were popped and
    // exist nowhere else. Its state and errors no longer concern the pane.
    connect(consumer, &Consumer::messagesArrived, this,
            [this](const MessageList& batch, quint64) { onBatch(batch); });
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
        if (consumer == m_consumer)
            showError(error, true);
    });
    connect(
        consumer, &Consumer::connectionLost, this,
        [this, consumer](qint64 atMs, const QString& reason) {
            if (consumer == m_consumer)
                showError(
                    tr("Connection lost at %1: %2 — reconnecting…").arg(clockText(atMs), reason),
                    true);
        });
    connect(consumer, &Consumer::connectionRestored, this,
            [this, consumer](qint64 lostAtMs, qint64 backAtMs, const QString& note) {
                if (consumer != m_consumer)
                    return;
                QString text = tr("The connection was down from %1 to %2.")
                                   .arg(clockText(lostAtMs), clockText(backAtMs));
                if (!note.isEmpty())
                    text += QLatin1Char(' ') + note;
                showError(text, false); // stays until dismissed: the gap matters
            });
    consumer->start();
}

void QueuePane::retireConsumer()
{
    Consumer* consumer = m_consumer;
    m_consumer = nullptr;
    if (!consumer)
        return;
    if (!consumer->isRunning()) {
        consumer->deleteLater();
        return;
    }
    connect(consumer, &Consumer::stopped, consumer, &QObject::deleteLater);
    consumer->stop();
}

void QueuePane::stopConsumer()
{
    for (Consumer* consumer : findChildren<Consumer*>(QString(), Qt::FindDirectChildrenOnly))
        consumer->stop();
}

void QueuePane::onBatch(const MessageList& batch)
{
    m_received += quint64(batch.size());
    if (m_pauseButton->isChecked()) {
        m_held += batch;
        const qsizetype excess = m_held.size() - m_model->capacity();
        if (excess > 0) {
            m_held.remove(0, excess);
            m_heldDropped += quint64(excess);
        }
        return;
    }
    m_model->appendBatch(batch);
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
    setSpec(spec);
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
    setSpec(spec);
}

void QueuePane::onPauseToggled(bool paused)
{
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (!paused && !m_held.isEmpty()) {
        m_model->appendBatch(m_held);
        m_held.clear();
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

void QueuePane::clearView()
{
    m_model->clear();
    m_held.clear();
    m_payloadView->clear();
    m_followTail = true;
    updateStatus();
}

QByteArray QueuePane::publishTarget() const
{
    if (m_spec.mode == Mode::Pattern)
        return m_publishToEdit->text().trimmed().toUtf8();
    return m_spec.target;
}

void QueuePane::send()
{
    if (!m_publisher) {
        showError(tr("Not connected to a server yet."), false);
        return;
    }
    const QByteArray target = publishTarget();
    if (target.isEmpty()) {
        showError(tr("Pattern panes need a channel to publish to: fill in \"Publish to\"."), false);
        m_publishToEdit->setFocus();
        return;
    }
    if (!isListMode(m_spec.mode) && !isChannelMode(m_spec.mode))
        return;
    const auto command = isListMode(m_spec.mode) ? PublisherWorker::Command::LPush
                                                 : PublisherWorker::Command::Publish;
    const QByteArray payload = m_messageEdit->toPlainText().toUtf8();
    const int count = m_repeatSpin->value();
    const qint64 id = m_publisher->send(command, target, payload, count);
    m_pendingSends.insert(id, int(command));
    if (count > 1)
        m_sendProgress = tr("sending %1").arg(QLocale().toString(count));
    // Keep the text, selected: Ctrl+Enter again resends it, typing replaces it.
    m_messageEdit->selectAll();
    updateStatus();
}

bool QueuePane::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_messageEdit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            (key->modifiers() & Qt::ControlModifier)) {
            send();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void QueuePane::showError(const QString& text, bool fromConsumer)
{
    m_error = text;
    m_errorFromConsumer = fromConsumer;
    m_errorLabel->setText(QStringLiteral("%1&nbsp;&nbsp;<a href=\"#dismiss\">%2</a>")
                              .arg(text.toHtmlEscaped(), tr("Dismiss")));
    m_errorLabel->setVisible(true);
    emit errorReported(tr("%1: %2").arg(QString::fromUtf8(m_spec.target), text));
}

void QueuePane::clearError()
{
    m_error.clear();
    m_errorFromConsumer = false;
    m_errorLabel->clear();
    m_errorLabel->setVisible(false);
}

void QueuePane::applySnapshot(const ServerSnapshot& snapshot)
{
    const auto lengthIn = [this](const QList<ServerSnapshot::Key>& keys) {
        for (const ServerSnapshot::Key& key : keys) {
            if (key.name == m_spec.target)
                return key.length;
        }
        return qint64(0); // a key that does not exist is empty
    };
    switch (modeFamily(m_spec.mode)) {
    case ModeFamily::List:
        m_depth = lengthIn(snapshot.lists);
        break;
    case ModeFamily::Stream:
        m_depth = lengthIn(snapshot.streams);
        break;
    case ModeFamily::Channel:
    case ModeFamily::Other:
        m_depth = -1; // patterns have no one subscriber count
        if (m_spec.mode != Mode::PubSub)
            break;
        m_depth = 0;
        for (const ServerSnapshot::Channel& channel : snapshot.channels) {
            if (channel.name == m_spec.target)
                m_depth = channel.subscribers;
        }
        break;
    }
    updateStatus();
}

QString QueuePane::statusText() const
{
    const QLocale locale;
    QStringList parts;
    parts << tr("received %1").arg(locale.toString(m_received));
    parts << tr("%1 msg/s").arg(locale.toString(m_rate, 'f', m_rate < 10 ? 1 : 0));
    const QString depth = m_depth < 0 ? QStringLiteral("–") : locale.toString(m_depth);
    if (isListMode(m_spec.mode))
        parts << tr("depth %1").arg(depth);
    else if (modeFamily(m_spec.mode) == ModeFamily::Stream)
        parts << tr("length %1").arg(depth);
    else if (m_spec.mode == Mode::PubSub && m_depth >= 0)
        parts << tr("%n subscriber(s)", nullptr, int(m_depth));
    if (isChannelMode(m_spec.mode) && m_lastReach >= 0)
        parts << tr("last publish reached %n", nullptr, int(m_lastReach));
    parts << tr("dropped %1").arg(locale.toString(m_model->dropped() + m_heldDropped));
    if (!m_sendProgress.isEmpty())
        parts << m_sendProgress;
    else if (m_sent)
        parts << tr("sent %1").arg(locale.toString(m_sent));
    if (m_pauseButton->isChecked())
        parts << tr("paused, %1 held back").arg(locale.toString(qint64(m_held.size())));
    return parts.join(QStringLiteral(" · "));
}

void QueuePane::updateStatus()
{
    const qint64 now = m_clock.elapsed();
    m_rateSamples.emplace_back(now, m_received);
    while (m_rateSamples.size() > 2 && now - m_rateSamples.front().first > kRateWindowMs)
        m_rateSamples.pop_front();
    const auto& [firstMs, firstCount] = m_rateSamples.front();
    const qint64 span = now - firstMs;
    m_rate = span > 0 ? double(m_received - firstCount) * 1000.0 / double(span) : 0.0;
    m_statusLine->setText(statusText());
    m_statusLine->setToolTip(tr("Dropped: messages received but no longer kept in the view "
                                "(the view keeps the newest %1).")
                                 .arg(QLocale().toString(m_model->capacity())));
}

void QueuePane::focusEntry() { m_messageEdit->setFocus(Qt::OtherFocusReason); }

} // namespace rqc
