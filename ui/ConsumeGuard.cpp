#include "ConsumeGuard.h"

#include "ConsumerCensus.h"
#include "ConsumersLine.h"
#include "QueuePane.h"

#include <QCheckBox>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <memory>

namespace rqc {

struct ConsumeGuard::Pending {
    QPointer<QueuePane> pane;
    ConsumerSpec spec;
    std::unique_ptr<ConsumerCensus> census;
    bool ready = false; // census answered, failed or timed out
    QString censusError;
};

ConsumeGuard::ConsumeGuard(QSettings* settings, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_settings(settings)
    , m_dialogParent(dialogParent)
{
}

ConsumeGuard::~ConsumeGuard()
{
    qDeleteAll(m_pending);
    m_pending.clear();
}

void ConsumeGuard::setServer(const ConnectionSettings& server, bool sandbox, CensusService* census)
{
    m_server = server;
    m_census = census;
    m_sandbox = sandbox;
    m_known = true;
}

QString ConsumeGuard::serverIdentity(const ConnectionSettings& s)
{
    if (s.transport == ConnectionSettings::Transport::Unix)
        return QStringLiteral("unix:%1?db=%2").arg(s.socketPath).arg(s.db);
    return QStringLiteral("%1:%2/%3").arg(s.host).arg(s.port).arg(s.db);
}

QString ConsumeGuard::groupKey() const
{
    // QSettings keys cannot hold '/' freely: the identity is percent-encoded.
    return QStringLiteral("safety/") +
           QString::fromLatin1(QUrl::toPercentEncoding(serverIdentity(m_server)));
}

ConsumerSpec ConsumeGuard::safeSpec(const ConsumerSpec& spec)
{
    if (!ConsumerSpec::consumes(spec.mode))
        return spec;
    ConsumerSpec safe;
    safe.target = spec.target;
    safe.mode = spec.mode == Mode::Stream ? Mode::Tail : Mode::Peek;
    if (spec.options.contains(QStringLiteral("record")))
        safe.options.insert(QStringLiteral("record"), spec.option(QStringLiteral("record")));
    return safe;
}

QString ConsumeGuard::whatHappens(const ConsumerSpec& spec)
{
    const QString target = QString::fromUtf8(spec.target);
    switch (spec.mode) {
    case Mode::List:
        return tr("This pane will take messages from list %1 with %2; your workers will not get "
                  "them, and a message it takes is lost if the console dies before showing it.")
            .arg(target, spec.option(QStringLiteral("direction")) == QLatin1String("lifo")
                             ? QStringLiteral("BLPOP")
                             : QStringLiteral("BRPOP"));
    case Mode::Reliable:
        return tr("This pane will move messages from list %1 into its own processing list with "
                  "BLMOVE; your workers will not get them.")
            .arg(target);
    case Mode::Stream:
        return tr("This pane will read the entries of stream %1 in consumer group %2 with "
                  "XREADGROUP; the entries it reads are not delivered to the group's other "
                  "consumers. A group the console creates stays on the server unless you remove "
                  "it when you close the pane or quit.")
            .arg(target, spec.option(QStringLiteral("group"), QStringLiteral("rqconsole")));
    default:
        return tr("This pane takes nothing from %1.").arg(target);
    }
}

QStringList ConsumeGuard::consumersThere(const ConsumerSpec& spec, const QueueSnapshot& census)
{
    // Not read at all (its master is down, or on a stale cluster map): no "nobody there" from an
    // empty census, only why it could not be listed.
    if (!census.elsewhere.isEmpty())
        return {tr("The consumers already there could not be listed: %1.").arg(census.elsewhere)};
    QStringList lines;
    if (spec.mode == Mode::Stream) {
        const QByteArray group =
            spec.option(QStringLiteral("group"), QStringLiteral("rqconsole")).toUtf8();
        const bool exists = std::any_of(census.groups.cbegin(), census.groups.cend(),
                                        [&group](const auto& g) { return g.name == group; });
        lines << (exists ? tr("Group %1 exists already: the console will not remove it, only its "
                              "own consumer once nothing is pending for it.")
                         : tr("Group %1 does not exist yet: the console will create it (XGROUP "
                              "CREATE), and it stays on the server unless you remove it when "
                              "you close the pane or quit."))
                     .arg(QString::fromUtf8(group));
        lines
            << tr("Consumers already there: %1").arg(ConsumersLine::groupsText(census, group, 10));
        // The pane's own group is the one affected: the others are named without it.
        QueueSnapshot others = census;
        others.groups.removeIf([&group](const auto& g) { return g.name == group; });
        if (!others.groups.isEmpty())
            lines << tr("Other groups (not affected): %1").arg(ConsumersLine::groupsText(others));
        return lines;
    }
    const QString pops = ConsumersLine::listPopsText(census, 10);
    const QString processing = ConsumersLine::processingText(census, 10);
    if (spec.mode == Mode::Reliable)
        lines << tr("Consumers already there: %1; %2").arg(processing, pops);
    else
        lines << tr("Consumers already there: %1; %2").arg(pops, processing);
    return lines;
}

bool ConsumeGuard::dontAsk() const
{
    return m_known && m_settings->value(groupKey() + QStringLiteral("/dontAsk")).toBool();
}

bool ConsumeGuard::wasConfirmed(const ConsumerSpec& spec) const
{
    if (!m_known)
        return false;
    if (m_sandbox || dontAsk())
        return true;
    const QString key =
        ConsumerSpec::modeName(spec.mode) + QLatin1Char(':') + QString::fromUtf8(spec.target);
    return m_settings->value(groupKey() + QStringLiteral("/confirmed"))
        .toStringList()
        .contains(key);
}

void ConsumeGuard::recordConfirmed(const ConsumerSpec& spec)
{
    if (!m_known || m_sandbox || !ConsumerSpec::consumes(spec.mode))
        return;
    const QString settingKey = groupKey() + QStringLiteral("/confirmed");
    QStringList confirmed = m_settings->value(settingKey).toStringList();
    const QString key =
        ConsumerSpec::modeName(spec.mode) + QLatin1Char(':') + QString::fromUtf8(spec.target);
    if (confirmed.contains(key))
        return;
    confirmed << key;
    m_settings->setValue(settingKey, confirmed);
}

void ConsumeGuard::approve(QueuePane* pane, const ConsumerSpec& spec)
{
    pane->approveConsuming(spec.target);
    recordConfirmed(spec);
    pane->setSpec(spec);
}

void ConsumeGuard::ask(QueuePane* pane, const ConsumerSpec& spec)
{
    if (!pane)
        return;
    if (m_known && (m_sandbox || dontAsk())) {
        approve(pane, spec);
        return;
    }
    for (Pending* p : std::as_const(m_pending)) {
        if (p->pane == pane && p->spec.target == spec.target) { // asked already: the latest wins
            p->spec = spec;
            return;
        }
    }
    auto* pending = new Pending;
    pending->pane = pane;
    pending->spec = spec;
    m_pending << pending;
    if (!m_known) {
        pending->ready = true;
        pending->censusError = tr("not connected to the server yet");
        showQuestion(pending);
        return;
    }
    pending->census = m_census ? std::make_unique<ConsumerCensus>(m_census.data(), spec.target)
                               : std::make_unique<ConsumerCensus>(m_server, spec.target);
    connect(pending->census.get(), &ConsumerCensus::updated, this, [this, pending] {
        if (!pending->ready) {
            pending->ready = true;
            showQuestion(pending);
        }
    });
    connect(pending->census.get(), &ConsumerCensus::errorOccurred, this,
            [this, pending](const QString& error) {
                if (!pending->ready) {
                    pending->ready = true;
                    pending->censusError = error;
                    showQuestion(pending);
                }
            });
    QTimer::singleShot(censusTimeoutMs(), pending->census.get(), [this, pending] {
        if (!pending->ready) {
            pending->ready = true;
            pending->censusError = tr("the server did not answer in time");
            showQuestion(pending);
        }
    });
    pending->census->start();
}

void ConsumeGuard::showQuestion(Pending* pending)
{
    if (m_box) // one question at a time; the next follows when this one is answered
        return;
    if (!pending->pane) {
        m_pending.removeAll(pending);
        delete pending;
        return;
    }
    const ConsumerSpec spec = pending->spec;
    QStringList there;
    if (pending->census && pending->census->hasResult())
        there = consumersThere(spec, pending->census->last());
    else
        there
            << tr("The consumers already there could not be listed: %1.").arg(pending->censusError);
    pending->census.reset(); // asked once: nothing more to read

    auto* box = new QMessageBox(QMessageBox::Question,
                                tr("Consume from %1?").arg(QString::fromUtf8(spec.target)),
                                whatHappens(spec), QMessageBox::NoButton, m_dialogParent);
    box->setObjectName(QStringLiteral("consumeConfirmDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->setInformativeText(there.join(QLatin1Char('\n')));
    QPushButton* consume = box->addButton(
        tr("Consume with %1").arg(ConsumerSpec::modeLabel(spec.mode)), QMessageBox::AcceptRole);
    consume->setObjectName(QStringLiteral("consumeButton"));
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    box->setDefaultButton(cancel);
    auto* dontAskAgain = new QCheckBox(tr("Don't ask again for this server"), box);
    dontAskAgain->setObjectName(QStringLiteral("dontAskAgainCheck"));
    box->setCheckBox(dontAskAgain);
    m_box = box;
    connect(box, &QMessageBox::finished, this, [this, box, consume, dontAskAgain, pending, spec] {
        const bool yes = box->clickedButton() == consume;
        QPointer<QueuePane> pane = pending->pane;
        m_pending.removeAll(pending);
        delete pending;
        m_box = nullptr;
        if (yes && dontAskAgain->isChecked() && m_known) {
            m_settings->setValue(groupKey() + QStringLiteral("/dontAsk"), true);
            m_settings->sync();
        }
        if (pane && yes)
            approve(pane, spec);
        emit answered(pane, yes);
        for (Pending* next : std::as_const(m_pending)) {
            if (next->ready) {
                showQuestion(next);
                break;
            }
        }
    });
    box->open();
}

} // namespace rqc
