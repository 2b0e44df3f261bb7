#include "GroupCleanupFlow.h"

#include "Consumer.h"
#include "PaneGroups.h"
#include "QueuePane.h"

#include <QPushButton>
#include <QTimer>

#include <algorithm>

namespace rqc {

namespace {
constexpr int kStopPollMs = 50;
constexpr int kStopTries = 80; // 4 s: a consumer's stop deadline is 1.5 s

QString groupOn(const GroupFootprint& f)
{
    return GroupCleanupFlow::tr("consumer group %1 on stream %2")
        .arg(QString::fromUtf8(f.group), QString::fromUtf8(f.stream));
}

QString namesWithPending(const QList<QPair<QByteArray, qint64>>& consumers)
{
    QStringList names;
    for (const auto& [name, pending] : consumers) {
        names << (pending > 0 ? GroupCleanupFlow::tr("%1 (%n pending)", "", int(pending))
                                    .arg(QString::fromUtf8(name))
                              : QString::fromUtf8(name));
    }
    return names.join(QStringLiteral(", "));
}

bool anyConsumerRunning(const QList<QPointer<QueuePane>>& panes)
{
    for (const QPointer<QueuePane>& pane : panes) {
        if (!pane)
            continue;
        for (Consumer* c : pane->findChildren<Consumer*>(QString(), Qt::FindDirectChildrenOnly)) {
            if (c->isRunning())
                return true;
        }
    }
    return false;
}

// Whether pane (open, and not closing) reads footprint's group: then it stays as it is. (Its
// server is not compared: a group of the same name on another server is left alone too.)
bool reads(const QueuePane* pane, const GroupFootprint& f)
{
    const ConsumerSpec spec = pane->spec();
    return spec.mode == Mode::Stream && spec.target == f.stream &&
           spec.option(QStringLiteral("group"), QStringLiteral("rqconsole")).toUtf8() == f.group;
}

void merge(QList<GroupFootprint>& into, const GroupFootprint& f)
{
    for (GroupFootprint& known : into) {
        if (known.sameGroup(f)) {
            known.groupCreated = known.groupCreated || f.groupCreated;
            for (const QByteArray& c : f.consumers) {
                if (!known.consumers.contains(c))
                    known.consumers << c;
            }
            return;
        }
    }
    into << f;
}
} // namespace

struct GroupCleanupFlow::Run {
    QList<GroupFootprint> footprints;
    QList<QPointer<QueuePane>> stopping;
    std::function<void()> done;
    QList<GroupCleanupResult> checked;
    QList<GroupCleanupResult> cleaned;
    QList<GroupFootprint> offered;
    bool askedToKeep = false;
    int outstanding = 0;
};

GroupCleanupFlow::GroupCleanupFlow(QWidget* dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
{
    setObjectName(QStringLiteral("groupCleanup"));
}

GroupCleanupFlow::~GroupCleanupFlow() = default;

void GroupCleanupFlow::panesClosing(const QList<QueuePane*>& panes,
                                    const QList<QueuePane*>& stillOpen)
{
    QList<GroupFootprint> left;
    QList<QPointer<QueuePane>> stopping;
    for (QueuePane* pane : panes) {
        stopping << pane;
        for (const GroupFootprint& f : PaneGroups::footprintsOf(pane)) {
            bool inUse = false;
            for (const QueuePane* other : stillOpen)
                inUse = inUse || (!panes.contains(other) && reads(other, f));
            if (!inUse)
                merge(left, f);
        }
    }
    if (!left.isEmpty())
        start(left, stopping, {});
}

bool GroupCleanupFlow::holdQuit(const QList<QueuePane*>& panes, std::function<void()> reclose)
{
    if (m_quitSettled)
        return false;
    if (m_quitting)
        return true; // asked or cleaning already
    QList<GroupFootprint> left;
    QList<QPointer<QueuePane>> stopping;
    for (QueuePane* pane : panes) {
        for (const GroupFootprint& f : PaneGroups::footprintsOf(pane))
            merge(left, f);
        stopping << pane;
    }
    if (left.isEmpty()) {
        m_quitSettled = true;
        return false;
    }
    for (QueuePane* pane : panes)
        pane->stopConsumer();
    m_quitting = true;
    start(left, stopping, [this, reclose] {
        m_quitSettled = true;
        m_quitting = false;
        reclose();
    });
    return true;
}

void GroupCleanupFlow::start(const QList<GroupFootprint>& footprints,
                             const QList<QPointer<QueuePane>>& stopping, std::function<void()> done)
{
    auto* run = m_runs.emplace_back(std::make_unique<Run>()).get();
    run->footprints = footprints;
    run->stopping = stopping;
    run->done = std::move(done);
    ++m_running;
    // The consumers stop first: a stream-group consumer acks what it owes and lets its name go,
    // and no XREADGROUP makes its consumer again after the clean-up.
    QTimer::singleShot(0, this, [this, run] { waitStopped(run, kStopTries); });
}

void GroupCleanupFlow::waitStopped(Run* run, int triesLeft)
{
    if (triesLeft > 0 && anyConsumerRunning(run->stopping)) {
        QTimer::singleShot(kStopPollMs, this,
                           [this, run, triesLeft] { waitStopped(run, triesLeft - 1); });
        return;
    }
    checkAll(run);
}

void GroupCleanupFlow::checkAll(Run* run)
{
    run->outstanding = int(run->footprints.size());
    for (const GroupFootprint& f : std::as_const(run->footprints)) {
        auto* cleanup = new StreamGroupCleanup(this);
        connect(cleanup, &StreamGroupCleanup::finished, this,
                [this, run, cleanup](const GroupCleanupResult& result) {
                    cleanup->deleteLater();
                    run->checked << result;
                    if (--run->outstanding == 0)
                        ask(run);
                });
        cleanup->check(f);
    }
}

void GroupCleanupFlow::ask(Run* run)
{
    for (const GroupCleanupResult& r : std::as_const(run->checked)) {
        if (r.destroyable())
            run->offered << r.footprint;
    }
    if (run->offered.isEmpty()) {
        cleanAll(run, false);
        return;
    }
    if (m_box) { // one question at a time
        QTimer::singleShot(200, this, [this, run] {
            run->offered.clear();
            ask(run);
        });
        return;
    }
    QStringList lines;
    qint64 ownPending = 0;
    for (const GroupCleanupResult& r : std::as_const(run->checked)) {
        if (!r.destroyable())
            continue;
        ownPending += r.ownPending;
        QString line = QStringLiteral("• ") + groupOn(r.footprint);
        if (r.ownPending > 0)
            line += tr(" — %n entries still pending for this console", "", int(r.ownPending));
        lines << line;
    }
    const bool one = run->offered.size() == 1;
    auto* box = new QMessageBox(
        QMessageBox::Question, one ? tr("Remove consumer group?") : tr("Remove consumer groups?"),
        one ? tr("This console created %1, and nobody else uses it now. Remove it?")
                  .arg(groupOn(run->offered.first()))
            : tr("This console created these consumer groups, and nobody else uses them now. "
                 "Remove them?"),
        QMessageBox::NoButton, m_dialogParent);
    box->setObjectName(QStringLiteral("groupCleanupDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    QString details;
    if (!one)
        details = lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n");
    else if (ownPending > 0)
        details = tr("%n entries are still pending for this console in it.", "", int(ownPending)) +
                  QStringLiteral("\n\n");
    box->setInformativeText(
        details +
        tr("Removing runs XGROUP DESTROY: the group and its pending entries are forgotten; the "
           "stream's entries stay. A group left behind shows a growing lag, which monitoring may "
           "report."));
    QPushButton* remove = box->addButton(one ? tr("Remove group") : tr("Remove groups"),
                                         QMessageBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("removeGroupsButton"));
    QPushButton* keep = box->addButton(tr("Keep"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepGroupsButton"));
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    m_box = box;
    connect(box, &QMessageBox::finished, this, [this, box, remove, run] {
        const bool yes = box->clickedButton() == remove;
        m_box = nullptr;
        run->askedToKeep = !yes;
        cleanAll(run, yes);
    });
    box->open();
}

void GroupCleanupFlow::cleanAll(Run* run, bool destroy)
{
    QList<GroupFootprint> toClean;
    for (const GroupCleanupResult& r : std::as_const(run->checked)) {
        if (r.state == GroupCleanupResult::State::Gone)
            continue;
        if (r.state == GroupCleanupResult::State::Failed) {
            run->cleaned << r; // said as it is: not checked, so not touched
            continue;
        }
        toClean << r.footprint;
    }
    run->outstanding = int(toClean.size());
    if (toClean.isEmpty()) {
        finish(run);
        return;
    }
    for (const GroupFootprint& f : std::as_const(toClean)) {
        bool offered = false;
        for (const GroupFootprint& o : std::as_const(run->offered))
            offered = offered || o.sameGroup(f);
        auto* cleanup = new StreamGroupCleanup(this);
        connect(cleanup, &StreamGroupCleanup::finished, this,
                [this, run, cleanup](const GroupCleanupResult& result) {
                    cleanup->deleteLater();
                    run->cleaned << result;
                    if (--run->outstanding == 0)
                        finish(run);
                });
        cleanup->clean(f, destroy && offered);
    }
}

void GroupCleanupFlow::finish(Run* run)
{
    QStringList texts;
    for (const GroupCleanupResult& r : std::as_const(run->cleaned)) {
        const QString text = resultText(r, run->askedToKeep);
        if (!text.isEmpty())
            texts << text;
    }
    if (!texts.isEmpty())
        emit message(texts.join(QLatin1Char(' ')));
    std::function<void()> done = std::move(run->done);
    m_runs.erase(std::find_if(m_runs.begin(), m_runs.end(),
                              [run](const std::unique_ptr<Run>& r) { return r.get() == run; }));
    --m_running;
    if (done)
        done();
    if (m_running == 0)
        emit idle();
}

QString GroupCleanupFlow::resultText(const GroupCleanupResult& r, bool askedToKeep)
{
    using State = GroupCleanupResult::State;
    const GroupFootprint& f = r.footprint;
    const QString group = QString::fromUtf8(f.group);
    QStringList parts;
    switch (r.state) {
    case State::Failed:
        return tr("%1 was not cleaned up (%2); it stays.").arg(groupOn(f), r.error);
    case State::Gone:
        return {};
    case State::Destroyed:
        return tr("Removed %1, which this console had created (XGROUP DESTROY).").arg(groupOn(f));
    default:
        break;
    }
    if (f.groupCreated) {
        if (!r.others.isEmpty())
            parts << tr("%1, created by this console, stays: other consumers use it now (%2).")
                         .arg(groupOn(f), namesWithPending(r.others));
        else if (r.othersPending > 0)
            parts << tr("%1, created by this console, stays: %n entries are pending for other "
                        "consumers.",
                        "", int(r.othersPending))
                         .arg(groupOn(f));
        else if (askedToKeep)
            parts << tr("%1 stays, as you chose.").arg(groupOn(f));
    }
    for (const QByteArray& name : r.removedConsumers)
        parts << tr("Removed consumer %1 from group %2 (XGROUP DELCONSUMER).")
                     .arg(QString::fromUtf8(name), group);
    for (const auto& [name, pending] : r.keptConsumers)
        parts << tr("Consumer %1 stays in group %2: %n entries are pending for it.", "",
                    int(pending))
                     .arg(QString::fromUtf8(name), group);
    return parts.join(QLatin1Char(' '));
}

} // namespace rqc
