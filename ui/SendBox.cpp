#include "SendBox.h"

#include "LoadPanel.h"
#include "MessageTemplate.h"
#include "ModeFamily.h"
#include "SendTools.h"
#include "TemplateHelp.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

namespace {
bool hasGlob(const QByteArray& target)
{
    return target.contains('*') || target.contains('?') || target.contains('[');
}
} // namespace

SendBox::SendBox(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("sendBox"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto* publishRow = new QHBoxLayout;
    m_publishToLabel = new QLabel(tr("Publish to:"), this);
    m_publishToEdit = new QLineEdit(this);
    m_publishToEdit->setObjectName(QStringLiteral("publishToEdit"));
    m_publishToEdit->setPlaceholderText(tr("a channel matching the pattern"));
    m_publishToLabel->setBuddy(m_publishToEdit);
    publishRow->addWidget(m_publishToLabel);
    publishRow->addWidget(m_publishToEdit, 1);
    layout->addLayout(publishRow);

    // Streams: which field the text goes into, or one field=value per line.
    auto* fieldRow = new QHBoxLayout;
    m_fieldLabel = new QLabel(tr("Field:"), this);
    m_fieldEdit = new QLineEdit(QStringLiteral("message"), this);
    m_fieldEdit->setObjectName(QStringLiteral("fieldEdit"));
    m_fieldEdit->setToolTip(tr("The stream field that holds the text (XADD stream * field text)."));
    m_fieldLabel->setBuddy(m_fieldEdit);
    m_fieldLinesCheck = new QCheckBox(tr("field=value lines"), this);
    m_fieldLinesCheck->setObjectName(QStringLiteral("fieldLinesCheck"));
    m_fieldLinesCheck->setToolTip(
        tr("Each line of the text is one field=value pair of the entry."));
    connect(m_fieldLinesCheck, &QCheckBox::toggled, m_fieldEdit, &QWidget::setDisabled);
    fieldRow->addWidget(m_fieldLabel);
    fieldRow->addWidget(m_fieldEdit, 1);
    fieldRow->addWidget(m_fieldLinesCheck);
    layout->addLayout(fieldRow);

    m_messageEdit = new QPlainTextEdit(this);
    m_messageEdit->setObjectName(QStringLiteral("messageEdit"));
    m_messageEdit->setPlaceholderText(tr("Message to send — Ctrl+Enter sends"));
    m_messageEdit->setTabChangesFocus(true);
    m_messageEdit->setFixedHeight(m_messageEdit->fontMetrics().lineSpacing() * 3 + 14);
    m_messageEdit->installEventFilter(this);
    connect(m_messageEdit, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_settingText)
            m_browsingHistory = false; // typing starts a new draft
    });
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
    connect(m_sendButton, &QPushButton::clicked, this, &SendBox::send);
    m_helpButton = new QToolButton(this);
    m_helpButton->setObjectName(QStringLiteral("templateHelpButton"));
    m_helpButton->setText(tr("{{…}}"));
    m_helpButton->setToolTip(tr("Placeholders: {{seq}}, {{uuid}}, {{now}}… expanded per message"));
    connect(m_helpButton, &QToolButton::clicked, this,
            [this] { TemplateHelp::show(m_helpButton); });
    m_loadButton = new QToolButton(this);
    m_loadButton->setObjectName(QStringLiteral("loadModeButton"));
    m_loadButton->setText(tr("Load…"));
    m_loadButton->setCheckable(true);
    m_loadButton->setToolTip(
        tr("Load mode: send many messages, or for a time, at a rate, with progress and Stop"));
    sendRow->addWidget(repeatLabel);
    sendRow->addWidget(m_repeatSpin);
    sendRow->addWidget(m_helpButton);
    sendRow->addWidget(m_loadButton);
    m_toolsButton = SendTools::makeButton(this);
    sendRow->addWidget(m_toolsButton);
    sendRow->addStretch(1);
    sendRow->addWidget(m_sendButton);
    layout->addLayout(sendRow);
    m_loadPanel = new LoadPanel(this);
    m_loadPanel->setVisible(false);
    connect(m_loadButton, &QToolButton::toggled, m_loadPanel, &QWidget::setVisible);
    connect(m_loadPanel, &LoadPanel::startRequested, this, &SendBox::startLoad);
    connect(m_loadPanel, &LoadPanel::stopRequested, this, &SendBox::stopLoad);
    layout->addWidget(m_loadPanel);
}

void SendBox::setSpec(const ConsumerSpec& spec)
{
    const bool targetChanged = spec.target != m_spec.target || spec.mode != m_spec.mode;
    m_spec = spec;
    if (targetChanged) {
        m_lastReach = -1;
        m_targetFamily = ModeFamily::Other;
    }
    const bool pattern = spec.mode == Mode::Pattern;
    m_publishToLabel->setVisible(pattern);
    m_publishToEdit->setVisible(pattern);
    if (pattern && targetChanged)
        m_publishToEdit->setText(hasGlob(spec.target) ? QString() : QString::fromUtf8(spec.target));
    const bool stream = family() == ModeFamily::Stream;
    m_fieldLabel->setVisible(stream);
    m_fieldEdit->setVisible(stream);
    m_fieldLinesCheck->setVisible(stream);
    if (stream && targetChanged)
        m_fieldEdit->setText(spec.option(QStringLiteral("field"), QStringLiteral("message")));
    switch (command()) {
    case PublisherWorker::Command::LPush:
        m_sendButton->setText(tr("Send (LPUSH)"));
        break;
    case PublisherWorker::Command::XAdd:
        m_sendButton->setText(tr("Send (XADD)"));
        break;
    case PublisherWorker::Command::Publish:
        m_sendButton->setText(tr("Send (PUBLISH)"));
        break;
    case PublisherWorker::Command::SPublish:
        m_sendButton->setText(tr("Send (SPUBLISH)"));
        break;
    }
    m_messageEdit->setPlaceholderText(stream ? tr("Entry to add — Ctrl+Enter sends")
                                             : tr("Message to send — Ctrl+Enter sends"));
}

