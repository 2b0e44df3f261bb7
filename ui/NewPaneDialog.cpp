#include "NewPaneDialog.h"

#include "ModeFamily.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace rqc {

NewPaneDialog::NewPaneDialog(const ConsumerSpec& suggestion, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("newPaneDialog"));
    setWindowTitle(tr("New pane"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_serverCombo = new QComboBox(this);
    m_serverCombo->setObjectName(QStringLiteral("newPaneServer"));
    m_serverLabel = new QLabel(tr("&Server:"), this);
    m_serverLabel->setBuddy(m_serverCombo);
    form->addRow(m_serverLabel, m_serverCombo);
    m_serverCombo->setVisible(false);
    m_serverLabel->setVisible(false);
    m_modeCombo = new QComboBox(this);
    m_modeCombo->setObjectName(QStringLiteral("newPaneMode"));
    for (const Mode mode : paneModes()) {
        m_modeCombo->addItem(ConsumerSpec::modeLabel(mode), int(mode));
        m_modeCombo->setItemData(m_modeCombo->count() - 1, ConsumerSpec::guarantee(mode),
                                 Qt::ToolTipRole);
    }
    m_modeCombo->setCurrentIndex(m_modeCombo->findData(int(suggestion.mode)));
    m_targetEdit = new QLineEdit(QString::fromUtf8(suggestion.target), this);
    m_targetEdit->setObjectName(QStringLiteral("newPaneTarget"));
    m_targetEdit->setPlaceholderText(tr("list key, stream, channel or pattern"));
    m_targetEdit->selectAll();
    form->addRow(tr("&Mode:"), m_modeCombo);
    form->addRow(tr("&Target:"), m_targetEdit);
    layout->addLayout(form);
    m_guaranteeLabel = new QLabel(this);
    m_guaranteeLabel->setWordWrap(true);
    layout->addWidget(m_guaranteeLabel);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Open pane"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this, &NewPaneDialog::updateState);
    connect(m_targetEdit, &QLineEdit::textChanged, this, &NewPaneDialog::updateState);
    updateState();
    setMinimumWidth(fontMetrics().averageCharWidth() * 50);
}

ConsumerSpec NewPaneDialog::spec() const
{
    ConsumerSpec spec;
    spec.mode = Mode(m_modeCombo->currentData().toInt());
    spec.target = m_targetEdit->text().trimmed().toUtf8();
    return spec;
}

void NewPaneDialog::setServers(const QStringList& names, int current)
{
    m_serverCombo->clear();
    m_serverCombo->addItems(names);
    m_serverCombo->setCurrentIndex(current);
    m_serverCombo->setVisible(names.size() > 1);
    m_serverLabel->setVisible(names.size() > 1);
}

int NewPaneDialog::serverIndex() const { return qMax(0, m_serverCombo->currentIndex()); }

void NewPaneDialog::updateState()
{
    const ConsumerSpec s = spec();
    m_guaranteeLabel->setText(ConsumerSpec::guarantee(s.mode));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!s.target.isEmpty());
}

} // namespace rqc
