#include "ReplayDialog.h"

#include "SendBox.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace rqc {

ReplayDialog::ReplayDialog(SendBox* box)
    : QDialog(box)
    , m_publisher(box->publisher())
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(tr("Replay a recording"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    auto* pathRow = new QHBoxLayout;
    m_pathEdit = new QLineEdit(this);
    m_pathEdit->setObjectName(QStringLiteral("replayPathEdit"));
    auto* browse = new QToolButton(this);
    browse->setText(tr("Browse…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a recording"), QString(), tr("Recordings (*.jsonl);;All files (*)"));
        if (!path.isEmpty())
            m_pathEdit->setText(path);
    });
    pathRow->addWidget(m_pathEdit, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("Recording:"), pathRow);
    m_commandCombo = new QComboBox(this);
    m_commandCombo->setObjectName(QStringLiteral("replayCommandCombo"));
    m_commandCombo->addItem(tr("PUBLISH to a channel"), int(PublisherWorker::Command::Publish));
    m_commandCombo->addItem(tr("LPUSH to a list"), int(PublisherWorker::Command::LPush));
    m_commandCombo->addItem(tr("XADD to a stream (field \"message\")"),
                            int(PublisherWorker::Command::XAdd));
    m_commandCombo->setCurrentIndex(m_commandCombo->findData(int(box->currentCommand())));
    form->addRow(tr("Send with:"), m_commandCombo);
    m_targetEdit = new QLineEdit(QString::fromUtf8(box->currentTarget()), this);
    m_targetEdit->setObjectName(QStringLiteral("replayTargetEdit"));
    form->addRow(tr("Target:"), m_targetEdit);
    auto* timingRow = new QHBoxLayout;
    m_timingCombo = new QComboBox(this);
    m_timingCombo->setObjectName(QStringLiteral("replayTimingCombo"));
    m_timingCombo->addItem(tr("as recorded"), int(ReplayPlan::Timing::Recorded));
    m_timingCombo->addItem(tr("faster (×N)"), int(ReplayPlan::Timing::Speed));
    m_timingCombo->addItem(tr("at a fixed rate"), int(ReplayPlan::Timing::FixedRate));
    m_speedSpin = new QDoubleSpinBox(this);
    m_speedSpin->setObjectName(QStringLiteral("replaySpeedSpin"));
    m_speedSpin->setRange(0.01, 10000);
    m_speedSpin->setValue(10);
    m_speedSpin->setPrefix(tr("×"));
    m_rateSpin = new QSpinBox(this);
    m_rateSpin->setObjectName(QStringLiteral("replayRateSpin"));
    m_rateSpin->setRange(0, 1000000);
    m_rateSpin->setValue(1000);
    m_rateSpin->setSuffix(tr(" msg/s"));
    m_rateSpin->setSpecialValueText(tr("as fast as possible"));
    timingRow->addWidget(m_timingCombo);
    timingRow->addWidget(m_speedSpin);
    timingRow->addWidget(m_rateSpin);
    form->addRow(tr("Timing:"), timingRow);
    layout->addLayout(form);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("replayProgress"));
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("replayStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_startButton = buttons->addButton(tr("Replay"), QDialogButtonBox::ActionRole);
    m_startButton->setObjectName(QStringLiteral("replayStartButton"));
    m_stopButton = buttons->addButton(tr("Stop"), QDialogButtonBox::ActionRole);
    m_stopButton->setObjectName(QStringLiteral("replayStopButton"));
    m_stopButton->setEnabled(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_startButton, &QPushButton::clicked, this, &ReplayDialog::start);
    connect(m_stopButton, &QPushButton::clicked, this, &ReplayDialog::stop);
    auto showTiming = [this] {
        const auto t = ReplayPlan::Timing(m_timingCombo->currentData().toInt());
        m_speedSpin->setVisible(t == ReplayPlan::Timing::Speed);
        m_rateSpin->setVisible(t == ReplayPlan::Timing::FixedRate);
    };
    connect(m_timingCombo, &QComboBox::currentIndexChanged, this, showTiming);
    showTiming();
    if (m_publisher) {
        connect(m_publisher, &Publisher::loadProgress, this,
                [this](qint64 id, quint64 acked, qint64, qint64) {
                    if (id != m_id || m_total == 0)
                        return;
                    m_progress->setValue(int(acked * 1000 / m_total));
                    m_status->setText(
                        tr("replayed %1 of %2")
                            .arg(QLocale().toString(acked), QLocale().toString(m_total)));
                });
        connect(m_publisher, &Publisher::sent, this, [this](qint64 id, quint64 count, qint64) {
            if (id == m_id)
                finish(count);
        });
        connect(m_publisher, &Publisher::requestFailed, this,
                [this](qint64 id, const QString& error) {
                    if (id == m_id)
                        m_status->setText(error);
                });
    }
    m_progress->setRange(0, 1000);
}

void ReplayDialog::setPath(const QString& path) { m_pathEdit->setText(path); }

bool ReplayDialog::start()
{
    if (m_id != 0)
        return false;
    if (!m_publisher) {
        m_status->setText(tr("Not connected to a server yet."));
        return false;
    }
    const QByteArray target = m_targetEdit->text().trimmed().toUtf8();
    if (target.isEmpty()) {
        m_status->setText(tr("Name the target to replay to."));
        return false;
    }
    ReplayPlan plan;
    QString error;
    if (!plan.load(m_pathEdit->text(), &error)) {
        m_status->setText(error);
        return false;
    }
    const auto command = PublisherWorker::Command(m_commandCombo->currentData().toInt());
    const auto timing = ReplayPlan::Timing(m_timingCombo->currentData().toInt());
    PublisherWorker::StreamFields fields;
    if (command == PublisherWorker::Command::XAdd)
        fields = {{"message", {}}};
    m_total = quint64(plan.payloads().size());
    m_id = m_publisher->sendLoad(command, target, {}, fields,
                                 plan.limits(timing, quint64(m_rateSpin->value())),
                                 plan.source(timing, m_speedSpin->value()));
    m_progress->setValue(0);
    QString text = tr("replaying %1 messages").arg(QLocale().toString(m_total));
    if (plan.skippedLines() > 0)
        text += tr(" (%n bad line(s) skipped)", nullptr, int(plan.skippedLines()));
    m_status->setText(text);
    m_startButton->setEnabled(false);
    m_stopButton->setEnabled(true);
    return true;
}

void ReplayDialog::stop()
{
    if (m_id != 0 && m_publisher)
        m_publisher->cancel(m_id);
}

void ReplayDialog::finish(quint64 sent)
{
    m_id = 0;
    if (m_total > 0)
        m_progress->setValue(int(sent * 1000 / m_total));
    m_status->setText(
        tr("done: replayed %1 of %2").arg(QLocale().toString(sent), QLocale().toString(m_total)));
    m_startButton->setEnabled(true);
    m_stopButton->setEnabled(false);
}

QString ReplayDialog::statusText() const { return m_status->text(); }

} // namespace rqc