void SendBox::setTargetFamily(ModeFamily family)
{
    if (family == m_targetFamily || (m_spec.mode != Mode::Peek && m_spec.mode != Mode::Observe))
        return;
    m_targetFamily = family;
    setSpec(m_spec);
}

ModeFamily SendBox::family() const
{
    if (m_targetFamily != ModeFamily::Other &&
        (m_spec.mode == Mode::Peek || m_spec.mode == Mode::Observe))
        return m_targetFamily;
    return modeFamily(m_spec.mode);
}

PublisherWorker::Command SendBox::command() const
{
    switch (family()) {
    case ModeFamily::List:
        return PublisherWorker::Command::LPush;
    case ModeFamily::Stream:
        return PublisherWorker::Command::XAdd;
    case ModeFamily::Channel:
        if (m_spec.mode == Mode::SPubSub)
            return PublisherWorker::Command::SPublish;
        break;
    case ModeFamily::Other:
        break;
    }
    return PublisherWorker::Command::Publish;
}

void SendBox::setConnection(const ConnectionSettings& settings)
{
    if (m_publisher)
        return;
    auto* own = new Publisher(settings, this);
    setPublisher(own);
    own->start();
}

void SendBox::setPublisher(Publisher* publisher)
{
    if (m_publisher || !publisher)
        return;
    m_publisher = publisher;
    // Only this box's requests concern it: the publisher may serve every pane of the server.
    connect(publisher, &Publisher::sent, this, &SendBox::onSent);
    connect(publisher, &Publisher::loadProgress, this, &SendBox::onLoadProgress);
    connect(publisher, &Publisher::requestProgress, this,
            [this](qint64 id, quint64 done, quint64 total) {
                if (!m_pendingSends.contains(id))
                    return;
                const QLocale locale;
                m_progress =
                    tr("sending %1 of %2").arg(locale.toString(done), locale.toString(total));
            });
    connect(publisher, &Publisher::requestFailed, this, [this](qint64 id, const QString& error) {
        if (!m_pendingSends.contains(id))
            return;
        m_failedSends.insert(id);
        m_progress.clear();
        emit errorOccurred(tr("Sending failed: %1").arg(error));
    });
}

QString SendBox::sendText() const
{
    if (!m_progress.isEmpty())
        return m_progress;
    if (m_loadId != 0 ||
        (m_loadPanel && !m_loadPanel->figures().isEmpty() && m_loadButton->isChecked()))
        return tr("load: %1").arg(m_loadPanel->figures());
    if (m_sent && m_lastBurstReach >= 0)
        return tr("sent %1 (reached %2)")
            .arg(QLocale().toString(m_sent), QLocale().toString(m_lastBurstReach));
    if (m_sent)
        return tr("sent %1").arg(QLocale().toString(m_sent));
    return QString();
}

QByteArray SendBox::publishTarget() const
{
    if (m_spec.mode == Mode::Pattern)
        return m_publishToEdit->text().trimmed().toUtf8();
    return m_spec.target;
}

PublisherWorker::StreamFields SendBox::streamFields(QString* error) const
{
    PublisherWorker::StreamFields fields;
    const QString text = m_messageEdit->toPlainText();
    if (!m_fieldLinesCheck->isChecked()) {
        const QString field = m_fieldEdit->text().trimmed();
        if (field.isEmpty()) {
            *error = tr("Name the field the text goes into.");
            return {};
        }
        fields.append({field.toUtf8(), text.toUtf8()});
        return fields;
    }
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.trimmed().isEmpty())
            continue;
        const int eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = tr("\"%1\" is not field=value.").arg(line);
            return {};
        }
        fields.append({line.left(eq).trimmed().toUtf8(), line.mid(eq + 1).toUtf8()});
    }
    if (fields.isEmpty())
        *error = tr("Write at least one field=value line.");
    return fields;
}

void SendBox::send()
{
    if (!m_publisher) {
        emit errorOccurred(tr("Not connected to a server yet."));
        return;
    }
    const int count = m_repeatSpin->value();
    const qint64 id = queueSend(nullptr, count);
    if (id == 0)
        return;
    if (count > 1)
        m_progress = tr("sending %1").arg(QLocale().toString(count));
    // Keep the text, selected: Ctrl+Enter again resends it, typing replaces it.
    m_messageEdit->selectAll();
}

QByteArray SendBox::messageBytes() const { return m_messageEdit->toPlainText().toUtf8(); }

void SendBox::setMessageText(const QString& text) { m_messageEdit->setPlainText(text); }

void SendBox::focusEntry() { m_messageEdit->setFocus(Qt::OtherFocusReason); }

bool SendBox::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_messageEdit && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            (key->modifiers() & Qt::ControlModifier)) {
            send();
            return true;
        }
        // Up on the first line, Down on the last: the target's earlier messages.
        const QTextCursor cursor = m_messageEdit->textCursor();
        if (key->key() == Qt::Key_Up && key->modifiers() == Qt::NoModifier &&
            cursor.blockNumber() == 0 && recall(true))
            return true;
        if (key->key() == Qt::Key_Down && key->modifiers() == Qt::NoModifier &&
            cursor.blockNumber() == m_messageEdit->document()->blockCount() - 1 && recall(false))
            return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rqc
