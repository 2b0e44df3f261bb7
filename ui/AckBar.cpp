#include "AckBar.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace rqc {

namespace {
const QString kAuto = QStringLiteral("auto");
const QString kManual = QStringLiteral("manual");
const QString kNone = QStringLiteral("none");
} // namespace

AckBar::AckBar(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("ackBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_policyLabel = new QLabel(tr("Ack:"), this);
    m_policyCombo = new QComboBox(this);
    m_policyCombo->setObjectName(QStringLiteral("ackPolicyCombo"));
    m_policyCombo->setToolTip(tr("When a message counts as processed. Switching restarts the "
                                 "consumer; nothing pending is lost."));
    m_policyLabel->setBuddy(m_policyCombo);
    connect(m_policyCombo, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_updating && index >= 0)
            emit policyChosen(m_policyCombo->itemData(index).toString());
    });
    m_readOnlyLabel = new QLabel(tr("Reads only: nothing is consumed, nothing to ack."), this);
    m_readOnlyLabel->setObjectName(QStringLiteral("readOnlyLabel"));
    m_readOnlyLabel->setForegroundRole(QPalette::PlaceholderText);

    m_ack = makeAction(QStringLiteral("ackAction"), tr("&Ack"),
                       tr("Ack the selected pending messages: processed, removed from Redis"),
                       QKeySequence(Qt::CTRL | Qt::Key_K));
    m_requeue = makeAction(QStringLiteral("requeueAction"), tr("&Requeue"),
                           tr("Give the selected pending messages back to the queue: they are "
                              "delivered again, with their delivery count raised"),
                           QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_deadLetter = makeAction(QStringLiteral("deadLetterAction"), tr("&Dead-letter"),
                              tr("Move the selected pending messages to the dead-letter list "
                                 "or stream"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_inspect = makeAction(QStringLiteral("inspectAction"), tr("&Inspect…"),
                           tr("Processing lists, consumer groups, pending entries and dead "
                              "letters of this queue"),
                           QKeySequence(Qt::CTRL | Qt::Key_I));
    connect(m_ack, &QAction::triggered, this, [this] { emit settleRequested(SettleAction::Ack); });
    connect(m_requeue, &QAction::triggered, this,
            [this] { emit settleRequested(SettleAction::Requeue); });
    connect(m_deadLetter, &QAction::triggered, this,
            [this] { emit settleRequested(SettleAction::DeadLetter); });
    connect(m_inspect, &QAction::triggered, this, &AckBar::inspectRequested);

    layout->addWidget(m_policyLabel);
    layout->addWidget(m_policyCombo);
    layout->addWidget(m_readOnlyLabel);
    m_settleButtons << makeButton(m_ack, QStringLiteral("ackButton"))
                    << makeButton(m_requeue, QStringLiteral("requeueButton"))
                    << makeButton(m_deadLetter, QStringLiteral("deadLetterButton"));
    for (QToolButton* button : m_settleButtons)
        layout->addWidget(button);
    layout->addStretch(1);
    layout->addWidget(makeButton(m_inspect, QStringLiteral("inspectButton")));
    updateEnabled();
}

QAction* AckBar::makeAction(const QString& name, const QString& text, const QString& tip,
                            const QKeySequence& shortcut)
{
    auto* action = new QAction(text, this);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    // Active while the live view or this bar has the focus: two panes never compete.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action->setToolTip(tr("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    addAction(action);
    return action;
}

QToolButton* AckBar::makeButton(QAction* action, const QString& name)
{
    auto* button = new QToolButton(this);
    button->setObjectName(name);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

QList<QAction*> AckBar::viewActions() const { return {m_ack, m_requeue, m_deadLetter, m_inspect}; }

bool AckBar::settles(Mode mode) { return mode == Mode::Reliable || mode == Mode::Stream; }

bool AckBar::appliesTo(Mode mode) { return settles(mode) || mode == Mode::Tail; }

QString AckBar::policyOf(const ConsumerSpec& spec)
{
    return spec.option(QStringLiteral("ack"), kAuto);
}

QString AckBar::noAckGuarantee()
{
    return tr("At most once (ack=none): entries are read with NOACK and never pending; one lost "
              "between the read and the pane is gone.");
}

void AckBar::setSpec(const ConsumerSpec& spec)
{
    m_updating = true;
    m_settles = settles(spec.mode);
    m_policyCombo->clear();
    if (m_settles) {
        m_policyCombo->addItem(tr("auto"), kAuto);
        m_policyCombo->setItemData(0, tr("Acked as soon as it is in the pane"), Qt::ToolTipRole);
        m_policyCombo->addItem(tr("manual"), kManual);
        m_policyCombo->setItemData(1, tr("Pending until you ack, requeue or dead-letter it"),
                                   Qt::ToolTipRole);
        if (spec.mode == Mode::Stream) {
            m_policyCombo->addItem(tr("none (at most once)"), kNone);
            m_policyCombo->setItemData(2, noAckGuarantee(), Qt::ToolTipRole);
        }
        m_policyCombo->setCurrentIndex(qMax(0, m_policyCombo->findData(policyOf(spec))));
    }
    m_policyLabel->setVisible(m_settles);
    m_policyCombo->setVisible(m_settles);
    m_readOnlyLabel->setVisible(spec.mode == Mode::Tail);
    for (QToolButton* button : m_settleButtons)
        button->setVisible(m_settles);
    m_pendingSelected = 0;
    m_updating = false;
    updateEnabled();
}

QString AckBar::policy() const
{
    return m_settles ? m_policyCombo->currentData().toString() : QString();
}

void AckBar::setPendingSelected(int count)
{
    m_pendingSelected = count;
    updateEnabled();
}

void AckBar::updateEnabled()
{
    const bool on = m_settles && policy() == kManual && m_pendingSelected > 0;
    m_ack->setEnabled(on);
    m_requeue->setEnabled(on);
    m_deadLetter->setEnabled(on);
}

} // namespace rqc
